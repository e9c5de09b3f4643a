//! The authoring workflow from the command line: init → new → check → build, help, completions,
//! and colour rules.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn init_new_check_build_works_from_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("my-guide");
    tebiki().args(["init"]).arg(&site).assert().success().stderr(predicate::str::contains("created"));
    assert!(site.join("site.yaml").is_file());
    assert!(!site.join("themes").exists(), "init uses the embedded theme");
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    assert!(yaml.contains("# サイトの題名") && yaml.contains("Site title"), "keys commented in Japanese and English");
    tebiki()
        .args(["new", "steps.md", "--title", "手順", "--root"])
        .arg(&site)
        .assert()
        .success()
        .stderr(predicate::str::contains("as a draft: `tebiki serve` shows it at /steps/"));
    // A new page is a draft: nothing asks for links to it while it is being written.
    tebiki()
        .args(["check", "--drafts", "--root"])
        .arg(&site)
        .assert()
        .success()
        .stderr(predicate::str::contains("no page links here").not());
    let page = site.join("content/steps.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("draft: true\n", "")).unwrap();
    // Published and not linked from anywhere: a warning, not an error.
    tebiki()
        .args(["check", "--root"])
        .arg(&site)
        .assert()
        .success()
        .stderr(predicate::str::contains("no page links here"));
    tebiki().args(["build", "--root"]).arg(&site).assert().success();
    let doc = html(&site.join("public"), "steps/index.html");
    assert_eq!(texts(&doc, "h1"), ["手順"]);
    let example = html(&site.join("public"), "getting-started/index.html");
    assert_eq!(attrs(&example, "figure.illustration img", "alt").len(), 1);
    assert_eq!(texts(&example, ".callout-title"), ["ヒント"]);
}

#[test]
fn init_refuses_to_overwrite_and_theme_copy_writes_the_theme() {
    let tmp = tempfile::tempdir().unwrap();
    tebiki().args(["init", "--theme-copy"]).arg(tmp.path()).assert().success();
    assert!(tmp.path().join("themes/default/templates/page.html").is_file());
    std::fs::write(tmp.path().join("site.yaml"), "title: mine\n").unwrap();
    tebiki().args(["init"]).arg(tmp.path()).assert().code(1).stderr(predicate::str::contains("already exists"));
    assert_eq!(std::fs::read_to_string(tmp.path().join("site.yaml")).unwrap(), "title: mine\n");
}

#[test]
fn new_refuses_to_overwrite() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n---\n")]);
    tebiki()
        .args(["new", "a.md", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
}

#[test]
fn every_command_has_help_with_examples_and_a_version() {
    for cmd in ["build", "check", "init", "new", "completions"] {
        tebiki().args([cmd, "--help"]).assert().success().stdout(predicate::str::contains("Examples:"));
    }
    tebiki().arg("--version").assert().success().stdout(predicate::str::starts_with("tebiki "));
}

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, needle) in [("bash", "_tebiki()"), ("zsh", "#compdef tebiki"), ("fish", "complete -c tebiki")] {
        tebiki().args(["completions", shell]).assert().success().stdout(predicate::str::contains(needle));
    }
}

#[test]
fn diagnostics_have_no_colour_when_not_a_terminal_or_no_color_is_set() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n---\n[x](nope.md)\n")]);
    for no_color in [true, false] {
        let mut c = assert_cmd::Command::cargo_bin("tebiki").unwrap();
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        c.args(["build", "--root"]).arg(&root).assert().code(1).stderr(predicate::str::contains("\u{1b}[").not());
    }
}

#[test]
fn drafts_are_left_out_of_build_and_shown_with_a_badge_by_serve() {
    let (_t, root) = site(&[
        ("content/_index.md", "---\ntitle: ホーム\n---\n本文\n"),
        ("content/wip.md", "---\ntitle: 書きかけ\ndraft: true\n---\n本文\n"),
    ]);
    tebiki().args(["build", "--root"]).arg(&root).assert().success();
    assert!(!root.join("public/wip/index.html").exists());
    let home = html(&root.join("public"), "index.html");
    assert!(!texts(&home, ".site-nav a").iter().any(|t| t.contains("書きかけ")));

    // What `tebiki serve` builds (src/serve/mod.rs: drafts and serve on).
    let opts = tebiki::BuildOptions { root: root.clone(), drafts: true, serve: true, ..Default::default() };
    let site = tebiki::build_site(&opts).unwrap();
    let page = site.files.iter().find(|f| f.path == "wip/index.html").expect("draft page served");
    let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&page.data));
    assert_eq!(texts(&doc, "h1 .badge-draft"), ["下書き"]);
    assert!(texts(&doc, ".site-nav .badge-draft").contains(&"下書き".to_string()));
}

#[test]
fn build_timings_print_each_stage_with_its_time_and_memory() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n---\n本文です。\n")]);
    let out = tebiki().args(["build", "--timings", "--root"]).arg(&root).assert().success().get_output().clone();
    let err = String::from_utf8_lossy(&out.stderr);
    for stage in ["read content", "markdown", "render and write pages", "search index", "prune, swap in"] {
        let line = err.lines().find(|l| l.trim_start().starts_with(&format!("{stage}:"))).unwrap_or_else(|| {
            panic!("no `{stage}` line in:\n{err}");
        });
        assert!(line.contains(" ms"), "{line}");
        // Linux has /proc/self/status: the memory in use and its peak follow the time.
        if cfg!(target_os = "linux") {
            assert!(line.contains(" MB, peak ") && line.trim_end().ends_with(" MB"), "{line}");
        }
    }
}
