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

/// The bomb above stops at its unknown key `a`; under `extra` (free-form, in front matter and in
/// site.yaml) it reaches the YAML parser's expansion, which must refuse it, fast and small.
#[test]
fn yaml_alias_bomb_under_extra_is_refused_quickly() {
    let mut bomb =
        String::from("extra:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let mut prev = 'a';
    for c in 'b'..='k' {
        bomb.push_str(&format!("  {c}: &{c} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
        prev = c;
    }
    for (path, text) in
        [("content/bomb.md", format!("---\ntitle: x\n{bomb}---\n")), ("site.yaml", format!("title: x\n{bomb}"))]
    {
        let (_t, root) = site(&[(path, &text)]);
        let start = std::time::Instant::now();
        let e = build_err(&root).0.remove(0);
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(e.file.as_deref(), Some(std::path::Path::new(path)));
        assert!(e.message.contains("limit"), "{path}: {}", e.message);
    }
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
fn duplicate_urls_from_two_files_are_an_error_naming_both() {
    let (_t, root) =
        site(&[("content/a.md", "---\ntitle: A\n---\n"), ("content/a/_index.md", "---\ntitle: A2\n---\n")]);
    let e = build_err(&root).0.remove(0);
    assert!(e.message.contains("duplicate URL `/a/`"), "{}", e.message);
    let named = format!("{} {}", e.message, e.file.as_deref().unwrap().display());
    assert!(named.contains("content/a.md") && named.contains("content/a/_index.md"), "{named}");
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
    let decoded: Vec<String> = hrefs.iter().map(|h| common::percent_decode(h)).collect();
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

/// A tmpfs of `size` mounted on a fresh folder, unmounted on drop; None (with a notice) when this
/// is not root or mounting fails (containers, CI without the capability).
#[cfg(target_os = "linux")]
struct SmallDisk {
    dir: tempfile::TempDir,
}

#[cfg(target_os = "linux")]
impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("notice: skipping the disk-full test: mounting a tmpfs needs root");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Some(SmallDisk { dir }),
            Ok(o) => {
                eprintln!("notice: skipping the disk-full test: {}", String::from_utf8_lossy(&o.stderr).trim());
                None
            }
            Err(e) => {
                eprintln!("notice: skipping the disk-full test: cannot run mount: {e}");
                None
            }
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(self.dir.path()).status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn full_disk_is_a_clear_error_and_the_previous_output_stays() {
    let Some(disk) = SmallDisk::mount("1m") else { return };
    let (_t, root) = site(&[("content/a.md", "---\ntitle: ページ\n---\n本文。\n")]);
    let out = disk.dir.path().join("public");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_tebiki"))
            .args(["build", "--root"])
            .arg(&root)
            .arg("--output")
            .arg(&out)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let before = snapshot_dir(&out);
    // A 2 MB file cannot be staged on a 1 MB disk.
    let big: Vec<u8> = (0..2_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    fs::write(root.join("content/big.bin"), big).unwrap();
    fs::write(root.join("content/a.md"), "---\ntitle: ページ\n---\n新しい本文。\n").unwrap();
    let second = run();
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(err.contains("No space left on device") && err.contains("the disk is full"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(before == snapshot_dir(&out), "the previous output changed");
    let mut left: Vec<_> = fs::read_dir(disk.dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, [".public.tebiki-lock", "public"], "the staging folder was left behind");
    // Room again: the next build succeeds.
    fs::remove_file(root.join("content/big.bin")).unwrap();
    let third = run();
    assert!(third.status.success(), "{}", String::from_utf8_lossy(&third.stderr));
    assert!(fs::read_to_string(out.join("a/index.html")).unwrap().contains("新しい本文"));
}
