//! Incremental rebuilds (used by `serve`): only what depends on a change is redone, and the
//! result is byte-identical to a full build.

mod common;

use common::*;
use tebiki::{build_site, build_site_cached, BuildCache, BuildOptions};

fn opts(root: &std::path::Path) -> BuildOptions {
    BuildOptions { root: root.to_path_buf(), serve: true, drafts: true, ..Default::default() }
}

fn assert_same_as_full_build(root: &std::path::Path, incremental: &tebiki::BuiltSite) {
    let full = build_site(&opts(root)).unwrap();
    assert_eq!(full.files.len(), incremental.files.len());
    for (a, b) in full.files.iter().zip(&incremental.files) {
        assert_eq!(a.path, b.path);
        assert!(a.data == b.data, "{} differs from a full build", a.path);
    }
}

#[test]
fn editing_one_body_rerenders_only_that_page_and_matches_a_full_build() {
    let (_t, root) = guide();
    let mut cache = BuildCache::default();
    let first = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_eq!(first.rendered, 7);
    let path = root.join("content/causes.md");
    let text = std::fs::read_to_string(&path).unwrap();
    // A sentence at the end: the first paragraph (the page's description) stays the same.
    std::fs::write(&path, format!("{text}\n追記した一文です。\n")).unwrap();
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_eq!(second.parsed, 1, "only the edited page is parsed again");
    assert_eq!(second.rendered, 1, "only the edited page is rendered again");
    assert_same_as_full_build(&root, &second);
}

#[test]
fn changing_a_title_rerenders_every_page_that_shows_it() {
    let (_t, root) = guide();
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    let path = root.join("content/summary.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let new = text.replacen("title: ", "title: 改題 ", 1);
    std::fs::write(&path, new).unwrap();
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_eq!(second.rendered, 7, "the sidebar of every page shows the title");
    assert_same_as_full_build(&root, &second);
    // The new title is split again (phrase breaks are kept for one build only), on the page and
    // in a neighbour's pager.
    let split = "改題 まとめ：良好な<wbr>関係を<wbr>保つための";
    for page in ["summary/index.html", "remedies/index.html"] {
        let html = page_html(&second, page).unwrap();
        assert!(html.contains(split), "{page} shows the new title split");
    }
}

#[test]
fn a_new_link_updates_the_target_backlinks() {
    let (_t, root) = site(&[
        ("content/a.md", "---\ntitle: A\nweight: 1\n---\n本文\n"),
        ("content/b.md", "---\ntitle: B\nweight: 2\n---\n本文\n"),
    ]);
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    write(&root, "content/a.md", "---\ntitle: A\nweight: 1\n---\n本文\n\n[B](b.md)\n");
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_eq!(second.rendered, 2, "a (its body) and b (its backlinks)");
    assert_same_as_full_build(&root, &second);
    let b = second.files.iter().find(|f| f.path == "b/index.html").unwrap();
    assert!(String::from_utf8_lossy(&b.data).contains("このページへのリンク"));
}

#[test]
fn a_template_change_rebuilds_everything() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n---\n本文\n")]);
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    write(
        &root,
        "themes/default/templates/page.html",
        "<!doctype html><title>{{ page.title }}</title>{{ page.content | safe }}",
    );
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_eq!(second.rendered, 2);
    assert_same_as_full_build(&root, &second);
}

#[test]
fn a_deferred_search_index_assembles_to_the_full_builds_files() {
    let (_t, root) = guide();
    let mut cache = BuildCache::deferring_search();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    let path = root.join("content/causes.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n追記した一文です。\n")).unwrap();
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(second.files.iter().all(|f| !f.path.starts_with("search/")), "the index is left for later");
    let mut deferred = second.search.expect("a deferred index").files();
    deferred.sort_by(|a, b| a.path.cmp(&b.path));
    let full = build_site(&opts(&root)).unwrap();
    let eager: Vec<_> = full.files.iter().filter(|f| f.path.starts_with("search/")).collect();
    assert!(!eager.is_empty());
    assert_eq!(deferred.len(), eager.len());
    for (a, b) in deferred.iter().zip(eager) {
        assert_eq!(a.path, b.path);
        assert!(a.data == b.data, "{} differs from a full build", a.path);
    }
}

#[test]
fn a_same_size_edit_with_the_old_modification_time_is_still_seen() {
    let (_t, root) = site(&[("content/_index.md", "---\ntitle: ホーム\n---\n最初の本文です。\n")]);
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    let path = root.join("content/_index.md");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    // Same length, same modification time (as `cp -p` or an editor restoring it would leave).
    std::fs::write(&path, "---\ntitle: ホーム\n---\n最後の本文です。\n").unwrap();
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(mtime).unwrap();
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    let home = second.files.iter().find(|f| f.path == "index.html").unwrap();
    assert!(String::from_utf8_lossy(&home.data).contains("最後の本文"), "the cached text was reused");
    assert_same_as_full_build(&root, &second);
}

