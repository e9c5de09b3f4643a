//! The author's files (issue 21): outputs tebiki did not write, `static/`, drafts, sections
//! without `_index.md`, YAML errors in words, aliases and a missing `site.yaml`.

mod common;

use std::fs;

use common::*;
use predicates::prelude::*;

#[test]
fn a_folder_of_someone_elses_files_is_refused_and_survives_two_builds() {
    let (_t, root) = site(&[("content/a.md", &page("A", "本文。"))]);
    let out = root.join("public");
    write(&out, "CNAME", "guide.example.org");
    write(&out, "notes.txt", "my notes");
    for _ in 0..2 {
        tebiki()
            .args(["build", "--root"])
            .arg(&root)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(out.display().to_string()).and(predicate::str::contains("--force")));
    }
    assert_eq!(fs::read_to_string(out.join("CNAME")).unwrap(), "guide.example.org");
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "my notes");
    assert!(!out.join("index.html").exists(), "nothing was written into it");
}

#[test]
fn force_takes_a_folder_over_and_says_what_it_replaces() {
    let (_t, root) = site(&[("content/a.md", &page("A", "本文。"))]);
    let out = root.join("public");
    write(&out, "notes.txt", "my notes");
    tebiki()
        .args(["build", "--force", "--root"])
        .arg(&root)
        .assert()
        .success()
        .stderr(predicate::str::contains("notes.txt"));
    assert!(out.join("index.html").is_file());
    assert!(!out.join("notes.txt").exists());
    assert!(fs::read_to_string(out.join(".tebiki")).unwrap().contains("tebiki"));
    // Now tebiki's: rebuilt without --force, as every output it wrote.
    tebiki().args(["build", "--root"]).arg(&root).assert().success();
    assert!(out.join(".tebiki").is_file());
}

#[test]
fn outputs_tebiki_wrote_with_or_without_the_marker_are_replaced() {
    let (_t, root) = site(&[("content/a.md", &page("A", "本文。"))]);
    let out = build(&root);
    fs::remove_file(out.join(".tebiki")).unwrap();
    write(&root, "content/b.md", &page("B", "本文。"));
    let out = build(&root);
    assert!(out.join("b/index.html").is_file(), "an output from before the marker is recognized");
    assert!(out.join(".tebiki").is_file());
    let doc = html(&out, "index.html");
    assert!(!attrs(&doc, "a", "href").iter().any(|h| h.contains(".tebiki")), "nothing links to the marker");
}

#[test]
fn a_missing_site_yaml_says_how_to_start_and_nothing_about_an_output() {
    let tmp = tempfile::tempdir().unwrap();
    tebiki().args(["build", "--root"]).arg(tmp.path()).assert().code(1).stderr(
        predicate::str::contains(format!("no site.yaml in {}", tmp.path().display()))
            .and(predicate::str::contains("tebiki init"))
            .and(predicate::str::contains("--root"))
            .and(predicate::str::contains("previous output").not()),
    );
}

#[test]
fn static_files_are_copied_to_the_output_root_as_they_are() {
    let (_t, root) = site(&[
        ("static/CNAME", "guide.example.org\n"),
        ("static/.nojekyll", ""),
        ("static/robots.txt", "User-agent: *\nDisallow: /private/\n"),
        ("static/.well-known/security.txt", "Contact: mailto:a@example.org\n"),
        ("static/.robots.txt.swp", "editor leftovers"),
    ]);
    let out = build(&root);
    assert_eq!(fs::read_to_string(out.join("CNAME")).unwrap(), "guide.example.org\n");
    assert!(out.join(".nojekyll").is_file());
    assert_eq!(fs::read_to_string(out.join("robots.txt")).unwrap(), "User-agent: *\nDisallow: /private/\n");
    assert!(out.join(".well-known/security.txt").is_file());
    assert!(!out.join(".robots.txt.swp").exists());
}

#[test]
fn a_static_file_colliding_with_a_page_names_both_files() {
    let (_t, root) =
        site(&[("content/risks.md", &page("リスク", "本文。")), ("static/risks/index.html", "<p>old</p>")]);
    let e = build_err(&root).0.remove(0);
    assert_eq!(
        e.message,
        "two outputs have the same path `risks/index.html`: `content/risks.md` and `static/risks/index.html`"
    );
}

