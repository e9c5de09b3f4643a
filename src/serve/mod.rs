//! `tebiki serve`: build the site in memory, serve it over HTTP, rebuild on every change and tell
//! open tabs over a WebSocket.
//!
//! Serve has no pipeline of its own: every (re)build goes through `rebuild`, which calls
//! [`crate::build::build_site`] like `build` and `check` do. The result lives only in memory (a
//! preview must never clobber a deployable `public/`), and each good build replaces the whole
//! file map at once, so a request sees the old site or the new one, never half of each.
//!
//! Threads: the watcher ([`watch`]) feeds a dedicated std thread that runs builds (CPU-bound, uses
//! rayon); the HTTP server ([`http`]) runs on a tokio runtime; they meet in [`Shared`] (the current
//! [`Snapshot`] behind a lock, and a broadcast channel of JSON messages for the browsers).

pub mod http;
pub mod watch;

use ahash::AHashMap as HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use serde::Serialize;
use tokio::sync::{broadcast, watch as tokio_watch};

use crate::build::{BuildOptions, BuiltSite};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lang::{pick, tr};
use watch::Trigger;

/// What `tebiki serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site folder.
    pub root: PathBuf,
    /// TCP port (0 picks a free one).
    pub port: u16,
    /// Address to listen on.
    pub bind: String,
    /// Open the browser once serving.
    pub open: bool,
    /// Print each rebuild's stage timings (`serve --timings`).
    pub timings: bool,
    /// Poll the file system instead of relying on change events.
    pub poll: bool,
}

/// One diagnostic as the browser overlay shows it (the library type skips `source_line` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagPayload {
    /// The kind of problem (as in `tebiki check --format json`).
    pub code: &'static str,
    /// File, relative to the site root when known.
    pub file: Option<String>,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// What is wrong, in the language of the terminal's messages.
    pub message: String,
    /// How to fix it, likewise.
    pub hint: Option<String>,
    /// The offending line of the source.
    pub source_line: Option<String>,
}

impl From<&Diagnostic> for DiagPayload {
    fn from(d: &Diagnostic) -> Self {
        let lang = crate::lang::current();
        DiagPayload {
            code: d.code,
            file: d.file.as_ref().map(|p| p.display().to_string()),
            line: d.line,
            column: d.column,
            message: d.message_in(lang).to_owned(),
            hint: d.hint_in(lang).map(str::to_owned),
            source_line: d.source_line.clone(),
        }
    }
}

/// The failed build currently shown as an overlay.
#[derive(Debug)]
pub struct BuildError {
    /// Diagnostics for the error page served before any good build.
    pub diagnostics: Vec<DiagPayload>,
    /// The `{"type":"error",...}` message, sent again to every new connection.
    pub message: Arc<str>,
}

/// Everything a request needs, swapped as one piece after each build.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The last good build's files by output path (`risks/index.html`); None before the first.
    pub files: Option<Arc<HashMap<String, Bytes>>>,
    /// Identifies the good build the files come from (changes when the server restarts too).
    pub build: String,
    /// Set while the latest build failed.
    pub error: Option<Arc<BuildError>>,
    /// The good build's search index, assembled on the first request for a `search/` file.
    pub search: Option<Arc<LazySearch>>,
    /// The good build's share cards, each drawn on the first request for it.
    pub cards: Option<Arc<crate::cards::Deferred>>,
}

/// A build's search index, assembled once, when a browser first asks for it: on a large site
/// assembling takes longer than the rest of a rebuild, and an edit should be served first.
#[derive(Debug)]
pub struct LazySearch {
    deferred: crate::search::Deferred,
    files: std::sync::OnceLock<HashMap<String, Bytes>>,
}

impl LazySearch {
    /// Wraps a deferred index.
    pub fn new(deferred: crate::search::Deferred) -> Self {
        LazySearch { deferred, files: std::sync::OnceLock::new() }
    }

    /// The index files by output path, assembled on first use.
    pub fn files(&self) -> &HashMap<String, Bytes> {
        self.files.get_or_init(|| self.deferred.files().into_iter().map(|f| (f.path, f.data)).collect())
    }