fn page_html(site: &tebiki::BuiltSite, path: &str) -> Option<String> {
    site.files.iter().find(|f| f.path == path).map(|f| String::from_utf8_lossy(&f.data).into_owned())
}

#[test]
fn a_rebuild_told_what_changed_reads_only_those_paths() {
    let (_t, root) = site(&[
        ("content/a.md", "---\ntitle: A\n---\n最初の本文\n"),
        ("content/b.md", "---\ntitle: B\n---\n[A](a.md)\n"),
    ]);
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    atomic_save(&root, "content/a.md", "---\ntitle: A\n---\n書き直した本文\n");
    // A file the (pretend) watcher did not report: a rebuild told only about a.md trusts that.
    write(&root, "content/c.md", "---\ntitle: C\n---\n新しいページ\n");
    cache.changed(&[root.join("content/a.md")]);
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(page_html(&second, "a/index.html").unwrap().contains("書き直した本文"));
    assert!(page_html(&second, "c/index.html").is_none(), "the folders were walked although nothing new was named");
    // Named, the new file is found: an unknown path makes the build walk the folders.
    cache.changed(&[root.join("content/c.md")]);
    let third = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(page_html(&third, "c/index.html").unwrap().contains("新しいページ"));
    assert_same_as_full_build(&root, &third);
}

#[test]
fn a_named_deleted_page_or_new_folder_is_seen() {
    let (_t, root) =
        site(&[("content/a.md", "---\ntitle: A\n---\n[B](b.md)\n"), ("content/b.md", "---\ntitle: B\n---\n本文\n")]);
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    write(&root, "content/a.md", "---\ntitle: A\n---\nリンクを外した\n");
    std::fs::remove_file(root.join("content/b.md")).unwrap();
    cache.changed(&[root.join("content/a.md"), root.join("content/b.md")]);
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(page_html(&second, "b/index.html").is_none(), "a deleted page is gone");
    assert_same_as_full_build(&root, &second);
    // A folder moved in whole: the watcher reports the folder, not the files in it.
    write(&root, "staging/new/x.md", "---\ntitle: X\n---\n本文\n");
    std::fs::rename(root.join("staging/new"), root.join("content/new")).unwrap();
    cache.changed(&[root.join("content/new")]);
    let third = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(page_html(&third, "new/x/index.html").is_some(), "pages of a new folder are found");
    assert_same_as_full_build(&root, &third);
    // The folder moved out again: its files are gone although only the folder is named.
    std::fs::rename(root.join("content/new"), root.join("staging/new")).unwrap();
    cache.changed(&[root.join("content/new")]);
    let fourth = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(page_html(&fourth, "new/x/index.html").is_none());
    assert_same_as_full_build(&root, &fourth);
}

#[test]
fn a_front_matter_edit_reorders_pages_like_a_full_build() {
    let (_t, root) = site(&[
        ("content/a.md", "---\ntitle: A\nweight: 1\n---\n[B](b.md)\n"),
        ("content/b.md", "---\ntitle: B\nweight: 2\n---\n[A](a.md)\n"),
    ]);
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    // Body edits first, so the next build reuses the kept page list...
    atomic_save(&root, "content/a.md", "---\ntitle: A\nweight: 1\n---\n[B](b.md) 追記\n");
    cache.changed(&[root.join("content/a.md")]);
    build_site_cached(&opts(&root), &mut cache).unwrap();
    // ...which a weight change must not reuse: the reading order changes.
    atomic_save(&root, "content/b.md", "---\ntitle: B\nweight: 0\n---\n[A](a.md)\n");
    cache.changed(&[root.join("content/b.md")]);
    let third = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_same_as_full_build(&root, &third);
    let home = page_html(&third, "index.html").unwrap();
    let (a, b) = (home.find("href=\"/a/\"").unwrap(), home.find("href=\"/b/\"").unwrap());
    assert!(b < a, "B comes first in the sidebar now");
}

#[test]
fn changes_reported_before_a_failed_build_are_still_read_by_the_next_one() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n---\n最初の本文\n")]);
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    // The page changes while site.yaml is broken: that build fails before it reads content.
    atomic_save(&root, "content/a.md", "---\ntitle: A\n---\n書き直した本文\n");
    let good_config = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), "title: [壊れた\n").unwrap();
    cache.changed(&[root.join("content/a.md"), root.join("site.yaml")]);
    assert!(build_site_cached(&opts(&root), &mut cache).is_err());
    // Fixing site.yaml is the only change the next batch reports.
    std::fs::write(root.join("site.yaml"), good_config).unwrap();
    cache.changed(&[root.join("site.yaml")]);
    let fixed = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(page_html(&fixed, "a/index.html").unwrap().contains("書き直した本文"));
    assert_same_as_full_build(&root, &fixed);
}

