//! Live reload in a real browser: headless Chromium, driven through chromedriver (fantoccini),
//! against `tebiki serve` on a temp site. An edit on disk must show up in the open tab without a
//! manual reload; a broken edit must show the overlay; the fix must clear it; a CSS-only change
//! must swap the stylesheet without reloading.
//!
//! Needs the Debian packages `chromium` and `chromium-driver`. Without them the test is skipped,
//! except under CI (`CI` set), where a missing browser is a failure.

mod common;

use common::{atomic_save, page};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

/// A child process killed on drop, even when the test panics.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/lib/chromium")]) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `tebiki serve`: the process, its URL and its stderr lines.
struct Served {
    child: Kill,
    url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Served {
    fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    fn stop(&mut self) {
        let _ = self.child.0.kill();
        let _ = self.child.0.wait();
    }
}

/// Starts `tebiki serve` on `port` (0: any free one).
fn start_serve(root: &Path, port: u16) -> Served {
    // In Japanese: the overlay's frame comes from the server, in the language of its messages.
    let (child, url, log) = common::spawn_serve(root, &["--port", &port.to_string(), "--lang", "ja"]);
    Served { child: Kill(child), url, log }
}

fn start_chromedriver(driver: &Path) -> (Kill, u16) {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let child = Kill(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, port)
}

/// Runs `script` until `pred` holds on its result (10 s at most).
async fn wait_js(c: &Client, script: &str, what: &str, pred: impl Fn(&Value) -> bool) -> Result<Value, String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = Value::Null;
    while Instant::now() < deadline {
        // A reload in progress can make a script fail; just try again.
        if let Ok(v) = c.execute(script, vec![]).await {
            if pred(&v) {
                return Ok(v);
            }
            last = v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("timed out waiting for {what}; last value: {last}"))
}

async fn js(c: &Client, script: &str) -> Result<Value, String> {
    c.execute(script, vec![]).await.map_err(|e| format!("script failed: {e}: {script}"))
}

fn ensure(ok: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(msg())
    }
}

const BODY_TEXT: &str = "return document.body ? document.body.innerText : ''";
const OVERLAY_TEXT: &str = "const h = document.getElementById('__tebiki-overlay'); \
     return h && h.shadowRoot ? h.shadowRoot.textContent : null";
const MARKER: &str = "return window.__marker === 1";
const BACKGROUND: &str = "return getComputedStyle(document.body).backgroundColor";

