//! Every kind of user error: a clear message with file, line and column, a hint, exit code 1,
//! and the previous output left untouched.

mod common;

use std::fs;

use common::*;
use predicates::prelude::*;

fn first(d: &tebiki::Diagnostics) -> &tebiki::Diagnostic {
    &d.0[0]
}

#[test]
fn broken_link_names_file_line_column_and_suggests() {
    let (_t, root) = site(&[
        ("content/risks.md", "---\ntitle: リスク\n---\n一行目\n\n詳しくは[対処法](remedy.md)へ。\n"),
        ("content/remedies.md", "---\ntitle: 対処法\n---\n本文\n"),
    ]);
    let d = build_err(&root);
    let e = first(&d);
    assert_eq!(e.file.as_deref(), Some(std::path::Path::new("content/risks.md")));
    assert_eq!((e.line, e.column), (6, 5));
    assert_eq!(e.message, "link target `remedy.md` not found");
    assert!(e.hint.as_deref().unwrap().contains("`remedies.md`"));
}

#[test]
fn broken_anchor_suggests_the_closest_heading() {
    let (_t, root) = site(&[
        ("content/a.md", "---\ntitle: A\n---\n[謝罪](b.md#正直に謝罪)\n"),
        ("content/b.md", "---\ntitle: B\n---\n## 正直に謝罪する\n"),
    ]);
    let d = build_err(&root);
    let e = first(&d);
    assert_eq!(e.message, "anchor `#正直に謝罪` not found in `b.md`");
    assert_eq!((e.line, e.column), (4, 1));
    assert!(e.hint.as_deref().unwrap().contains("#正直に謝罪する"), "{:?}", e.hint);
}

#[test]
fn all_errors_of_a_build_are_reported_at_once() {
    let (_t, root) = site(&[
        ("content/a.md", "---\ntitle: A\n---\n[x](nope.md)\n"),
        ("content/b.md", "---\ntitle: B\ntitel: typo\n---\n"),
        ("content/c.md", "---\ntitle: C\n---\n[y](#missing)\n"),
    ]);
    let d = build_err(&root);
    assert!(d.error_count() >= 2, "{d}");
    let files: Vec<String> = d.0.iter().filter_map(|e| e.file.as_ref().map(|f| f.display().to_string())).collect();
    assert!(files.contains(&"content/b.md".to_string()));
}

#[test]
fn unknown_front_matter_key_is_located_with_suggestion() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\nwieght: 2\n---\n")]);
    let e = build_err(&root).0.remove(0);
    assert_eq!(e.message, "unknown key `wieght`");
    assert_eq!((e.line, e.column), (3, 1));
    assert!(e.hint.unwrap().contains("did you mean `weight`?"));
}

#[test]
fn yaml_syntax_error_is_located() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: [unclosed\n---\n")]);
    let e = build_err(&root).0.remove(0);
    assert_eq!(e.file.as_deref(), Some(std::path::Path::new("content/a.md")));
    assert!(e.line >= 2, "{e:?}");
}

#[test]
fn wrong_type_in_front_matter_is_an_error() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\nweight: 重い\n---\n")]);
    let e = build_err(&root).0.remove(0);
    assert_eq!(e.line, 3);
    assert_eq!(e.message, "`weight` must be a whole number, like `weight: 2`");
}

#[test]
fn unknown_config_key_suggests_the_right_one() {
    let (_t, root) = site(&[("site.yaml", "title: x\nbase_ulr: /\n")]);
    let e = build_err(&root).0.remove(0);
    assert_eq!(e.message, "unknown key `base_ulr`");
    assert_eq!(e.line, 2);
    assert!(e.hint.unwrap().contains("`base_url`"));
}

#[test]
fn duplicate_urls_are_errors() {
    let (_t, root) =
        site(&[("content/a.md", "---\ntitle: A\n---\n"), ("content/b.md", "---\ntitle: B\nslug: a\n---\n")]);
    let e = build_err(&root).0.remove(0);
    assert!(e.message.contains("duplicate URL `/a/`"), "{}", e.message);
}

#[test]
fn template_error_names_the_template_line_and_column() {
    let (_t, root) = site(&[
        ("themes/default/templates/page.html", "<p>\n{{ page.nonexistent }}\n</p>\n"),
        ("content/a.md", "---\ntitle: A\n---\n"),
    ]);
    let e = build_err(&root).0.remove(0);
    assert_eq!(e.file.as_deref(), Some(std::path::Path::new("themes/default/templates/page.html")));
    // The caret points at the attribute that does not exist.
    assert_eq!((e.line, e.column), (2, 9));
    assert!(e.message.starts_with("template error"), "{}", e.message);
}

#[test]
fn template_syntax_error_is_located() {
    let (_t, root) = site(&[("themes/default/templates/page.html", "<p>\n{% if %}\n")]);
    let e = build_err(&root).0.remove(0);
    assert_eq!(e.file.as_deref(), Some(std::path::Path::new("themes/default/templates/page.html")));
    assert_eq!(e.line, 2);
}

