//! HTTP for `tebiki serve`: the site from memory, the reload script and its WebSocket.
//!
//! Files come from the in-memory build, so no request can reach the disk; paths are still
//! normalised strictly (percent-decoded as UTF-8, `.`/`..`, backslashes, NUL and encoded slashes
//! refused) so the preview behaves like a careful static host. The rules live in [`respond`],
//! which knows nothing of axum, so they are unit-tested directly.

use crate::web::escape::escape;
use ahash::AHashMap as HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

use super::{DiagPayload, Shared, Snapshot};

/// The live-reload client, injected into every served HTML page.
pub const RELOAD_JS: &str = include_str!("reload.js");
/// Where the client is served from.
pub const RELOAD_JS_PATH: &str = "/__tebiki/reload.js";
/// Where the client connects to.
pub const WS_PATH: &str = "/__tebiki/ws";

/// The server's routes: the reload client, its WebSocket, and the site for everything else.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new().route(RELOAD_JS_PATH, get(reload_js)).route(WS_PATH, get(ws)).fallback(site).with_state(shared)
}

/// How long a client may take to send a request's head (request line and headers), counted from
/// when the server starts waiting for it (so an idle keep-alive connection is closed after it
/// too). Without a deadline, a client that never finishes its request holds a connection and a
/// file descriptor forever, and enough of them lock everyone else out (issue 6).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `signal` resolves (it sets `stop` to true, which tells every
/// connection), then lets open requests finish (2 s at most). `axum::serve` plus a deadline for
/// request heads, which `axum::serve` cannot set.
pub async fn serve_connections(
    listener: TcpListener,
    app: Router,
    signal: impl std::future::Future<Output = ()>,
    stop: watch::Receiver<bool>,
) {
    let mut signal = std::pin::pin!(signal);
    // Every connection task holds a receiver; `closed()` resolves when the last one is gone.
    let (close_tx, close_rx) = watch::channel(());
    loop {
        let stream = tokio::select! {
            // Polled first, so the signal handlers are in place before any client is answered.
            biased;
            () = &mut signal => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop.clone();
        let close_rx = close_rx.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
            let conn = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(close_rx);
        });
    }
    drop(close_rx);
    let _ = tokio::time::timeout(Duration::from_secs(2), close_tx.closed()).await;
}

/// A failed accept: a client that gave up is nothing; anything else (out of file descriptors)
/// gets a short pause so the loop does not spin, as `axum::serve` does.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn reload_js() -> Response {
    let reply = Reply {
        status: StatusCode::OK,
        content_type: "text/javascript; charset=utf-8",
        location: None,
        body: Bytes::from_static(RELOAD_JS.as_bytes()),
    };
    reply.into_response()
}

async fn site(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = Reply::text(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed").into_response();
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let snap = shared.snapshot();
    if let Some(lazy) = snap.search.as_ref().filter(|l| uri.path().starts_with("/search/") && !l.is_ready()) {
        // Assembling the index is CPU work: off the async workers.
        let lazy = Arc::clone(lazy);
        let _ = tokio::task::spawn_blocking(move || {
            lazy.files();
        })
        .await;
    }
    if let Some(cards) = snap.cards.as_ref().filter(|_| uri.path().starts_with("/cards/")) {
        // Drawing a card is CPU work too; `respond` then finds it drawn.
        let (cards, key) = (Arc::clone(cards), uri.path().trim_start_matches('/').to_string());
        let _ = tokio::task::spawn_blocking(move || cards.get(&key)).await;
    }
    let mut reply = respond(&snap, uri.path());
    if let (Some(loc), Some(q)) = (&mut reply.location, uri.query()) {
        loc.push('?');
        loc.push_str(q);
    }
    reply.into_response()
}

async fn ws(State(shared): State<Arc<Shared>>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| session(socket, shared))
}