async fn scenario(c: &Client, serve: &mut Served, root: &Path, base_css: &str) -> Result<(), String> {
    let url = serve.url.clone();
    c.goto(&url).await.map_err(|e| format!("goto {url}: {e}"))?;
    wait_js(c, BODY_TEXT, "the first page", |v| v.as_str().is_some_and(|s| s.contains("最初の本文"))).await?;
    let scripts = js(c, "return [...document.scripts].map(s => s.src).join(' ')").await?;
    ensure(scripts.as_str().is_some_and(|s| s.contains("/__tebiki/reload.js")), || {
        format!("no reload script: {scripts}")
    })?;
    // Let the WebSocket connect before the first edit (a missed build would reload anyway).
    tokio::time::sleep(Duration::from_millis(300)).await;

    // 1. An edit on disk shows up without calling refresh, at the same scroll position (kept by
    // the client itself: the browser's own restoration is switched off).
    js(c, "window.__marker = 1; history.scrollRestoration = 'manual'; window.scrollTo({top: 600, behavior: 'instant'}); return true").await?;
    let y = js(c, "return window.scrollY").await?;
    ensure(y.as_f64().is_some_and(|y| y > 500.0), || format!("the test page is too short to scroll: {y}"))?;
    atomic_save(root, "content/_index.md", &page("ホーム", &format!("二番目の本文。\n\n{}", long_text())));
    wait_js(c, BODY_TEXT, "the edited text in the open tab", |v| {
        v.as_str().is_some_and(|s| s.contains("二番目の本文"))
    })
    .await?;
    ensure(js(c, MARKER).await? == json!(false), || "an edit to a page must reload the page".into())?;
    wait_js(c, "return window.scrollY", "the scroll position to come back", |v| {
        v.as_f64().is_some_and(|y| (y - 600.0).abs() < 50.0)
    })
    .await?;

    // 2. A broken edit shows the overlay over the last good page, without reloading.
    js(c, "window.__marker = 1; return true").await?;
    atomic_save(root, "content/_index.md", &page("ホーム", "壊れた本文。[どこか](missing.md)"));
    let overlay =
        wait_js(c, OVERLAY_TEXT, "the error overlay", |v| v.as_str().is_some_and(|s| s.contains("content/_index.md")))
            .await?;
    let text = overlay.as_str().unwrap_or_default().to_string();
    for want in ["ビルドエラー", "content/_index.md:4", "missing.md", "[どこか](missing.md)"] {
        ensure(text.contains(want), || format!("overlay lacks {want:?}: {text}"))?;
    }
    let role = js(
        c,
        "return document.getElementById('__tebiki-overlay').shadowRoot.querySelector('[role=alertdialog]') !== null",
    )
    .await?;
    ensure(role == json!(true), || "overlay has no role=alertdialog".into())?;
    let focused = js(
        c,
        "return document.getElementById('__tebiki-overlay').shadowRoot.activeElement?.getAttribute('aria-label')",
    )
    .await?;
    ensure(focused == json!("閉じる"), || format!("the close button should have focus, got {focused}"))?;
    let body = js(c, BODY_TEXT).await?;
    ensure(body.as_str().is_some_and(|s| s.contains("二番目の本文")), || {
        format!("the last good page should stay: {body}")
    })?;
    ensure(js(c, MARKER).await? == json!(true), || "a failed build must not reload".into())?;

    // 3. The fix clears the overlay and shows the new text.
    atomic_save(root, "content/_index.md", &page("ホーム", "直した本文。"));
    wait_js(c, BODY_TEXT, "the fixed text", |v| v.as_str().is_some_and(|s| s.contains("直した本文"))).await?;
    wait_js(c, OVERLAY_TEXT, "the overlay to go away", Value::is_null).await?;

    // 4. A CSS-only change swaps the stylesheet in place: the page's state survives.
    js(c, "window.__marker = 1; return true").await?;
    let before = js(c, "return document.querySelector('link[rel~=stylesheet]').getAttribute('href')").await?;
    atomic_save(
        root,
        "themes/default/static/style.css",
        &format!("{base_css}\nbody {{ background-color: rgb(1, 2, 3) !important; }}\n"),
    );
    wait_js(c, BACKGROUND, "the new stylesheet to apply", |v| v == &json!("rgb(1, 2, 3)")).await?;
    ensure(js(c, MARKER).await? == json!(true), || "a CSS-only change must not reload the page".into())?;
    let after = js(
        c,
        "return [...document.querySelectorAll('link[rel~=stylesheet]')].map(l => l.getAttribute('href')).join(' ')",
    )
    .await?;
    ensure(after != before && !after.as_str().unwrap_or_default().contains(before.as_str().unwrap_or("?")), || {
        format!("stylesheet not swapped: {before} -> {after}")
    })?;

    // 5. The server restarts (with a change made while it was down): the tab reconnects and
    // reloads by itself.
    js(c, "window.__marker = 1; return true").await?;
    let port: u16 = url.trim_end_matches('/').rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0);
    serve.stop();
    atomic_save(root, "content/_index.md", &page("ホーム", "再起動後の本文。"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    *serve = start_serve(root, port);
    wait_js(c, BODY_TEXT, "the page after a server restart", |v| {
        v.as_str().is_some_and(|s| s.contains("再起動後の本文"))
    })
    .await?;
    Ok(())
}

/// Enough paragraphs to make the page scroll.
fn long_text() -> String {
    (0..80).map(|i| format!("段落{i}。長いページのための文章です。")).collect::<Vec<_>>().join("\n\n")
}

/// Headless Chromium through a fresh chromedriver. None (after a notice) when the browser is not
/// installed, except under CI, where that is a failure.
async fn open_browser(test: &str) -> Option<(Kill, Client, tempfile::TempDir)> {
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        let msg =
            "headless browser test needs Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}: not found, and CI is set");
        }
        eprintln!("SKIPPED {test}: {msg}");
        return None;
    };
    let profile = tempfile::tempdir().unwrap();
    let (driver, port) = start_chromedriver(&driver);
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    });
    let Value::Object(caps) = caps else { unreachable!() };
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("connect to chromedriver");
    Some((driver, client, profile))
}

