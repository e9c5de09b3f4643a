//! Hostile and broken input: a clear error or a correct build, never a panic, never lost work.

mod common;

use std::fs;
use std::time::Duration;

use common::*;

fn build_result(root: &std::path::Path) -> Result<std::path::PathBuf, tebiki::Diagnostics> {
    let opts = tebiki::BuildOptions { root: root.to_path_buf(), ..Default::default() };
    tebiki::build(&opts).map(|r| r.output)
}

#[test]
fn empty_file_is_an_error_naming_it() {
    let (_t, root) = site(&[("content/empty.md", "")]);
    let d = build_err(&root);
    assert_eq!(d.0[0].file.as_deref(), Some(std::path::Path::new("content/empty.md")));
    assert!(d.0[0].message.contains("front matter"));
}

#[test]
fn front_matter_only_file_builds() {
    let (_t, root) = site(&[("content/only.md", "---\ntitle: 前付けだけ\n---\n")]);
    let out = build(&root);
    assert!(out.join("only/index.html").is_file());
}

#[test]
fn unclosed_front_matter_is_an_error_at_line_1() {
    let (_t, root) = site(&[("content/a.md", "---\ntitle: A\n本文\n")]);
    let e = build_err(&root).0.remove(0);
    assert_eq!((e.message.as_str(), e.line), ("front matter is never closed", 1));
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let mut y = String::from(
        "---\ntitle: x\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for c in 'b'..='k' {
        y.push_str(&format!("{c}: &{c} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
        prev = c;
    }
    y.push_str("---\n");
    let (_t, root) = site(&[("content/bomb.md", &y)]);
    let start = std::time::Instant::now();
    let d = build_err(&root);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(d.0[0].file.as_deref(), Some(std::path::Path::new("content/bomb.md")));
}

#[test]
fn bom_and_crlf_files_build() {
    let (_t, root) = site(&[("content/crlf.md", "\u{feff}---\r\ntitle: 改行\r\n---\r\n一行目の\r\n続き\r\n")]);
    let out = build(&root);
    let doc = html(&out, "crlf/index.html");
    assert_eq!(texts(&doc, ".content p"), ["一行目の続き"]);
}

#[test]
fn binary_files_are_copied_and_binary_markdown_is_an_error() {
    let (_t, root) = site(&[]);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    fs::write(root.join("content/data.bin"), &bytes).unwrap();
    let out = build(&root);
    assert_eq!(fs::read(out.join("data.bin")).unwrap(), bytes);
    fs::write(root.join("content/bin.md"), &bytes).unwrap();
    let e = build_err(&root).0.remove(0);
    assert!(e.message.contains("not valid UTF-8"), "{}", e.message);
}

#[test]
fn very_large_page_builds() {
    let para = "大きなページの本文です。".repeat(50) + "\n\n";
    let body = format!("---\ntitle: 大きい\n---\n{}", para.repeat(2000)); // about 3.6 MB
    let (_t, root) = site(&[("content/big.md", &body)]);
    let out = build(&root);
    assert!(fs::metadata(out.join("big/index.html")).unwrap().len() > 3_000_000);
}

#[test]
fn pathological_nesting_does_not_overflow_the_stack() {
    let body = format!(
        "---\ntitle: 入れ子\n---\n{}\n\n{}\n\n{}a{}\n\n{}\n",
        ">".repeat(30_000),
        "[".repeat(30_000),
        "*".repeat(30_000),
        "*".repeat(30_000),
        "- ".repeat(5_000)
    );
    let (_t, root) = site(&[("content/deep.md", &body)]);
    // Either outcome is fine; a crash is not (the test would abort).
    let _ = build_result(&root);
}

#[test]
fn slugs_cannot_escape_the_output_folder() {
    for slug in ["../../escape", "a/b", "/etc", ".."] {
        let (t, root) = site(&[("content/a.md", &format!("---\ntitle: A\nslug: \"{slug}\"\n---\n"))]);
        let e = build_err(&root).0.remove(0);
        assert!(e.message.contains("invalid slug"), "{slug}: {}", e.message);
        assert!(!t.path().join("escape").exists());
    }
}

#[test]
fn japanese_file_names_build_to_japanese_urls() {
    let (_t, root) = site(&[
        ("content/_index.md", "---\ntitle: H\n---\n[対処](対処法.md#見出し)\n"),
        ("content/対処法.md", "---\ntitle: 対処法\n---\n## 見出し\n"),
    ]);
    let out = build(&root);
    assert!(out.join("対処法/index.html").is_file());
    let hrefs = attrs(&html(&out, "index.html"), ".content a", "href");
    let decoded: Vec<String> = hrefs.iter().map(|h| tebiki::markdown::links::percent_decode(h)).collect();
    assert!(decoded.contains(&"/対処法/#見出し".to_string()), "{decoded:?}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_outside_are_skipped_with_a_warning() {
    let (t, root) = site(&[]);
    fs::write(t.path().join("secret.txt"), "outside").unwrap();
    std::os::unix::fs::symlink(t.path().join("secret.txt"), root.join("content/secret.txt")).unwrap();
    std::os::unix::fs::symlink(root.join("content"), root.join("content/loop")).unwrap();
    let opts = tebiki::BuildOptions { root: root.clone(), ..Default::default() };
    let r = tebiki::build(&opts).unwrap();
    assert!(!r.output.join("secret.txt").exists());
    assert!(r.warnings.0.iter().any(|w| w.message.contains("symlink")));
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_an_error_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let (_t, root) = site(&[("content/locked.md", "---\ntitle: L\n---\n")]);
    let p = root.join("content/locked.md");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&p).is_ok() {
        // Running as root: permissions do not apply, so the file is readable and builds.
        build(&root);
        return;
    }
    let e = build_err(&root).0.remove(0);
    assert!(e.message.contains("cannot read"), "{}", e.message);
}

#[test]
fn self_including_template_is_an_error() {
    let (_t, root) =
        site(&[("themes/default/templates/partials/footer.html", "{% include \"partials/footer.html\" %}")]);
    let d = build_err(&root);
    assert!(d.0[0].message.contains("footer.html"), "{}", d);
}

#[test]
fn config_that_is_not_a_mapping_is_an_error() {
    let (_t, root) = site(&[("site.yaml", "- just\n- a list\n")]);
    let e = build_err(&root).0.remove(0);
    assert!(e.message.contains("mapping"));
}

#[test]
fn killed_build_leaves_the_previous_output_whole() {
    // A site big enough that the build takes a while, killed at several moments.
    let mut files = vec![("content/_index.md".to_string(), "---\ntitle: H\n---\n本文\n".to_string())];
    for i in 0..1500 {
        files.push((format!("content/p{i}.md"), format!("---\ntitle: ページ{i}\n---\n{}\n", "本文です。".repeat(400))));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (_t, root) = site(&refs);
    let out = build(&root);
    let before = snapshot_dir(&out);
    for delay_ms in [5u64, 30, 80, 150, 300] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tebiki"))
            .args(["build", "--quiet", "--root"])
            .arg(&root)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let after = snapshot_dir(&out);
        // Either the old output or a complete new one (identical input gives identical bytes).
        assert_eq!(before.len(), after.len(), "killed after {delay_ms} ms: output incomplete");
        assert!(before == after, "killed after {delay_ms} ms: output changed");
    }
    // The next build cleans up whatever a killed build left and succeeds.
    build(&root);
    assert_eq!(before, snapshot_dir(&out));
}
