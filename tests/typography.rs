//! Japanese typography (issue 24): ruby, phrase breaks, spacing setting and date styles, built
//! into a temp folder and read back with an HTML parser.

mod common;

use common::{attrs, build, build_err, html, site, texts};
use scraper::{Html, Selector};

const RUBY_PAGE: &str = "---
title: 転職エージェントへの連絡を止めたときに起きること
date: 2019-05-01
updated: 2019-04-30
related: [other.md]
---
{手引|てび}きを読めば、｜漢字《かんじ》の読み方がわかります。

## {漢字|かんじ}の読み方

{漢字|かん|じ}は一字ずつ読みます。`{code|こーど}` はそのまま、\\{漢字|かんじ} も文字のままです。

### 担当者への連絡を止めた理由を正直に伝えるための例文

```message
件名：{件名|けんめい}のご連絡
```
";

const OTHER_PAGE: &str = "---
title: 連絡を再開するときの謝罪メールの書き方と送るタイミング
---
[読み方](ruby.md#漢字の読み方)を確認してください。
";

fn ruby_site(config: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    site(&[("site.yaml", config), ("content/ruby.md", RUBY_PAGE), ("content/other.md", OTHER_PAGE)])
}

fn select<'a>(doc: &'a Html, sel: &str) -> Vec<scraper::ElementRef<'a>> {
    let s = Selector::parse(sel).unwrap();
    doc.select(&s).collect()
}

#[test]
fn ruby_is_shown_and_everything_else_uses_the_base_text() {
    let (_t, root) = ruby_site("title: テスト\nbase_url: https://example.org/g/\n");
    let out = build(&root);
    let doc = html(&out, "ruby/index.html");

    // Group, Aozora and per-character ruby, with <rp> fallbacks.
    let rubies = select(&doc, ".content ruby");
    let shown: Vec<String> = rubies.iter().map(|r| r.text().collect()).collect();
    assert_eq!(shown[..4], ["手引（てび）", "漢字（かんじ）", "漢字（かんじ）", "漢（かん）字（じ）"], "{shown:?}");
    assert_eq!(texts(&doc, ".content h2 ruby rt"), ["かんじ"]);
    // Never inside code, and `\{` stays literal.
    assert_eq!(texts(&doc, ".content p code"), ["{code|こーど}"]);
    assert!(texts(&doc, ".content p").iter().any(|p| p.contains("{漢字|かんじ} も文字のまま")));
    assert_eq!(texts(&doc, ".content .message-body"), ["件名：{件名|けんめい}のご連絡"]);

    // The heading keeps the base text as its id; the other page's anchor to it is verified.
    assert_eq!(attrs(&doc, ".content h2", "id"), ["漢字の読み方"]);
    assert_eq!(attrs(&doc, ".page-toc-list a", "href")[0], "#漢字の読み方");
    assert_eq!(texts(&doc, ".page-toc-list a")[0], "漢字の読み方");

    // Title, description, Open Graph, JSON-LD: base text, no readings, no markup.
    let description = attrs(&doc, "meta[name=description]", "content");
    assert_eq!(description, ["手引きを読めば、漢字の読み方がわかります。"]);
    assert_eq!(attrs(&doc, "meta[property='og:description']", "content"), description);
    let ld = texts(&doc, "script[type='application/ld+json']").join("");
    assert!(ld.contains("手引きを読めば") && !ld.contains("てび"), "{ld}");

    // Search indexes the readings too (かんじ finds the page), the shown text does not have them.
    let search: String = walk(&out.join("search")).into_iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    for bigram in ["かん", "てび"] {
        assert!(search.contains(&format!("\"{bigram}\"")), "{bigram} is not indexed");
    }
}

#[test]
fn ruby_does_not_count_toward_reading_time_or_the_print_page() {
    let (_t, root) = ruby_site("title: テスト\n");
    let out = build(&root);
    let print = html(&out, "print/index.html");
    let toc = texts(&print, ".print-toc-list a");
    assert!(toc.contains(&"転職エージェントへの連絡を止めたときに起きること".to_string()), "{toc:?}");
    // The page's own text, with its readings, is the same length as without them.
    let plain = RUBY_PAGE.replace("{手引|てび}", "手引").replace("｜漢字《かんじ》", "漢字");
    let plain = plain.replace("## {漢字|かんじ}", "## 漢字").replacen("{漢字|かん|じ}", "漢字", 1);
    let count = |md: &str| {
        let page = tebiki::internals::PageInput {
            source: "ruby.md",
            shown: std::path::Path::new("content/ruby.md"),
            text: md,
            body_offset: md.find("\n---\n").unwrap() + 5,
        };
        let r = tebiki::internals::render_markdown(&page, &tebiki::internals::SiteMap::default());
        (r.cjk_count, r.word_count, r.toc[0].title.clone())
    };
    assert_eq!(count(RUBY_PAGE), count(&plain));
}