#[tokio::test(flavor = "multi_thread")]
async fn live_reload_in_headless_chromium() {
    let base_css = std::fs::read_to_string(common::repo().join("themes/default/static/style.css"))
        .expect("default theme stylesheet");
    let (_tmp, root) = common::site(&[
        ("content/_index.md", &page("ホーム", &format!("最初の本文。\n\n{}", long_text()))),
        ("content/risks.md", &page("リスク", "リスクの本文。")),
        ("themes/default/static/style.css", &base_css),
    ]);
    let Some((_driver, client, _profile)) = open_browser("live_reload_in_headless_chromium").await else { return };
    let mut serve = start_serve(&root, 0);

    let result = scenario(&client, &mut serve, &root, &base_css).await;
    // Close the browser before judging, so a failure leaves no Chromium behind.
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{e}\nserver log:\n{}", serve.log());
    }
    assert!(!root.join("public").exists(), "serve must not write public/");
}

const RESULTS: &str = "return Array.from(document.querySelectorAll('#search-results [role=option] a'))\
     .map(a => [a.getAttribute('href'), a.textContent])";

async fn search_scenario(c: &Client, url: &str) -> Result<(), String> {
    use fantoccini::{key::Key, Locator};
    c.goto(url).await.map_err(|e| e.to_string())?;
    wait_js(c, "return !!document.getElementById('search-input')", "the search box", |v| v == &json!(true)).await?;
    // `/` focuses the box from anywhere on the page.
    c.find(Locator::Css("body")).await.map_err(|e| e.to_string())?.send_keys("/").await.map_err(|e| e.to_string())?;
    let focused = js(c, "return document.activeElement && document.activeElement.id").await?;
    ensure(focused == json!("search-input"), || format!("`/` did not focus the search box: {focused}"))?;
    let input = c.find(Locator::Id("search-input")).await.map_err(|e| e.to_string())?;
    // A two-character Japanese word: 謝罪 (apology) is a heading of the remedies page.
    input.send_keys("謝罪").await.map_err(|e| e.to_string())?;
    let results = wait_js(c, RESULTS, "results for 謝罪", |v| v.as_array().is_some_and(|a| !a.is_empty())).await?;
    let first = &results[0];
    ensure(first[0].as_str().is_some_and(|h| h.starts_with("/remedies/#")), || format!("first result: {results}"))?;
    let marks =
        js(c, "return Array.from(document.querySelectorAll('#search-results mark')).map(m => m.textContent)").await?;
    ensure(marks.as_array().is_some_and(|m| m.iter().any(|x| x == "謝罪")), || format!("highlights: {marks}"))?;
    let status = js(c, "return document.querySelector('[data-search-status]').textContent").await?;
    ensure(status.as_str().is_some_and(|s| s.ends_with("件見つかりました")), || format!("status: {status}"))?;
    let expanded = js(c, "return document.getElementById('search-input').getAttribute('aria-expanded')").await?;
    ensure(expanded == json!("true"), || "combobox not expanded".into())?;
    // Arrow down selects the first option; Enter opens it.
    input.send_keys(&Key::Down.to_string()).await.map_err(|e| e.to_string())?;
    let selected =
        js(c, "return document.querySelector('#search-results [aria-selected=true] a').getAttribute('href')").await?;
    ensure(selected == first[0], || format!("selected {selected}, expected {}", first[0]))?;
    input.send_keys(&Key::Enter.to_string()).await.map_err(|e| e.to_string())?;
    wait_js(c, "return location.pathname + location.hash", "navigation to the result", |v| {
        v.as_str().is_some_and(|p| p.starts_with("/remedies/#"))
    })
    .await?;

    // 共有 (sharing) is only in body text, never in a title: its snippet is cut from the page
    // itself (the index holds no text), with the word highlighted.
    c.goto(url).await.map_err(|e| e.to_string())?;
    wait_js(c, "return !!document.getElementById('search-input')", "the search box", |v| v == &json!(true)).await?;
    let input = c.find(Locator::Id("search-input")).await.map_err(|e| e.to_string())?;
    input.send_keys("共有").await.map_err(|e| e.to_string())?;
    wait_js(
        c,
        "return Array.from(document.querySelectorAll('#search-results .search-result-snippet mark')).map(m => m.textContent)",
        "a snippet from the page with 共有 highlighted",
        |v| v.as_array().is_some_and(|m| m.iter().any(|x| x == "共有")),
    )
    .await?;

    // One character, katakana with a long vowel mark, and a miss.
    for (q, expect_hits) in [("罪", true), ("エージェント", true), ("存在しない語句ｘｙｚ", false)] {
        c.goto(url).await.map_err(|e| e.to_string())?;
        wait_js(c, "return !!document.getElementById('search-input')", "the search box", |v| v == &json!(true)).await?;
        let input = c.find(Locator::Id("search-input")).await.map_err(|e| e.to_string())?;
        input.send_keys(q).await.map_err(|e| e.to_string())?;
        if expect_hits {
            wait_js(c, RESULTS, &format!("results for {q}"), |v| v.as_array().is_some_and(|a| !a.is_empty())).await?;
        } else {
            wait_js(c, "return document.querySelector('[data-search-status]').textContent", "no results", |v| {
                v == &json!("見つかりませんでした")
            })
            .await?;
        }
        // Escape closes the list.
        input.send_keys(&Key::Escape.to_string()).await.map_err(|e| e.to_string())?;
        let expanded = js(c, "return document.getElementById('search-input').getAttribute('aria-expanded')").await?;
        ensure(expanded == json!("false"), || format!("Escape did not close the list for {q}"))?;
    }

    // The print page: every page in order, and its table of contents jumps within the page.
    c.goto(&format!("{url}print/")).await.map_err(|e| e.to_string())?;
    let sections = js(c, "return Array.from(document.querySelectorAll('section.print-page')).map(s => s.id)").await?;
    ensure(sections == json!(["index", "risks", "causes", "aftermath", "remedies", "summary", "faq"]), || {
        format!("{sections}")
    })?;
    // A real click on the table-of-contents link (scrolled into view first).
    js(c, "document.querySelector(\".print-toc a[href='#remedies']\").scrollIntoView({block: 'center', behavior: 'instant'}); return true")
        .await?;
    c.find(Locator::Css(".print-toc a[href='#remedies']"))
        .await
        .map_err(|e| e.to_string())?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    wait_js(c, "return location.pathname + location.hash", "in-page jump", |v| v == &json!("/print/#remedies")).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn japanese_search_and_print_page_in_headless_chromium() {
    let (_tmp, root) = common::guide();
    let Some((_driver, client, _profile)) = open_browser("japanese_search_and_print_page_in_headless_chromium").await
    else {
        return;
    };
    let serve = start_serve(&root, 0);
    let result = search_scenario(&client, &serve.url).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{e}\nserver log:\n{}", serve.log());
    }
}

