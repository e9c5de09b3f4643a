//! `tebiki serve` end to end: the real binary on a free port against a temp site, spoken to with a
//! tiny HTTP/1.1 client (raw requests, so traversal attempts reach the server unnormalised).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{atomic_save, page, site, write};

/// A running `tebiki serve`; killed on drop, even when the test panics.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(root: &Path, extra: &[&str]) -> Server {
        let (child, url, log) = common::spawn_serve(root, &[&["--port", "0"], extra].concat());
        let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
        Server { child, addr, log }
    }

    fn get(&self, path: &str) -> Response {
        get(&self.addr, path)
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Polls `path` until `pred` holds (10 s at most).
    fn wait_for(&self, path: &str, what: &str, pred: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let r = self.get(path);
            if pred(&r) {
                return r;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what} at {path}; last response {} {}\nserver log:\n{}",
                    r.status,
                    r.body,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits until the log has been quiet for 300 ms (no rebuild still running).
    fn settle(&self) {
        let mut lines = self.log.lock().unwrap().len();
        let mut quiet_since = Instant::now();
        while quiet_since.elapsed() < Duration::from_millis(300) {
            std::thread::sleep(Duration::from_millis(20));
            let now = self.log.lock().unwrap().len();
            if now != lines {
                lines = now;
                quiet_since = Instant::now();
            }
        }
    }

    fn wait_log(&self, needle: &str, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.log().matches(needle).count() < count {
            assert!(Instant::now() < deadline, "timed out waiting for {needle:?} x{count} in the log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One GET over a fresh connection; `path` is sent exactly as given.
fn get(addr: &str, path: &str) -> Response {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|c| c.parse().ok()).unwrap_or(0);
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    Response { status, headers, body: body.to_string() }
}

fn small_site() -> (tempfile::TempDir, PathBuf) {
    site(&[
        ("site.yaml", "title: テスト\n# SITE-YAML-SECRET\n"),
        ("content/_index.md", &page("ホーム", "はじめの本文。[リスク](リスク.md)")),
        ("content/リスク.md", &page("リスク", "リスクの本文。")),
        ("content/guide/_index.md", &page("手順", "手順の本文。")),
    ])
}

#[test]
fn serves_pages_with_reload_script_and_correct_headers() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    let r = server.get("/");
    assert_eq!(r.status, 200, "{r:?}");
    assert!(r.body.contains("はじめの本文"), "{}", r.body);
    assert!(r.body.contains(r#"<script src="/__tebiki/reload.js""#), "{}", r.body);
    let script_at = r.body.find("/__tebiki/reload.js").unwrap();
    assert!(r.body[script_at..].contains("</body>"), "script must come before </body>");
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.header("cache-control"), Some("no-store"));

    let js = server.get("/__tebiki/reload.js");
    assert_eq!(js.status, 200);
    assert_eq!(js.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert!(js.body.contains("/__tebiki/ws"));
    assert_eq!(js.header("cache-control"), Some("no-store"));

    // Percent-encoded Japanese path, and a folder without its slash.
    let jp = server.get("/%E3%83%AA%E3%82%B9%E3%82%AF/");
    assert_eq!(jp.status, 200, "{jp:?}");
    assert!(jp.body.contains("リスクの本文"));
    let redirect = server.get("/guide");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/guide/"));
    assert_eq!(redirect.header("cache-control"), Some("no-store"));

    // Missing: the site's 404 page with status 404, script injected.
    let missing = server.get("/nope/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("/__tebiki/reload.js"));
    assert_eq!(missing.header("cache-control"), Some("no-store"));

    // Assets keep their own types and get no script.
    let css_path = r
        .body
        .split('"')
        .find(|s| s.starts_with("/assets/style.") && s.ends_with(".css"))
        .expect("stylesheet link")
        .to_string();
    let css = server.get(&css_path);
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!css.body.contains("reload.js"));

    assert!(!root.join("public").exists(), "serve must not write public/");
}

#[test]
fn traversal_never_reaches_files_outside_the_site() {
    let (tmp, root) = small_site();
    std::fs::write(tmp.path().join("secret.txt"), "TOP-SECRET").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), root.join("content/link.txt")).unwrap();
    let server = Server::start(&root, &[]);
    for p in [
        "/../secret.txt",
        "/../site.yaml",
        "/../../site/site.yaml",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/.%2e/site.yaml",
        "/guide/%2F..%2F..%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/site.yaml%00.html",
        "/content/../../secret.txt",
        "/link.txt",
        "/site.yaml",
        "/content/_index.md",
    ] {
        let r = server.get(p);
        assert!(matches!(r.status, 400 | 404), "{p}: {r:?}");
        assert!(!r.body.contains("TOP-SECRET") && !r.body.contains("SITE-YAML-SECRET"), "{p} leaked: {}", r.body);
    }
}

#[test]
fn edits_on_disk_are_served_and_broken_edits_keep_the_last_good_page() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    assert!(server.get("/").body.contains("はじめの本文"));

    atomic_save(&root, "content/_index.md", &page("ホーム", "書き換えた本文。[リスク](リスク.md)"));
    server.wait_for("/", "the edited text", |r| r.body.contains("書き換えた本文"));
    server.wait_log("Rebuilt after content/_index.md changed: 3 pages in", 1);

    // A broken link fails the build: the old page stays, the terminal says why.
    atomic_save(&root, "content/_index.md", &page("ホーム", "壊れた本文。[どこか](missing.md)"));
    server.wait_log("Build failed after content/_index.md changed", 1);
    assert!(server.log().contains("missing.md"), "{}", server.log());
    let r = server.get("/");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("書き換えた本文") && !r.body.contains("壊れた本文"), "{}", r.body);

    // Fixed: served again. A deleted page goes away; a site.yaml change rebuilds too.
    atomic_save(&root, "content/_index.md", &page("ホーム", "直した本文。"));
    server.wait_for("/", "the fixed text", |r| r.body.contains("直した本文"));
    std::fs::remove_file(root.join("content/リスク.md")).unwrap();
    server.wait_for("/%E3%83%AA%E3%82%B9%E3%82%AF/", "the deleted page to 404", |r| r.status == 404);
    atomic_save(&root, "site.yaml", "title: 新しいサイト名\n");
    server.wait_for("/", "the new site title", |r| r.body.contains("新しいサイト名"));

    // Renamed folder, and a folder created after start.
    std::fs::rename(root.join("content/guide"), root.join("content/steps")).unwrap();
    server.wait_for("/steps/", "the renamed folder", |r| r.status == 200 && r.body.contains("手順の本文"));
    assert_eq!(server.get("/guide/").status, 404);
    std::fs::create_dir(root.join("content/new")).unwrap();
    std::fs::write(root.join("content/new/page.md"), page("新しい", "新しいフォルダの本文。")).unwrap();
    server.wait_for("/new/page/", "a page in a new folder", |r| r.body.contains("新しいフォルダの本文"));

    // Editor droppings and the output folder never trigger a build. (Let the rebuild that
    // follows the folder's creation and the one for its page both finish first.)
    server.settle();
    let builds = server.log().matches("Rebuilt").count() + server.log().matches("Build failed").count();
    std::fs::write(root.join("content/.page.md.swp"), "x").unwrap();
    std::fs::write(root.join("content/4913"), "x").unwrap();
    std::fs::write(root.join("content/page.md~"), "x").unwrap();
    std::fs::create_dir_all(root.join("public")).unwrap();
    std::fs::write(root.join("public/index.html"), "x").unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let after = server.log().matches("Rebuilt").count() + server.log().matches("Build failed").count();
    assert_eq!(builds, after, "ignored files triggered a rebuild:\n{}", server.log());
}

/// Document ids of `token` in the served index (following search.js: meta, shard, list).
fn served_postings(server: &Server, token: &str) -> Vec<u64> {
    let meta: serde_json::Value = serde_json::from_str(&server.get("/search/meta.json").body).expect("meta.json");
    let shards = meta["shards"].as_u64().expect("shards") as usize;
    let name = tebiki::internals::file_name("s", tebiki::internals::shard_of(token, shards), "json");
    let r = server.get(&format!("/search/{name}"));
    assert_eq!(r.status, 200, "{name}");
    let shard: serde_json::Value = serde_json::from_str(&r.body).expect("shard");
    common::postings(&shard, token)
}

#[test]
fn the_search_index_is_served_and_follows_edits() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    assert!(served_postings(&server, "索引").is_empty());
    atomic_save(&root, "content/_index.md", &page("ホーム", "索引に載る新しい語です。"));
    server.wait_for("/", "the edited text", |r| r.body.contains("索引に載る"));
    assert_eq!(served_postings(&server, "索引"), [0], "the edited home page is document 0");
}

