#!/usr/bin/env python3
"""Exact page titles typed as queries on a large built site (the benchmark corpus): does each rank
its page (a page of that title, where several share it) first? Runs search.js (window.tebikiSearch.search, what the search box calls) in
headless Chromium over the site served on loopback.

usage: titles.py SITE_DIR [COUNT]   (SITE_DIR: the output of tebiki build; COUNT titles, default 12)
"""
import collections, glob, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval import Browser, serve  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from search_bytes import full_rows  # noqa: E402

RUN = """
const [qs, done] = arguments;
Promise.all(qs.map(q => window.tebikiSearch.search(q).then(r => r.results.map(d => d.url))))
  .then(done, e => done('error: ' + e));
"""


def page_titles(site):
    """(title, page URL) of every page, from the index's document rows (a page's first row)."""
    rows = []
    for f in glob.glob(os.path.join(site, "search", "d", "*", "*.json")):
        n = int(os.path.basename(f).split(".")[0])
        rows += [(n, k, r) for k, r in enumerate(full_rows(json.load(open(f, encoding="utf-8"))))]
    rows.sort()
    return [(r[1], r[0]) for _, _, r in rows if "#" not in r[0]]


def main():
    site, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 12
    pages = page_titles(site)
    title_of = dict((u, t) for t, u in pages)
    seen = collections.Counter(t for t, _ in pages)
    # Half the titles unique to one page (section pages here), half shared by several pages of
    # the generated corpus, where any page of that title ranking first is right.
    unique = [(t, u) for t, u in pages if seen[t] == 1 and u != "/"]
    shared = [(t, u) for t, u in pages if seen[t] > 1]
    picked = unique[::max(1, len(unique) // (count // 2))][:count // 2]
    picked += shared[::max(1, len(shared) // (count - len(picked)))][:count - len(picked)]
    base = serve(site)
    browser = Browser()
    try:
        browser.goto(base + "/")
        got = browser.js_async(RUN, [t for t, _ in picked])
    finally:
        browser.close()
    if isinstance(got, str):
        raise SystemExit(got)
    first = 0
    for (title, url), results in zip(picked, got):
        top = results[0] if results else None
        ok = top is not None and "#" not in top and title_of.get(top) == title
        first += ok
        print(f"{'ok  ' if ok else 'MISS'} {title} ({seen[title]} page(s) of that title, e.g. {url}); first: {top}")
    print(f"{first} of {len(picked)} exact titles rank a page of that title first "
          f"({len(pages)} pages, {len(seen)} distinct titles)")


if __name__ == "__main__":
    main()
