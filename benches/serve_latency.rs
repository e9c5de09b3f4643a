//! Edit-to-served latency of `tebiki serve`: the time from an atomic save of a page to the server
//! answering with the new HTML, as p50/p95 over repeated edits, on the guide (this repository's
//! site) and on a generated 1,000-page site. A benchmark, not a timed test: it prints figures.
//!
//! Run with `cargo bench --bench serve_latency` (release build). `SERVE_LATENCY_EDITS=N` changes
//! the number of edits per site (default 40). `SERVE_LATENCY_SITE=DIR` also measures that site
//! (copied first), editing its middle page: the 10,000-page figure comes from
//! `SERVE_LATENCY_SITE=/tmp/tebiki-bench/10000/tebiki` (the corpus `benches/harness/run.sh`
//! generates).

// The same helpers the serve and browser tests use (starting `tebiki serve`, copying sites).
#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// A running `tebiki serve`, killed on drop.
struct Serve {
    child: std::process::Child,
    addr: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Serve {
    let (child, url, log) = common::spawn_serve(root, &["--port", "0"]);
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    Serve { child, addr, log }
}

fn get(addr: &str, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(addr) else { return String::new() };
    let _ = write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Where an edit goes: the end of the body, or a new first paragraph (which changes the page's
/// description, shown on the pages that link to it as a card).
#[derive(Clone, Copy)]
enum Edit {
    End,
    FirstParagraph,
}

/// Edits `rel` `n` times and measures until `url` serves each new version.
fn measure(name: &str, root: &Path, rel: &str, url: &str, n: usize) {
    measure_edit(&format!("{name}, edit at the end"), root, rel, url, n, Edit::End);
    measure_edit(&format!("{name}, edit to the first paragraph"), root, rel, url, n, Edit::FirstParagraph);
}

fn edited(original: &str, token: &str, edit: Edit) -> String {
    match edit {
        Edit::End => format!("{original}\n{token}\n"),
        Edit::FirstParagraph => {
            // After the closing `---` of the front matter.
            let body = original.match_indices("---\n").nth(1).map_or(0, |(i, _)| i + 4);
            format!("{}{token}\n\n{}", &original[..body], &original[body..])
        }
    }
}

fn measure_edit(name: &str, root: &Path, rel: &str, url: &str, n: usize, edit: Edit) {
    let serve = start(root);
    let original = std::fs::read_to_string(root.join(rel)).expect("page to edit");
    // Warm up: the first request and rebuild pay one-time costs.
    let _ = get(&serve.addr, url);
    let mut samples = Vec::with_capacity(n);
    for i in 0..=n {
        let token = format!("計測トークン{i}番");
        let text = edited(&original, &token, edit);
        let path = root.join(rel);
        let tmp = root.join(format!("{rel}.tmp"));
        std::fs::write(&tmp, text).expect("write temp");
        let start = Instant::now();
        std::fs::rename(&tmp, &path).expect("rename");
        loop {
            if get(&serve.addr, url).contains(&token) {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "edit {i} never served on {name}");
            std::thread::sleep(Duration::from_micros(500));
        }
        if i > 0 {
            samples.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    std::fs::write(root.join(rel), original).expect("restore");
    let status = std::fs::read_to_string(format!("/proc/{}/status", serve.child.id())).unwrap_or_default();
    let mb = |key: &str| -> String {
        let kb = status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
        kb.map_or_else(|| "?".into(), |kb| (kb / 1024).to_string())
    };
    println!("{name}: serve's resident memory {} MB (peak {} MB)", mb("VmRSS:"), mb("VmHWM:"));
    samples.sort_by(f64::total_cmp);
    let builds: Vec<f64> = serve
        .log
        .lock()
        .expect("log lock")
        .iter()
        .filter_map(|l| {
            // "Rebuilt after …: N pages in T ms", maybe followed by a note on unchanged pages.
            l.strip_prefix("Rebuilt after ")?.rsplit_once(" pages in ")?.1.split_once(" ms")?.0.parse().ok()
        })
        .collect();
    let mut builds_sorted = builds.clone();
    builds_sorted.sort_by(f64::total_cmp);
    println!(
        "{name}: edit-to-served over {} edits: p50 {:.1} ms, p95 {:.1} ms (min {:.1}, max {:.1}); rebuild alone p50 {:.0} ms",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.95),
        samples[0],
        samples[samples.len() - 1],
        if builds_sorted.is_empty() { f64::NAN } else { percentile(&builds_sorted, 0.5) },
    );
}

fn main() {
    // `cargo test --benches` runs this with no `--bench`: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let n: usize = std::env::var("SERVE_LATENCY_EDITS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));

    let guide = tempfile::tempdir().expect("tempdir");
    common::copy_dir(&repo.join("content"), &guide.path().join("content"));
    if repo.join("themes").is_dir() {
        common::copy_dir(&repo.join("themes"), &guide.path().join("themes"));
    }
    std::fs::copy(repo.join("site.yaml"), guide.path().join("site.yaml")).expect("site.yaml");
    measure("guide", guide.path(), "content/risks.md", "/risks/", n);

    let big = tempfile::tempdir().expect("tempdir");
    common::generate_site(big.path(), 10, 99);
    measure("1,000 pages", big.path(), "content/sec3/p042.md", "/sec3/p042/", n);

    if let Some(dir) = std::env::var_os("SERVE_LATENCY_SITE") {
        let dir = Path::new(&dir);
        let copy = tempfile::tempdir().expect("tempdir");
        common::copy_dir(&dir.join("content"), &copy.path().join("content"));
        std::fs::copy(dir.join("site.yaml"), copy.path().join("site.yaml")).expect("site.yaml");
        let mut pages: Vec<String> = walkdir::WalkDir::new(copy.path().join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "md") && e.file_name() != "_index.md")
            .filter_map(|e| Some(e.path().strip_prefix(copy.path()).ok()?.to_str()?.to_string()))
            .collect();
        pages.sort();
        let rel = pages[pages.len() / 2].clone();
        let url = format!("/{}/", rel.trim_start_matches("content/").trim_end_matches(".md"));
        let name = format!("{} ({} pages)", dir.display(), pages.len());
        measure(&name, copy.path(), &rel, &url, n);
    }
}
