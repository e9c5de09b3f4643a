#!/usr/bin/env python3
"""Measures site search on a built guide: tebiki's own search box and Pagefind extended, side by
side, in headless Chromium.

For every query of queries.json it opens the home page, types the query into tebiki's search box
(real key events, so search.js runs as it does for a reader) and reads the ranked results; then it
runs the same query through Pagefind's JS API (over a copy of the same pages, indexed by
`pagefind_extended`) in the same browser. A query counts as found at rank r when the r-th result
is one of its expected sections. Prints hit@1, hit@3 and MRR (reciprocal rank within the first
ten, else 0) for sections and for pages, per query set, and writes a Markdown report.

usage: eval.py --site PUBLIC_DIR [--pagefind BIN] [--report FILE] [--label TEXT]
"""
import argparse, functools, http.server, json, os, re, shutil, socket, subprocess, sys, tempfile, threading, time
import urllib.parse, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = 10


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    """Serves a folder on loopback in a thread; returns its base URL."""
    port = free_port()
    handler = functools.partial(Quiet, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}"


class Browser:
    """Headless Chromium through chromedriver's W3C WebDriver API (plain HTTP, no client library)."""

    def __init__(self):
        self.port = free_port()
        self.driver = subprocess.Popen(["chromedriver", f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("chromedriver did not start")
                time.sleep(0.1)
        self.profile = tempfile.mkdtemp(prefix="search-eval-profile-")
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run", f"--user-data-dir={self.profile}"]
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": args}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.load(r)["value"]

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def goto(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        return self.s("POST", "/execute/async", {"script": script, "args": list(args)})

    def type_into(self, css, text):
        el = self.s("POST", "/element", {"using": "css selector", "value": css})
        eid = next(iter(el.values()))
        self.s("POST", f"/element/{eid}/value", {"text": text})

    def close(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        finally:
            self.driver.terminate()
            self.driver.wait()
            shutil.rmtree(self.profile, ignore_errors=True)


# What the search box shows: the status line, the query it answered (search.js sets data-query on
# the list once the results of that query are in), and each result's link.
SNAPSHOT = """
const list = document.getElementById('search-results');
const status = document.querySelector('[data-search-status]');
return [status ? status.textContent : '', list ? (list.getAttribute('data-query') || '') : '',
        Array.from(document.querySelectorAll('#search-results [role=option] a')).map(a => a.getAttribute('href'))];
"""


def tebiki_results(browser, base, q):
    browser.goto(base + "/")
    deadline = time.time() + 10
    while not browser.js("return !!document.getElementById('search-input')"):
        if time.time() > deadline:
            raise SystemExit("no search box on the home page")
        time.sleep(0.05)
    browser.type_into("#search-input", q)
    # Done when the list says it answers this query, or (a search.js without data-query) when the
    # status is set and nothing changed for half a second.
    last, since, deadline = None, time.time(), time.time() + 15
    while time.time() < deadline:
        snap = browser.js(SNAPSHOT)
        if snap[1] == q.strip():
            return snap[2]
        if snap != last:
            last, since = snap, time.time()
        elif snap[0] and not snap[1] and time.time() - since > 0.5:
            return snap[2]
        time.sleep(0.05)
    return last[2] if last else []


# Pagefind's JS API: pages in rank order, each page's sections (sub_results) ordered by how much
# of the query they hold (the sum of their weighted locations), as a reader would read them.
PAGEFIND = """
const [q, done] = arguments;
(async () => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const r = await pf.search(q);
  const data = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
  const out = [];
  for (const d of data) {
    const subs = (d.sub_results || []).map((s, i) => [s.url, i,
      (s.weighted_locations || []).reduce((a, w) => a + w.weight * (w.balanced_score || 1), 0)]);
    subs.sort((a, b) => b[2] - a[2] || a[1] - b[1]);
    out.push([d.url, subs.map(s => s[0])]);
  }
  return out;
})().then(done, e => done('error: ' + e));
"""


def pagefind_results(browser, base, q):
    browser.goto(base + "/")
    got = browser.js_async(PAGEFIND, q)
    if isinstance(got, str):
        raise SystemExit(f"pagefind: {got}")
    return [u for _, subs in got for u in subs]


def canonical(url):
    """A result link as 'path#id', decoded, without index.html or the host."""
    u = urllib.parse.unquote(urllib.parse.urlsplit(url)._replace(scheme="", netloc="").geturl())
    path, _, frag = u.partition("#")
    path = path.replace("index.html", "")
    return path + ("#" + frag if frag else "")


def ranks(results, expect):
    """Rank (1-based) of the first expected section and of the first expected page, or None."""
    sections = []
    for r in map(canonical, results):
        if r not in sections:
            sections.append(r)
    pages = []
    for s in sections:
        p = s.split("#")[0]
        if p not in pages:
            pages.append(p)
    exp_pages = {e.split("#")[0] for e in expect}
    sec = next((i + 1 for i, s in enumerate(sections[:TOP]) if s in expect), None)
    page = next((i + 1 for i, p in enumerate(pages[:TOP]) if p in exp_pages), None)
    return sec, page, sections[:3]


def metrics(rs):
    n = len(rs)
    h1 = sum(1 for r in rs if r == 1)
    h3 = sum(1 for r in rs if r and r <= 3)
    mrr = sum(1 / r for r in rs if r) / n if n else 0
    return h1, h3, mrr, n


def pagefind_copy(site, binary, work):
    """The built pages for Pagefind: only the article (title, text, headings) is indexed, as tebiki
    indexes it; the print page and 404 are left out, as tebiki leaves them out."""
    copy = os.path.join(work, "pagefind-site")
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("search"))
    shutil.rmtree(os.path.join(copy, "print"), ignore_errors=True)
    os.remove(os.path.join(copy, "404.html")) if os.path.exists(os.path.join(copy, "404.html")) else None
    for root, _, files in os.walk(copy):
        for f in files:
            if f.endswith(".html"):
                p = os.path.join(root, f)
                h = open(p, encoding="utf-8").read()
                h = re.sub(r'<div class="doc( doc-home)?"', r'<div class="doc\1" data-pagefind-body', h, count=1)
                for cls in ("breadcrumb", "page-toc", "doc-meta", "home-kicker", "home-actions"):
                    h = h.replace(f'class="{cls}"', f'class="{cls}" data-pagefind-ignore="all"', 1)
                h = h.replace("<button", "<button data-pagefind-ignore")
                open(p, "w", encoding="utf-8").write(h)
    t = time.time()
    subprocess.run([binary, "--site", copy], check=True, stdout=subprocess.DEVNULL)
    return copy, time.time() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", required=True, help="the built guide (tebiki build --output ...)")
    ap.add_argument("--pagefind", help="pagefind_extended binary (omit to measure tebiki alone)")
    ap.add_argument("--report", help="write the Markdown report here")
    ap.add_argument("--label", default="", help="what was measured, for the report's heading")
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.json"))
    args = ap.parse_args()
    sets = json.load(open(args.queries, encoding="utf-8"))
    work = tempfile.mkdtemp(prefix="search-eval-")
    engines = {"tebiki": (serve(args.site), tebiki_results)}
    if args.pagefind:
        copy, _ = pagefind_copy(args.site, args.pagefind, work)
        engines["Pagefind extended"] = (serve(copy), pagefind_results)
    browser = Browser()
    rows = {}
    try:
        for name in ("tune", "held_out"):
            for item in sets[name]:
                row = {"set": name, "q": item["q"], "kind": item["kind"], "expect": item["expect"]}
                for engine, (base, run) in engines.items():
                    row[engine] = ranks(run(browser, base, item["q"]), set(item["expect"]))
                rows.setdefault(name, []).append(row)
    finally:
        browser.close()
        shutil.rmtree(work, ignore_errors=True)
    report = render(rows, list(engines), args.label)
    print(report)
    if args.report:
        os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
        open(args.report, "w", encoding="utf-8").write(report)
        print(f"report: {args.report}", file=sys.stderr)


def render(rows, engines, label):
    names = {"tune": "evaluation set", "held_out": "held-out set (never tuned for)"}
    out = [f"# Search evaluation{': ' + label if label else ''}", "",
           "Generated by `benches/search_eval/run.sh` (rewritten by each run into a new file named by its time).", ""]
    out.append("Section: the expected heading's section; page: any expected page. hit@k counts queries "
               "answered within the first k results; MRR is the mean reciprocal rank within the first ten.")
    out.append("")
    out.append("| set | engine | section hit@1 | section hit@3 | section MRR | page hit@1 | page hit@3 | page MRR |")
    out.append("|---|---|---|---|---|---|---|---|")
    for name, rs in rows.items():
        for e in engines:
            s1, s3, smrr, n = metrics([r[e][0] for r in rs])
            p1, p3, pmrr, _ = metrics([r[e][1] for r in rs])
            out.append(f"| {names[name]} ({n}) | {e} | {s1} | {s3} | {smrr:.2f} | {p1} | {p3} | {pmrr:.2f} |")
    out.append("")
    out.append("| set | query | kind | expected | " + " | ".join(f"{e} rank" for e in engines) + " | tebiki first |")
    out.append("|---|---|---|---|" + "---|" * len(engines) + "---|")
    for name, rs in rows.items():
        for r in rs:
            ranks_ = " | ".join(str(r[e][0] or "–") for e in engines)
            first = r["tebiki"][2][0] if r["tebiki"][2] else "(nothing)"
            out.append(f"| {name} | {r['q']} | {r['kind']} | {' / '.join(r['expect'])} | {ranks_} | {first} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