#[test]
fn a_burst_of_writes_ends_in_the_final_state() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    for i in 0..100 {
        write(&root, &format!("content/burst/p{i:03}.md"), &page(&format!("ページ{i}"), &format!("本文{i}")));
        atomic_save(&root, "content/_index.md", &page("ホーム", &format!("版{i}。")));
    }
    server.wait_for("/", "the last version", |r| r.body.contains("版99。"));
    // A rebuild that walked the folders in the middle of the burst can show the last home page
    // (read after the walk) before the last new pages (created after it); their events bring
    // them with the next rebuild.
    for i in [0, 57, 99] {
        let want = format!("本文{i}");
        server.wait_for(&format!("/burst/p{i:03}/"), "a page of the burst", |r| {
            r.status == 200 && r.body.contains(&want)
        });
    }
    std::thread::sleep(Duration::from_millis(300));
    let rebuilds = server.log().matches("Rebuilt").count();
    assert!(rebuilds < 40, "200 writes should coalesce into a few rebuilds, got {rebuilds}:\n{}", server.log());
    assert!(server.get("/").body.contains("版99。"));
}

#[test]
fn a_failing_first_build_serves_the_error_page_until_fixed() {
    let (_tmp, root) = site(&[("content/_index.md", &page("ホーム", "[壊れた](missing.md)"))]);
    let server = Server::start(&root, &["--lang", "ja"]);
    let r = server.get("/");
    assert_eq!(r.status, 500);
    for want in ["ビルドエラー", "content/_index.md:4", "リンク先 `missing.md` が見つかりません", "/__tebiki/reload.js"]
    {
        assert!(r.body.contains(want), "{want}: {}", r.body);
    }
    // Without a Japanese locale or `--lang ja`, the page speaks English.
    let english = Server::start(&root, &[]);
    let r = english.get("/");
    for want in ["<html lang=\"en\">", "Build error", "link target `missing.md` not found"] {
        assert!(r.body.contains(want), "{want}: {}", r.body);
    }
    atomic_save(&root, "content/_index.md", &page("ホーム", "直りました。"));
    server.wait_for("/", "the first good build", |r| r.status == 200 && r.body.contains("直りました"));
}

