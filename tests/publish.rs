//! Publishing: metadata for search engines and sharing, sitemap, robots, 404, print page, search
//! index, and deploying under any base path.

mod common;

use std::fs;

use common::*;

fn build_with_base(root: &std::path::Path, base: &str) -> std::path::PathBuf {
    let opts = tebiki::BuildOptions { root: root.to_path_buf(), base_url: Some(base.into()), ..Default::default() };
    tebiki::build(&opts).unwrap_or_else(|d| panic!("{}", d.render(false))).output
}

fn json_ld(doc: &scraper::Html) -> serde_json::Value {
    let raw = texts(doc, "script[type='application/ld+json']").remove(0);
    serde_json::from_str(&raw).unwrap()
}

#[test]
fn pages_have_title_description_canonical_open_graph_and_json_ld() {
    let (_t, root) = guide();
    let out = build_with_base(&root, "https://example.org/guide/");
    let doc = html(&out, "risks/index.html");
    let title = texts(&doc, "title").remove(0);
    assert!(title.ends_with(" — 転職エージェントを「バックレ」ないための手引き"), "{title}");
    assert!(!attrs(&doc, "meta[name=description]", "content")[0].is_empty());
    assert_eq!(attrs(&doc, "link[rel=canonical]", "href"), ["https://example.org/guide/risks/"]);
    assert_eq!(attrs(&doc, "meta[property='og:url']", "content"), ["https://example.org/guide/risks/"]);
    assert_eq!(attrs(&doc, "meta[property='og:type']", "content"), ["article"]);
    // With an absolute base URL every page has a share card (tests/cards.rs).
    assert_eq!(attrs(&doc, "meta[name='twitter:card']", "content"), ["summary_large_image"]);
    let ld = json_ld(&doc);
    let types: Vec<&str> = ld["@graph"].as_array().unwrap().iter().map(|g| g["@type"].as_str().unwrap()).collect();
    assert_eq!(types, ["Article", "BreadcrumbList"]);
    assert_eq!(ld["@graph"][1]["itemListElement"][0]["item"], "https://example.org/guide/");
    let home = html(&out, "index.html");
    let ld = json_ld(&home);
    assert_eq!(ld["@graph"][0]["@type"], "WebSite");
}

#[test]
fn description_falls_back_to_the_first_paragraph_cut_at_a_sentence_end() {
    let long = "最初の文です。".repeat(30);
    let (_t, root) = site(&[("content/a.md", &format!("---\ntitle: A\n---\n{long}\n"))]);
    let out = build(&root);
    let d = attrs(&html(&out, "a/index.html"), "meta[name=description]", "content").remove(0);
    assert!(d.ends_with('。') && d.chars().count() <= 120, "{d}");
}

#[test]
fn sitemap_lists_absolute_urls_with_lastmod_and_robots_points_to_it() {
    let (_t, root) = fixture("japanese");
    let out = build(&root);
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://example.org/docs/typography/</loc><lastmod>2026-11-20</lastmod>"),
        "{sitemap}"
    );
    assert_eq!(sitemap.matches("<url>").count(), 3);
    let robots = fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/docs/sitemap.xml"));
}

#[test]
fn without_an_absolute_base_url_there_is_no_sitemap_and_no_relative_canonical() {
    let (_t, root) = site(&[]);
    let out = build(&root);
    assert!(!out.join("sitemap.xml").exists());
    assert!(out.join("robots.txt").exists());
    assert!(attrs(&html(&out, "index.html"), "link[rel=canonical]", "href").is_empty());
}

#[test]
fn not_found_page_only_uses_absolute_urls() {
    let (_t, root) = guide();
    let out = build_with_base(&root, "https://example.org/deep/base/");
    let doc = html(&out, "404.html");
    let urls: Vec<String> = attrs(&doc, "[href]", "href").into_iter().chain(attrs(&doc, "[src]", "src")).collect();
    assert!(!urls.is_empty());
    for u in urls {
        assert!(u.starts_with("/deep/base/") || u.starts_with("https://") || u == "#top" || u == "#main", "{u}");
    }
}