    /// Whether [`LazySearch::files`] would return at once.
    pub fn is_ready(&self) -> bool {
        self.files.get().is_some()
    }
}

/// State shared by the build thread and the HTTP handlers.
#[derive(Debug)]
pub struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    /// JSON messages for every open tab.
    pub tx: broadcast::Sender<Arc<str>>,
    /// Becomes true when the server stops, so WebSocket sessions close.
    pub shutdown: tokio_watch::Receiver<bool>,
}

impl Shared {
    /// A state holding `snapshot`.
    pub fn new(snapshot: Snapshot, shutdown: tokio_watch::Receiver<bool>) -> Self {
        let (tx, _) = broadcast::channel(64);
        Shared { snapshot: RwLock::new(Arc::new(snapshot)), tx, shutdown }
    }

    /// The current snapshot (cheap: an `Arc` clone under a short read lock).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn replace(&self, next: Snapshot) {
        let next = Arc::new(next);
        match self.snapshot.write() {
            Ok(mut g) => *g = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }

    fn send(&self, msg: serde_json::Value) {
        // No receivers (no open tab) is not an error.
        let _ = self.tx.send(Arc::from(msg.to_string()));
    }
}

/// What a new build changed, as far as the browser cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Byte-identical output: nothing to tell.
    Nothing,
    /// Only stylesheets changed: swap these URLs in without a reload.
    Css(Vec<String>),
    /// Anything else: reload.
    Pages,
}

/// Compares two builds' files. CSS-only means: every added, removed or changed file is a
/// stylesheet, except HTML that differs only by the renamed (content-hashed) stylesheet URLs.
pub fn classify(old: &HashMap<String, Bytes>, new: &HashMap<String, Bytes>) -> Change {
    // Pages the build reused share their bytes with the previous build: equal without reading.
    let same = |a: &Bytes, b: &Bytes| crate::refresh::shares(a, b) || a == b;
    // One lookup per new file (a large site has 12,000 and rebuilds on every save).
    let (mut added, mut modified): (Vec<&String>, Vec<&String>) = (Vec::new(), Vec::new());
    for (k, v) in new {
        match old.get(k) {
            None => added.push(k),
            Some(o) if !same(o, v) => modified.push(k),
            Some(_) => {}
        }
    }
    // Every old file is still there unless the new ones that were there already are fewer.
    let removed: Vec<&String> = if new.len() - added.len() == old.len() {
        Vec::new()
    } else {
        old.keys().filter(|k| !new.contains_key(*k)).collect()
    };
    if removed.is_empty() && added.is_empty() && modified.is_empty() {
        return Change::Nothing;
    }
    if removed.iter().chain(&added).any(|k| !is_css(k)) {
        return Change::Pages;
    }
    // Pair each renamed stylesheet with its new name; an unpaired one means a page must change.
    let mut renames: Vec<(&str, &str)> = Vec::new();
    for r in &removed {
        let Some(a) = added.iter().find(|a| strip_hash(a) == strip_hash(r)) else { return Change::Pages };
        renames.push((r.as_str(), a.as_str()));
    }
    if renames.len() != added.len() {
        return Change::Pages;
    }
    for k in &modified {
        if is_css(k) {
            continue;
        }
        if !is_html(k) {
            return Change::Pages;
        }
        let mut text = old[*k].to_vec();
        for (from, to) in &renames {
            text = replace_all(&text, from.as_bytes(), to.as_bytes());
        }
        if text != new[*k].as_ref() {
            return Change::Pages;
        }
    }
    let mut urls: Vec<String> = added
        .iter()
        .chain(modified.iter().filter(|k| is_css(k)))
        .map(|k| format!("/{}", crate::web::url::encode_path_ascii(k)))
        .collect();
    urls.sort();
    Change::Css(urls)
}

fn is_css(path: &str) -> bool {
    path.ends_with(".css")
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html")
}

/// `assets/style.0123456789.css` → `assets/style.css` (the theme's hashed names carry 10 hex digits).
fn strip_hash(path: &str) -> String {
    let Some(stem) = path.strip_suffix(".css") else { return path.to_string() };
    match stem.rsplit_once('.') {
        Some((base, h)) if h.len() == 10 && h.bytes().all(|b| b.is_ascii_hexdigit()) => format!("{base}.css"),
        _ => path.to_string(),
    }
}

fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    if from.is_empty() {
        return hay.to_vec();
    }
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// Builds the site once: the one place serve calls the pipeline. The cache makes a rebuild redo
/// only the pages an edit affects (byte-identical to a full build; see tests/incremental.rs).
fn rebuild(opts: &BuildOptions, cache: &mut crate::build::BuildCache) -> Result<BuiltSite, Diagnostics> {
    crate::build::build_site_cached(opts, cache)
}

/// Produces build ids: unique per server run (so a restarted server makes tabs reload) and per
/// good build.
struct BuildIds {
    run: u64,
    n: u64,
}

impl BuildIds {
    fn new() -> Self {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
        BuildIds { run: nanos ^ u64::from(std::process::id()), n: 0 }
    }
    fn next(&mut self) -> String {
        self.n += 1;
        format!("{:x}-{}", self.run, self.n)
    }
}

/// What one build did, for the terminal line.
struct Outcome {
    pages: Option<usize>,
    errors: Option<Diagnostics>,
    warnings: Diagnostics,
    proofread: Option<crate::proofread::SiteFindings>,
}

/// Proofreading findings as last printed, by page: a page's findings are printed again only
/// when they change, so an edit elsewhere does not repeat them, and a kind with many findings
/// is summed up in one line, as build warnings are.
#[derive(Default)]
struct PrintedFindings(HashMap<PathBuf, Arc<crate::proofread::PageFindings>>);

impl PrintedFindings {
    fn update(&mut self, found: &crate::proofread::SiteFindings, color: bool) {
        // Findings the build took from its memo are the same allocation as last time.
        let same = |p: &Arc<crate::proofread::PageFindings>| {
            self.0.get(&p.shown).is_some_and(|old| Arc::ptr_eq(old, p) || old.findings == p.findings)
        };
        let changed = found.pages.iter().filter(|p| !same(p));
        let fresh = Diagnostics(changed.flat_map(|p| p.diagnostics()).collect());
        if !fresh.0.is_empty() {
            eprintln!("{}", fresh.render_summarised(color, crate::diagnostics::OffSwitch::Proofread));
        }
        let now: HashMap<PathBuf, Arc<crate::proofread::PageFindings>> =
            found.pages.iter().map(|p| (p.shown.clone(), Arc::clone(p))).collect();
        for gone in self.0.keys().filter(|k| !now.contains_key(*k)) {
            let gone = gone.display();
            eprintln!(
                "{}",
                pick(format!("{gone}: no proofreading findings now"), format!("{gone}：校正の指摘はなくなりました"))
            );
        }
        self.0 = now;
    }
}

/// Puts a build result in place and tells the browsers. Files are swapped before any message is
/// sent, so a tab that reloads gets the new site.
fn apply(shared: &Shared, ids: &mut BuildIds, result: Result<BuiltSite, Diagnostics>) -> Outcome {
    let old = shared.snapshot();
    match result {
        Ok(site) => {
            let pages = site.pages;
            let proofread = Some(site.proofread);
            let files: HashMap<String, Bytes> = site.files.into_iter().map(|f| (f.path, f.data)).collect();
            let change = match &old.files {
                Some(o) => classify(o, &files),
                None => Change::Pages,
            };
            let build = if change == Change::Nothing { old.build.clone() } else { ids.next() };
            let search = site.search.map(|d| Arc::new(LazySearch::new(d)));
            let cards = site.cards;
            shared.replace(Snapshot { files: Some(Arc::new(files)), build: build.clone(), error: None, search, cards });
            if old.error.is_some() {
                shared.send(serde_json::json!({ "type": "ok" }));
            }
            match change {
                Change::Nothing => {}
                Change::Css(urls) => shared.send(serde_json::json!({ "type": "css", "urls": urls, "build": build })),
                Change::Pages => shared.send(serde_json::json!({ "type": "reload", "build": build })),
            }
            Outcome { pages: Some(pages), errors: None, warnings: site.warnings, proofread }
        }
        Err(d) => {
            let error = Arc::new(error_payload(&d));
            shared.replace(Snapshot {
                files: old.files.clone(),
                build: old.build.clone(),
                error: Some(Arc::clone(&error)),
                search: old.search.clone(),
                cards: old.cards.clone(),
            });
            let _ = shared.tx.send(Arc::clone(&error.message));
            Outcome { pages: None, errors: Some(d), warnings: Diagnostics::default(), proofread: None }
        }
    }
}