#[test]
fn poll_mode_sees_changes() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &["--poll"]);
    atomic_save(&root, "content/_index.md", &page("ホーム", "ポーリングで見つけた本文。"));
    server.wait_for("/", "the edit seen by polling", |r| r.body.contains("ポーリングで見つけた本文"));
}

/// Opens the reload WebSocket by hand (no client crate needed) and returns the stream.
fn ws_connect(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET /__tebiki/ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    s
}

/// Reads one unfragmented server text frame.
fn ws_read_text(s: &mut TcpStream) -> serde_json::Value {
    let mut h = [0u8; 2];
    s.read_exact(&mut h).unwrap();
    assert_eq!(h[0], 0x81, "expected a final text frame");
    let len = match h[1] & 0x7f {
        126 => {
            let mut b = [0u8; 2];
            s.read_exact(&mut b).unwrap();
            usize::from(u16::from_be_bytes(b))
        }
        127 => {
            let mut b = [0u8; 8];
            s.read_exact(&mut b).unwrap();
            u64::from_be_bytes(b) as usize
        }
        n => usize::from(n),
    };
    let mut payload = vec![0u8; len];
    s.read_exact(&mut payload).unwrap();
    serde_json::from_slice(&payload).unwrap()
}

#[test]
fn websocket_says_hello_reports_errors_and_reloads() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    let mut ws = ws_connect(&server.addr);
    let hello = ws_read_text(&mut ws);
    assert_eq!(hello["type"], "hello");
    let first_build = hello["build"].as_str().unwrap().to_string();
    assert!(server.get("/").body.contains(&format!("data-build=\"{first_build}\"")));

    atomic_save(&root, "content/_index.md", &page("ホーム", "壊れた。[x](missing.md)"));
    let err = ws_read_text(&mut ws);
    assert_eq!(err["type"], "error", "{err}");
    let d = &err["diagnostics"][0];
    assert_eq!(d["file"], "content/_index.md");
    assert_eq!(d["line"], 4);
    assert_eq!(d["source_line"], "壊れた。[x](missing.md)");

    // A tab that connects now learns about the error at once.
    let mut late = ws_connect(&server.addr);
    assert_eq!(ws_read_text(&mut late)["type"], "hello");
    assert_eq!(ws_read_text(&mut late)["type"], "error");

    atomic_save(&root, "content/_index.md", &page("ホーム", "直った。"));
    assert_eq!(ws_read_text(&mut ws)["type"], "ok");
    let reload = ws_read_text(&mut ws);
    assert_eq!(reload["type"], "reload");
    assert_ne!(reload["build"], first_build.as_str());
    // The files were in place before the message went out.
    assert!(server.get("/").body.contains("直った"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_even_with_open_tabs() {
    let (_tmp, root) = small_site();
    let mut server = Server::start(&root, &[]);
    let mut ws = ws_connect(&server.addr);
    assert_eq!(ws_read_text(&mut ws)["type"], "hello");
    let pid = i32::try_from(server.child.id()).unwrap();
    // SAFETY: sending SIGINT to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}\n{}", server.log());
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let (_tmp, root) = small_site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(&root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("port {port} is in use; try --port ")), "{err}");
}

#[test]
fn binding_beyond_loopback_warns() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &["--bind", "0.0.0.0"]);
    assert!(server.log().contains("visible to other machines on the network"), "{}", server.log());
}

