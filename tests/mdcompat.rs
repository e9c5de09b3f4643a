//! Markdown that writers bring from Zenn, Qiita and GitHub, and what every generator has:
//! image sizes, the Atom feed, highlighting (issue 25). Builds `tests/fixtures/mdcompat`.

mod common;

use common::*;

#[test]
fn raster_images_get_their_sizes_and_empty_alt_is_decorative() {
    let (_t, root) = fixture("mdcompat");
    let opts = tebiki::BuildOptions { root: root.clone(), ..Default::default() };
    let report = tebiki::build(&opts).unwrap_or_else(|d| panic!("{}", d.render(false)));
    let doc = html(&report.output, "images/index.html");
    let s = scraper::Selector::parse("main img").unwrap();
    let imgs: Vec<(String, String, String, String)> = doc
        .select(&s)
        .map(|e| {
            let a = |n: &str| e.value().attr(n).unwrap_or("-").to_string();
            (a("src"), a("alt"), a("width"), a("height"))
        })
        .collect();
    let want = [
        ("/guide/images/photo.jpg", "青い写真", "120", "80"),
        ("/guide/images/shot.webp", "画面の例", "64", "48"),
        ("/guide/images/pic.avif", "緑の図", "40", "30"),
        ("/guide/images/icon.png", "", "30", "20"),
    ];
    let want: Vec<(String, String, String, String)> =
        want.iter().map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string())).collect();
    assert_eq!(imgs, want);
    // The decorative image is not reported.
    assert!(report.warnings.0.iter().all(|d| !d.message.contains("alt")), "{:?}", report.warnings.0);
}

#[test]
fn atom_feed_lists_dated_pages_newest_first_with_absolute_links() {
    let (_t, root) = fixture("mdcompat");
    let out = build(&root);
    let xml = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    let feed: atom_syndication::Feed = xml.parse().unwrap_or_else(|e| panic!("{e}\n{xml}"));
    // What the W3C validator requires of a feed: id, title, updated, an author, a self link.
    assert_eq!(feed.id, "https://example.org/guide/");
    assert_eq!(feed.title.value, "移行のテスト");
    assert_eq!(feed.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["テスト"]);
    let self_link = feed.links.iter().find(|l| l.rel == "self").expect("a self link");
    assert_eq!(self_link.href, "https://example.org/guide/atom.xml");
    // Newest first by `updated`, else `date`; no undated page, no draft.
    let titles: Vec<&str> = feed.entries.iter().map(|e| e.title.value.as_str()).collect();
    assert_eq!(titles, ["画像", "お知らせ & 更新", "ホーム"]);
    assert_eq!(feed.updated.to_rfc3339(), "2026-03-05T00:00:00+00:00");
    let ids: std::collections::HashSet<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), feed.entries.len(), "entry ids are unique");
    for e in &feed.entries {
        let alt = e.links.iter().find(|l| l.rel == "alternate").expect("an alternate link");
        assert_eq!(alt.href, e.id);
        assert!(alt.href.starts_with("https://example.org/guide/"), "{}", alt.href);
        assert!(e.summary.as_ref().is_some_and(|s| !s.value.is_empty()), "{} has no summary", e.title.value);
    }
    let news = &feed.entries[1];
    assert_eq!(news.id, "https://example.org/guide/news/");
    assert_eq!(news.published.map(|d| d.to_rfc3339()).as_deref(), Some("2026-02-20T00:00:00+00:00"));
    assert_eq!(news.summary.as_ref().unwrap().value, "二月のお知らせです。太字も要約では文字だけになります。");
    assert_eq!(feed.entries[0].published.map(|d| d.to_rfc3339()).as_deref(), Some("2026-02-01T00:00:00+00:00"));
    // Every page's head points at it.
    for page in ["index.html", "images/index.html", "reference/index.html", "404.html"] {
        let doc = html(&out, page);
        let href = attrs(&doc, r#"head link[rel="alternate"][type="application/atom+xml"]"#, "href");
        assert_eq!(href, ["https://example.org/guide/atom.xml"], "{page}");
    }
}

#[test]
fn no_feed_without_an_absolute_base_url_or_when_turned_off() {
    for (yaml, why) in [
        ("title: T\nbase_url: /guide/\n", "a path base_url"),
        ("title: T\nbase_url: https://example.org/\nfeed: false\n", "feed: false"),
    ] {
        let (_t, root) =
            site(&[("site.yaml", yaml), ("content/a.md", "---\ntitle: A\ndate: 2026-01-01\n---\n本文。\n")]);
        let out = build(&root);
        assert!(!out.join("atom.xml").exists(), "{why}");
        let doc = html(&out, "a/index.html");
        assert!(attrs(&doc, r#"link[type="application/atom+xml"]"#, "href").is_empty(), "{why}");
    }
}

/// Elements matching `sel` in `doc`.
fn select<'a>(doc: &'a scraper::Html, sel: &str) -> Vec<scraper::ElementRef<'a>> {
    let s = scraper::Selector::parse(sel).unwrap();
    doc.select(&s).collect()
}

