//! Whole-site tests: build real sites into temp folders and inspect the HTML.

mod common;

use std::fs;

use common::*;

const GUIDE_PAGES: [&str; 7] = [
    "index.html",
    "risks/index.html",
    "causes/index.html",
    "aftermath/index.html",
    "remedies/index.html",
    "summary/index.html",
    "faq/index.html",
];

#[test]
fn guide_builds_seven_pages_in_reading_order() {
    let (_t, root) = guide();
    let out = build(&root);
    for p in GUIDE_PAGES {
        assert!(out.join(p).is_file(), "{p} missing");
    }
    let doc = html(&out, "risks/index.html");
    let nav = attrs(&doc, ".site-nav a", "href");
    assert_eq!(nav, ["/", "/risks/", "/causes/", "/aftermath/", "/remedies/", "/summary/", "/faq/"]);
    assert_eq!(attrs(&doc, ".site-nav a[aria-current=page]", "href"), ["/risks/"]);
    assert_eq!(attrs(&doc, "a[rel=prev]", "href"), ["/"]);
    assert_eq!(attrs(&doc, "a[rel=next]", "href"), ["/causes/"]);
    let summary = html(&out, "summary/index.html");
    assert_eq!(attrs(&summary, "a[rel=next]", "href"), ["/faq/"]);
    let last = html(&out, "faq/index.html");
    assert!(attrs(&last, "a[rel=next]", "href").is_empty());
    assert_eq!(doc.root_element().value().attr("lang"), Some("ja"));
}

#[test]
fn guide_pages_have_toc_related_backlinks_and_breadcrumb() {
    let (_t, root) = guide();
    let out = build(&root);
    let remedies = html(&out, "remedies/index.html");
    let toc = attrs(&remedies, ".page-toc a", "href");
    assert!(toc.contains(&"#正直に謝罪し今後の意向を伝える".to_string()), "{toc:?}");
    // Every TOC entry points at a heading on the page.
    for href in &toc {
        let id = href.trim_start_matches('#');
        assert_eq!(attrs(&remedies, &format!("[id=\"{id}\"]"), "id").len(), 1, "{id}");
    }
    // risks.md links to remedies.md, so remedies lists risks as a backlink.
    let back = attrs(&remedies, ".backlinks a", "href");
    assert!(back.contains(&"/risks/".to_string()), "{back:?}");
    assert!(!attrs(&remedies, ".related a", "href").is_empty() || !back.is_empty());
    assert_eq!(attrs(&remedies, ".breadcrumb a", "href"), ["/"]);
}

#[test]
fn guide_has_two_illustrations_with_japanese_alt_and_caption() {
    let (_t, root) = guide();
    let out = build(&root);
    let mut figures = 0;
    for p in GUIDE_PAGES {
        let doc = html(&out, p);
        for (alt, src) in
            attrs(&doc, "figure.illustration img", "alt").into_iter().zip(attrs(&doc, "figure.illustration img", "src"))
        {
            figures += 1;
            assert!(alt.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)), "alt not Japanese: {alt}");
            assert!(out.join(src.trim_start_matches('/')).is_file(), "{src}");
        }
        assert_eq!(
            texts(&doc, "figure.illustration figcaption").len(),
            attrs(&doc, "figure.illustration img", "src").len()
        );
    }
    assert_eq!(figures, 2);
}

#[test]
fn guide_has_copyable_message_templates() {
    let (_t, root) = guide();
    let out = build(&root);
    let all: Vec<String> =
        GUIDE_PAGES.iter().flat_map(|p| texts(&html(&out, p), "figure.message figcaption")).collect();
    assert!(all.len() >= 13, "{all:?}");
    for needle in ["お詫び", "辞退", "すり合わせ", "活動終了", "電話", "欠席", "連絡方法", "担当者の変更"]
    {
        assert!(all.iter().any(|t| t.contains(needle)), "no template about {needle}: {all:?}");
    }
}

