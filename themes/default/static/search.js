// Site search for Japanese text, with no dictionary and no server.
// The index (built by tebiki, see src/search.rs) holds character bigrams of Japanese text and
// words of Latin text. The query goes through the same normalization and tokenization here, so
// indexer and query can never split a word differently. Only the shards of the query's tokens
// and the document chunks of the candidates are downloaded; the best candidates are then checked
// against their pages (fetched once, and cached by the browser for when the reader opens one),
// which also give the snippets.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || !window.fetch) return;
  var base = root.getAttribute("data-base") || "/";
  var MAX_RESULTS = 10;
  var MAX_CANDIDATES = 60;
  var cache = {};
  var meta = null;

  // Index files live in small folders: the same layout as file_name in src/search.rs.
  function fileName(kind, n, ext) {
    return kind + "/" + Math.floor(n / 64) + "/" + n + "." + ext;
  }
  function getJSON(name) {
    if (!cache[name]) {
      cache[name] = fetch(base + "search/" + name).then(function (r) {
        if (!r.ok) throw new Error(name + ": " + r.status);
        return r.json();
      });
    }
    return cache[name];
  }

  function normalize(s) {
    return s.normalize("NFKC").toLowerCase();
  }
  function isPunct(c) {
    var n = c.codePointAt(0);
    return /[!-\/:-@\[-`{-~]/.test(c) || (n >= 0xa1 && n <= 0xbf) || (n >= 0x2010 && n <= 0x2027) ||
      (n >= 0x2030 && n <= 0x205e) || (n >= 0x3001 && n <= 0x3004) || (n >= 0x3008 && n <= 0x3020) ||
      n === 0x3030 || n === 0x303d || n === 0x30fb || (n >= 0xff01 && n <= 0xff0f) ||
      (n >= 0xff1a && n <= 0xff20) || (n >= 0xff3b && n <= 0xff40) || (n >= 0xff5b && n <= 0xff65);
  }
  function isCjk(c) {
    var n = c.codePointAt(0);
    return (n >= 0x2e80 && n <= 0x2fdf) || (n >= 0x3000 && n <= 0x30ff) || (n >= 0x31f0 && n <= 0x33ff) ||
      (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) || (n >= 0xf900 && n <= 0xfaff) ||
      (n >= 0xfe30 && n <= 0xfe4f) || (n >= 0xff00 && n <= 0xffef) || (n >= 0x20000 && n <= 0x3ffff);
  }
  var alnum = /[\p{L}\p{N}]/u;

  // Query terms: runs of Japanese characters and Latin words. Each term becomes index tokens
  // (bigrams; a one-character term is a prefix lookup) and is later checked as a substring.
  function terms(q) {
    var out = [], cur = "", kind = null;
    Array.from(normalize(q)).forEach(function (c) {
      var k = isCjk(c) && !isPunct(c) ? "cjk" : alnum.test(c) ? "word" : null;
      if (k !== kind && cur) { out.push({ text: cur, kind: kind }); cur = ""; }
      kind = k;
      if (k) cur += c;
    });
    if (cur) out.push({ text: cur, kind: kind });
    return out;
  }
  function tokensOf(term) {
    var chars = Array.from(term.text);
    if (term.kind === "word") return [{ t: term.text, prefix: true }];
    if (chars.length === 1) return [{ t: chars[0], prefix: true }];
    var t = [];
    for (var i = 0; i + 1 < chars.length; i++) t.push({ t: chars[i] + chars[i + 1], prefix: false });
    return t;
  }
  // 32-bit FNV-1a over UTF-8 (same as token_hash in src/search.rs).
  function fnv(s) {
    var bytes = new TextEncoder().encode(s);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }
  function shardOf(token) {
    return fnv(Array.from(token)[0] || "") % meta.shards;
  }
  // A shard holds a token's delta list, or (for very common tokens) the name of a bitmap file:
  // one bit per document, least significant bit first.
  function idsOf(value) {
    if (typeof value !== "string") return Promise.resolve(decode(value));
    if (!cache[value]) {
      cache[value] = fetch(base + "search/" + value).then(function (r) {
        if (!r.ok) throw new Error(value + ": " + r.status);
        return r.arrayBuffer();
      }).then(function (buf) {
        var bytes = new Uint8Array(buf), ids = [];
        for (var i = 0; i < bytes.length; i++) {
          for (var b = bytes[i], k = 0; b; b >>= 1, k++) if (b & 1) ids.push(i * 8 + k);
        }
        return ids;
      });
    }
    return cache[value];
  }
  function decode(deltas) {
    var ids = [], acc = 0;
    for (var i = 0; i < deltas.length; i++) { acc += deltas[i]; ids.push(acc); }
    return ids;
  }
  function postings(tok) {
    return getJSON(fileName("s", shardOf(tok.t), "json")).then(function (shard) {
      var keys = tok.prefix
        ? Object.keys(shard).filter(function (k) { return k.lastIndexOf(tok.t, 0) === 0; })
        : (tok.t in shard ? [tok.t] : []);
      return Promise.all(keys.map(function (k) { return idsOf(shard[k]); })).then(function (lists) {
        var set = new Set();
        lists.forEach(function (l) { l.forEach(function (d) { set.add(d); }); });
        return set;
      });
    });
  }
  function intersect(sets) {
    sets.sort(function (a, b) { return a.size - b.size; });
    return Array.from(sets[0]).filter(function (d) {
      return sets.every(function (s) { return s.has(d); });
    }).sort(function (a, b) { return a - b; });
  }
  function loadDocs(ids) {
    var chunks = {};
    ids.forEach(function (id) { chunks[Math.floor(id / meta.chunk)] = true; });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return getJSON(fileName("d", Number(c), "json")).then(function (rows) { return [Number(c), rows]; });
    })).then(function (loaded) {
      var byChunk = {};
      loaded.forEach(function (x) { byChunk[x[0]] = x[1]; });
      return ids.map(function (id) {
        var row = byChunk[Math.floor(id / meta.chunk)][id % meta.chunk];
        return { id: id, url: row[0], page: row[1], heading: row[2], text: "" };
      });
    });
  }

  // The text of one section of a page: from its heading (or the start of the content) to the
  // next heading, as the index saw it. Pages are fetched once.
  var pages = {};
  var HEADING = /^H[1-6]$/;
  function sectionText(url) {
    var hash = url.indexOf("#");
    var page = hash < 0 ? url : url.slice(0, hash), id = hash < 0 ? "" : url.slice(hash + 1);
    if (!pages[page]) {
      pages[page] = fetch(page).then(function (r) {
        if (!r.ok) throw new Error(page + ": " + r.status);
        return r.text();
      }).then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
    }
    return pages[page].then(function (doc) {
      var content = doc.querySelector("main .content");
      var start = id ? doc.getElementById(id) : null;
      if (!content || (id && !start)) return null;
      var walk = doc.createTreeWalker(content, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      var on = !id, out = [], node;
      while ((node = walk.nextNode())) {
        if (node.nodeType === 1) {
          if (!HEADING.test(node.tagName)) continue;
          if (node === start) on = true;
          else if (on) break;
        } else if (on && !(node.parentNode.closest && node.parentNode.closest("h1,h2,h3,h4,h5,h6,button"))) {
          out.push(node.nodeValue);
        }
      }
      return out.join("").replace(/\s+/g, " ").trim();
    });
  }

  // Score of a document for the terms, or -1 when a term is nowhere in it (its bigrams can all
  // occur without the term itself). A page that could not be fetched cannot disprove a match.
  function score(d, ts) {
    var page = normalize(d.page), head = normalize(d.heading), text = normalize(d.text || "");
    var total = 0;
    for (var i = 0; i < ts.length; i++) {
      var t = ts[i].text;
      var inPage = page.indexOf(t) >= 0, inHead = head.indexOf(t) >= 0, inText = text.indexOf(t) >= 0;
      if (!inPage && !inHead && !inText && d.text !== null) return -1;
      total += (inPage ? 20 : 0) + (inHead ? 10 : 0) + (inText ? 1 : 0);
    }
    return total;
  }
  function titleScore(d, ts) {
    var page = normalize(d.page), head = normalize(d.heading), total = 0;
    ts.forEach(function (t) { total += (page.indexOf(t.text) >= 0 ? 20 : 0) + (head.indexOf(t.text) >= 0 ? 10 : 0); });
    return total;
  }

  function search(q) {
    var ts = terms(q);
    if (!ts.length) return Promise.resolve([]);
    return (meta ? Promise.resolve(meta) : getJSON("meta.json").then(function (m) { meta = m; return m; }))
      .then(function () {
        var toks = [];
        ts.forEach(function (t) { toks = toks.concat(tokensOf(t)); });
        return Promise.all(toks.map(postings));
      })
      .then(function (sets) { return loadDocs(intersect(sets).slice(0, MAX_CANDIDATES)); })
      .then(function (docs) {
        // Candidates whose titles match come first; then they are checked against their pages,
        // a batch at a time, until there are enough results.
        docs.forEach(function (d) { d.pre = titleScore(d, ts); });
        docs.sort(function (a, b) { return b.pre - a.pre || a.id - b.id; });
        var found = [];
        function batch(from) {
          if (found.length >= MAX_RESULTS || from >= docs.length) return found;
          var part = docs.slice(from, from + MAX_RESULTS);
          return Promise.all(part.map(function (d) {
            return sectionText(d.url).then(function (t) { d.text = t; }, function () { d.text = null; });
          })).then(function () {
            part.forEach(function (d) {
              var s = score(d, ts);
              if (s >= 0 && found.length < MAX_RESULTS) { d.score = s; found.push(d); }
            });
            return batch(from + part.length);
          });
        }
        return batch(0);
      })
      .then(function (found) {
        found.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
        return found;
      });
  }

  // Snippet around the first match, with every term highlighted. Works on the original text;
  // NFKC can change lengths, so positions come from a character-by-character mapping.
  function snippet(text, ts) {
    var chars = Array.from(text);
    var norm = chars.map(function (c) { return normalize(c); });
    var joined = norm.join("");
    var starts = [];
    var offsets = [], acc = 0;
    norm.forEach(function (n) { offsets.push(acc); acc += n.length; });
    function charAt(off) {
      var i = 0;
      while (i + 1 < offsets.length && offsets[i + 1] <= off) i++;
      return i;
    }
    var marks = [];
    ts.forEach(function (t) {
      var from = 0, at;
      while ((at = joined.indexOf(t.text, from)) >= 0) {
        var s = charAt(at), e = charAt(at + t.text.length - 1) + 1;
        marks.push([s, e]);
        starts.push(s);
        from = at + t.text.length;
      }
    });
    var first = starts.length ? Math.min.apply(null, starts) : 0;
    var from = Math.max(0, first - 30), to = Math.min(chars.length, from + 90);
    var frag = document.createDocumentFragment();
    if (from > 0) frag.appendChild(document.createTextNode("…"));
    var i = from;
    marks.sort(function (a, b) { return a[0] - b[0]; });
    marks.forEach(function (m) {
      if (m[0] < i || m[0] >= to) return;
      frag.appendChild(document.createTextNode(chars.slice(i, m[0]).join("")));
      var mark = document.createElement("mark");
      mark.textContent = chars.slice(m[0], Math.min(m[1], to)).join("");
      frag.appendChild(mark);
      i = Math.min(m[1], to);
    });
    frag.appendChild(document.createTextNode(chars.slice(i, to).join("")));
    if (to < chars.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }
  function highlight(text, ts) {
    var frag = document.createDocumentFragment();
    var norm = normalize(text);
    if (norm.length !== text.length) { frag.appendChild(document.createTextNode(text)); return frag; }
    var i = 0;
    while (i < text.length) {
      var best = -1, len = 0;
      ts.forEach(function (t) {
        var at = norm.indexOf(t.text, i);
        if (at >= 0 && (best < 0 || at < best)) { best = at; len = t.text.length; }
      });
      if (best < 0) break;
      frag.appendChild(document.createTextNode(text.slice(i, best)));
      var m = document.createElement("mark");
      m.textContent = text.slice(best, best + len);
      frag.appendChild(m);
      i = best + len;
    }
    frag.appendChild(document.createTextNode(text.slice(i)));
    return frag;
  }

  // The combobox (WAI-ARIA 1.2 pattern): input + listbox of links + a live status.
  root.hidden = false;
  root.innerHTML =
    '<label class="visually-hidden" for="search-input">サイト内検索</label>' +
    '<input id="search-input" class="search-input" type="search" placeholder="検索（/ で移動）" autocomplete="off" ' +
    'role="combobox" aria-expanded="false" aria-controls="search-results" aria-autocomplete="list">' +
    '<ul id="search-results" class="search-results" role="listbox" aria-label="検索結果" hidden></ul>' +
    '<p class="visually-hidden" role="status" aria-live="polite" data-search-status></p>';
  var input = root.querySelector("input");
  var list = root.querySelector("ul");
  var status = root.querySelector("[data-search-status]");
  var active = -1;
  var seq = 0;

  function setActive(i) {
    var items = list.querySelectorAll("[role=option]");
    if (!items.length) return;
    active = (i + items.length) % items.length;
    items.forEach(function (el, k) { el.setAttribute("aria-selected", k === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }
  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function render(results, q) {
    var ts = terms(q);
    list.textContent = "";
    active = -1;
    if (!results.length) {
      var li = document.createElement("li");
      li.className = "search-empty";
      li.textContent = "「" + q + "」に一致する項目は見つかりませんでした";
      list.appendChild(li);
    }
    results.forEach(function (d, k) {
      var li = document.createElement("li");
      li.id = "search-result-" + k;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var a = document.createElement("a");
      a.href = d.url;
      a.tabIndex = -1;
      var t = document.createElement("span");
      t.className = "search-result-title";
      t.appendChild(highlight(d.heading ? d.page + " › " + d.heading : d.page, ts));
      var s = document.createElement("span");
      s.className = "search-result-snippet";
      s.appendChild(snippet(d.text || "", ts));
      a.appendChild(t);
      a.appendChild(s);
      li.appendChild(a);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      li.addEventListener("click", function () { location.href = d.url; });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = results.length ? results.length + "件見つかりました" : "見つかりませんでした";
  }
  input.addEventListener("input", function () {
    var q = input.value.trim();
    var mine = ++seq;
    if (!q) { close(); status.textContent = ""; return; }
    search(q).then(function (r) { if (mine === seq) render(r, q); })
      .catch(function () { if (mine === seq) { status.textContent = "検索の索引を読み込めませんでした"; } });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); if (!list.hidden) setActive(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); if (!list.hidden) setActive(active - 1); }
    else if (e.key === "Enter") {
      var items = list.querySelectorAll("[role=option] a");
      var pick = items[active >= 0 ? active : 0];
      if (pick && !list.hidden) { e.preventDefault(); location.href = pick.href; }
    } else if (e.key === "Escape") { if (!list.hidden) { e.preventDefault(); close(); } else { input.value = ""; } }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
  input.addEventListener("focus", function () { if (input.value.trim() && list.children.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); }
  });
})();
