//! Warnings that respect attention (summaries, opt-outs, suggestions from the site itself) and
//! messages in the reader's language, through the command line.

mod common;

use common::*;
use predicates::prelude::*;

/// A site whose `n` pages no page links to.
fn orphans(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let pages: Vec<(String, String)> =
        (0..n).map(|i| (format!("content/p{i:02}.md"), format!("---\ntitle: 頁{i}\n---\n本文。\n"))).collect();
    let refs: Vec<(&str, &str)> = pages.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    site(&refs)
}

fn stderr(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn many_warnings_of_one_kind_are_one_line_in_build_and_all_listed_in_check() {
    let (_t, root) = orphans(25);
    let build = stderr(tebiki().args(["build", "--root"]).arg(&root));
    assert_eq!(build.matches("no page links here").count(), 0, "{build}");
    assert!(build.contains("25 `orphan` warnings, not listed here"), "{build}");
    assert!(build.contains("run `tebiki check` to list them all"), "{build}");
    let check = stderr(tebiki().args(["check", "--root"]).arg(&root));
    assert_eq!(check.matches("no page links here").count(), 25, "{check}");
    // A few of a kind are listed one by one.
    let (_t, root) = orphans(3);
    let build = stderr(tebiki().args(["build", "--root"]).arg(&root));
    assert_eq!(build.matches("no page links here").count(), 3, "{build}");
}

#[test]
fn a_warning_kind_can_be_turned_off_and_a_page_can_opt_out() {
    let (_t, root) = site(&[
        ("content/alone.md", "---\ntitle: 一人\norphan: ok\n---\n本文。\n"),
        ("content/lost.md", "---\ntitle: 迷子\n---\n本文。\n"),
    ]);
    let check = stderr(tebiki().args(["check", "--root"]).arg(&root));
    assert!(check.contains("content/lost.md"), "{check}");
    assert!(!check.contains("content/alone.md"), "{check}");
    std::fs::write(root.join("site.yaml"), "title: テスト\ncards: { enabled: false }\nwarnings:\n  orphan: false\n")
        .unwrap();
    tebiki()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .success()
        .stderr(predicate::str::contains("no page links here").not())
        .stderr(predicate::str::contains("No errors (0 warnings)"));
    std::fs::write(root.join("site.yaml"), "title: テスト\nwarnings: { orphn: false }\n").unwrap();
    tebiki()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown warning kind `orphn`"))
        .stderr(predicate::str::contains("did you mean `orphan`?"));
}

#[test]
fn a_missing_page_is_suggested_from_the_site_own_files() {
    let (_t, root) = site(&[
        ("content/guide/setup.md", "---\ntitle: 準備\n---\n[先へ](qqqqqqqqqqqq.md)\n"),
        ("content/guide/install.md", "---\ntitle: 導入\n---\n[準備](setup.md)\n"),
    ]);
    let out = stderr(tebiki().args(["check", "--root"]).arg(&root));
    assert!(out.contains("link target `qqqqqqqqqqqq.md` not found"), "{out}");
    assert!(out.contains("e.g. `install.md`"), "{out}");
    assert!(!out.contains("remedies.md"), "{out}");
}

fn broken() -> (tempfile::TempDir, std::path::PathBuf) {
    site(&[("content/a.md", "---\ntitle: ア\n---\n[先](nowhere-at-all-here.md)\n")])
}

#[test]
fn messages_follow_the_locale_and_lang_chooses() {
    let (_t, root) = broken();
    let ja = stderr(tebiki().env("LANG", "ja_JP.UTF-8").args(["build", "--root"]).arg(&root));
    assert!(ja.contains("エラー: リンク先 `nowhere-at-all-here.md` が見つかりません"), "{ja}");
    assert!(ja.contains("ヒント: このページからの相対パスで"), "{ja}");
    assert!(ja.contains("ビルドに失敗しました（エラー 1 件）"), "{ja}");
    // LC_ALL comes before LANG; --lang before both.
    let en =
        stderr(tebiki().env("LANG", "ja_JP.UTF-8").env("LC_ALL", "en_US.UTF-8").args(["build", "--root"]).arg(&root));
    assert!(en.contains("error: link target `nowhere-at-all-here.md` not found"), "{en}");
    let en = stderr(tebiki().env("LANG", "ja_JP.UTF-8").args(["--lang", "en", "check", "--root"]).arg(&root));
    assert!(en.contains("link target `nowhere-at-all-here.md` not found"), "{en}");
    let ja = stderr(tebiki().args(["check", "--lang", "ja", "--root"]).arg(&root));
    assert!(ja.contains("リンク先 `nowhere-at-all-here.md` が見つかりません"), "{ja}");
}

#[test]
fn json_is_english_with_a_code_whatever_the_locale() {
    let (_t, root) = broken();
    let out =
        tebiki().env("LANG", "ja_JP.UTF-8").args(["check", "--format", "json", "--root"]).arg(&root).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["code"], "link-not-found");
    assert_eq!(v[0]["message"], "link target `nowhere-at-all-here.md` not found");
    assert_eq!(v[0]["severity"], "error");
}

#[test]
fn theme_strings_follow_language_and_the_site_can_reword_them() {
    let pages =
        [("content/a.md", "---\ntitle: A\n---\n[B](b.md)\n"), ("content/b.md", "---\ntitle: B\n---\n[A](a.md)\n")];
    let (_t, root) = site(&[&pages[..], &[("site.yaml", "title: Guide\nlanguage: en\n")]].concat());
    tebiki().args(["build", "--root"]).arg(&root).assert().success();
    let doc = html(&root.join("public"), "a/index.html");
    assert_eq!(texts(&doc, ".site-nav-toggle"), ["Menu"]);
    assert_eq!(texts(&doc, ".pager-prev .pager-dir"), ["Previous"]);
    assert_eq!(texts(&doc, ".pager-next .pager-dir"), ["Next"]);
    let (_t, root) = site(&[&pages[..], &[("site.yaml", "title: 手引き\nstrings:\n  menu: 一覧\n")]].concat());
    tebiki().args(["build", "--root"]).arg(&root).assert().success();
    let doc = html(&root.join("public"), "a/index.html");
    assert_eq!(texts(&doc, ".site-nav-toggle"), ["一覧"]);
    assert_eq!(texts(&doc, ".pager-next .pager-dir"), ["次へ"]);
    std::fs::write(root.join("site.yaml"), "title: 手引き\nstrings:\n  menus: 一覧\n").unwrap();
    tebiki()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown interface string `menus`"))
        .stderr(predicate::str::contains("did you mean `menu`?"));
}
