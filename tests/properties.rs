//! Property tests (proptest) for the invariants of issue 6: rendering never panics, heading ids
//! are unique per page, every rewritten internal link resolves to an output file and an existing
//! id, and the output is deterministic. Case counts are kept small so this file runs in seconds;
//! the fuzz targets under `fuzz/` explore the same ground for hours (docs/dev/reliability.md).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use proptest::prelude::*;
use scraper::{Html, Selector};
use tebiki::internals::{PageInput, SiteMap};

mod common;
use common::percent_decode;

/// Cases per property: small for `cargo test`; `PROPTEST_CASES=N` runs a longer soak.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Japanese-heavy text: kana, kanji, Japanese punctuation, Markdown syntax and ASCII.
const ALPHABET: &str = "[ぁ-ゖァ-ヺー一-龠日本語謝罪対処法。、「」（）！？*_#>\\[\\]()\n !-~]{0,300}";

/// Markdown-shaped fragments, so headings, emphasis runs, links and footnotes are frequent.
const TOKENS: &[&str] = &[
    "\n",
    "\n\n",
    "## ",
    "### ",
    "# ",
    "> ",
    "> [!NOTE]\n> ",
    "- ",
    "1. ",
    "**",
    "*",
    "__",
    "_",
    "~~",
    "「",
    "」",
    "。",
    "、",
    "重要",
    "謝罪する",
    "正直に",
    "バックレ",
    "見出し",
    "abc",
    "Why Not",
    " ",
    "[",
    "]",
    "(",
    ")",
    "[対処](../remedies.md#正直に謝罪する)",
    "[ここ](#見出し)",
    "[上](#top)",
    "[^1]",
    "\n\n[^1]: 脚注",
    "{#見出し}",
    "{#fn-1}",
    "[^1-ref]",
    "\n\n[^1-ref]: 注",
    "## fn-1-ref\n",
    "`コード`",
    "\n```\n## 見出し\n```\n",
    "![図](../images/a.svg \"図1\")",
];

fn tokens() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|v| v.concat())
}

fn markdown_text() -> impl Strategy<Value = String> {
    prop_oneof![ALPHABET.prop_map(|s| s), tokens()]
}

fn site_map() -> SiteMap {
    let mut m = SiteMap { base_path: "/guide/".into(), ..Default::default() };
    for (s, p) in [("_index.md", ""), ("remedies.md", "remedies/"), ("guide/手順.md", "guide/手順/")] {
        m.page_by_source.insert(s.into(), p.into());
        m.source_by_path.insert(p.into(), s.into());
    }
    m.assets.insert("images/a.svg".into());
    m
}

fn render(body: &str) -> tebiki::internals::Rendered {
    let text = format!("---\ntitle: 題\n---\n{body}");
    let input = PageInput {
        source: "guide/手順.md",
        shown: Path::new("content/guide/手順.md"),
        text: &text,
        body_offset: text.len() - body.len(),
    };
    tebiki::internals::render_markdown(&input, &site_map())
}

/// Every `id` attribute of an HTML fragment or document.
fn ids_in(html: &str) -> Vec<String> {
    let doc = Html::parse_fragment(html);
    let sel = Selector::parse("[id]").unwrap();
    doc.select(&sel).filter_map(|e| e.value().attr("id").map(str::to_owned)).collect()
}