#[test]
fn print_page_holds_the_whole_guide_with_working_in_page_links() {
    let (_t, root) = guide();
    let out = build(&root);
    let doc = html(&out, "print/index.html");
    assert_eq!(
        attrs(&doc, "section.print-page", "id"),
        ["index", "risks", "causes", "aftermath", "remedies", "summary", "faq"]
    );
    // One top-level heading: each page's own h1 sits one level down under the cover's.
    let h1s = doc.select(&scraper::Selector::parse("h1").unwrap()).count();
    assert_eq!(texts(&doc, "section.print-page[headingoffset='1'] > h1").len(), h1s - 1);
    assert_eq!(texts(&doc, ".print-cover > h1").len(), 1);
    let ids = attrs(&doc, "[id]", "id");
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids on the print page");
    let mut in_page = 0;
    for href in attrs(&doc, ".print-doc a[href^='#']", "href") {
        let id = common::percent_decode(&href[1..]);
        assert!(ids.contains(&id), "{href} has no target");
        in_page += 1;
    }
    assert!(in_page > 30, "cross-links became in-page links ({in_page})");
}

#[test]
fn every_link_and_asset_works_under_a_base_path() {
    let (_t, root) = guide();
    let out = build_with_base(&root, "https://example.org/some/path/");
    let mut n = 0;
    for entry in snapshot_dir(&out) {
        if !entry.0.ends_with(".html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8(entry.1).unwrap());
        for u in attrs(&doc, "[href]", "href").into_iter().chain(attrs(&doc, "[src]", "src")) {
            if u.starts_with('#') || u.starts_with("https://") {
                continue;
            }
            let rest =
                u.strip_prefix("/some/path/").unwrap_or_else(|| panic!("{}: {u} ignores the base path", entry.0));
            let path = rest.split('#').next().unwrap();
            let path = common::percent_decode(path);
            let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path };
            assert!(out.join(&file).is_file(), "{}: {u} → {file} missing", entry.0);
            n += 1;
        }
        assert_eq!(attrs(&doc, "#search", "data-base"), ["/some/path/"], "{}", entry.0);
    }
    assert!(n > 100);
}

#[test]
fn search_index_finds_japanese_words_by_bigrams() {
    let (_t, root) = guide();
    let out = build(&root);
    let meta: serde_json::Value = serde_json::from_slice(&fs::read(out.join("search/meta.json")).unwrap()).unwrap();
    let shards = meta["shards"].as_u64().unwrap() as usize;
    let lookup = |tok: &str| -> Vec<u64> {
        let shard: serde_json::Value = serde_json::from_slice(
            &fs::read(out.join("search").join(tebiki::internals::file_name(
                "s",
                tebiki::internals::shard_of(tok, shards),
                "json",
            )))
            .unwrap(),
        )
        .unwrap();
        postings(&shard, tok)
    };
    let docs: Vec<(String, String, String)> = (0..)
        .map_while(|n| fs::read(out.join("search").join(tebiki::internals::file_name("d", n, "json"))).ok())
        .flat_map(|b| tebiki::internals::read_rows(&b).unwrap())
        .collect();
    // 謝罪 (apology) is one bigram: it must lead to the remedies section about apologising.
    let hits = lookup("謝罪");
    assert!(hits.iter().any(|&d| docs[d as usize].0.starts_with("/remedies/#")), "{hits:?}");
    // ブラックリスト: every bigram must be present in the aftermath section.
    let mut sets: Vec<Vec<u64>> = ["ブラ", "ラッ", "ック", "クリ", "リス", "スト"].iter().map(|t| lookup(t)).collect();
    let first = sets.remove(0);
    let both: Vec<u64> = first.into_iter().filter(|d| sets.iter().all(|s| s.contains(d))).collect();
    assert!(both.iter().any(|&d| docs[d as usize].0.contains("/aftermath/")));
}

#[test]
fn search_can_be_turned_off() {
    let (_t, root) = site(&[("site.yaml", "title: x\nsearch: false\n")]);
    let out = build(&root);
    assert!(!out.join("search").exists());
    let doc = html(&out, "index.html");
    assert!(attrs(&doc, "#search", "id").is_empty());
    assert!(!attrs(&doc, "script[src]", "src").iter().any(|s| s.contains("search.")));
}