#[test]
fn aliases_get_redirect_pages_left_out_of_sitemap_and_search() {
    let (_t, root) = site(&[
        ("site.yaml", "title: テスト\nbase_url: https://example.org/guide/\n"),
        ("content/new.md", "---\ntitle: 新しい名前\naliases: [/old-name/, /older.html]\n---\n本文。\n"),
    ]);
    let out = build(&root);
    for old in ["old-name/index.html", "older.html"] {
        let doc = html(&out, old);
        assert_eq!(attrs(&doc, "link[rel=canonical]", "href"), ["https://example.org/guide/new/"]);
        assert_eq!(attrs(&doc, "meta[http-equiv=refresh]", "content"), ["0; url=https://example.org/guide/new/"]);
        assert_eq!(attrs(&doc, "a", "href"), ["https://example.org/guide/new/"]);
    }
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("/guide/new/") && !sitemap.contains("old-name"), "{sitemap}");
    let search: Vec<_> = snapshot_dir(&out.join("search"));
    assert!(search.iter().all(|(_, b)| !String::from_utf8_lossy(b).contains("old-name")));
}

#[test]
fn an_alias_colliding_with_a_page_names_both_files() {
    let (_t, root) = site(&[
        ("content/risks.md", &page("リスク", "本文。")),
        ("content/new.md", "---\ntitle: 新\naliases: [/risks/]\n---\n本文。\n"),
    ]);
    let e = build_err(&root).0.remove(0);
    assert!(e.message.contains("`content/risks.md` and an alias in `content/new.md`"), "{}", e.message);
}

#[test]
fn an_alias_outside_the_site_is_refused_on_its_line() {
    let (_t, root) = site(&[("content/new.md", "---\ntitle: 新\naliases: [../../etc/]\n---\n本文。\n")]);
    let e = build_err(&root).0.remove(0);
    assert!(e.message.contains("invalid alias `../../etc/`"), "{}", e.message);
    assert_eq!(e.line, 3);
}

#[test]
fn a_link_to_a_draft_fails_build_and_warns_where_drafts_are_shown() {
    let (_t, root) = site(&[
        ("content/a.md", &page("A", "[作業中](wip.md) と [もう一度](/wip/)")),
        ("content/wip.md", "---\ntitle: 作業中\ndraft: true\n---\n本文。\n"),
    ]);
    let errors = build_err(&root);
    let msgs: Vec<&str> = errors.0.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(msgs, ["links to the draft page `wip.md`, which `build` leaves out"; 2], "{errors}");
    assert!(errors.0[0].hint.as_deref().unwrap().contains("--drafts"));
    assert_eq!(errors.0[0].file.as_deref(), Some(std::path::Path::new("content/a.md")));
    // serve (drafts shown): the same words, as a warning.
    let opts = tebiki::BuildOptions { root: root.clone(), drafts: true, serve: true, ..Default::default() };
    let built = tebiki::build_site(&opts).unwrap();
    let warned: Vec<_> = built.warnings.0.iter().filter(|d| d.message.contains("draft page `wip.md`")).collect();
    assert_eq!(warned.len(), 2, "{}", built.warnings);
    assert!(warned.iter().all(|d| d.severity == tebiki::Severity::Warning));
}

#[test]
fn a_link_between_drafts_is_fine() {
    let (_t, root) = site(&[
        ("content/wip.md", "---\ntitle: 作業中\ndraft: true\n---\n[次](wip2.md)\n"),
        ("content/wip2.md", "---\ntitle: 作業中2\ndraft: true\n---\n本文。\n"),
    ]);
    build(&root);
    let opts = tebiki::BuildOptions { root: root.clone(), drafts: true, ..Default::default() };
    let (warnings, _) = tebiki::check_site(&opts).unwrap();
    assert!(!warnings.0.iter().any(|d| d.message.contains("draft")), "{warnings}");
}

