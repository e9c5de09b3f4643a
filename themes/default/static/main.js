// tebiki default theme: colour-theme toggle, copy buttons for message templates and code,
// keyboard access to scrolling boxes, sidebar/TOC helpers. No dependencies.
(function () {
  "use strict";

  var STORAGE_KEY = "tebiki-theme";
  var root = document.documentElement;
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var wideQuery = window.matchMedia ? window.matchMedia("(min-width: 960px)") : null;

  function onChange(query, fn) {
    if (!query) return;
    if (query.addEventListener) query.addEventListener("change", fn);
    else if (query.addListener) query.addListener(fn);
  }

  // ---- colour theme -------------------------------------------------------

  function effectiveTheme() {
    var chosen = root.getAttribute("data-theme");
    if (chosen === "dark" || chosen === "light") return chosen;
    return darkQuery && darkQuery.matches ? "dark" : "light";
  }

  function syncThemeButtons() {
    var dark = effectiveTheme() === "dark";
    var buttons = document.querySelectorAll("[data-theme-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", dark ? "true" : "false");
    }
  }

  function initTheme() {
    var buttons = document.querySelectorAll("[data-theme-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var next = effectiveTheme() === "dark" ? "light" : "dark";
        root.setAttribute("data-theme", next);
        try { localStorage.setItem(STORAGE_KEY, next); } catch (e) { /* storage unavailable */ }
        syncThemeButtons();
      });
    }
    onChange(darkQuery, syncThemeButtons);
    syncThemeButtons();
  }

  // ---- copy buttons for message templates and code blocks -----------------

  var status = null;

  function announce(text) {
    if (!status) {
      status = document.createElement("p");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = "";
    // A fresh text node after a tick makes screen readers announce repeats too.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.top = "0";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  function selectContents(el) {
    var selection = window.getSelection && window.getSelection();
    if (!selection) return;
    var range = document.createRange();
    range.selectNodeContents(el);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // One copy button: `container` holds it, `body` is the text copied, `caption` (optional)
  // names what is copied, for the button's description and the announcement.
  function addCopyButton(container, body, caption, captionId) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    var label = document.createElement("span");
    label.textContent = "コピー";
    button.appendChild(label);
    if (caption) {
      if (!caption.id) caption.id = captionId;
      button.setAttribute("aria-describedby", caption.id);
    } else {
      button.setAttribute("aria-label", "コードをコピー");
    }
    if (caption && caption.nextSibling) container.insertBefore(button, caption.nextSibling);
    else container.insertBefore(button, container.firstChild);

    var timer = 0;
    button.addEventListener("click", function () {
      var text = body.textContent.replace(/\s+$/, "") + "\n";
      var title = caption ? caption.textContent.trim() : "";
      copyText(text).then(function () {
        label.textContent = "コピーしました";
        button.classList.add("is-copied");
        announce(title ? "「" + title + "」をコピーしました" : "コピーしました");
      }, function () {
        selectContents(body);
        label.textContent = "選択しました";
        announce("コピーできませんでした。文面を選択したので、手動でコピーしてください");
      });
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        label.textContent = "コピー";
        button.classList.remove("is-copied");
      }, 2500);
    });
  }

  // Message templates and every code block get a copy button.
  function initCopyButtons() {
    var figures = document.querySelectorAll("figure.message");
    var blocks = document.querySelectorAll(".code-block");
    if (!figures.length && !blocks.length) return;

    var i, body;
    for (i = 0; i < figures.length; i++) {
      body = figures[i].querySelector(".message-body");
      if (!body || figures[i].querySelector(".copy-button")) continue;
      addCopyButton(figures[i], body, figures[i].querySelector("figcaption"), "tebiki-message-" + (i + 1));
    }
    for (i = 0; i < blocks.length; i++) {
      body = blocks[i].querySelector("code");
      if (!body || blocks[i].querySelector(".copy-button")) continue;
      addCopyButton(blocks[i], body, blocks[i].querySelector(".code-file"), "tebiki-code-" + (i + 1));
    }
  }

  // Closed <details> would print as their summary alone: open them for printing.
  function initDetailsPrint() {
    window.addEventListener("beforeprint", function () {
      var closed = document.querySelectorAll("details:not([open])");
      for (var i = 0; i < closed.length; i++) {
        closed[i].setAttribute("open", "");
        closed[i].setAttribute("data-tebiki-print-open", "");
      }
    });
    window.addEventListener("afterprint", function () {
      var opened = document.querySelectorAll("details[data-tebiki-print-open]");
      for (var i = 0; i < opened.length; i++) {
        opened[i].removeAttribute("open");
        opened[i].removeAttribute("data-tebiki-print-open");
      }
    });
  }

  // ---- copy-link button under articles (the share links need no script) -----

  function initShareCopy() {
    var buttons = document.querySelectorAll("[data-share-url]");
    for (var i = 0; i < buttons.length; i++) {
      (function (button) {
        var idle = button.textContent;
        var timer = 0;
        button.hidden = false;
        button.addEventListener("click", function () {
          copyText(button.getAttribute("data-share-url")).then(function () {
            button.textContent = "コピーしました";
            announce("このページのリンクをコピーしました");
          }, function () {
            button.textContent = "コピーできませんでした";
            announce("リンクをコピーできませんでした。アドレスバーからコピーしてください");
          });
          window.clearTimeout(timer);
          timer = window.setTimeout(function () { button.textContent = idle; }, 2500);
        });
      })(buttons[i]);
    }
  }

  // ---- scrolling boxes (tables, code) must be reachable by keyboard --------

  function markScrollables() {
    var boxes = document.querySelectorAll(".content .table-wrap, .content pre:not(.message-body)");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-tebiki-scroll", "");
      } else if (!scrolls && box.hasAttribute("data-tebiki-scroll")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-tebiki-scroll");
      }
    }
  }

  // ---- sidebar: always open on wide screens, current page in view ---------

  function initSidebar() {
    var drawer = document.getElementById("site-nav-drawer");
    if (!drawer) return;
    function sync() {
      if (wideQuery && wideQuery.matches) drawer.open = true;
      else if (wideQuery) drawer.open = false;
    }
    if (wideQuery && wideQuery.matches) drawer.open = true;
    onChange(wideQuery, sync);

    var current = drawer.querySelector('[aria-current="page"]');
    if (current && wideQuery && wideQuery.matches && drawer.scrollHeight > drawer.clientHeight) {
      var top = current.offsetTop - drawer.clientHeight / 3;
      if (top > 0) drawer.scrollTop = top;
    }
  }

  // ---- on-page TOC: highlight the section being read ----------------------

  function initTocHighlight() {
    var links = document.querySelectorAll(".page-toc a[href^='#']");
    if (!links.length) return;
    var items = [];
    for (var i = 0; i < links.length; i++) {
      var id = decodeURIComponent(links[i].getAttribute("href").slice(1));
      var target = document.getElementById(id);
      if (target) items.push({ link: links[i], target: target });
    }
    if (!items.length) return;
    var active = null;
    var pending = false;
    function update() {
      pending = false;
      var offset = window.innerHeight * 0.25;
      var found = items[0];
      for (var j = 0; j < items.length; j++) {
        if (items[j].target.getBoundingClientRect().top - offset <= 0) found = items[j];
        else break;
      }
      if (found !== active) {
        if (active) active.link.classList.remove("is-active");
        found.link.classList.add("is-active");
        active = found;
      }
    }
    window.addEventListener("scroll", function () {
      if (!pending) { pending = true; window.requestAnimationFrame(update); }
    }, { passive: true });
    update();
  }

  // ---- print button on the print page -------------------------------------

  function initPrint() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  }

  function init() {
    initTheme();
    initCopyButtons();
    initDetailsPrint();
    initShareCopy();
    initSidebar();
    initTocHighlight();
    initPrint();
    markScrollables();
    var resizeTimer = 0;
    window.addEventListener("resize", function () {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(markScrollables, 150);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
