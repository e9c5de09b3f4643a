//! `tebiki check --external`: asks every `http(s)://` link in the pages whether it still works.
//!
//! Only this command sends requests; `build`, `check` and `serve` never do. Links are checked
//! concurrently, at most [`ExternalOptions::per_host`] at a time on one host (a guide links
//! the same site many times, and a burst of requests gets a writer's machine rate-limited).
//! Links that answered well are remembered in `.tebiki/external-links.json` under the site
//! root for [`ExternalOptions::max_age`], so running it again asks only about the rest.
//! Every result is a warning: a site on the web changing is no reason to stop a build.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pulldown_cmark::{Event, Parser, Tag};
use serde::{Deserialize, Serialize};

use crate::content::{self, load};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The cache file, relative to the site root.
pub const CACHE_FILE: &str = ".tebiki/external-links.json";

/// How to check.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Longest wait for one answer (connecting included).
    pub timeout: Duration,
    /// How long a link that answered well is not asked again.
    pub max_age: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            timeout: Duration::from_secs(10),
            max_age: Duration::from_secs(7 * 24 * 3600),
            concurrency: 16,
            per_host: 2,
            drafts: false,
        }
    }
}

/// What a check found.
#[derive(Debug, Clone, Default)]
pub struct ExternalReport {
    /// One warning for each place a failing link is written.
    pub warnings: Diagnostics,
    /// Distinct URLs asked now.
    pub checked: usize,
    /// Distinct URLs taken from the cache.
    pub cached: usize,
}

/// One external link where it is written.
struct Found {
    url: String,
    file: PathBuf,
    text: Arc<str>,
    offset: usize,
    len: usize,
}

/// What a server said.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Ok,
    Moved(String),
    Status(u16),
    Timeout,
    Failed(String),
}

/// Checks every external link of the site at `root`.
pub fn check_external(root: &Path, opts: &ExternalOptions) -> Result<ExternalReport, Diagnostics> {
    let files = load::load_content(root, None)?;
    let (content, _) = content::build_content(files, opts.drafts, None);
    let found: Vec<Found> = content.pages.iter().flat_map(|p| links_in(&p.text, p.body_offset, &p.shown)).collect();
    let cache_path = root.join(CACHE_FILE);
    let mut cache = Cache::read(&cache_path);
    let now = unix_now();
    let mut urls: Vec<&str> = found.iter().map(|f| f.url.as_str()).collect();
    urls.sort_unstable();
    urls.dedup();
    let (fresh, ask): (Vec<&str>, Vec<&str>) = urls.into_iter().partition(|u| cache.is_fresh(u, now, opts.max_age));
    let outcomes = probe_all(&ask, opts);
    // Links no longer in the site, or too old, leave the file.
    let keep: std::collections::HashSet<&str> = fresh.iter().copied().collect();
    cache.links.retain(|u, _| keep.contains(u.as_str()));
    for (url, outcome) in &outcomes {
        if *outcome == Outcome::Ok {
            cache.links.insert(url.clone(), CacheEntry { checked: now });
        }
    }
    let mut warnings = Diagnostics::default();
    if let Err(e) = cache.write(&cache_path) {
        warnings.push(
            Diagnostic::warning(Some(PathBuf::from(CACHE_FILE)), format!("cannot save the link cache: {e}"))
                .hint("the next run asks every link again; check that the folder is writable"),
        );
    }
    for f in &found {
        if let Some(d) = outcomes.get(&f.url).and_then(|o| warning(f, o, opts.timeout)) {
            warnings.push(d);
        }
    }
    warnings.sort();
    Ok(ExternalReport { warnings, checked: ask.len(), cached: fresh.len() })
}

