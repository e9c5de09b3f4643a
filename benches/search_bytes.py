#!/usr/bin/env python3
"""Bytes a browser downloads for one search query, following search.js: meta.json, the shard of
each query token (and the bitmap file of a very common token), the document chunks of the first
60 candidates, and the pages of the first 10 candidates after ranking by title (search.js checks
those against their pages; it fetches more only when some of them do not really match).

usage: benches/search_bytes.py OUTPUT_DIR QUERY...
"""
import json, os, sys, unicodedata

def is_cjk(c):
    n = ord(c)
    return (0x2E80 <= n <= 0x2FDF or 0x3000 <= n <= 0x30FF or 0x31F0 <= n <= 0x33FF or 0x3400 <= n <= 0x4DBF
            or 0x4E00 <= n <= 0x9FFF or 0xF900 <= n <= 0xFAFF or 0xFE30 <= n <= 0xFE4F or 0xFF00 <= n <= 0xFFEF
            or 0x20000 <= n <= 0x3FFFF)

def fnv(s):
    h = 0x811C9DC5
    for b in s.encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h

def shard_of(tok, shards):
    return fnv(tok[0]) % shards

def file_name(kind, n, ext):
    return f"{kind}/{n // 64}/{n}.{ext}"

def query(out, q):
    d = os.path.join(out, "search")
    size = lambda f: os.path.getsize(os.path.join(d, f))
    meta = json.load(open(os.path.join(d, "meta.json")))
    fetched = {"meta.json"}
    q = unicodedata.normalize("NFKC", q).lower()
    toks = []
    if all(is_cjk(c) for c in q):
        toks = [(q, True)] if len(q) == 1 else [(q[i:i + 2], False) for i in range(len(q) - 1)]
    else:
        toks = [(w, True) for w in q.split()]
    sets = []
    for t, prefix in toks:
        name = file_name("s", shard_of(t, meta['shards']), "json")
        fetched.add(name)
        shard = json.load(open(os.path.join(d, name)))
        ids = set()
        for k, deltas in shard.items():
            if k == t or (prefix and k.startswith(t)):
                if isinstance(deltas, str):
                    name = deltas
                    fetched.add(name)
                    bits = open(os.path.join(d, name), "rb").read()
                    ids.update(i * 8 + k for i, b in enumerate(bits) for k in range(8) if b >> k & 1)
                    continue
                acc = 0
                for x in deltas:
                    acc += x
                    ids.add(acc)
        sets.append(ids)
    cands = sorted(set.intersection(*sets)) if sets else []
    rows = {}
    for c in cands[:60]:
        name = file_name("d", c // meta['chunk'], "json")
        fetched.add(name)
        rows[c] = json.load(open(os.path.join(d, name)))[c % meta["chunk"]]
    terms = q.split()
    pre = lambda c: sum(20 * (t in rows[c][1].lower()) + 10 * (t in rows[c][2].lower()) for t in terms)
    pages = set()
    for c in sorted(rows, key=lambda c: (-pre(c), c))[:10]:
        path = rows[c][0].split("#")[0]
        pages.add(os.path.join(out, path.lstrip("/"), "index.html"))
    total = sum(size(f) for f in fetched) + sum(os.path.getsize(p) for p in pages if os.path.exists(p))
    return total, len(fetched) + len(pages), len(cands)

if __name__ == "__main__":
    out = sys.argv[1]
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(out, "search")) for f in fs)
    print(f"index on disk: {total} bytes")
    for q in sys.argv[2:]:
        b, n, c = query(out, q)
        print(f"query {q!r}: {b} bytes in {n} files, {c} candidate sections")