fn error_payload(d: &Diagnostics) -> BuildError {
    let diagnostics: Vec<DiagPayload> =
        d.0.iter().filter(|d| d.severity == crate::Severity::Error).map(DiagPayload::from).collect();
    let ui = serde_json::json!({
        "title": pick("Build error", "ビルドエラー"),
        "close": pick("Close", "閉じる"),
        "note": pick(
            "Fix and save: this goes away by itself. Behind it is the last good build.",
            "直して保存すると自動で消えます。後ろには最後に成功したビルドを表示しています。",
        ),
    });
    let message = serde_json::json!({ "type": "error", "ui": ui, "diagnostics": diagnostics }).to_string();
    BuildError { diagnostics, message: Arc::from(message) }
}

/// Starts the server and blocks until Ctrl-C. Errors (port in use, no watcher) are diagnostics.
pub fn run(opts: ServeOptions) -> Result<(), Diagnostics> {
    let root = std::fs::canonicalize(&opts.root).map_err(|e| {
        Diagnostic::error(
            Some(opts.root.clone()),
            tr(format!("cannot open the site folder: {e}"), format!("サイトのフォルダを開けません：{e}")),
        )
        .code("site-folder-missing")
        .hint(tr(
            "pass the folder that holds site.yaml with --root",
            "site.yaml のあるフォルダを --root で指定してください",
        ))
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| {
        Diagnostic::error(
            None,
            tr(format!("cannot start the server runtime: {e}"), format!("サーバーを起動できません：{e}")),
        )
        .code("serve-failed")
    })?;
    runtime.block_on(serve(opts, root))
}

async fn serve(opts: ServeOptions, root: PathBuf) -> Result<(), Diagnostics> {
    let (listener, url) = listen(&opts).await?;
    let build_opts = BuildOptions {
        root: root.clone(),
        output: None,
        base_url: Some(url.clone()),
        drafts: true,
        serve: true,
        timings: opts.timings,
        progress: false,
        force: false,
    };

    // Watch before the first build, so nothing saved during it is missed.
    let (trigger_tx, trigger_rx) = mpsc::channel::<Trigger>();
    let watcher = watch_site(&root, opts.poll, trigger_tx.clone())?;

    let (stop_tx, stop_rx) = tokio_watch::channel(false);
    let shared = Arc::new(Shared::new(Snapshot::default(), stop_rx));
    let mut ids = BuildIds::new();
    let start = Instant::now();
    let mut cache = crate::build::BuildCache::deferring_search();
    let outcome = apply(&shared, &mut ids, rebuild(&build_opts, &mut cache));
    let mut shown = ShownWarnings::default();
    let mut printed = PrintedFindings::default();
    print_outcome(&outcome, None, start.elapsed(), (&mut shown, &mut printed));
    eprintln!("{}", pick(format!("Serving {url} (Ctrl-C to stop)"), format!("{url} で公開中です（Ctrl-C で終了）")));
    if opts.open {
        open_browser(&url);
    }

    let builder_shared = Arc::clone(&shared);
    // Detached: after Stop it finishes any build in progress and exits; nothing waits for it.
    let _builder = std::thread::Builder::new()
        .name("tebiki-rebuild".into())
        .spawn(move || build_loop(&build_opts, &builder_shared, (ids, shown, printed), cache, watcher, &trigger_rx))
        .map_err(|e| {
            Diagnostic::error(
                None,
                tr(
                    format!("cannot start the rebuild thread: {e}"),
                    format!("再ビルド用のスレッドを起動できません：{e}"),
                ),
            )
            .code("serve-failed")
        })?;

    let app = http::router(Arc::clone(&shared));
    http::serve_connections(listener, app, stop_signal(stop_tx), shared.shutdown.clone()).await;
    let _ = trigger_tx.send(Trigger::Stop);
    Ok(())
}

/// The listener and the URL it serves, with a warning when other machines can reach it.
async fn listen(opts: &ServeOptions) -> Result<(tokio::net::TcpListener, String), Diagnostics> {
    let listener = bind(&opts.bind, opts.port).await?;
    let addr = listener.local_addr().map_err(|e| {
        Diagnostic::error(
            None,
            tr(format!("cannot read the bound address: {e}"), format!("待ち受けアドレスを読めません：{e}")),
        )
        .code("serve-failed")
    })?;
    if !addr.ip().is_loopback() {
        let ip = addr.ip();
        eprintln!(
            "{}",
            pick(
                format!("warning: listening on {ip}: the preview is visible to other machines on the network"),
                format!("警告：{ip} で待ち受けています。プレビューはネットワーク上のほかのマシンからも見えます"),
            )
        );
    }
    Ok((listener, server_url(&opts.bind, addr)))
}

/// Starts watching the site; each change is sent to `tx`.
fn watch_site(root: &std::path::Path, poll: bool, tx: mpsc::Sender<Trigger>) -> Result<watch::Watcher, Diagnostics> {
    watch::Watcher::new(root, poll, tx).map_err(|e| {
        Diagnostic::error(
            None,
            tr(format!("cannot watch the site for changes: {e}"), format!("サイトの変更を監視できません：{e}")),
        )
        .code("watch-failed")
        .hint(tr("try `tebiki serve --poll`", "`tebiki serve --poll` を試してください"))
        .into()
    })
}

/// Binds the listener; a taken port becomes a plain message with a free port to try.
async fn bind(host: &str, port: u16) -> Result<tokio::net::TcpListener, Diagnostics> {
    match tokio::net::TcpListener::bind((host, port)).await {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let mut suggestion = port.saturating_add(1);
            for p in port.saturating_add(1)..port.saturating_add(20) {
                if std::net::TcpListener::bind((host, p)).is_ok() {
                    suggestion = p;
                    break;
                }
            }
            Err(Diagnostic::error(
                None,
                tr(
                    format!("port {port} is in use; try --port {suggestion}"),
                    format!("ポート {port} は使用中です。--port {suggestion} を試してください"),
                ),
            )
            .code("port-in-use")
            .into())
        }
        Err(e) => Err(Diagnostic::error(
            None,
            tr(format!("cannot listen on {host}:{port}: {e}"), format!("{host}:{port} で待ち受けできません：{e}")),
        )
        .code("serve-failed")
        .hint(tr(
            "check --bind is an address of this machine (the default is 127.0.0.1)",
            "--bind がこのマシンのアドレスか確かめてください（既定は 127.0.0.1）",
        ))
        .into()),
    }
}

