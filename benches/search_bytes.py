#!/usr/bin/env python3
"""Bytes a browser downloads for one search query, following search.js file by file: meta.json,
the shard of each query token and of its kana variant (and the bitmap file of a very common
token), the document chunks of the best 12 candidates after ranking from the postings, and the
pages of the results in view (the first five: search.js cuts snippets only for results the reader
can see, and the list shows about five before it scrolls).

usage: benches/search_bytes.py OUTPUT_DIR QUERY...
"""
import json, math, os, re, sys, unicodedata

ROWS = 12  # search.js: ROWS
IN_VIEW = 5  # results whose pages are fetched for snippets before the reader scrolls
PARTIAL = 0.5  # search.js: PARTIAL
FIELD = [1, 1, 2.5, 3]  # search.js: FIELD


def is_cjk(c):
    n = ord(c)
    return (0x2E80 <= n <= 0x2FDF or 0x3000 <= n <= 0x30FF or 0x31F0 <= n <= 0x33FF or 0x3400 <= n <= 0x4DBF
            or 0x4E00 <= n <= 0x9FFF or 0xF900 <= n <= 0xFAFF or 0xFE30 <= n <= 0xFE4F or 0xFF00 <= n <= 0xFFEF
            or 0x20000 <= n <= 0x3FFFF)


def is_punct(c):
    n = ord(c)
    return (re.match(r"[!-/:-@\[-`{-~]", c) is not None or 0xA1 <= n <= 0xBF or 0x2010 <= n <= 0x2027
            or 0x2030 <= n <= 0x205E or 0x3001 <= n <= 0x3004 or 0x3008 <= n <= 0x3020 or n in (0x3030, 0x303D, 0x30FB)
            or 0xFF01 <= n <= 0xFF0F or 0xFF1A <= n <= 0xFF20 or 0xFF3B <= n <= 0xFF40 or 0xFF5B <= n <= 0xFF65)


def normalize(s):
    return unicodedata.normalize("NFKC", s).lower()


def terms(q):
    """search.js queryTerms: runs of Japanese characters (a trailing ー dropped) and Latin words."""
    out, cur, kind = [], "", None
    for c in normalize(q):
        k = "cjk" if is_cjk(c) and not is_punct(c) else "word" if c.isalnum() else None
        if k != kind and cur:
            out.append((cur, kind))
            cur = ""
        kind = k
        if k:
            cur += c
    if cur:
        out.append((cur, kind))
    return [((t.rstrip("ー") or t) if k == "cjk" else t, k) for t, k in out]


def kana_fold(s, to_katakana):
    out = []
    for c in s:
        n = ord(c)
        if to_katakana and 0x3041 <= n <= 0x3096:
            c = chr(n + 0x60)
        elif not to_katakana and 0x30A1 <= n <= 0x30F6:
            c = chr(n - 0x60)
        out.append(c)
    return "".join(out)


def query_tokens(ts):
    """search.js queryTokens: (token, its kana variants, prefix?) for each distinct token."""
    seen, out = set(), []
    for text, kind in ts:
        prefix = kind == "word" or len(text) == 1
        toks = [text] if prefix else [text[i:i + 2] for i in range(len(text) - 1)]
        for t in toks:
            if t not in seen:
                seen.add(t)
                alts = list(dict.fromkeys([t, kana_fold(t, True), kana_fold(t, False)]))
                out.append((t, alts, prefix))
    return out


def fnv(s):
    h = 0x811C9DC5
    for b in s.encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def file_name(kind, n, ext):
    return f"{kind}/{n // 64}/{n}.{ext}"


def full_rows(rows):
    """A document chunk's rows as [url, page title, heading] (search.js fullRows): since index
    version 4 a section of the same page as the row before is [id, heading], or one string when
    the id is the heading."""
    page, title, out = "", "", []
    for r in rows:
        if isinstance(r, str):
            r = [r, r]
        if len(r) == 2:
            out.append([page + "#" + r[0], title, r[1]])
            continue
        page, title = r[0].split("#")[0], r[1]
        out.append(r)
    return out


