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