/// `http://127.0.0.1:1111/`, with brackets for IPv6 and the real port when 0 was asked for.
fn server_url(bind: &str, addr: SocketAddr) -> String {
    let host = match bind.parse::<IpAddr>() {
        Ok(IpAddr::V6(_)) => format!("[{bind}]"),
        Ok(IpAddr::V4(_)) => bind.to_string(),
        Err(_) => bind.trim_matches(['[', ']']).to_string(),
    };
    format!("http://{host}:{}/", addr.port())
}

/// Resolves on Ctrl-C (or SIGTERM) and tells WebSocket sessions to close.
async fn stop_signal(stop: tokio_watch::Sender<bool>) {
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    eprintln!("{}", pick("Stopping.", "終了します。"));
    let _ = stop.send(true);
}

/// Waits for changes and rebuilds: one build per burst, and one more if files changed meanwhile
/// (those events queue up in the channel and are coalesced into the next round).
fn build_loop(
    opts: &BuildOptions,
    shared: &Shared,
    (mut ids, mut shown, mut printed): (BuildIds, ShownWarnings, PrintedFindings),
    mut cache: crate::build::BuildCache,
    mut watcher: watch::Watcher,
    rx: &mpsc::Receiver<Trigger>,
) {
    let mut last_build: Option<Instant> = None;
    while let Ok(first) = rx.recv() {
        let mut batch = watch::Batch::default();
        batch.add(first);
        while let Ok(more) = rx.try_recv() {
            batch.add(more);
        }
        // Changes right after a rebuild are most likely a burst (a tool writing many files, a
        // branch switch): gather them until the watcher is quiet, so that a burst costs a few
        // rebuilds. A lone save waits for nothing.
        if last_build.is_some_and(|t| t.elapsed() < BURST_GAP) {
            let until = Instant::now() + BURST_MAX_WAIT;
            while let Some(left) = until.checked_duration_since(Instant::now()) {
                match rx.recv_timeout(left.min(BURST_QUIET)) {
                    Ok(more) => batch.add(more),
                    Err(_) => break,
                }
            }
        }
        if batch.stop {
            break;
        }
        let synced = watcher.sync();
        for w in &synced.problems {
            eprintln!("{}{w}", pick("warning: ", "警告："));
        }
        // The watcher saw every change since the last build, unless it lost track or has just
        // started watching a folder again: then the build walks the folders.
        if batch.rescan.is_none() && !synced.rewatched {
            cache.changed(&batch.paths);
        } else {
            cache.lost_track();
        }
        let start = Instant::now();
        let outcome = apply(shared, &mut ids, rebuild(opts, &mut cache));
        print_outcome(&outcome, Some(&batch.describe(&opts.root)), start.elapsed(), (&mut shown, &mut printed));
        last_build = Some(Instant::now());
    }
}