fn duplicates(ids: &[String]) -> Vec<&String> {
    let mut seen = HashSet::new();
    ids.iter().filter(|id| !seen.insert(*id)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rendering_japanese_markdown_never_panics(body in markdown_text()) {
        let r = render(&body);
        prop_assert!(r.cjk_count <= r.char_count);
        for l in &r.links {
            prop_assert!(l.range.end <= body.len());
        }
    }

    #[test]
    fn heading_ids_are_unique_per_page(body in tokens()) {
        let r = render(&body);
        let toc: Vec<String> = r.toc.iter().map(|e| e.id.clone()).collect();
        prop_assert!(duplicates(&toc).is_empty(), "toc {:?}", toc);
        // Headings, footnotes and footnote references together: no id twice in the HTML
        // (the token alphabet has no raw HTML that could add ids of its own).
        let html_ids = ids_in(&r.html);
        prop_assert!(duplicates(&html_ids).is_empty(), "ids {:?}\n{}", html_ids, r.html);
        for id in &toc {
            prop_assert!(r.ids.contains(id));
            prop_assert!(!tebiki::internals::RESERVED_IDS.contains(&id.as_str()), "reserved id {id}");
        }
    }
}

/// A generated site: pages with headings and links to other pages' headings.
#[derive(Debug, Clone)]
struct GenSite {
    base_url: &'static str,
    pages: Vec<GenPage>,
}

/// (source path, headings, links as (target page index, index of a heading there or none)).
type GenPage = (String, Vec<&'static str>, Vec<(usize, Option<usize>)>);

const SOURCES: &[&str] = &["_index.md", "risks.md", "対処法.md", "guide/_index.md", "guide/手順.md", "guide/x y.md"];
const HEADINGS: &[&str] =
    &["正直に謝罪する", "リスク1：キャリアに傷がつく", "Why Not バックレ?", "「重要」な ポイント", "まとめ", "まとめ"];
const BASES: &[&str] = &["/", "/guide/", "https://example.org/docs/"];

fn gen_site() -> impl Strategy<Value = GenSite> {
    (2..=SOURCES.len(), prop::sample::select(BASES))
        .prop_flat_map(|(n, base_url)| {
            let page = (
                prop::collection::vec(prop::sample::select(HEADINGS), 0..5),
                prop::collection::vec((0..n, prop::option::of(0..5usize)), 0..5),
            );
            (Just(base_url), prop::collection::vec(page, n))
        })
        .prop_map(|(base_url, pages)| GenSite {
            base_url,
            pages: pages.into_iter().enumerate().map(|(i, (h, l))| (SOURCES[i].to_string(), h, l)).collect(),
        })
}

/// The relative link from page `from` to page `to` (both sources under content/).
fn relative(from: &str, to: &str) -> String {
    let up = from.matches('/').count();
    format!("{}{}", "../".repeat(up), to)
}

impl GenSite {
    fn files(&self) -> Vec<(String, String)> {
        let mut files = vec![("site.yaml".to_string(), format!("title: 生成サイト\nbase_url: {}\n", self.base_url))];
        for (i, (src, headings, links)) in self.pages.iter().enumerate() {
            let mut body = format!("---\ntitle: ページ{i}\nweight: {i}\n---\n本文の段落です。\n\n");
            for (k, h) in headings.iter().enumerate() {
                body.push_str(&format!(
                    "{} {h}\n\n本文{k}。**「強調」**です。\n\n",
                    if k % 2 == 0 { "##" } else { "###" }
                ));
            }
            for (to, heading) in links {
                let (tsrc, theads, _) = &self.pages[*to];
                let anchor = heading.and_then(|h| theads.get(h)).map(|h| format!("#{h}")).unwrap_or_default();
                let href =
                    if to == &i && !anchor.is_empty() { anchor } else { format!("{}{anchor}", relative(src, tsrc)) };
                // Spaces in a destination need angle brackets in CommonMark.
                body.push_str(&format!("[リンク](<{href}>)へ。\n"));
            }
            files.push((format!("content/{src}"), body));
        }
        if !self.pages.iter().any(|(s, ..)| s == "_index.md") {
            files.push(("content/_index.md".into(), "---\ntitle: ホーム\n---\n".into()));
        }
        files
    }

    fn write(&self, root: &Path) {
        for (rel, text) in self.files() {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }
}

fn build_in(dir: &Path, site: &GenSite) -> Vec<tebiki::OutputFile> {
    site.write(dir);
    let opts = tebiki::BuildOptions { root: dir.to_path_buf(), ..Default::default() };
    match tebiki::build_site(&opts) {
        Ok(s) => s.files,
        Err(d) => panic!("generated site failed to build:\n{}\n{:#?}", d.render(false), site.files()),
    }
}

/// The base path of a base URL: `/docs/` for `https://example.org/docs/`.
fn base_path(base_url: &str) -> &str {
    match base_url.find("://") {
        Some(i) => &base_url[i + 3..][base_url[i + 3..].find('/').unwrap()..],
        None => base_url,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_rewritten_internal_link_resolves_to_a_file_and_an_id(site in gen_site()) {
        let tmp = tempfile::tempdir().unwrap();
        let files = build_in(tmp.path(), &site);
        let by_path: HashMap<&str, &[u8]> = files.iter().map(|f| (f.path.as_str(), f.data.as_ref())).collect();
        let mut ids_of: HashMap<&str, HashSet<String>> = HashMap::new();
        let base = base_path(site.base_url);
        let origin = &site.base_url[..site.base_url.len() - base.len()];
        let sel = Selector::parse("a[href]").unwrap();
        let mut checked = 0;
        for f in files.iter().filter(|f| f.path.ends_with(".html")) {
            let doc = Html::parse_document(std::str::from_utf8(&f.data).unwrap());
            for href in doc.select(&sel).filter_map(|e| e.value().attr("href")) {
                // Absolute URLs into the site (canonical, og:url) keep only their path.
                let href = href.strip_prefix(origin).filter(|_| !origin.is_empty()).unwrap_or(href).to_string();
                if href.contains("://") || href.starts_with("mailto:") {
                    continue;
                }
                let (path, frag) = href.split_once('#').map_or((href.as_str(), None), |(a, b)| (a, Some(b)));
                let target = if path.is_empty() {
                    f.path.clone()
                } else {
                    let rel = percent_decode(path);
                    let rel = rel.strip_prefix(base).unwrap_or_else(|| panic!("{}: {href} outside base {base}", f.path));
                    if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() }
                };
                prop_assert!(by_path.contains_key(target.as_str()), "{}: {} → {} missing", f.path, href, target);
                // `#top` needs no element: HTML scrolls to the top of the document for it.
                if let Some(frag) = frag.filter(|f| !f.is_empty() && *f != "top") {
                    let ids = ids_of.entry(by_path.get_key_value(target.as_str()).unwrap().0).or_insert_with(|| {
                        ids_in(std::str::from_utf8(by_path[target.as_str()]).unwrap()).into_iter().collect()
                    });
                    let id = percent_decode(frag);
                    prop_assert!(ids.contains(&id), "{}: {} → #{} not an id of {}", f.path, href, id, target);
                }
                checked += 1;
            }
        }
        prop_assert!(checked > 0);
    }

    #[test]
    fn builds_of_the_same_site_are_byte_identical(site in gen_site()) {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let first = build_in(a.path(), &site);
        let again = build_in(a.path(), &site);
        prop_assert!(first == again, "two builds in the same folder differ");
        // Where the site lives on disk must not leak into the output either.
        let elsewhere = build_in(b.path(), &site);
        prop_assert_eq!(first.len(), elsewhere.len());
        for (x, y) in first.iter().zip(&elsewhere) {
            prop_assert!(x == y, "{} differs between two folders", x.path);
        }
    }
}

// Shrunk inputs the properties above found, kept as plain tests.

#[test]
fn footnote_defined_twice_keeps_one_definition_and_warns() {
    let r = render("[^1]\n\n[^1]: 一つ目\n\n[^1]: 二つ目\n");
    let ids = ids_in(&r.html);
    assert!(duplicates(&ids).is_empty(), "{ids:?}\n{}", r.html);
    assert!(r.html.contains("一つ目") && !r.html.contains("二つ目"), "{}", r.html);
    assert!(r.diagnostics.iter().any(|d| d.message.contains("defined twice")));
}

#[test]
fn footnote_reference_ids_never_collide_with_other_footnotes_or_headings() {
    for body in [
        "[^1]\n\n[^1-ref]: 注\n\n[^1]: 脚注\n",
        "\n\n[^1-ref]: 注[^1]\n\n[^1]: 脚注\n",
        "## fn-1-ref\n\n[^1][^1]\n\n[^1]: 脚注\n",
    ] {
        let r = render(body);
        let ids = ids_in(&r.html);
        assert!(duplicates(&ids).is_empty(), "{body:?}: {ids:?}\n{}", r.html);
        // The back-reference points at the first reference, whatever id it got.
        let doc = Html::parse_fragment(&r.html);
        let sel = Selector::parse("a.footnote-backref").unwrap();
        for a in doc.select(&sel) {
            let target = a.value().attr("href").unwrap().trim_start_matches('#');
            assert!(ids.iter().any(|i| i == target), "{body:?}: backref #{target} dangles");
        }
    }
}