/// One tab's connection: a hello with the build id, the current error if any, then every
/// broadcast message until the tab goes away or the server stops.
async fn session(mut socket: WebSocket, shared: Arc<Shared>) {
    // Subscribe before reading the snapshot, so no message between the two is lost.
    let mut rx = shared.tx.subscribe();
    let mut shutdown = shared.shutdown.clone();
    let snap = shared.snapshot();
    let hello = serde_json::json!({ "type": "hello", "build": snap.build }).to_string();
    if socket.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    if let Some(e) = &snap.error {
        if socket.send(Message::Text(e.message.as_ref().into())).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            msg = rx.recv() => {
                let text: String = match msg {
                    Ok(m) => m.as_ref().to_owned(),
                    // Too far behind to replay: a reload shows the current state.
                    Err(RecvError::Lagged(_)) => serde_json::json!({ "type": "reload", "build": shared.snapshot().build }).to_string(),
                    Err(RecvError::Closed) => break,
                };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            _ = shutdown.changed() => {
                let _ = socket.send(Message::Close(None)).await;
                break;
            }
        }
    }
}

/// A response decided from the snapshot alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Status code.
    pub status: StatusCode,
    /// `Content-Type` header.
    pub content_type: &'static str,
    /// `Location` for redirects.
    pub location: Option<String>,
    /// Body.
    pub body: Bytes,
}

impl Reply {
    fn text(status: StatusCode, body: &'static str) -> Self {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            location: None,
            body: Bytes::from_static(body.as_bytes()),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut r = Response::new(Body::from(self.body));
        *r.status_mut() = self.status;
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        // The browser must always show the latest build.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        if let Some(loc) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            h.insert(header::LOCATION, loc);
        }
        r
    }
}

/// A request path made safe: decoded segments joined with `/`, and whether it ended with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePath {
    /// `risks`, `リスク/図.svg`, or empty for the root.
    pub key: String,
    /// The path ended with `/`.
    pub dir: bool,
}

/// Decodes and checks a raw request path. Refuses anything that could name a file outside the
/// site on a real file system: `.`/`..` segments (also percent-encoded), backslashes, NUL,
/// encoded `/` or `\` inside a segment, and bytes that are not UTF-8.
pub fn normalize(raw: &str) -> Option<SitePath> {
    let rest = raw.strip_prefix('/')?;
    if raw.contains('\\') {
        return None;
    }
    let mut segments = Vec::new();
    for seg in rest.split('/') {
        if seg.is_empty() {
            continue;
        }
        let bytes = crate::web::url::percent_decode_bytes(seg)?;
        if bytes.iter().any(|&b| b == b'/' || b == b'\\' || b == 0) {
            return None;
        }
        let text = String::from_utf8(bytes).ok()?;
        if text == "." || text == ".." {
            return None;
        }
        segments.push(text);
    }
    Some(SitePath { key: segments.join("/"), dir: raw.ends_with('/') })
}

/// Answers a GET for `raw_path` from the snapshot: the file, `dir/` → `dir/index.html`,
/// `dir` → 301 `dir/`, the site's `404.html` with status 404, and 400 for refused paths. Before
/// the first good build every page is the error page (status 500).
pub fn respond(snap: &Snapshot, raw_path: &str) -> Reply {
    let Some(files) = &snap.files else {
        let diags = snap.error.as_ref().map(|e| e.diagnostics.as_slice()).unwrap_or_default();
        let html = error_page(diags, &snap.build);
        return Reply {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            content_type: HTML,
            location: None,
            body: Bytes::from(html),
        };
    };
    let Some(path) = normalize(raw_path) else {
        return Reply::text(StatusCode::BAD_REQUEST, "400 Bad Request: the path is not allowed");
    };
    let key = match (path.key.is_empty(), path.dir) {
        (true, _) => "index.html".to_string(),
        (false, true) => format!("{}/index.html", path.key),
        (false, false) => path.key.clone(),
    };
    if let Some(data) = files.get(&key) {
        return file_reply(StatusCode::OK, &key, data, &snap.build);
    }
    if let Some(data) = snap.search.as_ref().filter(|_| key.starts_with("search/")).and_then(|l| l.files().get(&key)) {
        return file_reply(StatusCode::OK, &key, data, &snap.build);
    }
    if let Some(Ok(data)) = snap.cards.as_ref().filter(|_| key.starts_with("cards/")).and_then(|c| c.get(&key)) {
        return file_reply(StatusCode::OK, &key, &data, &snap.build);
    }
    if !path.dir && files.contains_key(&format!("{}/index.html", path.key)) {
        let location = format!("/{}/", crate::web::url::encode_path_ascii(&path.key));
        return Reply {
            status: StatusCode::MOVED_PERMANENTLY,
            content_type: "text/plain; charset=utf-8",
            location: Some(location),
            body: Bytes::new(),
        };
    }
    not_found(files, &snap.build)
}