#[test]
fn every_internal_link_and_anchor_of_the_guide_resolves() {
    let (_t, root) = guide();
    let out = build(&root);
    let mut checked = 0;
    for p in GUIDE_PAGES.iter().chain(["404.html"].iter()) {
        let doc = html(&out, p);
        for href in attrs(&doc, "a[href], link[href], img[src], script[src]", "href").into_iter().chain(attrs(
            &doc,
            "img[src], script[src]",
            "src",
        )) {
            if href.starts_with("http") || href.starts_with("mailto:") {
                continue;
            }
            let (path, frag) = href.split_once('#').map_or((href.as_str(), None), |(a, b)| (a, Some(b)));
            let target = if path.is_empty() {
                p.to_string()
            } else {
                let t = path.trim_start_matches('/');
                if t.is_empty() || t.ends_with('/') {
                    format!("{t}index.html")
                } else {
                    t.to_string()
                }
            };
            assert!(out.join(&target).is_file(), "{p}: {href} → {target} missing");
            if let Some(f) = frag.filter(|f| !f.is_empty() && *f != "top") {
                let id = common::percent_decode(f);
                let tdoc = html(&out, &target);
                assert_eq!(attrs(&tdoc, &format!("[id=\"{id}\"]"), "id").len(), 1, "{p}: #{id} not in {target}");
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn japanese_typography_renders_right() {
    let (_t, root) = fixture("japanese");
    let out = build(&root);
    let home = html(&out, "index.html");
    assert!(texts(&home, ".content p")
        .iter()
        .any(|t| t == "このサイトは改行をまたいでも空白が入らないことを確かめます。"));
    let doc = html(&out, "typography/index.html");
    assert!(texts(&doc, ".content strong").contains(&"「重要」".to_string()));
    assert!(texts(&doc, ".content strong").contains(&"テスト。".to_string()));
    let ids = attrs(&doc, ".content h2, .content h3", "id");
    assert_eq!(ids, ["強調の例", "強調の例-1", "fn-1-1", "custom-id"]);
    assert_eq!(attrs(&doc, ".footnotes li", "id"), ["fn-1"]);
    assert_eq!(texts(&doc, ".callout-tip .callout-title"), ["ヒント"]);
    assert_eq!(attrs(&doc, "figure.illustration img", "width"), ["120"]);
    assert_eq!(attrs(&doc, "figure.illustration img", "src"), ["/docs/images/dot.svg"]);
    assert_eq!(attrs(&doc, ".task-list input[checked]", "type").len(), 1);
    assert_eq!(attrs(&doc, ".table-wrap table", "class").len() + texts(&doc, ".table-wrap table").len(), 1);
}

#[test]
fn links_are_rewritten_with_the_base_path_and_anchors_normalized() {
    let (_t, root) = fixture("japanese");
    let out = build(&root);
    let home = html(&out, "index.html");
    let hrefs = attrs(&home, ".content a", "href");
    assert!(hrefs.contains(&"/docs/typography/#%E5%BC%B7%E8%AA%BF%E3%81%AE%E4%BE%8B".to_string()), "{hrefs:?}");
    assert!(hrefs.contains(&"/docs/images/dot.svg".to_string()));
    let canonical = attrs(&html(&out, "typography/index.html"), "link[rel=canonical]", "href");
    assert_eq!(canonical, ["https://example.org/docs/typography/"]);
}

#[test]
fn base_url_flag_overrides_config() {
    let (_t, root) = fixture("japanese");
    let opts = tebiki::BuildOptions {
        root: root.clone(),
        base_url: Some("https://host.example/a/b".into()),
        ..Default::default()
    };
    let out = tebiki::build(&opts).unwrap().output;
    let doc = html(&out, "later/index.html");
    assert_eq!(attrs(&doc, "a[rel=prev]", "href"), ["/a/b/typography/"]);
    for href in attrs(&doc, "link[rel=stylesheet]", "href") {
        assert!(href.starts_with("/a/b/assets/style."), "{href}");
    }
}

#[test]
fn nested_folders_become_url_folders_with_breadcrumbs() {
    let (_t, root) = fixture("nested");
    let out = build(&root);
    let doc = html(&out, "guide/second/index.html");
    assert_eq!(attrs(&doc, ".breadcrumb a", "href"), ["/", "/guide/"]);
    assert_eq!(attrs(&doc, "a[rel=prev]", "href"), ["/guide/one/"]);
    let one = html(&out, "guide/one/index.html");
    assert!(attrs(&one, ".content a", "href").iter().any(|h| h.starts_with("/guide/second/#")));
    assert_eq!(attrs(&one, ".backlinks a", "href"), ["/guide/", "/guide/second/"]);
}

#[test]
fn every_sidebar_marks_its_own_page_current_and_its_ancestors_only() {
    // Sidebar entries are made once and shared between pages; the current page's entry and its
    // ancestors' are each page's own.
    let (_t, root) = fixture("nested");
    let out = build(&root);
    let pages = [
        ("index.html", "/", vec![]),
        ("guide/index.html", "/guide/", vec!["/"]),
        ("guide/one/index.html", "/guide/one/", vec!["/", "/guide/"]),
        ("guide/second/index.html", "/guide/second/", vec!["/", "/guide/"]),
    ];
    for (file, url, ancestors) in &pages {
        let doc = html(&out, file);
        assert_eq!(attrs(&doc, ".site-nav a[aria-current=page]", "href"), [*url], "{file}");
        assert_eq!(attrs(&doc, ".site-nav .is-ancestor > a", "href"), *ancestors, "{file}");
    }
}

#[test]
fn site_theme_overrides_the_embedded_theme_file_by_file() {
    let (_t, root) = fixture("override");
    let out = build(&root);
    let a = html(&out, "a/index.html");
    assert_eq!(attrs(&a, "main", "id"), ["overridden"]);
    // index.html still comes from the embedded theme.
    let home = html(&out, "index.html");
    assert!(!attrs(&home, ".site-nav a", "href").is_empty());
}

#[test]
fn a_site_without_themes_folder_builds_with_the_embedded_theme() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n---\n本文\n")]);
    let out = build(&root);
    let doc = html(&out, "a/index.html");
    assert_eq!(attrs(&doc, "a[rel=prev]", "href"), ["/"]);
    let css = attrs(&doc, "link[rel=stylesheet]", "href");
    assert!(out.join(css[0].trim_start_matches('/')).is_file());
}

#[test]
fn two_builds_are_byte_identical() {
    let (_t, root) = guide();
    let out = build(&root);
    let first = snapshot_dir(&out);
    build(&root);
    assert_eq!(first, snapshot_dir(&out));
}

#[test]
fn non_markdown_files_are_copied_beside_their_page() {
    let (_t, root) = site(&[
        ("content/docs/a.md", "---\ntitle: A\n---\n[PDF](files/x.pdf)\n"),
        ("content/docs/files/x.pdf", "%PDF"),
    ]);
    let out = build(&root);
    assert_eq!(fs::read(out.join("docs/files/x.pdf")).unwrap(), b"%PDF");
    assert_eq!(attrs(&html(&out, "docs/a/index.html"), ".content a", "href"), ["/docs/files/x.pdf"]);
}

#[test]
fn drafts_are_built_only_with_the_flag() {
    let (_t, root) = site(&[("content/d.md", "---\ntitle: 下書き\ndraft: true\n---\n本文\n")]);
    let out = build(&root);
    assert!(!out.join("d/index.html").exists());
    let opts = tebiki::BuildOptions { root: root.clone(), drafts: true, ..Default::default() };
    tebiki::build(&opts).unwrap();
    assert!(out.join("d/index.html").exists());
}

#[test]
fn reading_time_is_counted_in_characters() {
    let body = "あ".repeat(1500);
    let (_t, root) = site(&[("content/long.md", &format!("---\ntitle: 長い\n---\n{body}\n"))]);
    let out = build(&root);
    let text = fs::read_to_string(out.join("long/index.html")).unwrap();
    assert!(text.contains("約3分"), "1500 characters at 500/min should read as 3 minutes");
}

#[test]
fn key_page_snapshot() {
    let (_t, root) = fixture("japanese");
    let out = build(&root);
    let doc = html(&out, "typography/index.html");
    let s = scraper::Selector::parse(".content").unwrap();
    let main = doc.select(&s).next().unwrap().html();
    insta::assert_snapshot!("typography_main", main);
}

#[test]
fn sidebar_stays_small_on_large_sites() {
    // 300 pages beside each other: the sidebar shows a window around the current page, so the
    // output grows linearly with the page count, not with its square.
    let mut files: Vec<(String, String)> = vec![("content/_index.md".into(), "---\ntitle: H\n---\n本文\n".into())];
    for i in 0..300 {
        files.push((format!("content/p{i:03}.md"), format!("---\ntitle: ページ{i}\nweight: {i}\n---\n本文\n")));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (_t, root) = site(&refs);
    let out = build(&root);
    let doc = html(&out, "p150/index.html");
    let entries = attrs(&doc, ".site-nav a", "href");
    assert!(entries.len() <= 25, "{} sidebar entries", entries.len());
    assert!(entries.contains(&"/p150/".to_string()));
    assert!(entries.contains(&"/".to_string()));
    assert_eq!(texts(&doc, ".site-nav-gap").len(), 2, "gaps before and after the window");
    let first = html(&out, "p000/index.html");
    assert!(attrs(&first, ".site-nav a", "href").contains(&"/p000/".to_string()));
}

/// Builds `root` into a fresh folder of its own (no previous output, no kept staging folder).
fn fresh_build(root: &std::path::Path, out: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let opts = tebiki::BuildOptions { root: root.to_path_buf(), output: Some(out.to_path_buf()), ..Default::default() };
    tebiki::build(&opts).unwrap_or_else(|d| panic!("{}", d.render(false)));
    snapshot_dir(out)
}

#[test]
fn rebuilds_that_update_the_kept_previous_output_match_a_fresh_build() {
    let (t, root) = site(&[
        ("content/a.md", "---\ntitle: A\n---\n[B](b.md)へ。\n"),
        ("content/b.md", "---\ntitle: B\n---\n本文。\n"),
        ("content/c/_index.md", "---\ntitle: C\n---\n章。\n"),
        ("content/c/d.md", "---\ntitle: D\n---\n節。\n"),
    ]);
    let edits: [&dyn Fn(); 4] = [
        &|| {},
        // A page goes, another changes: its links and the search index change with it.
        &|| {
            fs::remove_file(root.join("content/b.md")).unwrap();
            write(&root, "content/a.md", "---\ntitle: A\n---\n書き直した本文。\n");
        },
        // A section goes and comes back as a page; a new page arrives.
        &|| {
            fs::remove_dir_all(root.join("content/c")).unwrap();
            write(&root, "content/c.md", "---\ntitle: C\n---\nページになった。\n");
            write(&root, "content/e.md", "---\ntitle: E\n---\n新しいページ。\n");
        },
        // Back to the first site's pages: the kept folder is two builds old.
        &|| {
            fs::remove_file(root.join("content/c.md")).unwrap();
            fs::remove_file(root.join("content/e.md")).unwrap();
            write(&root, "content/a.md", "---\ntitle: A\n---\n[B](b.md)へ。\n");
            write(&root, "content/b.md", "---\ntitle: B\n---\n本文。\n");
            write(&root, "content/c/_index.md", "---\ntitle: C\n---\n章。\n");
            write(&root, "content/c/d.md", "---\ntitle: D\n---\n節。\n");
        },
    ];
    for (i, edit) in edits.iter().enumerate() {
        edit();
        let out = build(&root);
        let fresh = fresh_build(&root, &t.path().join(format!("fresh{i}")));
        assert!(snapshot_dir(&out) == fresh, "build {} differs from a fresh build of the same site", i + 1);
        if i > 0 {
            assert!(root.join(".public.tebiki-staging").is_dir(), "the previous output is kept");
        }
    }
}

#[test]
fn a_theme_sidebar_item_shapes_every_entry_of_every_page_shared_or_not() {
    let item = "<li data-url=\"{{ entry.url }}\"{% if entry.current %} data-current{% endif %}\
{% if entry.ancestor %} data-ancestor{% endif %}>{{ entry.title }}</li>";
    let (_t, root) = site(&[
        ("themes/default/templates/partials/sidebar_item.html", item),
        ("content/a.md", "---\ntitle: A <b>B</b>\nweight: 1\n---\n本文\n"),
        ("content/c/_index.md", "---\ntitle: C\nweight: 2\n---\n章\n"),
        ("content/c/d.md", "---\ntitle: D\n---\n節\n"),
    ]);
    let out = build(&root);
    for (file, current, ancestors) in [
        ("index.html", "/", vec![]),
        ("a/index.html", "/a/", vec!["/"]),
        ("c/index.html", "/c/", vec!["/"]),
        ("c/d/index.html", "/c/d/", vec!["/", "/c/"]),
    ] {
        let doc = html(&out, file);
        // Every entry comes from the theme's item: none of the default markup is left.
        assert!(texts(&doc, ".site-nav-item").is_empty(), "{file}");
        let all = attrs(&doc, ".site-nav-list > li", "data-url");
        assert!(all.starts_with(&["/".to_string(), "/a/".to_string(), "/c/".to_string()]), "{file}: {all:?}");
        assert_eq!(attrs(&doc, ".site-nav-list > li[data-current]", "data-url"), [current], "{file}");
        assert_eq!(attrs(&doc, ".site-nav-list > li[data-ancestor]", "data-url"), ancestors, "{file}");
        // Shared entries are escaped like the page's own ones.
        assert!(texts(&doc, ".site-nav-list > li").contains(&"A <b>B</b>".to_string()), "{file}");
    }
}