// --- Abuse (issue 6): slow clients, the traversal matrix, requests during rebuilds. ---

/// Sends half a request (no blank line) and keeps the socket.
fn half_request(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").unwrap();
    s
}

#[test]
fn slow_clients_do_not_block_others() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    let slow: Vec<TcpStream> = (0..200).map(|_| half_request(&server.addr)).collect();
    for _ in 0..20 {
        let start = Instant::now();
        let r = server.get("/");
        assert_eq!(r.status, 200);
        assert!(start.elapsed() < Duration::from_secs(2), "a normal request waited {:?}", start.elapsed());
    }
    drop(slow);
}

#[cfg(target_os = "linux")]
#[test]
fn a_request_head_that_never_ends_is_dropped() {
    // Without a deadline for the request head, a client that never finishes its request holds a
    // connection (and a file descriptor) forever: at the descriptor limit nobody else gets in.
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    let mut s = half_request(&server.addr);
    s.set_read_timeout(Some(Duration::from_secs(25))).unwrap();
    let start = Instant::now();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(20), "a half request was still open after {took:?}");
    // The server closes it (possibly with a 408) and keeps serving.
    assert!(buf.is_empty() || String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408"), "{buf:?}");
    assert_eq!(server.get("/").status, 200);
}

#[cfg(target_os = "linux")]
#[test]
fn slow_clients_at_the_descriptor_limit_are_dropped_and_others_get_in() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    // A small descriptor limit for the server only, so a few hundred sockets reach it.
    let limit = libc::rlimit { rlim_cur: 256, rlim_max: 256 };
    // SAFETY: prlimit on our own child with a valid rlimit; the old value is not asked for.
    let pid = i32::try_from(server.child.id()).unwrap();
    assert_eq!(unsafe { libc::prlimit(pid, libc::RLIMIT_NOFILE, &limit, std::ptr::null_mut()) }, 0);
    let slow: Vec<TcpStream> = (0..300).map(|_| half_request(&server.addr)).collect();
    // Every descriptor is taken now; within the head deadline the slow ones are dropped and a
    // normal request gets through, while the slow clients are still connected on their side.
    let start = Instant::now();
    let r = loop {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(s, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        if raw.starts_with(b"HTTP/1.1 200") {
            break raw;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no request got through for {:?}", start.elapsed());
    };
    assert!(String::from_utf8_lossy(&r).contains("はじめの本文"));
    assert!(start.elapsed() < Duration::from_secs(20), "took {:?}", start.elapsed());
    drop(slow);
}

/// Sends `raw` as is on a fresh connection; returns the status (None when the server just closed).
fn raw_status(addr: &str, raw: &[u8]) -> (Option<u16>, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may answer and close before reading everything: a failed write is fine.
    let _ = s.write_all(raw);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.strip_prefix("HTTP/1.1 ").and_then(|t| t.get(..3)).and_then(|c| c.parse().ok());
    (status, text)
}

#[test]
fn traversal_matrix_in_every_encoding() {
    let (tmp, root) = small_site();
    std::fs::write(tmp.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let server = Server::start(&root, &[]);
    let targets = [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/guide/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..%5Csecret.txt",
        "/..\\secret.txt",
        "/\\..\\secret.txt",
        // Overlong UTF-8 for `.`, `/` and `\`: not UTF-8, refused before any lookup.
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%ae%c0%ae%c0%afsecret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/..%c0%afsecret.txt",
        "/..%c1%9csecret.txt",
        // Double encoding: decoded once, `%2e%2e` is a plain (missing) name.
        "/%252e%252e/secret.txt",
        "/..%252fsecret.txt",
        "/site.yaml%00.html",
        "/..%00/secret.txt",
        "/%00",
        "/....//secret.txt",
        "/..;/secret.txt",
        "//../secret.txt",
        "/%u002e%u002e/secret.txt",
        "/site.yaml",
        "/content/_index.md",
    ];
    for t in targets {
        let (status, text) =
            raw_status(&server.addr, format!("GET {t} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
        assert!(matches!(status, Some(400 | 404)), "{t}: {status:?}\n{text}");
        assert!(
            !text.contains("TOP-SECRET") && !text.contains("SITE-YAML-SECRET") && !text.contains("root:x:0"),
            "{t}"
        );
    }
    // Request targets no URL can carry: raw NUL and overlong bytes, relative and absolute forms.
    for raw in [
        &b"GET /..\x00/secret.txt HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        b"GET /\xc0\xae\xc0\xae/secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET ../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET http://localhost/../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /../secret.txt HTTP/1.0\r\n\r\n",
    ] {
        let (status, text) = raw_status(&server.addr, raw);
        assert!(matches!(status, None | Some(400 | 404)), "{raw:?}: {status:?}");
        assert!(!text.contains("TOP-SECRET"), "{raw:?}");
    }
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn huge_urls_and_headers_get_a_clean_4xx() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    let long_url = format!("GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "a".repeat(100_000));
    let big_header =
        format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n", "b".repeat(1 << 20));
    let many: String = (0..10_000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many_headers = format!("GET / HTTP/1.1\r\nHost: x\r\n{many}Connection: close\r\n\r\n");
    for (what, req, want) in
        [("100 KB URL", long_url, 414), ("1 MB header", big_header, 431), ("10,000 headers", many_headers, 431)]
    {
        let (status, text) = raw_status(&server.addr, req.as_bytes());
        assert!(status.is_none() || status == Some(want), "{what}: {status:?} {}", &text[..text.len().min(200)]);
        assert_eq!(server.get("/").status, 200, "after {what}");
    }
}

#[test]
fn requests_during_rebuilds_get_a_whole_page() {
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let hammers: Vec<_> = (0..3)
        .map(|_| {
            let (addr, stop) = (server.addr.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut seen = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let r = get(&addr, "/");
                    assert_eq!(r.status, 200, "{r:?}");
                    let len: usize = r.header("content-length").unwrap().parse().unwrap();
                    assert_eq!(len, r.body.len(), "a short body");
                    assert!(r.body.trim_end().ends_with("</html>"), "not whole: {}", r.body);
                    // The marker may appear more than once (description, body): always the same one.
                    let versions: std::collections::HashSet<&str> =
                        r.body.split("版-").skip(1).filter_map(|t| t.split('-').next()).collect();
                    assert!(versions.len() <= 1, "two versions in one page: {versions:?}");
                    seen += 1;
                }
                seen
            })
        })
        .collect();
    for i in 0..60 {
        atomic_save(&root, "content/_index.md", &page("ホーム", &format!("版-{i}-です。")));
        std::thread::sleep(Duration::from_millis(10));
    }
    server.wait_for("/", "the last version", |r| r.body.contains("版-59-です。"));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen: usize = hammers.into_iter().map(|h| h.join().unwrap()).sum();
    assert!(seen > 50, "only {seen} requests");
}

#[test]
fn an_idle_reload_socket_outlives_the_request_head_deadline() {
    // The 10 s deadline for request heads must not close upgraded (WebSocket) connections.
    let (_tmp, root) = small_site();
    let server = Server::start(&root, &[]);
    let mut ws = ws_connect(&server.addr);
    assert_eq!(ws_read_text(&mut ws)["type"], "hello");
    std::thread::sleep(Duration::from_secs(12));
    atomic_save(&root, "content/_index.md", &page("ホーム", "静かな後の本文。"));
    ws.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(ws_read_text(&mut ws)["type"], "reload");
}

#[test]
fn a_rebuild_prints_its_warnings_only_when_they_change() {
    let (_tmp, root) = site(&[("content/lost.md", &page("迷子", "どこからもリンクされていません。"))]);
    let server = Server::start(&root, &[]);
    assert_eq!(server.log().matches("no page links here").count(), 1, "{}", server.log());
    atomic_save(&root, "content/_index.md", &page("ホーム", "書き換えた本文。"));
    server.wait_log("Rebuilt after content/_index.md changed", 1);
    assert_eq!(server.log().matches("no page links here").count(), 1, "{}", server.log());
    assert!(server.log().contains("(1 warning, as before)"), "{}", server.log());
    // A second lonely page changes the warnings: all of them are printed again.
    atomic_save(&root, "content/alone.md", &page("一人", "こちらも。"));
    server.wait_log("Rebuilt after content/alone.md", 1);
    assert_eq!(server.log().matches("no page links here").count(), 3, "{}", server.log());
}

#[test]
fn static_files_aliases_and_links_to_drafts_in_serve() {
    let (_tmp, root) = site(&[
        ("content/_index.md", &page("ホーム", "[作業中](wip.md)")),
        ("content/new.md", "---\ntitle: 新しい\naliases: [/old/]\n---\n本文。\n"),
        ("content/wip.md", "---\ntitle: 作業中\ndraft: true\n---\n本文。\n"),
        ("static/CNAME", "guide.example.org\n"),
    ]);
    let server = Server::start(&root, &[]);
    assert_eq!(server.get("/CNAME").body, "guide.example.org\n");
    let old = server.get("/old/");
    assert_eq!(old.status, 200);
    assert!(old.body.contains("http-equiv=\"refresh\"") && old.body.contains("/new/"), "{}", old.body);
    assert!(server.log().contains("links to the draft page `wip.md`, which `build` leaves out"), "{}", server.log());
    // static/ is watched: a new file is served after the rebuild it triggers.
    write(&root, "static/robots.txt", "User-agent: *\nDisallow: /\n");
    server.wait_for("/robots.txt", "static/robots.txt", |r| r.body == "User-agent: *\nDisallow: /\n");
}

#[test]
fn proofreading_findings_are_summed_up_and_printed_only_when_they_change() {
    // 25 findings of one kind: one summary line, not 25 listings, and not again after an
    // edit to another page.
    let many: String = (0..25).map(|i| format!("これはＡＢＣ{i}の例です。\n\n")).collect();
    let (_tmp, root) =
        site(&[("content/lost.md", &page("例", &many)), ("content/_index.md", &page("ホーム", "[例](lost.md)"))]);
    let server = Server::start(&root, &[]);
    let log = server.log();
    assert_eq!(log.matches("25 `fullwidth-ascii` warnings, not listed here").count(), 1, "{log}");
    assert!(log.contains("proofread: { rules: { fullwidth-ascii: false } }"), "{log}");
    assert!(!log.contains("full-width letters or digits"), "{log}");
    atomic_save(&root, "content/_index.md", &page("ホーム", "書き換えた本文。[例](lost.md)"));
    server.wait_log("Rebuilt after content/_index.md changed", 1);
    assert_eq!(server.log().matches("`fullwidth-ascii` warnings").count(), 1, "{}", server.log());
    // Fixing all but one shows that one, listed.
    atomic_save(&root, "content/lost.md", &page("例", "これはＡＢＣの例です。"));
    server.wait_log("Rebuilt after content/lost.md changed", 1);
    assert_eq!(server.log().matches("full-width letters or digits `ＡＢＣ`").count(), 1, "{}", server.log());
}