#[test]
fn missing_theme_is_an_error() {
    let (_t, root) = site(&[("site.yaml", "title: x\ntheme: fancy\n")]);
    let e = build_err(&root).0.remove(0);
    assert_eq!(e.message, "theme `fancy` not found in themes/");
}

#[test]
fn non_utf8_file_is_located() {
    let (_t, root) = site(&[]);
    let mut bytes = b"---\ntitle: A\n---\nab".to_vec();
    bytes.extend_from_slice(&[0x82, 0xa0]); // Shift_JIS
    fs::write(root.join("content/sjis.md"), bytes).unwrap();
    let e = build_err(&root).0.remove(0);
    assert_eq!((e.line, e.column), (4, 3));
    assert!(e.hint.unwrap().contains("UTF-8"));
}

#[test]
fn failed_build_leaves_previous_output_exactly_as_it_was() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n---\n本文\n")]);
    let out = build(&root);
    let before = snapshot_dir(&out);
    write(&root, "content/a.md", "---\ntitle: A\n---\n[壊れた](missing.md)\n");
    write(&root, "content/new.md", "---\ntitle: New\n---\n");
    build_err(&root);
    assert_eq!(before, snapshot_dir(&out));
    let siblings: Vec<_> =
        fs::read_dir(root.as_path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(!siblings.iter().any(|s| s.contains("staging")), "{siblings:?}");
}

#[test]
fn cli_exits_1_with_rendered_diagnostic_and_2_on_bad_usage() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n---\n[x](nope.md)\n")]);
    tebiki()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("content/a.md:4:1"))
        .stderr(predicate::str::contains("[x](nope.md)"))
        .stderr(predicate::str::contains("^"))
        .stderr(predicate::str::contains("panicked").not());
    tebiki().args(["build", "--no-such-flag"]).assert().code(2);
}

#[test]
fn cli_prints_a_one_line_summary() {
    let (_t, root) =
        site(&[("content/_index.md", "---\ntitle: H\n---\n[A](a.md)\n"), ("content/a.md", "---\ntitle: A\n---\n")]);
    tebiki()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success()
        .stderr(predicate::str::is_match(r"^Built 2 pages and \d+ assets in \d+ ms\n$").unwrap());
}

#[test]
fn check_writes_nothing_and_reports_json() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n---\n[x](nope.md)\n")]);
    let out =
        tebiki().args(["check", "--format", "json", "--root"]).arg(&root).assert().code(1).get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["file"], "content/a.md");
    assert_eq!(v[0]["line"], 4);
    assert_eq!(v[0]["severity"], "error");
    assert!(!root.join("public").exists());
}

#[test]
fn output_folder_that_would_destroy_the_site_is_refused() {
    let (_t, root) = site(&[]);
    for bad in [root.clone(), root.join("content"), root.join("content/out")] {
        let opts = tebiki::BuildOptions { root: root.clone(), output: Some(bad.clone()), ..Default::default() };
        assert!(tebiki::build(&opts).is_err(), "{}", bad.display());
    }
    assert!(root.join("content/_index.md").is_file());
}

#[test]
fn check_warns_about_orphans_skipped_headings_missing_alt_and_unpaired_bold() {
    let (_t, root) = site(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\n## 二\n\n#### 四\n\n![](x.svg)\n\n<img src=\"x.svg\">\n\nこれは**閉じていない\n",
        ),
        ("content/x.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>"),
    ]);
    let out = tebiki()
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let msgs: Vec<String> =
        v.as_array().unwrap().iter().map(|d| format!("{}:{} {}", d["severity"], d["line"], d["message"])).collect();
    let has = |needle: &str| msgs.iter().any(|m| m.contains(needle));
    assert!(has("no page links here"), "{msgs:?}");
    assert!(has("\"warning\":6 \"heading level skipped: h4 follows h2"), "{msgs:?}");
    // `![](x.svg)` is decorative (line 8); the raw `<img>` without alt (line 10) is not.
    assert!(has("\"warning\":10 \"image `x.svg` has no alt text"), "{msgs:?}");
    assert!(!has("\"warning\":8 "), "{msgs:?}");
    assert!(has("`**` left unpaired"), "{msgs:?}");
    for d in v.as_array().unwrap() {
        for key in ["file", "line", "column", "severity", "message", "hint"] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
    }
}

#[test]
fn an_error_in_the_sidebar_item_template_names_it() {
    let (_t, root) = site(&[
        ("themes/default/templates/partials/sidebar_item.html", "<li>\n{{ entry.nope }}</li>"),
        ("content/a.md", "---\ntitle: A\n---\n"),
    ]);
    let e = build_err(&root).0.remove(0);
    assert_eq!(e.file.as_deref(), Some(std::path::Path::new("themes/default/templates/partials/sidebar_item.html")));
    assert_eq!(e.line, 2, "{}", e.message);
}