class Fetcher:
    """Reads index files the way the browser would, counting each file once."""

    def __init__(self, out):
        self.out, self.dir, self.files = out, os.path.join(out, "search"), {}

    def read(self, name):
        p = os.path.join(self.dir, name)
        self.files[name] = os.path.getsize(p)
        return open(p, "rb").read()

    def json(self, name):
        return json.loads(self.read(name))


def postings(f, meta, tok):
    _, alts, prefix = tok
    n = meta["docs"]
    docs = {}
    for alt in alts:
        shard = f.json(file_name("s", fnv(alt[0]) % meta["shards"], "json"))
        keys = [k for k in shard if k.startswith(alt)] if prefix else ([alt] if alt in shard else [])
        for k in keys:
            v = shard[k]
            if isinstance(v, str):
                data = f.read(v)
                end = (n + 7) // 8
                for i, b in enumerate(data[:end]):
                    for j in range(8):
                        if b >> j & 1:
                            docs.setdefault(i * 8 + j, 0)
                at, doc = end, 0
                while meta["version"] >= 3 and at < len(data):
                    x, shift = 0, 0
                    while True:
                        byte = data[at]
                        at += 1
                        x |= (byte & 0x7F) << shift
                        shift += 7
                        if not byte & 0x80:
                            break
                    doc += x >> 2
                    docs[doc] = x & 3
                continue
            acc = 0
            for x in v:
                acc += x >> 2 if meta["version"] >= 3 else x
                w = x & 3 if meta["version"] >= 3 else 0
                docs[acc] = max(docs.get(acc, 0), w)
    return docs


def longest_run(term, text):
    best = 0
    for i in range(len(term)):
        for j in range(len(term), i + best, -1):
            if term[i:j] in text:
                best = j - i
                break
    return best


def text_bonus(row, ts):
    url, page, head = row[0], normalize(row[1]), normalize(row[2])
    first = "#" not in url
    bonus = 0
    for text, _ in ts:
        r = lambda s: (longest_run(text, s) / len(text)) ** 2 if longest_run(text, s) > 1 else 0
        bonus += 2 * r(head) + (1.5 if first else 0.5) * r(page)
    flat = lambda s: re.sub(r"[\s、。・「」]", "", s)
    whole = "".join(t for t, _ in ts)
    if whole in flat(head) or (first and whole in flat(page)):
        bonus += 3
    return bonus / max(1, len(ts))


def query(out, q):
    f = Fetcher(out)
    meta = f.json("meta.json")
    ts = terms(q)
    toks = query_tokens(ts)
    maps = [postings(f, meta, t) for t in toks]
    n = meta["docs"]
    idf = [math.log(1 + (n - len(m) + 0.5) / (len(m) + 0.5)) if m else 0 for m in maps]
    total = sum(idf)
    score, held, count = {}, {}, {}
    for i, m in enumerate(maps):
        for d, w in m.items():
            score[d] = score.get(d, 0) + idf[i] * FIELD[w]
            held[d] = held.get(d, 0) + idf[i]
            count[d] = count.get(d, 0) + 1
    cands = [d for d in score if count[d] == len(toks) or count[d] >= PARTIAL * len(toks)]
    rank = {d: score[d] * (held[d] / total if total else 0) for d in cands}
    best = sorted(cands, key=lambda d: (-rank[d], d))[:ROWS]
    rows = {d: full_rows(f.json(file_name("d", d // meta["chunk"], "json")))[d % meta["chunk"]] for d in best}
    shown = sorted(best, key=lambda d: (-rank[d] * (1 + text_bonus(rows[d], ts)), d))[:IN_VIEW]
    pages = {os.path.join(out, rows[d][0].split("#")[0].lstrip("/"), "index.html") for d in shown}
    pages = {p: os.path.getsize(p) for p in pages if os.path.exists(p)}
    index = sum(f.files.values())
    return index, sum(pages.values()), len(f.files) + len(pages), len(cands)


if __name__ == "__main__":
    out = sys.argv[1]
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(out, "search")) for f in fs)
    count = sum(len(fs) for _, _, fs in os.walk(os.path.join(out, "search")))
    print(f"index on disk: {total} bytes in {count} files")
    for q in sys.argv[2:]:
        index, pages, n, c = query(out, q)
        print(f"query {q!r}: {index + pages} bytes ({index} index, {pages} pages) in {n} files, {c} candidate sections")