#[test]
fn after_the_watcher_lost_track_the_next_build_walks_whatever_is_reported() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n---\n本文\n")]);
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    write(&root, "content/b.md", "---\ntitle: B\n---\n新しいページ\n");
    cache.lost_track();
    cache.changed(&[root.join("content/a.md")]);
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(page_html(&second, "b/index.html").is_some(), "the unreported new page was found by a walk");
}

#[test]
fn editing_a_first_paragraph_rerenders_only_the_pages_that_show_the_description() {
    let pages: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("content/p{i:02}.md"),
                format!("---\ntitle: 頁{i}\nweight: {i}\n---\n頁{i}の最初の段落です。\n\n本文です。\n"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = pages.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let (_t, root) = site(&files);
    let mut cache = BuildCache::default();
    let first = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_eq!(first.rendered, 41);
    // The first paragraph is the page's description, shown on its neighbours' pager cards.
    write(&root, "content/p20.md", "---\ntitle: 頁20\nweight: 20\n---\n書き換えた最初の段落です。\n\n本文です。\n");
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(
        (1..=5).contains(&second.rendered),
        "only the page and those showing it as a card are rendered again, not {}",
        second.rendered
    );
    assert_same_as_full_build(&root, &second);
}

#[test]
fn proofreading_follows_a_change_of_settings_on_pages_taken_from_the_cache() {
    let page = "---\ntitle: a\n---\n\n次回面接日程調整依頼書です。\n";
    let (_t, root) = site(&[("content/a.md", page)]);
    let rules = |s: &tebiki::BuiltSite| s.proofread.iter().map(|(_, f)| f.rule).collect::<Vec<_>>();
    let mut cache = BuildCache::default();
    let first = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_eq!(rules(&first), ["kanji-run"]);
    let again = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_eq!((again.parsed, rules(&again)), (0, vec!["kanji-run"]), "kept with the cached page");
    write(&root, "site.yaml", "title: テスト\nproofread:\n  rules:\n    kanji-run: { max: 20 }\n");
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_eq!(second.parsed, 0, "the text did not change");
    assert!(rules(&second).is_empty(), "{:?}", rules(&second));
}

#[test]
fn a_new_title_changes_the_share_links_of_its_page_only() {
    // `serve` always has an absolute URL, so every page has share links, made as a page is
    // rendered: a retitled page gets new ones, and pages taken from the cache keep theirs.
    let (_t, root) = guide();
    let opts = BuildOptions { base_url: Some("http://127.0.0.1:4000/".into()), ..opts(&root) };
    let mut cache = BuildCache::default();
    let first = build_site_cached(&opts, &mut cache).unwrap();
    let shared = |site: &tebiki::BuiltSite, page: &str| {
        let html = page_html(site, page).unwrap();
        let start = html.find("https://x.com/intent/post?text=").expect("a share link");
        html[start..].split('"').next().unwrap().to_string()
    };
    let before = shared(&first, "summary/index.html");
    let path = root.join("content/summary.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("title: ", "title: 改題 ", 1)).unwrap();
    let second = build_site_cached(&opts, &mut cache).unwrap();
    let after = shared(&second, "summary/index.html");
    assert_ne!(before, after);
    assert!(after.contains("%E6%94%B9%E9%A1%8C"), "the new title, encoded: {after}");
    assert_eq!(shared(&first, "risks/index.html"), shared(&second, "risks/index.html"));
    // Cards are drawn on request in `serve`: the pages are compared.
    let full = build_site(&opts).unwrap();
    for a in full.files.iter().filter(|f| f.path.ends_with(".html")) {
        assert_eq!(page_html(&second, &a.path).as_deref(), Some(&*String::from_utf8_lossy(&a.data)), "{}", a.path);
    }
}

#[test]
fn findings_of_pages_an_edit_did_not_touch_are_kept_until_the_site_counts_change() {
    let page = |body: &str| format!("---\ntitle: t\n---\n\n{body}\n");
    let (_t, root) = site(&[
        ("content/a.md", &page("あとで連絡します。あとで返事をします。")),
        ("content/b.md", &page("後で連絡します。")),
        ("content/c.md", &page("面接の準備をします。")),
    ]);
    let of_b = |s: &tebiki::BuiltSite| {
        s.proofread.pages.iter().find(|p| p.shown.ends_with("b.md")).cloned().expect("b.md has a finding")
    };
    let mut cache = BuildCache::default();
    let first = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(of_b(&first).findings[0].message_en.contains("(2 to 1)"), "{:?}", of_b(&first).findings);
    atomic_save(&root, "content/c.md", &page("面接の準備を整えます。"));
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(std::sync::Arc::ptr_eq(&of_b(&first), &of_b(&second)), "b.md's findings are taken from the last build");
    // One more `あとで` changes the site's counts, which the message quotes.
    atomic_save(&root, "content/c.md", &page("あとで面接の準備をします。"));
    let third = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(of_b(&third).findings[0].message_en.contains("(3 to 1)"), "{:?}", of_b(&third).findings);
    let full = tebiki::check_site(&opts(&root)).unwrap().1;
    let of_full = full.pages.iter().find(|p| p.shown.ends_with("b.md")).unwrap();
    assert_eq!(of_full.findings, of_b(&third).findings);
    // And one less: the counts the last build kept are corrected by the page that changed.
    atomic_save(&root, "content/c.md", &page("面接の準備をします。"));
    let fourth = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(of_b(&fourth).findings[0].message_en.contains("(2 to 1)"), "{:?}", of_b(&fourth).findings);
}

#[test]
fn a_rebuild_checks_anchors_again_on_unchanged_pages_that_link_to_a_changed_one() {
    let (_t, root) = site(&[
        ("content/a.md", "---\ntitle: A\n---\n[手順へ](b.md#intro)\n"),
        ("content/b.md", "---\ntitle: B\n---\n## Intro\n\n本文\n"),
        ("content/c.md", "---\ntitle: C\n---\n[A](a.md)\n"),
    ]);
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).expect("the anchor exists");
    // c.md changes: a.md's links are not checked again, and still hold.
    atomic_save(&root, "content/c.md", "---\ntitle: C\n---\n[A](a.md) を読む\n");
    build_site_cached(&opts(&root), &mut cache).expect("unchanged pages keep their result");
    // b.md loses the heading a.md links to: a.md, unchanged, is checked again.
    atomic_save(&root, "content/b.md", "---\ntitle: B\n---\n## Other\n\n本文\n");
    let err = build_site_cached(&opts(&root), &mut cache).expect_err("a.md's anchor is gone");
    assert!(
        err.0.iter().any(|d| d.code == "anchor-not-found" && d.file.as_deref().is_some_and(|f| f.ends_with("a.md"))),
        "{err:?}"
    );
    atomic_save(&root, "content/b.md", "---\ntitle: B\n---\n## Intro\n\n本文\n");
    build_site_cached(&opts(&root), &mut cache).expect("the anchor is back");
}

#[test]
fn a_body_edit_that_moves_the_body_or_touches_a_draft_matches_a_full_build() {
    let (_t, root) = site(&[
        ("content/a.md", "---\ntitle: A\n---\n最初の本文\n"),
        ("content/b.md", "---\ntitle: B\ndraft: true\n---\n下書きの本文\n"),
    ]);
    let mut cache = BuildCache::default();
    build_site_cached(&opts(&root), &mut cache).unwrap();
    // The same front matter written differently: the body starts further down the file.
    atomic_save(&root, "content/a.md", "---\n# 見出しの案\ntitle: \"A\"\n---\n書き直した本文\n");
    atomic_save(&root, "content/b.md", "---\ntitle: B\ndraft: true\n---\n下書きを進めた\n");
    cache.changed(&[root.join("content/a.md"), root.join("content/b.md")]);
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert_eq!(second.parsed, 2, "both edited pages are parsed again, no other");
    let a = page_html(&second, "a/index.html").unwrap();
    assert!(a.contains("<p>書き直した本文</p>"), "the body is read from where it now starts");
    assert!(page_html(&second, "b/index.html").unwrap().contains("下書きを進めた"));
    assert_same_as_full_build(&root, &second);
    // Then the front matter changes for real: the title shows everywhere again.
    atomic_save(&root, "content/a.md", "---\ntitle: Zeta\n---\n書き直した本文\n");
    cache.changed(&[root.join("content/a.md")]);
    let third = build_site_cached(&opts(&root), &mut cache).unwrap();
    let b = page_html(&third, "b/index.html").unwrap();
    assert!(b.contains(">Zeta<"), "{b}");
    assert_same_as_full_build(&root, &third);
}

#[test]
fn a_new_image_size_is_seen_by_pages_taken_from_the_cache() {
    let (_t, root) = guide();
    let svg = |w: u32| format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="30"></svg>"#);
    std::fs::write(root.join("content/figure.svg"), svg(40)).unwrap();
    let path = root.join("content/causes.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n![図](figure.svg)\n")).unwrap();
    let mut cache = BuildCache::default();
    let first = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(page_html(&first, "causes/index.html").unwrap().contains(r#"width="40""#));
    std::fs::write(root.join("content/figure.svg"), svg(80)).unwrap();
    let second = build_site_cached(&opts(&root), &mut cache).unwrap();
    assert!(page_html(&second, "causes/index.html").unwrap().contains(r#"width="80""#));
    assert_same_as_full_build(&root, &second);
}