#[test]
fn phrase_breaks_in_titles_headings_and_navigation_never_reach_text_ids_or_metadata() {
    let (_t, root) = ruby_site("title: テスト\nbase_url: https://example.org/g/\n");
    let out = build(&root);
    let doc = html(&out, "ruby/index.html");
    let title = "転職エージェントへの連絡を止めたときに起きること";
    let other = "連絡を再開するときの謝罪メールの書き方と送るタイミング";
    // Each of these carries <wbr> and still reads as the plain title (copied text is the same).
    for (sel, text) in [
        (".doc-title", title),
        (".site-nav-item a[aria-current]", title),
        (".breadcrumb [aria-current]", title),
        (".pager-title", other),
        (".link-card-title", other),
        (".content h3", "担当者への連絡を止めた理由を正直に伝えるための例文 #"),
        (".page-toc-sub a", "担当者への連絡を止めた理由を正直に伝えるための例文"),
    ] {
        let found = select(&doc, sel).into_iter().find(|e| e.text().collect::<String>().trim() == text);
        let el = found.unwrap_or_else(|| panic!("no {sel} reading {text}"));
        assert!(el.inner_html().contains("<wbr>"), "{sel}: {}", el.inner_html());
    }
    // Ids, <title> and metadata are plain text.
    let raw = std::fs::read_to_string(out.join("ruby/index.html")).unwrap();
    let head = &raw[..raw.find("</head>").unwrap()];
    assert!(!head.contains("wbr"), "{head}");
    assert_eq!(texts(&doc, "title"), [format!("{title} — テスト")]);
    assert!(attrs(&doc, "[id]", "id").iter().all(|id| !id.contains("wbr")));
    // Search text and the sitemap never see them.
    for p in walk(&out.join("search")).into_iter().chain([out.join("sitemap.xml")]) {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        assert!(!text.contains("wbr"), "{}", p.display());
    }
    // The print page's table of contents is plain; its page titles break like the page's.
    let print = std::fs::read_to_string(out.join("print/index.html")).unwrap();
    let toc = &print[print.find("print-toc-list").unwrap()..print.find("</nav>").unwrap()];
    assert!(!toc.contains("wbr"), "{toc}");
}

#[test]
fn dates_are_western_by_default_and_wareki_on_request_and_stay_iso_in_markup() {
    let (_t, root) = ruby_site("title: テスト\nbase_url: https://example.org/g/\n");
    let doc = html(&build(&root), "ruby/index.html");
    assert_eq!(texts(&doc, ".doc-meta time"), ["2019年4月30日"]);

    let (_t, root) = ruby_site("title: テスト\nbase_url: https://example.org/g/\ndate_style: wareki\n");
    let doc = html(&build(&root), "ruby/index.html");
    assert_eq!(texts(&doc, ".doc-meta time"), ["平成31年4月30日"]);
    assert_eq!(attrs(&doc, ".doc-meta time", "datetime"), ["2019-04-30"]);
    let ld = texts(&doc, "script[type='application/ld+json']").join("");
    assert!(ld.contains("\"2019-05-01\"") && ld.contains("\"2019-04-30\"") && !ld.contains("令和"), "{ld}");
}

#[test]
fn text_spacing_trim_is_set_from_site_yaml_and_a_wrong_value_is_located() {
    let (_t, root) = ruby_site("title: テスト\n");
    let doc = html(&build(&root), "ruby/index.html");
    assert_eq!(attrs(&doc, "html", "style"), Vec::<String>::new());

    let (_t, root) = ruby_site("title: テスト\ntext_spacing_trim: space-all\n");
    let doc = html(&build(&root), "ruby/index.html");
    assert_eq!(attrs(&doc, "html", "style"), ["--text-spacing-trim: space-all"]);

    let (_t, root) = ruby_site("title: テスト\ntext_spacing_trim: off\n");
    let d = build_err(&root).render(false);
    assert!(d.contains("site.yaml:2") && d.contains("space-all") && d.contains("text_spacing_trim: off"), "{d}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn readings_that_do_not_match_the_characters_are_shown_as_one_and_warned_about() {
    let (_t, root) = site(&[("content/uneven.md", "---\ntitle: 例\n---\n\n本文の{漢字|か|ん|じ}です。\n")]);
    let opts = tebiki::BuildOptions { root: root.clone(), ..Default::default() };
    let report = tebiki::build(&opts).unwrap_or_else(|d| panic!("{}", d.render(false)));
    let warnings = report.warnings.render(false);
    assert!(warnings.contains("content/uneven.md:5:4") && warnings.contains("{漢字|か|ん|じ}"), "{warnings}");
    assert!(warnings.contains("one for each character"), "{warnings}");
    let doc = html(&report.output, "uneven/index.html");
    assert_eq!(texts(&doc, ".content rt"), ["かんじ"]);
}
