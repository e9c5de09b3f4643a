#!/usr/bin/env python3
"""Abuse: traversal in every encoding, huge URLs and headers, slow clients, requests during rebuilds.

    python3 benches/serve_load/abuse.py [traversal] [huge] [slow] [fdlimit] [rebuild]   (default: all)

Each part starts its own `tebiki serve` on a private copy of the guide, placed so that files
outside the site root hold secret markers, and prints what happened. Exits 1 on a failed check.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from lib import Server, copy_guide, get, percentile, raw_request

SECRET = "OUTSIDE-THE-SITE-SECRET"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}", flush=True)


def sandbox():
    """/tmp/x/{secret.txt, site/}: a secret next to the site, and one in its root."""
    top = Path(tempfile.mkdtemp(prefix="tebiki-abuse-"))
    (top / "secret.txt").write_text(SECRET + "\n")
    root = copy_guide(top / "site")
    with open(root / "site.yaml", "a", encoding="utf-8") as f:
        f.write(f"# {SECRET}-site-yaml\n")
    return top, root


# Request targets sent verbatim (curl --path-as-is, or a raw socket for bytes curl will not send).
TRAVERSAL = [
    "/../secret.txt",
    "/../../../../../../etc/passwd",
    "/risks/../../secret.txt",
    "/./../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/.%2e/secret.txt",
    "/%2e./secret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/risks%2f..%2f..%2fsecret.txt",
    "/..%5csecret.txt",
    "/..%5Csecret.txt",
    "/..\\secret.txt",
    "/\\..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/%c0%ae%c0%ae%c0%afsecret.txt",
    "/%C0%AE%C0%AE%C0%AF%C0%AE%C0%AE%C0%AFetc%C0%AFpasswd",
    "/%e0%80%ae%e0%80%ae/secret.txt",
    "/..%c0%afsecret.txt",
    "/..%c1%9csecret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    "/..%252fsecret.txt",
    "/%25%32%65%25%32%65/secret.txt",
    "/site.yaml%00.html",
    "/../secret.txt%00",
    "/..%00/secret.txt",
    "/%00",
    "/....//secret.txt",
    "/..;/secret.txt",
    "//../secret.txt",
    "/%u002e%u002e/secret.txt",
    "/%EF%BC%8E%EF%BC%8E/secret.txt",
    "/site.yaml",
    "/content/risks.md",
    "/themes/default/templates/base.html",
    "/.git/config",
]
# Targets a URL tool cannot express: raw bytes on the request line.
RAW = [
    b"GET ../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET http://localhost/../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /..\x00/secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /\xc0\xae\xc0\xae/secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /../secret.txt HTTP/1.0\r\n\r\n",
    b"GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
]


def leaked(body):
    return SECRET.encode() in body or b"root:x:0:0" in body or b"[core]" in body


def traversal():
    print("\n## traversal")
    _, root = sandbox()
    server = Server(root)
    statuses = {}
    for target in TRAVERSAL:
        out = subprocess.run(
            ["curl", "-s", "--path-as-is", "-o", "-", "-w", "\n%{http_code}", server.url + target],
            capture_output=True,
        ).stdout
        body, _, code = out.rpartition(b"\n")
        code = int(code or 0)
        statuses.setdefault(code, []).append(target)
        check(code != 200 and not leaked(body), f"traversal {target}: {code}")
    for req in RAW:
        status, raw, note = raw_request(server.addr, req, timeout=5)
        statuses.setdefault(status or f"no response ({note})", []).append(repr(req.split(b" HTTP")[0])[2:-1])
        check(status != 200 and not leaked(raw), f"raw traversal {req[:40]!r}: {status}")
    for code, targets in sorted(statuses.items(), key=lambda kv: str(kv[0])):
        print(f"- {code}: {len(targets)} targets: " + ", ".join(f"`{t}`" for t in targets))
    check(server.alive(), "server alive after traversal")
    print(f"{len(TRAVERSAL) + len(RAW)} targets, none answered 200, none leaked a secret marker"
          if not failures else "traversal FAILED")
    server.stop()


def huge():
    print("\n## huge URLs and headers")
    server = Server(copy_guide())
    cases = [
        ("URL 8 KB", f"GET /{'a' * 8_000} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        ("URL 64 KB", f"GET /{'a' * 65_000} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        ("URL 100 KB", f"GET /{'a' * 100_000} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        ("URL 1 MB", f"GET /{'a' * 1_000_000} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        ("URL 100 KB of ../", f"GET /{'../' * 33_000}etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        ("one header 100 KB", f"GET / HTTP/1.1\r\nHost: x\r\nX-Big: {'b' * 100_000}\r\nConnection: close\r\n\r\n"),
        ("one header 1 MB", f"GET / HTTP/1.1\r\nHost: x\r\nX-Big: {'b' * 1_000_000}\r\nConnection: close\r\n\r\n"),
        ("10,000 small headers",
         "GET / HTTP/1.1\r\nHost: x\r\n" + "".join(f"X-H{i}: v\r\n" for i in range(10_000)) + "Connection: close\r\n\r\n"),
        ("cookie 1 MB", f"GET / HTTP/1.1\r\nHost: x\r\nCookie: {'c=1; ' * 200_000}\r\nConnection: close\r\n\r\n"),
        ("garbage request line", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + "x" * 1000 + "\r\n\r\n"),
        ("body on GET 10 MB (Content-Length)",
         f"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n{'z' * 10_000_000}"),
        ("POST 10 MB", f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n{'z' * 10_000_000}"),
    ]
    print("| request | status | how the connection ended | ms | server RSS after KiB |")
    print("|---|---|---|---|---|")
    for name, req in cases:
        t = time.perf_counter()
        status, raw, note = raw_request(server.addr, req.encode("latin-1"), timeout=10)
        ms = (time.perf_counter() - t) * 1000
        print(f"| {name} | {status or '-'} | {note} | {ms:.0f} | {server.rss_kib()} |", flush=True)
        check(server.alive(), f"server alive after {name}")
        check(status is None or status < 500, f"{name}: status {status}")
        s, _, _ = get(server.addr, "/risks/")
        check(s == 200, f"normal GET after {name}: {s}")
    server.stop()


def slow():
    print("\n## slow clients (slowloris)")
    server = Server(copy_guide())
    n = int(os.environ.get("SLOW_CLIENTS", "200"))
    hold = float(os.environ.get("SLOW_HOLD", "45"))

    def timed_gets(k):
        lat = []
        for _ in range(k):
            t = time.perf_counter()
            s, _, body = get(server.addr, "/risks/", timeout=10)
            lat.append((time.perf_counter() - t) * 1000)
            check(s == 200 and body.rstrip().endswith(b"</html>"), f"normal GET during slowloris: {s}")
        return lat

    base = timed_gets(200)
    print(f"baseline: 200 GETs /risks/ (new connection each): p50 {percentile(base, 50):.2f} ms, "
          f"p99 {percentile(base, 99):.2f} ms, max {max(base):.2f} ms")
    socks = []
    for i in range(n):
        s = socket.create_connection(server.addr)
        # Half a request: the request line and one header, never the blank line.
        s.sendall(b"GET /risks/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        socks.append(s)
    # Keep them trickling one byte every 5 s for `hold` seconds while timing normal requests.
    start = time.time()
    lat = []
    closed_by_server = 0
    while time.time() - start < hold:
        lat += timed_gets(50)
        for s in socks:
            try:
                s.sendall(b"a")
            except OSError:
                closed_by_server += 1
        time.sleep(max(0, 5 - (time.time() - start) % 5))
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            alive += s.recv(1) != b""
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    print(f"with {n} slow clients trickling for {hold:.0f} s: {len(lat)} GETs, p50 {percentile(lat, 50):.2f} ms, "
          f"p99 {percentile(lat, 99):.2f} ms, max {max(lat):.2f} ms; slow sockets still open at the end: {alive}/{n}"
          f" (send failures {closed_by_server})")
    # A slow client that sends half a request and then nothing at all: when is it dropped?
    for s in socks:
        s.close()
    idle = socket.create_connection(server.addr)
    idle.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    idle.settimeout(float(os.environ.get("SLOW_SILENT", "40")))
    t = time.time()
    try:
        got = idle.recv(4096)
        print(f"silent half request: server answered/closed after {time.time() - t:.1f} s: {got[:40]!r}")
    except socket.timeout:
        print(f"silent half request: still open after {time.time() - t:.0f} s (no header read timeout)")
    idle.close()
    check(server.alive(), "server alive after slowloris")
    server.stop()


def fdlimit():
    print("\n## slow clients at the file-descriptor limit")
    server = Server(copy_guide())
    limit = int(os.environ.get("FD_LIMIT", "1024"))
    # A common default soft limit; set on the running server only (util-linux prlimit).
    subprocess.run(["prlimit", f"--nofile={limit}:{limit}", "--pid", str(server.pid)], check=True)
    n = limit + 100
    socks = []
    for _ in range(n):
        s = socket.create_connection(server.addr)
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        socks.append(s)
    time.sleep(0.5)
    fds = len(os.listdir(f"/proc/{server.pid}/fd"))
    t = time.perf_counter()
    got = None
    while time.perf_counter() - t < 60:
        try:
            status, _, _ = get(server.addr, "/risks/", timeout=5)
        except OSError:
            status = None
        if status == 200:
            got = time.perf_counter() - t
            break
    open_slow = 0
    for s in socks:
        s.setblocking(False)
        try:
            open_slow += s.recv(1) != b""
        except BlockingIOError:
            open_slow += 1
        except OSError:
            pass
    print(f"server fd limit {limit}, {n} half requests, server fds in use {fds}: a normal GET got through "
          + (f"after {got:.1f} s" if got is not None else "NEVER within 60 s")
          + f"; slow sockets the server had closed by then: {n - open_slow}/{n}")
    check(got is not None, "a normal request gets through at the fd limit")
    for s in socks:
        s.close()
    server.stop()


def rebuild():
    print("\n## requests during rebuilds")
    root = copy_guide()
    page = root / "content" / "risks.md"
    original = page.read_text(encoding="utf-8")
    server = Server(root)
    edits = int(os.environ.get("REBUILD_EDITS", "200"))
    stop = threading.Event()
    stats = {"ok": 0, "bad": [], "versions": set(), "other": 0}
    lock = threading.Lock()

    def hammer():
        while not stop.is_set():
            status, head, body = get(server.addr, "/risks/")
            m = re.search(r"content-length: (\d+)", head, re.I)
            versions = re.findall(rb"VERSION-MARKER-(\d+)-END", body)
            whole = (status == 200 and m and int(m.group(1)) == len(body) and body.rstrip().endswith(b"</html>")
                     and body.count(b"<html") == 1 and len(versions) <= 1)
            with lock:
                if whole:
                    stats["ok"] += 1
                    stats["versions"].add(int(versions[0]) if versions else -1)
                else:
                    stats["bad"].append((status, len(body), body[-60:]))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    modes = os.environ.get("REBUILD_MODES", "atomic,inplace").split(",")
    per_mode = edits // len(modes)
    v = 0
    for mode in modes:
        for _ in range(per_mode):
            v += 1
            text = original + f"\n\nVERSION-MARKER-{v}-END\n"
            if mode == "atomic":
                tmp = page.with_name(".risks.md.tmp")
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, page)
            else:  # in place: truncate and write, as some editors do
                with open(page, "w", encoding="utf-8") as f:
                    f.write(text)
            time.sleep(0.01)
    # Final state must be served.
    deadline = time.time() + 10
    while time.time() < deadline and f"VERSION-MARKER-{v}-END".encode() not in get(server.addr, "/risks/")[2]:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    final = get(server.addr, "/risks/")[2]
    server.settle()
    print(f"{v} edits ({', '.join(modes)}, {per_mode} each, 10 ms apart); {server.count('Rebuilt')} rebuilds, "
          f"{server.count('Build failed')} failed builds logged; {stats['ok'] + len(stats['bad'])} GETs of /risks/ "
          f"from 4 threads: {stats['ok']} whole, {len(stats['bad'])} not whole; {len(stats['versions'])} distinct "
          f"versions seen; final version served: {f'VERSION-MARKER-{v}-END'.encode() in final}")
    for b in stats["bad"][:5]:
        print("  not whole:", b)
    check(not stats["bad"], "every response whole")
    check(f"VERSION-MARKER-{v}-END".encode() in final, "final version served")
    server.stop()


def main():
    parts = sys.argv[1:] or ["traversal", "huge", "slow", "fdlimit", "rebuild"]
    for p in parts:
        globals()[p]()
    print(f"\n{len(failures)} failed checks" + (": " + "; ".join(failures) if failures else ""))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
