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