/// Every `http(s)://` link and image of a page, without its `#fragment`.
fn links_in(text: &Arc<str>, body_offset: usize, shown: &Path) -> Vec<Found> {
    let body = &text[body_offset..];
    let mut out = Vec::new();
    for (ev, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        let dest = match &ev {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        if !(dest.starts_with("https://") || dest.starts_with("http://")) {
            continue;
        }
        let url = dest.split('#').next().unwrap_or(dest).to_string();
        let len = body[range.clone()].lines().next().unwrap_or("").chars().count();
        out.push(Found {
            url,
            file: shown.to_path_buf(),
            text: Arc::clone(text),
            offset: body_offset + range.start,
            len,
        });
    }
    out
}

fn warning(f: &Found, outcome: &Outcome, timeout: Duration) -> Option<Diagnostic> {
    let (message, hint) = match outcome {
        Outcome::Ok => return None,
        Outcome::Moved(to) => (
            format!("external link `{}` has moved permanently to `{to}`", f.url),
            "link to the new address".to_string(),
        ),
        Outcome::Status(404 | 410) => (
            format!("external link `{}` is not found (HTTP {})", f.url, status_of(outcome)),
            "the page was removed or moved; find its new address or an archived copy".to_string(),
        ),
        Outcome::Status(code) => (
            format!("external link `{}` answered with an error (HTTP {code})", f.url),
            "open it in a browser; if it works there, the site may refuse automated checks".to_string(),
        ),
        Outcome::Timeout => (
            format!("external link `{}` did not answer within {} seconds", f.url, timeout.as_secs_f32()),
            "the site may be slow or down; try again later, or with a longer --timeout".to_string(),
        ),
        Outcome::Failed(why) => (
            format!("external link `{}` could not be reached: {why}", f.url),
            "check the address for typos; the site may also be down".to_string(),
        ),
    };
    Some(Diagnostic::warning(Some(f.file.clone()), message).at_offset(&f.text, f.offset).span(f.len).hint(hint))
}

fn status_of(o: &Outcome) -> u16 {
    match o {
        Outcome::Status(c) => *c,
        _ => 0,
    }
}

/// Probes every URL: `concurrency` workers, each taking the first URL in the queue whose host
/// has fewer than `per_host` requests in flight.
fn probe_all(urls: &[&str], opts: &ExternalOptions) -> HashMap<String, Outcome> {
    // The system's certificates, not a bundled list: behind a company proxy that inspects
    // HTTPS, only the system knows the proxy's certificate, as it does for the browser.
    let tls = ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier).build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(opts.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("tebiki-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let queue: VecDeque<(&str, &str)> = urls.iter().map(|u| (*u, host(u))).collect();
    let state = Mutex::new((queue, HashMap::<&str, usize>::new()));
    let ready = Condvar::new();
    let results = Mutex::new(HashMap::new());
    let workers = opts.concurrency.max(1).min(urls.len());
    let per_host = opts.per_host.max(1);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                let (url, host) = loop {
                    if st.0.is_empty() {
                        return;
                    }
                    let (queue, busy) = &mut *st;
                    if let Some(i) = queue.iter().position(|(_, h)| busy.get(h).copied().unwrap_or(0) < per_host) {
                        let (url, host) = queue.remove(i).unwrap_or_default();
                        *busy.entry(host).or_insert(0) += 1;
                        break (url, host);
                    }
                    st = ready.wait(st).unwrap_or_else(|e| e.into_inner());
                };
                drop(st);
                let outcome = probe(&agent, url);
                results.lock().unwrap_or_else(|e| e.into_inner()).insert(url.to_string(), outcome);
                let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(n) = st.1.get_mut(host) {
                    *n -= 1;
                }
                ready.notify_all();
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// One URL: `HEAD`, then `GET` for servers that do not answer `HEAD`. Temporary redirects
/// (302, 303, 307) count as working: sign-in pages and language switches use them.
fn probe(agent: &ureq::Agent, url: &str) -> Outcome {
    let wire = ascii_url(url);
    let mut answer = agent.head(&wire).call();
    if matches!(&answer, Ok(r) if matches!(r.status().as_u16(), 403 | 405 | 501)) {
        answer = agent.get(&wire).call();
    }
    match answer {
        Ok(r) => match r.status().as_u16() {
            200..=299 | 302 | 303 | 307 => Outcome::Ok,
            301 | 308 => {
                let to = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("?");
                Outcome::Moved(to.to_string())
            }
            code => Outcome::Status(code),
        },
        Err(ureq::Error::Timeout(_)) => Outcome::Timeout,
        Err(ureq::Error::HostNotFound) => Outcome::Failed("no such host".into()),
        Err(ureq::Error::ConnectionFailed) => Outcome::Failed("the connection failed".into()),
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => Outcome::Timeout,
        Err(ureq::Error::Io(e)) if e.to_string().contains("certificate") => {
            Outcome::Failed(format!("the site's certificate is not trusted ({e})"))
        }
        Err(ureq::Error::Io(e)) => Outcome::Failed(e.to_string()),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// The host (with port) of an absolute URL: what the per-host limit counts.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// The URL as it goes on the wire: bytes outside printable ASCII percent-encoded, so links
/// written with Japanese paths (`https://ja.wikipedia.org/wiki/手引き`) can be requested.
fn ascii_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `.tebiki/external-links.json`: when each working link was last asked.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    links: BTreeMap<String, CacheEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheEntry {
    /// Seconds since 1970 (UTC).
    checked: u64,
}

impl Cache {
    /// The cache, or an empty one when the file is missing or unreadable (it is only a cache).
    fn read(path: &Path) -> Cache {
        std::fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    fn is_fresh(&self, url: &str, now: u64, max_age: Duration) -> bool {
        self.links.get(url).is_some_and(|e| now.saturating_sub(e.checked) < max_age.as_secs())
    }

    /// Written beside and renamed over the old file, so an interrupted run leaves a whole one.
    fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, json)?;
        std::fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_wire_form_of_urls() {
        assert_eq!(host("https://example.org:8443/a?b#c"), "example.org:8443");
        assert_eq!(host("http://example.org"), "example.org");
        assert_eq!(
            ascii_url("https://ja.wikipedia.org/wiki/手引き"),
            "https://ja.wikipedia.org/wiki/%E6%89%8B%E5%BC%95%E3%81%8D"
        );
        assert_eq!(ascii_url("https://x.org/a%20b"), "https://x.org/a%20b");
    }

    #[test]
    fn links_are_found_with_their_place_and_without_fragments() {
        let text: Arc<str> = Arc::from("---\ntitle: T\n---\n本文 [外](https://x.org/a#b) と ![図](http://y.org/i.png)\n[内](b.md) [メール](mailto:a@b)\n");
        let found = links_in(&text, 17, Path::new("content/a.md"));
        let urls: Vec<&str> = found.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(urls, ["https://x.org/a", "http://y.org/i.png"]);
        assert!(text[found[0].offset..].starts_with("[外]"));
    }
}
