// tebiki live reload. Injected into every HTML page by `tebiki serve`, never by `tebiki build`.
//
// Talks to the server over a WebSocket (/__tebiki/ws). Messages:
//   {"type":"hello","build":ID}    on connect; a different ID than this page's means we missed a
//                                  rebuild (or the server restarted): reload.
//   {"type":"reload","build":ID}   the new files are in place: reload, keeping the scroll position.
//   {"type":"css","urls":[...]}    only stylesheets changed: swap them without a reload.
//   {"type":"error","diagnostics":[...]}  the build failed: show an overlay over the last good page.
//   {"type":"ok"}                  the build succeeded again: remove the overlay.
(function () {
  "use strict";
  if (window.__tebikiLiveReload) return;
  window.__tebikiLiveReload = true;

  var script = document.currentScript;
  // Missing attribute: take the first hello as the baseline. Empty: served before any good build.
  var build = script ? script.getAttribute("data-build") : null;
  var SCROLL_KEY = "tebiki:scroll:" + location.pathname;
  var OVERLAY_ID = "__tebiki-overlay";

  // ---- scroll position across reloads ------------------------------------------------------
  function restoreScroll() {
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || "null");
    } catch (_) {}
    if (!saved) return;
    // "instant": a theme's `scroll-behavior: smooth` would otherwise animate from the top.
    var apply = function () { window.scrollTo({ left: saved.x || 0, top: saved.y || 0, behavior: "instant" }); };
    apply();
    // Images and fonts may still change the layout: apply again once everything has loaded.
    if (document.readyState === "complete") {
      try { sessionStorage.removeItem(SCROLL_KEY); } catch (_) {}
    } else {
      window.addEventListener("load", function () {
        apply();
        try { sessionStorage.removeItem(SCROLL_KEY); } catch (_) {}
      }, { once: true });
    }
  }

  function reload() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (_) {}
    location.reload();
  }

  // ---- stylesheet swap -------------------------------------------------------------------
  // Theme assets carry a 10-hex-digit content hash (style.0123456789.css); strip it to match
  // an old link to its new URL.
  function stripHash(path) {
    return path.replace(/\.[0-9a-f]{10}(\.css)$/, "$1");
  }

  function swapCss(urls) {
    var byName = {};
    urls.forEach(function (u) {
      byName[stripHash(new URL(u, location.href).pathname)] = u;
    });
    var links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    Array.prototype.forEach.call(links, function (link) {
      var current = new URL(link.href, location.href);
      if (current.origin !== location.origin) return;
      var next = byName[stripHash(current.pathname)];
      if (!next) return;
      var fresh = link.cloneNode(false);
      // Same URL (an unhashed stylesheet): add a query so the browser fetches it again.
      var nextUrl = new URL(next, location.href);
      if (nextUrl.pathname === current.pathname) nextUrl.searchParams.set("tebiki", String(Date.now()));
      fresh.href = nextUrl.pathname + nextUrl.search;
      // Keep the old sheet until the new one has loaded, so the page never flashes unstyled.
      var done = function () { link.remove(); };
      fresh.addEventListener("load", done, { once: true });
      fresh.addEventListener("error", done, { once: true });
      link.after(fresh);
    });
  }

  // ---- error overlay ---------------------------------------------------------------------
  var previousFocus = null;

  function hideOverlay() {
    var host = document.getElementById(OVERLAY_ID);
    if (!host) return;
    host.remove();
    if (previousFocus && typeof previousFocus.focus === "function") previousFocus.focus();
    previousFocus = null;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  var STYLE =
    ":host{all:initial}" +
    ".backdrop{position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.55);display:flex;" +
    "align-items:flex-start;justify-content:center;overflow:auto;padding:5vh 1rem;box-sizing:border-box;" +
    "font-family:\"Hiragino Sans\",\"Noto Sans JP\",\"Yu Gothic\",Meiryo,sans-serif;line-height:1.7}" +
    ".panel{position:relative;background:#fff;color:#1a1a1a;max-width:52rem;width:100%;border-radius:8px;" +
    "border-top:6px solid #c62828;padding:1.25rem 1.5rem;box-shadow:0 10px 40px rgba(0,0,0,.4);box-sizing:border-box}" +
    ".panel:focus{outline:none}" +
    "h2{margin:0 2.5rem .75rem 0;font-size:1.3rem;color:#c62828}" +
    ".close{position:absolute;top:.75rem;right:.75rem;width:2.25rem;height:2.25rem;border:1px solid #bbb;" +
    "border-radius:6px;background:#fff;color:#1a1a1a;font:inherit;font-size:1.2rem;line-height:1;cursor:pointer}" +
    ".close:focus-visible{outline:3px solid #1565c0;outline-offset:2px}" +
    ".diag{border-top:1px solid #e5e5e5;padding:.75rem 0}" +
    ".loc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#c62828;font-weight:bold;margin:0}" +
    ".msg{margin:.25rem 0;white-space:pre-wrap}" +
    "pre{background:#f6f6f6;border-radius:4px;padding:.5rem .75rem;margin:.25rem 0;overflow:auto;" +
    "font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem}" +
    ".hint{color:#555;margin:.25rem 0}" +
    ".note{color:#555;font-size:.9rem;margin:.5rem 0 0}";

  function showOverlay(diagnostics, ui) {
    var existing = document.getElementById(OVERLAY_ID);
    if (existing) {
      existing.remove();
    } else {
      previousFocus = document.activeElement;
    }
    var host = document.createElement("div");
    host.id = OVERLAY_ID;
    // A shadow root keeps the page's styles out of the overlay and the overlay's out of the page.
    var root = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = STYLE;
    root.appendChild(style);

    var backdrop = el("div", "backdrop");
    var panel = el("div", "panel");
    panel.setAttribute("role", "alertdialog");
    panel.setAttribute("aria-modal", "true");
    panel.setAttribute("aria-labelledby", "tebiki-title");
    panel.setAttribute("aria-describedby", "tebiki-list");
    panel.tabIndex = -1;

    // The server sends the frame in the language of its messages; Japanese when it does not.
    ui = ui || {};
    var title = el("h2", null, ui.title || "ビルドエラー");
    title.id = "tebiki-title";
    var close = el("button", "close", "×");
    close.type = "button";
    close.setAttribute("aria-label", ui.close || "閉じる");
    close.addEventListener("click", hideOverlay);

    var list = el("div", "list");
    list.id = "tebiki-list";
    (diagnostics || []).forEach(function (d) {
      var section = el("section", "diag");
      var loc = d.file || "";
      if (d.line > 0) loc += ":" + d.line + ":" + Math.max(d.column || 1, 1);
      if (loc) section.appendChild(el("p", "loc", loc));
      section.appendChild(el("p", "msg", d.message));
      if (d.source_line != null) {
        var pre = el("pre");
        pre.appendChild(el("code", null, d.source_line));
        section.appendChild(pre);
      }
      if (d.hint) section.appendChild(el("p", "hint", d.hint));
      list.appendChild(section);
    });
    var note = el("p", "note", ui.note || "直して保存すると自動で消えます。後ろには最後に成功したビルドを表示しています。");

    panel.appendChild(title);
    panel.appendChild(close);
    panel.appendChild(list);
    panel.appendChild(note);
    backdrop.appendChild(panel);
    root.appendChild(backdrop);
    backdrop.addEventListener("keydown", function (e) {
      if (e.key === "Escape") hideOverlay();
      // Keep focus inside the dialog: the close button is its only control.
      if (e.key === "Tab") {
        e.preventDefault();
        close.focus();
      }
    });
    (document.body || document.documentElement).appendChild(host);
    close.focus();
  }

  // ---- connection ------------------------------------------------------------------------
  var delay = 250;

  function connect() {
    var proto = location.protocol === "https:" ? "wss:" : "ws:";
    var socket;
    try {
      socket = new WebSocket(proto + "//" + location.host + "/__tebiki/ws");
    } catch (_) {
      return retry();
    }
    socket.onopen = function () { delay = 250; };
    socket.onmessage = function (event) {
      var msg;
      try { msg = JSON.parse(event.data); } catch (_) { return; }
      switch (msg.type) {
        case "hello":
          if (build === null) build = msg.build;
          else if (msg.build !== build) reload();
          break;
        case "reload":
          reload();
          break;
        case "css":
          swapCss(msg.urls || []);
          if (msg.build) build = msg.build;
          break;
        case "error":
          showOverlay(msg.diagnostics, msg.ui);
          break;
        case "ok":
          hideOverlay();
          break;
      }
    };
    socket.onclose = function () { retry(); };
  }

  // The server went away (restart, Ctrl-C): try again, backing off up to 5 s.
  function retry() {
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 5000);
  }

  restoreScroll();
  connect();
})();