/// Changes this soon after a rebuild ended are taken for a burst ([`build_loop`]).
const BURST_GAP: Duration = Duration::from_millis(100);
/// A burst is gathered until the watcher reports nothing for this long...
const BURST_QUIET: Duration = Duration::from_millis(40);
/// ...or for this long at most, so a tool that never stops writing still gets rebuilds.
const BURST_MAX_WAIT: Duration = Duration::from_millis(1000);

/// The warnings last printed: a rebuild prints its warnings only when they differ, so the
/// terminal shows what an edit changed instead of the same list after every save.
#[derive(Default)]
struct ShownWarnings(Option<Diagnostics>);

impl ShownWarnings {
    /// Whether `now` should be printed (the first time, and whenever it differs); remembers it.
    fn changed(&mut self, now: &Diagnostics) -> bool {
        if self.0.as_ref() == Some(now) {
            return false;
        }
        self.0 = Some(now.clone());
        true
    }
}

fn print_outcome(
    o: &Outcome,
    cause: Option<&str>,
    took: Duration,
    (shown, printed): (&mut ShownWarnings, &mut PrintedFindings),
) {
    let color = crate::diagnostics::stderr_color();
    let n_warnings = o.warnings.0.len();
    // A failed build has no warnings to compare: the last good build's stay the ones shown.
    let fresh = o.errors.is_none() && shown.changed(&o.warnings);
    if fresh && n_warnings > 0 {
        eprintln!("{}", o.warnings.render_brief(color));
    }
    if let Some(found) = &o.proofread {
        printed.update(found, color);
    }
    let unchanged = if !fresh && o.errors.is_none() && n_warnings > 0 {
        pick(
            format!(" ({n_warnings} warning{}, as before)", if n_warnings == 1 { "" } else { "s" }),
            format!("（警告 {n_warnings} 件は前回と同じです）"),
        )
    } else {
        String::new()
    };
    let ms = took.as_millis();
    match (&o.errors, o.pages) {
        (Some(d), _) => {
            eprintln!("{}", d.render(color));
            let n = d.error_count();
            let after = cause.map(|c| format!(" after {c}")).unwrap_or_default();
            let after_ja = cause.map(|c| format!("（{c}）")).unwrap_or_default();
            eprintln!(
                "{}",
                pick(
                    format!(
                        "Build failed{after} with {n} error{}; the browser shows it, and the last good build stays served.",
                        if n == 1 { "" } else { "s" }
                    ),
                    format!("ビルドに失敗しました{after_ja}。エラーは {n} 件で、ブラウザに表示しています。最後に成功したビルドを引き続き公開します。"),
                )
            );
        }
        (None, Some(pages)) if cause.is_some() => {
            let c = cause.unwrap_or_default();
            eprintln!(
                "{}",
                pick(
                    format!("Rebuilt after {c}: {pages} pages in {ms} ms{unchanged}"),
                    format!("再ビルドしました（{c}）：{pages} ページ、{ms} ms{unchanged}"),
                )
            );
        }
        (None, pages) => {
            let pages = pages.unwrap_or(0);
            eprintln!(
                "{}",
                pick(format!("Built {pages} pages in {ms} ms"), format!("{pages} ページをビルドしました（{ms} ms）"))
            );
        }
    }
}