#[test]
fn zenn_and_qiita_blocks_render_as_callouts_and_details() {
    let (_t, root) = fixture("mdcompat");
    let opts = tebiki::BuildOptions { root: root.clone(), ..Default::default() };
    let report = tebiki::build(&opts).unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert!(report.warnings.0.is_empty(), "{}", report.warnings.render(false));
    let doc = html(&report.output, "blocks/index.html");
    let callouts: Vec<(String, String)> = select(&doc, ".content div.callout")
        .iter()
        .map(|e| {
            let class = e.value().attr("class").unwrap().to_string();
            let title = texts(&scraper::Html::parse_fragment(&e.html()), ".callout-title").remove(0);
            (class, title)
        })
        .collect();
    let want = [
        ("callout callout-warning", "注意"),
        ("callout callout-caution", "警告"),
        ("callout callout-note", "メモ"),
        ("callout callout-warning", "注意"),
        ("callout callout-caution", "警告"),
        ("callout callout-warning", "注意"),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(callouts, want);
    // Every callout is a note landmark for screen readers, and keeps inline Markdown.
    assert!(select(&doc, ".content div.callout").iter().all(|e| e.value().attr("role") == Some("note")));
    assert_eq!(texts(&doc, ".callout-warning strong"), ["太字"]);
    // Details: a native <details> whose <summary> is the title; nested blocks stay inside.
    let summaries = texts(&doc, ".content details.callout-details > summary");
    assert_eq!(summaries, ["入れ子の詳細", "詳細"]);
    assert_eq!(
        texts(&doc, "details.callout-details .details-body .callout-warning p:not(.callout-title)"),
        ["内側のメッセージです。"]
    );
    assert_eq!(texts(&doc, "details.callout-details .details-body li"), ["一つ目", "二つ目"]);
    // No colon fence is left as text.
    assert!(texts(&doc, ".content p").iter().all(|t| !t.contains(":::")), "{:?}", texts(&doc, ".content p"));
    // The page's description is its first paragraph, not a block's text.
    let description = attrs(&doc, r#"meta[name="description"]"#, "content");
    assert_eq!(description, ["Zenn と Qiita で書いたブロックは、そのまま手引きの囲みになります。"]);
}

#[test]
fn fences_show_their_file_name_and_keep_the_language_class_clean() {
    let (_t, root) = fixture("mdcompat");
    let out = build(&root);
    let doc = html(&out, "code/index.html");
    let blocks = select(&doc, ".content .code-block");
    let shape: Vec<(Option<String>, Option<String>)> = blocks
        .iter()
        .map(|b| {
            let frag = scraper::Html::parse_fragment(&b.html());
            let file = texts(&frag, ".code-file").pop().map(|t| t.replace("ファイル名：", ""));
            let class = attrs(&frag, "pre > code", "class").pop();
            (file, class)
        })
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        shape,
        [
            (s("src/main.rs"), s("language-rust")),
            (s("app.js"), s("language-js")),
            (s("src/app.ts"), s("language-ts")),
            (s("config/a:b.yml"), s("language-yaml")),
            (None, s("language-python")),
            (None, s("language-text")),
            (None, None),
        ]
    );
    // The file name is announced as one: its label is visually hidden, not missing.
    assert_eq!(texts(&doc, ".code-file .visually-hidden").len(), 4);
}

#[test]
fn code_is_highlighted_at_build_time_with_marked_lines() {
    let (_t, root) = fixture("mdcompat");
    let out = build(&root);
    let doc = html(&out, "code/index.html");
    // Highlighted: spans with classes, and the text exactly as written.
    let rust = select(&doc, "code.language-rust").remove(0);
    assert_eq!(rust.text().collect::<String>(), "fn main() {\n    println!(\"こんにちは\");\n}\n");
    assert!(!select(&doc, "code.language-rust span.hl-keyword, code.language-rust span.hl-storage").is_empty());
    assert!(!select(&doc, "code.language-rust span.hl-string").is_empty());
    for lang in ["js", "ts", "yaml", "python"] {
        let spans = select(&doc, &format!("code.language-{lang} span[class^=\"hl-\"]"));
        assert!(!spans.is_empty(), "{lang} is not highlighted");
    }
    // {2,4-5}: lines 2, 4 and 5 are marked, in order.
    let marked: Vec<String> =
        select(&doc, "code.language-python .hl-line").iter().map(|e| e.text().collect()).collect();
    assert_eq!(marked, ["b = 2", "d = 4", "e = 5"]);
    // Plain text stays plain, escaped.
    assert_eq!(texts(&doc, "code.language-text"), ["ただの文字 <b>"]);
    assert!(select(&doc, "code.language-text span").is_empty());
    // No highlighting script is shipped: the page loads only the theme's scripts.
    let scripts = attrs(&doc, "script[src]", "src");
    assert!(scripts.iter().all(|s| s.contains("main.") || s.contains("search.")), "{scripts:?}");
}

#[test]
fn a_bad_line_list_and_an_unclosed_block_are_warned_about_with_their_line() {
    let (_t, root) =
        site(&[("content/a.md", "---\ntitle: A\n---\n```rust {2-x}\nfn a() {}\n```\n\n:::details 開いたまま\n中身\n")]);
    let opts = tebiki::BuildOptions { root: root.clone(), ..Default::default() };
    let report = tebiki::build(&opts).unwrap_or_else(|d| panic!("{}", d.render(false)));
    let got: Vec<(usize, String)> = report.warnings.0.iter().map(|d| (d.line, d.message.clone())).collect();
    assert!(got.contains(&(4, "the lines to highlight, `{2-x}`, are not line numbers".to_string())), "{got:?}");
    assert!(
        got.contains(&(
            8,
            "`:::details 開いたまま` is never closed: the block runs to the end of the page".to_string()
        )),
        "{got:?}"
    );
    let doc = html(&report.output, "a/index.html");
    assert_eq!(texts(&doc, "details .details-body p"), ["中身"]);
}