/// Every heading of the built guide (page titles and section headings) with the URL of its
/// section: a page title's section is the page's text before its first heading.
fn guide_headings(out: &Path) -> Vec<(String, String)> {
    let h1 = scraper::Selector::parse("h1.doc-title").unwrap();
    let hs = scraper::Selector::parse("main .content h2[id], main .content h3[id]").unwrap();
    let mut found = Vec::new();
    for page in ["", "risks/", "causes/", "aftermath/", "remedies/", "summary/"] {
        let doc = common::html(out, &format!("{page}index.html"));
        let url = format!("/{page}");
        for h in doc.select(&h1) {
            found.push((h.text().collect::<String>().trim().to_string(), url.clone()));
        }
        for h in doc.select(&hs) {
            // The heading's own text, without its `#` anchor link.
            let text: String = h.text().collect::<String>().trim().trim_end_matches('#').trim().to_string();
            found.push((text, format!("{url}#{}", h.value().id().unwrap_or_default())));
        }
    }
    found
}

/// Runs `tebikiSearch.search` (the function the search box calls) for each query; returns each
/// query's result URLs in rank order.
const RUN_QUERIES: &str = "const [qs, done] = arguments; \
     Promise.all(qs.map(q => window.tebikiSearch.search(q).then(r => r.results.map(d => d.url)))) \
     .then(done, e => done('error: ' + e));";

