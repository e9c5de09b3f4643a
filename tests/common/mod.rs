//! Helpers shared by the whole-site tests: copy a fixture into a temp folder, build it, parse HTML.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};
use tempfile::TempDir;

/// The repository root (the guide itself is a site).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies `src` into `dst` recursively.
pub fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for e in fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// A fixture copied into a fresh temp dir: (guard, site root).
pub fn fixture(name: &str) -> (TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&repo().join("tests/fixtures").join(name), &root);
    (tmp, root)
}

/// The guide (repo's site.yaml + content/, without themes/ so the embedded theme is used).
pub fn guide() -> (TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&repo().join("content"), &root.join("content"));
    fs::copy(repo().join("site.yaml"), root.join("site.yaml")).unwrap();
    (tmp, root)
}

/// A minimal site written from (path, text) pairs, plus a site.yaml unless given.
pub fn site(files: &[(&str, &str)]) -> (TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    if !files.iter().any(|(p, _)| *p == "site.yaml") {
        write(&root, "site.yaml", "title: テスト\n");
    }
    if !files.iter().any(|(p, _)| *p == "content/_index.md") {
        write(&root, "content/_index.md", "---\ntitle: ホーム\n---\n本文。\n");
    }
    for (p, t) in files {
        write(&root, p, t);
    }
    (tmp, root)
}

/// Writes a file, creating folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// Builds `root` into `<root>/public` with the library; panics with diagnostics on failure.
pub fn build(root: &Path) -> PathBuf {
    let opts = tebiki::BuildOptions { root: root.to_path_buf(), ..Default::default() };
    match tebiki::build(&opts) {
        Ok(r) => r.output,
        Err(d) => panic!("build failed:\n{}", d.render(false)),
    }
}

/// Builds and expects failure; returns the diagnostics.
pub fn build_err(root: &Path) -> tebiki::Diagnostics {
    let opts = tebiki::BuildOptions { root: root.to_path_buf(), ..Default::default() };
    match tebiki::build(&opts) {
        Ok(_) => panic!("build unexpectedly succeeded"),
        Err(d) => d,
    }
}

/// Parses an output HTML file.
pub fn html(out: &Path, rel: &str) -> Html {
    let text = fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Html::parse_document(&text)
}

/// Text of every element matching `sel`.
pub fn texts(doc: &Html, sel: &str) -> Vec<String> {
    let s = Selector::parse(sel).unwrap();
    doc.select(&s).map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

/// An attribute of every element matching `sel`.
pub fn attrs(doc: &Html, sel: &str, attr: &str) -> Vec<String> {
    let s = Selector::parse(sel).unwrap();
    doc.select(&s).filter_map(|e| e.value().attr(attr).map(str::to_owned)).collect()
}

/// Every file under `dir` with its bytes, sorted, for byte-for-byte comparisons.
pub fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir(dir)
        .into_iter()
        .map(|p| (p.strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap()))
        .collect();
    v.sort();
    v
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Runs the `tebiki` binary.
pub fn tebiki() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("tebiki").unwrap();
    c.env("NO_COLOR", "1");
    // Messages follow the locale; the tests read English unless they ask for Japanese.
    c.env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
    c
}

/// Saves like editors do: write a temporary file beside it, then rename it over the original.
pub fn atomic_save(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    let tmp = path.with_file_name(format!(".{}.tmp", path.file_name().unwrap().to_string_lossy()));
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, &path).unwrap();
}

/// A page's Markdown with a title.
pub fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n{body}\n")
}

/// Starts `tebiki serve --root ROOT ARGS...` and waits for its `Serving URL` line.
/// Returns the process, the URL and every stderr line so far (the log keeps filling).
pub fn spawn_serve(
    root: &Path,
    args: &[&str],
) -> (std::process::Child, String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::{Arc, Mutex};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .arg("serve")
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tebiki serve");
    let stderr = child.stderr.take().expect("stderr is piped");
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // "Serving URL (Ctrl-C to stop)", or with `--lang ja` "URL で公開中です…".
            let url = line.strip_prefix("Serving ").or_else(|| line.contains(" で公開中です").then_some(line.as_str()));
            if let Some(url) = url {
                let _ = tx.send(url.split(' ').next().unwrap_or_default().to_string());
            }
            sink.lock().unwrap().push(line);
        }
    });
    match rx.recv_timeout(std::time::Duration::from_secs(30)) {
        Ok(url) => (child, url, log),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve did not start:\n{}", log.lock().unwrap().join("\n"));
        }
    }
}

/// Document ids of `token` in a search shard (its delta list decoded; none when absent).
pub fn postings(shard: &serde_json::Value, token: &str) -> Vec<u64> {
    let mut acc = 0;
    shard[token].as_array().map_or_else(Vec::new, |a| {
        a.iter()
            .map(|d| {
                // Index v3: each delta times four, plus the mark of where the token is.
                acc += d.as_u64().expect("a delta") >> 2;
                acc
            })
            .collect()
    })
}

/// A generated Japanese site: `sections` sections of `per_section` cross-linked pages plus their
/// indexes (10 × 99 makes 1,000 pages), for benchmarks.
pub fn generate_site(root: &Path, sections: usize, per_section: usize) {
    std::fs::create_dir_all(root.join("content")).expect("mkdir");
    std::fs::write(root.join("site.yaml"), "title: 生成された大きな手引き\nbase_url: /\nlanguage: ja\n")
        .expect("write");
    std::fs::write(
        root.join("content/_index.md"),
        "---\ntitle: ホーム\n---\n# 生成サイト\n\n計測用に生成したサイトです。\n",
    )
    .expect("write");
    let para = "転職エージェントへの連絡を絶つ前に、状況を一言伝えるだけで関係は保てます。\n返信が遅れたときは、まず謝罪し、現在の状況と今後の希望を簡潔に書きましょう。\n";
    for s in 0..sections {
        let dir = root.join(format!("content/sec{s}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("_index.md"), format!("---\ntitle: 第{s}章\n---\n第{s}章のまとめです。\n"))
            .expect("write");
        for p in 0..per_section {
            let next = if p + 1 < per_section {
                format!("[次のページ](p{:03}.md)", p + 1)
            } else {
                "[章の先頭](_index.md)".into()
            };
            let text =
                format!("---\ntitle: 第{s}章 その{p}\n---\n## 要点{p}\n\n{para}\n## 詳しく\n\n{para}{para}\n{next}\n");
            std::fs::write(dir.join(format!("p{p:03}.md")), text).expect("write");
        }
    }
}

/// Decodes `%XX` escapes in an href (UTF-8), as a browser does before matching an id or a path.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}
