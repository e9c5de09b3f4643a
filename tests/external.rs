//! `tebiki check --external` against a server on loopback that answers 200, 404, 301, and
//! too slowly (issue 25).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use tebiki::{check_external, ExternalOptions};

/// Requests seen, and the most in flight at once.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

/// Serves `/ok` 200, `/gone` 404, `/old` 301 to `/ok`, `/slow` 200 after 3 s, `/busy/N` 200
/// after 300 ms. Returns `http://127.0.0.1:PORT`.
fn server() -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let s = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let s = Arc::clone(&s);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                s.requests.fetch_add(1, Ordering::SeqCst);
                let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                s.peak.fetch_max(now, Ordering::SeqCst);
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let head = match path.as_str() {
                    "/ok" => "200 OK\r\n".to_string(),
                    "/gone" => "404 Not Found\r\n".to_string(),
                    "/old" => "301 Moved Permanently\r\nLocation: /ok\r\n".to_string(),
                    "/slow" => {
                        std::thread::sleep(Duration::from_secs(3));
                        "200 OK\r\n".to_string()
                    }
                    p if p.starts_with("/busy/") => {
                        std::thread::sleep(Duration::from_millis(300));
                        "200 OK\r\n".to_string()
                    }
                    _ => "500 Internal Server Error\r\n".to_string(),
                };
                s.in_flight.fetch_sub(1, Ordering::SeqCst);
                let _ = write!(stream, "HTTP/1.1 {head}Content-Length: 0\r\nConnection: close\r\n\r\n");
            });
        }
    });
    (base, seen)
}

fn opts() -> ExternalOptions {
    ExternalOptions { timeout: Duration::from_secs(1), ..Default::default() }
}

#[test]
fn external_links_are_warned_about_with_file_and_line() {
    let (base, seen) = server();
    let body =
        format!("[良い]({base}/ok#part) と [消えた]({base}/gone)。\n\n[移転]({base}/old)\n\n[遅い]({base}/slow)\n");
    let (_t, root) =
        site(&[("content/a.md", &page("A", &body)), ("content/b.md", &page("B", &format!("[同じ]({base}/gone)")))]);
    let r = check_external(&root, &opts()).unwrap();
    assert_eq!((r.checked, r.cached), (4, 0));
    let got: Vec<(String, usize, usize, String)> = r
        .warnings
        .0
        .iter()
        .map(|d| (d.file.as_ref().unwrap().display().to_string(), d.line, d.column, d.message.clone()))
        .collect();
    let gone_column = format!("[良い]({base}/ok#part) と ").chars().count() + 1;
    let want = [
        ("content/a.md", 4, gone_column, format!("external link `{base}/gone` is not found (HTTP 404)")),
        ("content/a.md", 6, 1, format!("external link `{base}/old` has moved permanently to `/ok`")),
        ("content/a.md", 8, 1, format!("external link `{base}/slow` did not answer within 1 seconds")),
        ("content/b.md", 4, 1, format!("external link `{base}/gone` is not found (HTTP 404)")),
    ];
    let want: Vec<(String, usize, usize, String)> =
        want.into_iter().map(|(f, l, c, m)| (f.to_string(), l, c, m)).collect();
    assert_eq!(got, want);
    assert!(r.warnings.0.iter().all(|d| d.severity == tebiki::Severity::Warning && d.hint.is_some()));
    // Each distinct URL was asked once, with HEAD.
    assert_eq!(seen.requests.load(Ordering::SeqCst), 4);
}

#[test]
fn working_links_are_remembered_and_failures_asked_again() {
    let (base, seen) = server();
    let body = format!("[良い]({base}/ok) [消えた]({base}/gone)\n");
    let (_t, root) = site(&[("content/a.md", &page("A", &body))]);
    let first = check_external(&root, &opts()).unwrap();
    assert_eq!((first.checked, first.cached, first.warnings.0.len()), (2, 0, 1));
    let cache: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join(".tebiki/external-links.json")).unwrap()).unwrap();
    let cached: Vec<&String> = cache["links"].as_object().unwrap().keys().collect();
    assert_eq!(cached, [&format!("{base}/ok")]);
    let second = check_external(&root, &opts()).unwrap();
    assert_eq!((second.checked, second.cached, second.warnings.0.len()), (1, 1, 1));
    assert_eq!(seen.requests.load(Ordering::SeqCst), 3);
    // Past its age, a remembered link is asked again.
    let stale = ExternalOptions { max_age: Duration::ZERO, ..opts() };
    assert_eq!(check_external(&root, &stale).unwrap().checked, 2);
}

#[test]
fn requests_run_concurrently_but_at_most_per_host_limit() {
    let (base, seen) = server();
    let body: String = (0..8).map(|i| format!("[{i}]({base}/busy/{i})\n\n")).collect();
    let (_t, root) = site(&[("content/a.md", &page("A", &body))]);
    let started = std::time::Instant::now();
    let r = check_external(&root, &ExternalOptions { per_host: 3, ..opts() }).unwrap();
    assert!(r.warnings.0.is_empty(), "{}", r.warnings.render(false));
    assert_eq!(seen.peak.load(Ordering::SeqCst), 3);
    // Eight 300 ms answers three at a time: three rounds, not eight.
    assert!(started.elapsed() < Duration::from_millis(2000), "{:?}", started.elapsed());
}

#[test]
fn build_and_plain_check_send_nothing() {
    let (base, seen) = server();
    let (_t, root) = site(&[("content/a.md", &page("A", &format!("[良い]({base}/ok)")))]);
    build(&root);
    tebiki().args(["check", "--root"]).arg(&root).assert().success();
    assert_eq!(seen.requests.load(Ordering::SeqCst), 0);
    assert!(!root.join(".tebiki").exists());
}

#[test]
fn the_cli_prints_external_warnings_and_succeeds() {
    let (base, _seen) = server();
    let (_t, root) = site(&[("content/a.md", &page("A", &format!("[消えた]({base}/gone)")))]);
    let out = tebiki().args(["check", "--external", "--timeout", "2", "--root"]).arg(&root).assert().success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains(&format!("external link `{base}/gone` is not found (HTTP 404)")), "{err}");
    assert!(err.contains("content/a.md:4:1"), "{err}");
    assert!(err.contains("Asked 1 external links"), "{err}");
}