/// Best effort: a missing `xdg-open` must not stop the server.
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let spawned = std::process::Command::new(cmd)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Ok(mut child) = spawned {
        // Reap it so it does not linger as a zombie.
        std::thread::spawn(move || child.wait());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> HashMap<String, Bytes> {
        list.iter().map(|(p, d)| (p.to_string(), Bytes::from(d.to_string()))).collect()
    }

    #[test]
    fn warnings_are_shown_again_only_when_they_change() {
        let w = |m: &str| Diagnostics::from(Diagnostic::warning(Some(PathBuf::from("a.md")), m.to_string()));
        let mut shown = ShownWarnings::default();
        assert!(shown.changed(&w("one")));
        assert!(!shown.changed(&w("one")));
        assert!(shown.changed(&w("two")));
        assert!(shown.changed(&Diagnostics::default()));
        assert!(!shown.changed(&Diagnostics::default()));
    }

    #[test]
    fn identical_builds_change_nothing() {
        let a = files(&[("index.html", "<p>a</p>"), ("assets/style.0123456789.css", "p{}")]);
        assert_eq!(classify(&a, &a.clone()), Change::Nothing);
    }

    #[test]
    fn renamed_stylesheet_with_html_differing_only_by_its_url_is_css_only() {
        let old = files(&[
            ("index.html", r#"<link rel="stylesheet" href="/assets/style.0123456789.css"><p>a</p>"#),
            ("risks/index.html", r#"<link rel="stylesheet" href="/assets/style.0123456789.css"><p>b</p>"#),
            ("assets/style.0123456789.css", "p{}"),
            ("assets/main.aaaaaaaaaa.js", "x"),
        ]);
        let new = files(&[
            ("index.html", r#"<link rel="stylesheet" href="/assets/style.abcdefabcd.css"><p>a</p>"#),
            ("risks/index.html", r#"<link rel="stylesheet" href="/assets/style.abcdefabcd.css"><p>b</p>"#),
            ("assets/style.abcdefabcd.css", "p{color:red}"),
            ("assets/main.aaaaaaaaaa.js", "x"),
        ]);
        assert_eq!(classify(&old, &new), Change::Css(vec!["/assets/style.abcdefabcd.css".into()]));
    }

    #[test]
    fn unhashed_stylesheet_edit_is_css_only() {
        let old = files(&[("index.html", "<p>a</p>"), ("extra.css", "a{}")]);
        let new = files(&[("index.html", "<p>a</p>"), ("extra.css", "b{}")]);
        assert_eq!(classify(&old, &new), Change::Css(vec!["/extra.css".into()]));
    }

    #[test]
    fn css_plus_text_change_reloads() {
        let old = files(&[
            ("index.html", r#"<link href="/assets/style.0123456789.css"><p>a</p>"#),
            ("assets/style.0123456789.css", "p{}"),
        ]);
        let new = files(&[
            ("index.html", r#"<link href="/assets/style.abcdefabcd.css"><p>B</p>"#),
            ("assets/style.abcdefabcd.css", "q{}"),
        ]);
        assert_eq!(classify(&old, &new), Change::Pages);
    }

    #[test]
    fn page_edit_new_page_and_js_change_reload() {
        let old = files(&[("index.html", "<p>a</p>"), ("a.js", "1")]);
        assert_eq!(classify(&old, &files(&[("index.html", "<p>b</p>"), ("a.js", "1")])), Change::Pages);
        assert_eq!(classify(&old, &files(&[("index.html", "<p>a</p>"), ("a.js", "2")])), Change::Pages);
        assert_eq!(
            classify(&old, &files(&[("index.html", "<p>a</p>"), ("a.js", "1"), ("n/index.html", "")])),
            Change::Pages
        );
        // A new stylesheet nobody links yet still needs a page change to matter: reload.
        assert_eq!(
            classify(&old, &files(&[("index.html", "<p>a</p>"), ("a.js", "1"), ("new.css", "")])),
            Change::Pages
        );
    }

    #[test]
    fn a_removed_page_or_stylesheet_reloads() {
        let old = files(&[("index.html", "<p>a</p>"), ("a/index.html", "<p>b</p>"), ("extra.css", "a{}")]);
        assert_eq!(classify(&old, &files(&[("index.html", "<p>a</p>"), ("extra.css", "a{}")])), Change::Pages);
        assert_eq!(classify(&old, &files(&[("index.html", "<p>a</p>"), ("a/index.html", "<p>b</p>")])), Change::Pages);
        // One removed and one added: the same count, still a change.
        assert_eq!(
            classify(&old, &files(&[("index.html", "<p>a</p>"), ("b/index.html", "<p>b</p>"), ("extra.css", "a{}")])),
            Change::Pages
        );
    }

    #[test]
    fn hash_is_stripped_only_when_it_looks_like_one() {
        assert_eq!(strip_hash("assets/style.0123456789.css"), "assets/style.css");
        assert_eq!(strip_hash("assets/my.style.css"), "assets/my.style.css");
        assert_eq!(strip_hash("a.js"), "a.js");
    }

    #[test]
    fn diagnostics_payload_keeps_the_source_line() {
        let d = Diagnostic::error(Some(PathBuf::from("content/a.md")), "broken link").at("x\n[a](b.md)\n", 2, 1);
        let e = error_payload(&d.into());
        let v: serde_json::Value = serde_json::from_str(&e.message).unwrap();
        assert_eq!(v["type"], "error");
        assert_eq!(v["diagnostics"][0]["file"], "content/a.md");
        assert_eq!(v["diagnostics"][0]["line"], 2);
        assert_eq!(v["diagnostics"][0]["source_line"], "[a](b.md)");
    }

    #[test]
    fn failed_build_keeps_files_and_good_build_clears_error() {
        let (_stop_tx, stop_rx) = tokio_watch::channel(false);
        let shared = Shared::new(Snapshot::default(), stop_rx);
        let mut rx = shared.tx.subscribe();
        let mut ids = BuildIds::new();
        let site = BuiltSite {
            files: vec![crate::output::OutputFile { path: "index.html".into(), data: b"<p>1</p>".to_vec().into() }],
            pages: 1,
            ..Default::default()
        };
        apply(&shared, &mut ids, Ok(site.clone()));
        assert!(rx.try_recv().unwrap().contains("\"reload\""));
        let first = shared.snapshot();
        apply(&shared, &mut ids, Err(Diagnostic::error(None, "bad").into()));
        let snap = shared.snapshot();
        assert!(snap.error.is_some());
        assert_eq!(snap.build, first.build);
        assert_eq!(snap.files.as_ref().unwrap()["index.html"], Bytes::from_static(b"<p>1</p>"));
        assert!(rx.try_recv().unwrap().contains("\"error\""));
        apply(&shared, &mut ids, Ok(site));
        assert!(rx.try_recv().unwrap().contains("\"ok\""));
        assert!(rx.try_recv().is_err(), "identical output must not reload");
        assert!(shared.snapshot().error.is_none());
    }

    #[test]
    fn urls_bracket_ipv6_and_use_the_real_port() {
        let a: SocketAddr = "127.0.0.1:4321".parse().unwrap();
        assert_eq!(server_url("127.0.0.1", a), "http://127.0.0.1:4321/");
        assert_eq!(server_url("::1", "[::1]:80".parse().unwrap()), "http://[::1]:80/");
        assert_eq!(server_url("localhost", a), "http://localhost:4321/");
    }
}