fn not_found(files: &HashMap<String, Bytes>, build: &str) -> Reply {
    match files.get("404.html") {
        Some(data) => file_reply(StatusCode::NOT_FOUND, "404.html", data, build),
        None => Reply::text(StatusCode::NOT_FOUND, "404 Not Found"),
    }
}

fn file_reply(status: StatusCode, key: &str, data: &Bytes, build: &str) -> Reply {
    let content_type = content_type(key);
    let body = if content_type == HTML { Bytes::from(inject(data, build)) } else { data.clone() };
    Reply { status, content_type, location: None, body }
}

const HTML: &str = "text/html; charset=utf-8";

/// `Content-Type` by extension, with `charset=utf-8` on text types.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => HTML,
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

/// The `<script>` tag that loads the reload client; `build` lets the client notice it missed one.
fn script_tag(build: &str) -> String {
    let build: String = build.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    format!("<script src=\"{RELOAD_JS_PATH}\" data-build=\"{build}\" defer></script>")
}

/// Inserts the reload script right before the last `</body>` (or at the end if there is none).
pub fn inject(html: &[u8], build: &str) -> Vec<u8> {
    let tag = script_tag(build);
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The page served while no build has succeeded yet: the errors, readable without JavaScript,
/// and the reload client, which replaces it once a good build arrives.
pub fn error_page(diags: &[DiagPayload], build: &str) -> String {
    let mut body = String::new();
    for d in diags {
        let mut loc = d.file.clone().unwrap_or_default();
        if d.line > 0 {
            loc.push_str(&format!(":{}:{}", d.line, d.column.max(1)));
        }
        body.push_str("<section>");
        if !loc.is_empty() {
            body.push_str(&format!("<p class=\"loc\">{}</p>", escape(&loc)));
        }
        body.push_str(&format!("<p class=\"msg\">{}</p>", escape(&d.message)));
        if let Some(src) = &d.source_line {
            body.push_str(&format!("<pre>{}</pre>", escape(src)));
        }
        if let Some(h) = &d.hint {
            body.push_str(&format!("<p class=\"hint\">{}</p>", escape(h)));
        }
        body.push_str("</section>");
    }
    let (lang, title, intro) = match crate::lang::current() {
        crate::lang::Lang::Ja => {
            ("ja", "ビルドエラー", "サイトをまだビルドできていません。直して保存すると自動で表示されます。")
        }
        crate::lang::Lang::En => ("en", "Build error", "The site has not built yet. Fix and save: it shows by itself."),
    };
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<style>body{{font-family:\"Hiragino Sans\",\"Noto Sans JP\",\"Yu Gothic\",Meiryo,sans-serif;line-height:1.8;max-width:48rem;margin:2rem auto;padding:0 1rem}}\
.loc{{font-family:monospace;color:#a00}}pre{{background:#f4f4f4;padding:.5rem;overflow:auto}}.hint{{color:#555}}</style></head>\
<body><h1>{title}</h1><p>{intro}</p>{body}{}</body></html>\n",
        script_tag(build)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::BuildError;

    fn snap(files: &[(&str, &str)]) -> Snapshot {
        let map = files.iter().map(|(k, v)| (k.to_string(), Bytes::from(v.to_string()))).collect();
        Snapshot { files: Some(Arc::new(map)), build: "b-1".into(), error: None, search: None, cards: None }
    }

    fn site() -> Snapshot {
        snap(&[
            ("index.html", "<html><body><p>ホーム</p></body></html>"),
            ("risks/index.html", "<html><body><p>リスク</p></body></html>"),
            ("リスク/index.html", "<html><body><p>日本語</p></body></html>"),
            ("assets/style.0123456789.css", "p{}"),
            ("images/図.svg", "<svg/>"),
            ("404.html", "<html><body><h1>見つかりません</h1></body></html>"),
        ])
    }

    #[test]
    fn traversal_attempts_are_refused() {
        for p in [
            "/../x",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/.%2e/x",
            "/a/%2F..",
            "/a%2f..%2fx",
            "/a%5c..%5cx",
            "/a\\..\\x",
            "/..\\x",
            "/a%00.html",
            "/./x",
            "/%ff",
            "/%zz",
            "/%2",
            "x",
        ] {
            assert_eq!(normalize(p), None, "{p}");
            let r = respond(&site(), p);
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{p}");
        }
    }

    #[test]
    fn paths_are_decoded_as_utf8() {
        assert_eq!(normalize("/%E3%83%AA%E3%82%B9%E3%82%AF/"), Some(SitePath { key: "リスク".into(), dir: true }));
        assert_eq!(normalize("/a//b"), Some(SitePath { key: "a/b".into(), dir: false }));
        assert_eq!(normalize("/"), Some(SitePath { key: String::new(), dir: true }));
        let r = respond(&site(), "/%E3%83%AA%E3%82%B9%E3%82%AF/");
        assert_eq!(r.status, StatusCode::OK);
        assert!(String::from_utf8_lossy(&r.body).contains("日本語"));
        assert_eq!(respond(&site(), "/images/%E5%9B%B3.svg").status, StatusCode::OK);
    }

    #[test]
    fn directories_redirect_and_serve_their_index() {
        let r = respond(&site(), "/risks");
        assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY);
        assert_eq!(r.location.as_deref(), Some("/risks/"));
        let r = respond(&site(), "/%E3%83%AA%E3%82%B9%E3%82%AF");
        assert_eq!(r.location.as_deref(), Some("/%E3%83%AA%E3%82%B9%E3%82%AF/"));
        let r = respond(&site(), "/risks/");
        assert_eq!(r.status, StatusCode::OK);
        assert!(String::from_utf8_lossy(&r.body).contains("リスク"));
        assert!(String::from_utf8_lossy(&respond(&site(), "/").body).contains("ホーム"));
    }

    #[test]
    fn missing_paths_get_the_sites_404_page() {
        for p in ["/nope", "/risks/nope/", "/index.html/"] {
            let r = respond(&site(), p);
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}");
            assert_eq!(r.content_type, HTML);
            let body = String::from_utf8_lossy(&r.body);
            assert!(body.contains("見つかりません") && body.contains(RELOAD_JS_PATH), "{body}");
        }
        let bare = snap(&[("index.html", "")]);
        assert_eq!(respond(&bare, "/x").status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn content_types_carry_charset_on_text() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/style.0123456789.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("assets/main.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("search.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("images/図.SVG"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
        assert_eq!(content_type("dir.d/file"), "application/octet-stream");
    }

    #[test]
    fn script_is_injected_into_html_only() {
        let s = site();
        let html = String::from_utf8_lossy(&respond(&s, "/").body).into_owned();
        assert!(
            html.ends_with("<script src=\"/__tebiki/reload.js\" data-build=\"b-1\" defer></script></body></html>"),
            "{html}"
        );
        for p in ["/assets/style.0123456789.css", "/images/%E5%9B%B3.svg"] {
            let r = respond(&s, p);
            assert!(!String::from_utf8_lossy(&r.body).contains("reload.js"), "{p}");
        }
        assert_eq!(
            inject(b"<p>no body", "1"),
            b"<p>no body<script src=\"/__tebiki/reload.js\" data-build=\"1\" defer></script>".to_vec()
        );
        let upper = String::from_utf8(inject(b"<BODY></BODY>", "1")).unwrap();
        assert!(upper.starts_with("<BODY><script"), "{upper}");
    }

    #[test]
    fn before_the_first_good_build_every_page_is_the_error_page() {
        let d = DiagPayload {
            code: "link-not-found",
            file: Some("content/a.md".into()),
            line: 3,
            column: 2,
            message: "broken <link>".into(),
            hint: None,
            source_line: Some("[x](y.md)".into()),
        };
        let error = Arc::new(BuildError { diagnostics: vec![d], message: Arc::from("{}") });
        let s = Snapshot { files: None, build: String::new(), error: Some(error), search: None, cards: None };
        let r = respond(&s, "/anything");
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        let body = String::from_utf8_lossy(&r.body);
        for want in ["Build error", "content/a.md:3:2", "broken &lt;link&gt;", "[x](y.md)", RELOAD_JS_PATH] {
            assert!(body.contains(want), "{want}: {body}");
        }
    }

    #[test]
    fn every_response_is_no_store() {
        let r = respond(&site(), "/").into_response();
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
        let r = respond(&site(), "/risks").into_response();
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
        assert_eq!(r.headers()[header::LOCATION], "/risks/");
    }
}