async fn search_quality_scenario(c: &Client, url: &str, headings: &[(String, String)]) -> Result<(), String> {
    c.goto(url).await.map_err(|e| e.to_string())?;
    wait_js(c, "return !!window.tebikiSearch", "the search script", |v| v == &json!(true)).await?;
    // Normalization and tokens: the same vectors the indexer's unit test runs.
    let vectors: Value =
        serde_json::from_str(&std::fs::read_to_string(common::repo().join("tests/search_vectors.json")).unwrap())
            .unwrap();
    let check = "const [vs] = arguments, s = window.tebikiSearch, bad = [];
        const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
        for (const v of vs) {
          if (s.normalize(v.in) !== v.norm) bad.push([v.in, 'norm', s.normalize(v.in)]);
          if (!same(s.indexTokens(v.in), v.tokens)) bad.push([v.in, 'tokens', s.indexTokens(v.in)]);
          if (!same(s.queryTokens(v.in), v.query)) bad.push([v.in, 'query', s.queryTokens(v.in)]);
          if (v.kana) {
            const alts = s.kanaVariants(v.in), want = s.indexTokens(v.kana);
            if (!want.every((t, i) => alts[i] && alts[i].includes(t))) bad.push([v.in, 'kana', alts]);
          }
        }
        return bad;";
    let bad = c.execute(check, vec![vectors["vectors"].clone()]).await.map_err(|e| e.to_string())?;
    ensure(bad == json!([]), || format!("search.js disagrees with tests/search_vectors.json: {bad}"))?;

    // Recall: every heading, typed as a query, finds its own section among the first three.
    let queries: Vec<&str> = headings.iter().map(|(q, _)| q.as_str()).collect();
    let got = c.execute_async(RUN_QUERIES, vec![json!(queries)]).await.map_err(|e| e.to_string())?;
    let lists = got.as_array().ok_or_else(|| format!("search failed: {got}"))?;
    let missed: Vec<String> = headings
        .iter()
        .zip(lists)
        .filter(|((_, want), urls)| !urls.as_array().is_some_and(|u| u.iter().take(3).any(|x| x == want)))
        .map(|((q, want), urls)| format!("{q} → wanted {want}, got {urls}"))
        .collect();
    ensure(headings.len() >= 30, || format!("only {} headings found in the guide", headings.len()))?;
    ensure(missed.is_empty(), || format!("headings not found among the first three:\n{}", missed.join("\n")))?;

    // A query none of whose sections holds every bigram (しつこく連絡が来る, typed inflected) lists
    // the best partial matches under a label, never an empty box.
    let input = c.find(fantoccini::Locator::Id("search-input")).await.map_err(|e| e.to_string())?;
    input.send_keys("しつこい連絡").await.map_err(|e| e.to_string())?;
    let results = wait_js(c, RESULTS, "partial results", |v| v.as_array().is_some_and(|a| !a.is_empty())).await?;
    ensure(results[0][0] == json!("/aftermath/#しつこく連絡が来る"), || {
        format!("partial results: {results}")
    })?;
    let label = js(c, "const l = document.querySelector('.search-partial-label'); return l && l.textContent").await?;
    ensure(label.as_str().is_some_and(|l| l.contains("一部が一致")), || format!("partial label: {label}"))?;
    let status = js(c, "return document.querySelector('[data-search-status]').textContent").await?;
    ensure(status.as_str().is_some_and(|s| s.contains("一部が一致する項目が")), || {
        format!("status: {status}")
    })?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn search_vectors_recall_and_partial_matches_in_headless_chromium() {
    let (_tmp, root) = common::guide();
    let headings = guide_headings(&common::build(&root));
    let Some((_driver, client, _profile)) =
        open_browser("search_vectors_recall_and_partial_matches_in_headless_chromium").await
    else {
        return;
    };
    let serve = start_serve(&root, 0);
    let result = search_quality_scenario(&client, &serve.url, &headings).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{e}\nserver log:\n{}", serve.log());
    }
}

