// Site search for Japanese text, with no dictionary and no server.
// The index (built by tebiki, see src/search.rs) holds character bigrams of Japanese text and
// words of Latin text, per section, each posting marked with where the token is (page title,
// heading, text once or more). The query goes through the same normalization and tokenization
// here, so indexer and query can never split a word differently. Sections are ranked by how much
// of the query they hold (BM25-style weights from the stored statistics, title and heading
// first), then the rows of the best ones are read (URL, page title, heading: a bonus for the
// query's runs and its exact phrase there). Pages are fetched last, only to cut the snippets of
// the results in view.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || !window.fetch) return;
  var base = root.getAttribute("data-base") || "/";
  var SHOWN = 10; // results listed
  var ROWS = 12; // best candidates whose titles and headings are read before the final order
  var PARTIAL = 0.5; // share of the query's tokens a section needs to be listed at all
  var cache = {};
  var meta = null;

  // Index files live in small folders: the same layout as file_name in src/search.rs.
  function fileName(kind, n, ext) {
    return kind + "/" + Math.floor(n / 64) + "/" + n + "." + ext;
  }
  function get(name, how) {
    if (!cache[name]) {
      cache[name] = fetch(base + "search/" + name).then(function (r) {
        if (!r.ok) throw new Error(name + ": " + r.status);
        return r[how]();
      });
    }
    return cache[name];
  }

  // ---- Normalization and tokens (the same as src/search.rs; vectors in tests/search_vectors.json)

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

  // Runs of Japanese characters and Latin words of normalized text. Japanese and Latin never
  // share a run, so 「LINE例文」 and 「LINE 例文」 are the same query.
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
  // The index tokens of a term, as the indexer makes them: bigrams of a Japanese run (one
  // character alone is its own token), a Latin word whole.
  function termTokens(term) {
    var chars = Array.from(term.text);
    if (term.kind === "word" || chars.length === 1) return [chars.join("")];
    var t = [];
    for (var i = 0; i + 1 < chars.length; i++) t.push(chars[i] + chars[i + 1]);
    return t;
  }
  // A query's terms as typed: a trailing long-vowel mark dropped (サーバー finds サーバ, and
  // サーバ finds サーバー, whose bigrams it shares).
  function queryTerms(q) {
    return terms(q).map(function (t) {
      if (t.kind !== "cjk") return t;
      var s = t.text.replace(/ー+$/, "");
      return { text: s || t.text, kind: t.kind };
    });
  }
  // Katakana and hiragana swapped: the secondary key a query also looks up (ぶらっくりすと).
  function kanaFold(s, toKatakana) {
    return Array.from(s).map(function (c) {
      var n = c.codePointAt(0);
      if (toKatakana && n >= 0x3041 && n <= 0x3096) return String.fromCodePoint(n + 0x60);
      if (!toKatakana && n >= 0x30a1 && n <= 0x30f6) return String.fromCodePoint(n - 0x60);
      return c;
    }).join("");
  }
  // What the query looks up: each distinct token once, with its kana variants and whether it
  // is a prefix (a one-character term, or a Latin word, which may be the start of a longer one).
  function queryTokens(ts) {
    var seen = {}, out = [];
    ts.forEach(function (term) {
      var prefix = term.kind === "word" || Array.from(term.text).length === 1;
      termTokens(term).forEach(function (t) {
        if (seen[t]) return;
        seen[t] = true;
        var alts = [t, kanaFold(t, true), kanaFold(t, false)].filter(function (a, i, all) {
          return all.indexOf(a) === i;
        });
        out.push({ t: t, alts: alts, prefix: prefix });
      });
    });
    return out;
  }

  // ---- Postings

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
  // One key's postings as a map from section to where the token is in it (3 page title,
  // 2 heading, 0 text). A list holds deltas of section ids, times four plus that mark. A very
  // common token is a bitmap file: one bit per section (least significant first), then the
  // sections where it is in a heading or title, coded the same way as LEB128 varints.
  function entry(value) {
    var marked = meta.version >= 3;
    if (typeof value !== "string") {
      var m = new Map();
      for (var i = 0, acc = 0; i < value.length; i++) {
        acc += marked ? value[i] >> 2 : value[i];
        m.set(acc, marked ? value[i] & 3 : 0);
      }
      return Promise.resolve(m);
    }
    return get(value, "arrayBuffer").then(function (buf) {
      var bytes = new Uint8Array(buf), m = new Map(), end = Math.ceil(meta.docs / 8);
      for (var i = 0; i < end; i++) {
        for (var b = bytes[i], k = 0; b; b >>= 1, k++) if (b & 1) m.set(i * 8 + k, 0);
      }
      for (var at = end, doc = 0; marked && at < bytes.length;) {
        var v = 0, shift = 0, byte;
        do { byte = bytes[at++]; v += (byte & 0x7f) * Math.pow(2, shift); shift += 7; } while (byte & 0x80);
        doc += Math.floor(v / 4);
        m.set(doc, v % 4);
      }
      return m;
    });
  }
  // A query token's sections, over its kana variants and (for a prefix) every key it starts.
  function postings(tok) {
    return Promise.all(tok.alts.map(function (alt) {
      return get(fileName("s", shardOf(alt), "json"), "json").then(function (shard) {
        var keys = tok.prefix
          ? Object.keys(shard).filter(function (k) { return k.lastIndexOf(alt, 0) === 0; })
          : (Object.prototype.hasOwnProperty.call(shard, alt) ? [alt] : []);
        return Promise.all(keys.map(function (k) { return entry(shard[k]); }));
      });
    })).then(function (lists) {
      var m = new Map();
      lists.forEach(function (ms) {
        ms.forEach(function (one) {
          one.forEach(function (w, d) { if (!(m.get(d) >= w)) m.set(d, w); });
        });
      });
      return m;
    });
  }

  // ---- Ranking

  // Where a token is found weighs this much, by mark: text, (unused), heading, page title.
  var FIELD = [1, 1, 2.5, 3];

  // Each section's share of the query from the postings alone: BM25's idf per token (rare
  // tokens weigh more), times where the token is; the total is scaled by the share of the
  // query's weight the section holds, so a section with every token leads one with a few. A
  // token the site does not have (面接日程's 接日 when the text says 面接の日程) weighs nothing,
  // but still counts against a section that is listed for holding most of the query's tokens.
  function firstPass(toks, maps) {
    var n = meta.docs, idf = [], total = 0, docs = new Map();
    maps.forEach(function (m, i) {
      idf[i] = m.size ? Math.log(1 + (n - m.size + 0.5) / (m.size + 0.5)) : 0;
      total += idf[i];
      m.forEach(function (w, d) {
        var s = docs.get(d);
        if (!s) { s = { id: d, score: 0, held: 0, tokens: 0 }; docs.set(d, s); }
        s.score += idf[i] * FIELD[w];
        s.held += idf[i];
        s.tokens += 1;
      });
    });
    var out = [];
    docs.forEach(function (s) {
      s.share = total ? s.held / total : 0;
      s.full = s.tokens === toks.length;
      s.rank = s.score * s.share;
      if (s.full || s.tokens >= PARTIAL * toks.length) out.push(s);
    });
    return out;
  }
  function byRank(a, b) {
    return b.rank - a.rank || a.id - b.id;
  }

  // Longest run of `term` (as characters) found in `text`: adjacent bigrams and, at the end,
  // the exact phrase score more than the same bigrams apart.
  function longestRun(term, text) {
    var chars = Array.from(term), best = 0;
    for (var i = 0; i < chars.length && chars.length - i > best; i++) {
      for (var j = chars.length; j - i > best; j--) {
        if (text.indexOf(chars.slice(i, j).join("")) >= 0) { best = j - i; break; }
      }
    }
    return best;
  }
  // A bonus from what the postings cannot see: runs of the query in the heading and the page
  // title (its first section most); the whole query in one piece weighs most.
  function textBonus(d, ts) {
    var head = normalize(d.heading), page = normalize(d.page);
    var first = d.url.indexOf("#") < 0;
    var bonus = 0, whole = ts.map(function (t) { return t.text; }).join("");
    ts.forEach(function (t) {
      var len = Array.from(t.text).length;
      var r = function (s) { var k = longestRun(t.text, s); return k > 1 ? (k / len) * (k / len) : 0; };
      bonus += 2 * r(head) + (first ? 1.5 : 0.5) * r(page);
    });
    var flat = function (s) { return s.replace(/[\s、。・「」]/g, ""); };
    if (flat(head).indexOf(whole) >= 0 || (first && flat(page).indexOf(whole) >= 0)) bonus += 3;
    return bonus / Math.max(1, ts.length);
  }

  // A chunk's rows as [url, page title, heading]. Since version 4 a section of the same page
  // as the row before it is written as [id, heading], or as one string when the id is the
  // heading.
  function fullRows(rows) {
    var page = "", title = "";
    return rows.map(function (r) {
      if (typeof r === "string") r = [r, r];
      if (r.length === 2) return [page + "#" + r[0], title, r[1]];
      var hash = r[0].indexOf("#");
      page = hash < 0 ? r[0] : r[0].slice(0, hash);
      title = r[1];
      return r;
    });
  }

  function loadRows(cands) {
    var chunks = {};
    cands.forEach(function (d) { chunks[Math.floor(d.id / meta.chunk)] = true; });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return get(fileName("d", Number(c), "json"), "json").then(function (rows) { return [Number(c), fullRows(rows)]; });
    })).then(function (loaded) {
      var byChunk = {};
      loaded.forEach(function (x) { byChunk[x[0]] = x[1]; });
      cands.forEach(function (d) {
        var row = byChunk[Math.floor(d.id / meta.chunk)][d.id % meta.chunk];
        d.url = row[0]; d.page = row[1]; d.heading = row[2];
      });
      return cands;
    });
  }

  // The text of one section of a page, for its snippet: from its heading (or the start of the
  // content) to the next heading, as the index saw it. Pages are fetched once, only for results
  // in view (and cached by the browser for when the reader opens one).
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
      if (!content || (id && !start)) return "";
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

  function loadMeta() {
    return meta ? Promise.resolve(meta) : get("meta.json", "json").then(function (m) { meta = m; return m; });
  }

  // The ranked results of a query: { results, full, partial }. `full` counts the sections that
  // hold every token of the query, `partial` those that hold most of it; `results` are the best
  // of them, in order, each with url, page, heading and whether it holds every token. Nothing
  // here reads a page: the order is final before any snippet is cut.
  function search(q) {
    var ts = queryTerms(q);
    if (!ts.length) return Promise.resolve({ results: [], full: 0, partial: 0 });
    var toks = queryTokens(ts);
    return loadMeta()
      .then(function () { return Promise.all(toks.map(postings)); })
      .then(function (maps) {
        var cands = firstPass(toks, maps).sort(byRank);
        var full = cands.filter(function (d) { return d.full; }).length;
        return loadRows(cands.slice(0, ROWS)).then(function (rows) {
          rows.forEach(function (d) { d.rank2 = d.rank * (1 + textBonus(d, ts)); });
          rows.sort(function (a, b) { return b.rank2 - a.rank2 || a.id - b.id; });
          return { results: rows.slice(0, SHOWN), full: full, partial: cands.length - full };
        });
      });
  }

  // ---- Display

  // Character ranges of `text` that the query matched: every occurrence of one of its tokens
  // (kana variants too), merged into runs. Offsets are of the original text: normalization
  // works character by character, so each range maps back exactly.
  function matchedRuns(text, toks) {
    var chars = Array.from(text);
    var norm = chars.map(function (c) { return normalize(c); });
    var starts = [], acc = 0;
    norm.forEach(function (n) { starts.push(acc); acc += n.length; });
    var joined = norm.join(""), hit = new Uint8Array(chars.length + 1);
    var charAt = function (off) {
      var lo = 0, hi = starts.length - 1;
      while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (starts[mid] <= off) lo = mid; else hi = mid - 1; }
      return lo;
    };
    toks.forEach(function (tok) {
      tok.alts.forEach(function (alt) {
        var from = 0, at;
        while ((at = joined.indexOf(alt, from)) >= 0) {
          var s = charAt(at), e = charAt(at + alt.length - 1);
          for (var k = s; k <= e; k++) hit[k] = 1;
          from = at + 1;
        }
      });
    });
    var runs = [];
    for (var i = 0; i < chars.length; i++) {
      if (!hit[i]) continue;
      var j = i;
      while (hit[j]) j++;
      runs.push([i, j]);
      i = j;
    }
    return { chars: chars, runs: runs };
  }
  // Text from character `from` to `to` with the matched runs in <mark>.
  function marked(m, from, to) {
    var frag = document.createDocumentFragment(), i = from;
    m.runs.forEach(function (r) {
      if (r[1] <= from || r[0] >= to) return;
      var s = Math.max(r[0], from), e = Math.min(r[1], to);
      if (s > i) frag.appendChild(document.createTextNode(m.chars.slice(i, s).join("")));
      var mark = document.createElement("mark");
      mark.textContent = m.chars.slice(s, e).join("");
      frag.appendChild(mark);
      i = e;
    });
    if (to > i) frag.appendChild(document.createTextNode(m.chars.slice(i, to).join("")));
    return frag;
  }
  // A snippet of about 90 characters where most of the query's runs are.
  function snippet(text, toks) {
    var m = matchedRuns(text, toks), best = 0, bestLen = -1;
    m.runs.forEach(function (r) {
      var len = 0;
      m.runs.forEach(function (o) { if (o[0] >= r[0] && o[1] <= r[0] + 90) len += o[1] - o[0]; });
      if (len > bestLen) { bestLen = len; best = r[0]; }
    });
    var from = Math.max(0, best - 25), to = Math.min(m.chars.length, from + 90);
    var frag = document.createDocumentFragment();
    if (from > 0) frag.appendChild(document.createTextNode("…"));
    frag.appendChild(marked(m, from, to));
    if (to < m.chars.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }
  function highlight(text, toks) {
    var m = matchedRuns(text, toks);
    return marked(m, 0, m.chars.length);
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
  function note(text, cls) {
    var li = document.createElement("li");
    li.className = cls;
    li.setAttribute("role", "presentation");
    li.textContent = text;
    list.appendChild(li);
  }
  function summary(found, q) {
    if (found.full) return found.full + "件見つかりました";
    if (found.partial) return "「" + q + "」をすべて含む項目はありません。一部が一致する項目が" + found.partial + "件あります";
    return "見つかりませんでした";
  }
  // Snippets are cut from the pages of the results in view only; the rest wait for a scroll.
  var watcher = null;
  function fillSnippets(snippets, toks) {
    if (watcher) watcher.disconnect();
    var byItem = new Map(snippets.map(function (x) { return [x[0], x]; }));
    watcher = new IntersectionObserver(function (seen) {
      seen.forEach(function (e) {
        if (!e.isIntersecting || !byItem.has(e.target)) return;
        var x = byItem.get(e.target);
        byItem.delete(e.target);
        watcher.unobserve(e.target);
        sectionText(x[2]).then(function (text) { x[1].appendChild(snippet(text, toks)); }, function () {});
      });
    }, { root: list });
    snippets.forEach(function (x) { watcher.observe(x[0]); });
  }
  function render(found, q) {
    var toks = queryTokens(queryTerms(q)), snippets = [];
    list.textContent = "";
    active = -1;
    if (!found.results.length) note("「" + q + "」に一致する項目は見つかりませんでした", "search-empty");
    else if (!found.full) note("すべての語を含む項目はありません。一部が一致する項目：", "search-partial-label");
    found.results.forEach(function (d, k) {
      var li = document.createElement("li");
      li.id = "search-result-" + k;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      if (!d.full) li.className = "search-result-partial";
      var a = document.createElement("a");
      a.href = d.url;
      a.tabIndex = -1;
      var t = document.createElement("span");
      t.className = "search-result-title";
      t.appendChild(highlight(d.heading || d.page, toks));
      var p = document.createElement("span");
      p.className = "search-result-page";
      p.appendChild(document.createTextNode(d.heading ? d.page : ""));
      var s = document.createElement("span");
      s.className = "search-result-snippet";
      snippets.push([li, s, d.url]);
      a.appendChild(t);
      if (d.heading) a.appendChild(p);
      a.appendChild(s);
      li.appendChild(a);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      li.addEventListener("click", function () { location.href = d.url; });
      list.appendChild(li);
    });
    list.setAttribute("data-query", q);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = summary(found, q);
    fillSnippets(snippets, toks);
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

  // For tests and for themes that build their own search page: the same functions the box uses.
  window.tebikiSearch = {
    normalize: normalize,
    indexTokens: function (text) { return [].concat.apply([], terms(text).map(termTokens)); },
    queryTokens: function (q) { return queryTokens(queryTerms(q)).map(function (t) { return t.t; }); },
    kanaVariants: function (q) { return queryTokens(queryTerms(q)).map(function (t) { return t.alts; }); },
    search: search
  };
})();