#[test]
fn a_folder_without_index_gets_a_section_page_listing_its_pages() {
    let (_t, root) = site(&[
        ("content/guide/one.md", "---\ntitle: 一つ目\nweight: 1\n---\n本文。\n"),
        ("content/guide/two.md", "---\ntitle: 二つ目\nweight: 2\n---\n本文。\n"),
        ("content/guide/deeper/three.md", &page("三つ目", "本文。")),
    ]);
    let out = build(&root);
    let section = html(&out, "guide/index.html");
    assert_eq!(texts(&section, "h1"), ["guide"]);
    assert_eq!(attrs(&section, ".content a", "href"), ["/guide/one/", "/guide/two/", "/guide/deeper/"]);
    let one = html(&out, "guide/one/index.html");
    assert_eq!(texts(&one, ".breadcrumb li"), ["ホーム", "guide", "一つ目"]);
    let nav = texts(&one, ".site-nav-item.is-ancestor");
    assert!(nav.iter().any(|t| t == "guide"), "{nav:?}");
    let depth_of = |title: &str| {
        let s = scraper::Selector::parse(".site-nav-item").unwrap();
        one.select(&s)
            .find(|e| e.text().collect::<String>().trim() == title)
            .unwrap()
            .value()
            .attr("style")
            .unwrap()
            .to_string()
    };
    assert_ne!(depth_of("guide"), depth_of("一つ目"), "the folder's pages nest below it");
    assert!(html(&out, "guide/deeper/index.html").root_element().html().contains("三つ目"));
}

#[test]
fn a_page_beside_a_folder_of_the_same_name_keeps_its_address() {
    let (_t, root) =
        site(&[("content/guide.md", &page("案内", "本文。")), ("content/guide/one.md", &page("一", "本文。"))]);
    let out = build(&root);
    assert_eq!(texts(&html(&out, "guide/index.html"), "h1"), ["案内"]);
}

/// The first error of building a site whose `content/a.md` is `text`.
fn front_matter_error(text: &str) -> tebiki::Diagnostic {
    let (_t, root) = site(&[("content/a.md", text)]);
    build_err(&root).0.remove(0)
}

#[test]
fn yaml_errors_speak_a_writers_words_on_the_line_of_the_cause() {
    let e = front_matter_error("---\ntitle: 手順\nweight: 二\n---\n本文。\n");
    assert_eq!(e.message, "`weight` must be a whole number, like `weight: 2`");
    assert_eq!(e.line, 3);
    let e = front_matter_error("---\ntitle 手順 weight\n---\n本文。\n");
    assert_eq!(e.message, "expected `key: value` lines");
    let e = front_matter_error("---\ntitle: \"手順\nweight: 2\n---\n本文。\n");
    assert_eq!(e.message, "a quoted value is never closed");
    assert_eq!((e.line, e.column), (2, 8), "at the opening quote, not the closing ---");
    let e = front_matter_error("---\ntitle: 手順: 其の一\n---\n本文。\n");
    assert_eq!(e.hint.as_deref(), Some("put the value in quotes: `title: \"手順: 其の一\"`"));
    for e in [
        front_matter_error("---\ntitle: a\nweight: 二\n---\n"),
        front_matter_error("---\ntitle: a\ndraft: はい\n---\n"),
        front_matter_error("---\ntitle: a\nrelated: [1, {a: b}]\n---\n"),
        front_matter_error("---\n- a\n---\n"),
    ] {
        let words = format!("{} {}", e.message, e.hint.unwrap_or_default());
        for rust in ["i64", "FrontMatter", "struct", "sequence", "boolean", "invalid type"] {
            assert!(!words.contains(rust), "`{rust}` in: {words}");
        }
    }
}

#[test]
fn every_unknown_key_of_a_file_is_reported_at_once_with_its_suggestion() {
    let e = front_matter_error("---\ntitel: 手順\nwieght: 2\n---\n本文。\n");
    assert_eq!(e.message, "unknown keys `titel`, `wieght`");
    assert_eq!(e.line, 2);
    let hint = e.hint.unwrap();
    assert!(hint.contains("`titel` (line 2): did you mean `title`?"), "{hint}");
    assert!(hint.contains("`wieght` (line 3): did you mean `weight`?"), "{hint}");
}