const KEYWORD_COLOUR: &str =
    "const k = document.querySelector('code.language-rust .hl-storage, code.language-rust .hl-keyword'); \
     return k ? getComputedStyle(k).color : null";

/// Zenn's `:::details` opens from the keyboard; every code block has a working copy button;
/// token colours follow the light/dark choice (issue 25).
async fn blocks_scenario(c: &Client, url: &str) -> Result<(), String> {
    use fantoccini::{key::Key, Locator};
    c.goto(&format!("{url}blocks/")).await.map_err(|e| e.to_string())?;
    let summary = c.find(Locator::Css("details.callout-details > summary")).await.map_err(|e| e.to_string())?;
    // Tab from the element just before it lands on the summary: it is in the focus order.
    js(c, "const s = document.querySelector('details.callout-details > summary'); \
           const b = document.createElement('button'); b.id = 'before'; s.parentNode.parentNode.insertBefore(b, s.parentNode); b.focus(); return true").await?;
    c.active_element()
        .await
        .map_err(|e| e.to_string())?
        .send_keys(&Key::Tab.to_string())
        .await
        .map_err(|e| e.to_string())?;
    let focused = js(c, "return document.activeElement && document.activeElement.tagName").await?;
    ensure(focused == json!("SUMMARY"), || format!("Tab did not reach the summary: {focused}"))?;
    summary.send_keys(&Key::Enter.to_string()).await.map_err(|e| e.to_string())?;
    wait_js(c, "return document.querySelector('details.callout-details').open", "details to open", |v| {
        v == &json!(true)
    })
    .await?;

    c.goto(&format!("{url}code/")).await.map_err(|e| e.to_string())?;
    let counts = wait_js(
        c,
        "return [document.querySelectorAll('.code-block').length, document.querySelectorAll('.code-block > .copy-button').length]",
        "copy buttons",
        |v| v[1].as_u64().is_some_and(|n| n > 0),
    )
    .await?;
    ensure(counts[0] == counts[1], || format!("code blocks and copy buttons: {counts}"))?;
    let described = js(
        c,
        "const b = document.querySelector('.code-block > .copy-button'); \
         const id = b.getAttribute('aria-describedby'); return id ? document.getElementById(id).textContent : null",
    )
    .await?;
    ensure(described == json!("ファイル名：src/main.rs"), || format!("first button describes {described}"))?;
    c.find(Locator::Css(".code-block > .copy-button"))
        .await
        .map_err(|e| e.to_string())?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    wait_js(c, "return document.querySelector('.code-block > .copy-button').textContent", "the button to react", |v| {
        v == &json!("コピーしました") || v == &json!("選択しました")
    })
    .await?;

    let light =
        js(c, &format!("document.documentElement.setAttribute('data-theme', 'light'); {KEYWORD_COLOUR}")).await?;
    let dark = js(c, &format!("document.documentElement.setAttribute('data-theme', 'dark'); {KEYWORD_COLOUR}")).await?;
    ensure(light.is_string() && dark.is_string() && light != dark, || {
        format!("keyword colour light {light}, dark {dark}")
    })?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn zenn_details_and_code_copy_buttons_in_headless_chromium() {
    let (_tmp, root) = common::fixture("mdcompat");
    let Some((_driver, client, _profile)) =
        open_browser("zenn_details_and_code_copy_buttons_in_headless_chromium").await
    else {
        return;
    };
    let serve = start_serve(&root, 0);
    let result = blocks_scenario(&client, &serve.url).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{e}\nserver log:\n{}", serve.log());
    }
}
