"""Shared helpers for the `tebiki serve` load and abuse runs (see README.md beside this file).

Everything here talks only to 127.0.0.1, to a server this script started itself.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEBIKI = Path(os.environ.get("TEBIKI", REPO / "target" / "release" / "tebiki"))


def copy_guide(dest=None):
    """A private copy of the guide (site.yaml, content/, themes/) that the runs may edit."""
    dest = Path(dest or tempfile.mkdtemp(prefix="tebiki-serve-load-"))
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("site.yaml", "content", "themes"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    return dest


class Server:
    """`tebiki serve --port 0` on `root`; stderr is collected; stop() sends SIGTERM."""

    def __init__(self, root, extra=()):
        self.root = Path(root)
        self.proc = subprocess.Popen(
            [str(TEBIKI), "serve", "--root", str(root), "--port", "0", *extra],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "NO_COLOR": "1"},
            text=True,
        )
        self.lines = []
        self.port = None
        ready = threading.Event()

        def pump():
            for line in self.proc.stderr:
                line = line.rstrip("\n")
                self.lines.append(line)
                m = re.search(r"Serving http://127\.0\.0\.1:(\d+)/", line)
                if m:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(60) or self.port is None:
            self.stop()
            sys.exit("serve did not start:\n" + "\n".join(self.lines))
        self.pid = self.proc.pid
        self.addr = ("127.0.0.1", self.port)
        self.url = f"http://127.0.0.1:{self.port}"

    def alive(self):
        return self.proc.poll() is None

    def log(self):
        return "\n".join(self.lines)

    def count(self, needle):
        return sum(needle in l for l in self.lines)

    def rss_kib(self):
        """Resident set size (VmRSS) in KiB, from /proc."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def settle(self, quiet=0.5, limit=60):
        """Waits until the log has had no new line for `quiet` seconds."""
        n, since, start = len(self.lines), time.time(), time.time()
        while time.time() - since < quiet and time.time() - start < limit:
            time.sleep(0.05)
            if len(self.lines) != n:
                n, since = len(self.lines), time.time()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


class RssSampler(threading.Thread):
    """Samples the server's VmRSS every `every` seconds until stopped."""

    def __init__(self, server, every=0.1):
        super().__init__(daemon=True)
        self.server, self.every, self.samples = server, every, []
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            try:
                self.samples.append((time.time(), self.server.rss_kib()))
            except OSError:
                return
            time.sleep(self.every)

    def stop(self):
        self._halt.set()
        self.join()
        return max((r for _, r in self.samples), default=0)


def raw_request(addr, data, timeout=10, read_limit=1 << 22):
    """Sends `data` (bytes) on a fresh connection and reads until close or timeout.

    Returns (status or None, raw bytes, note): note says how the connection ended."""
    s = socket.create_connection(addr, timeout=timeout)
    note = "closed"
    buf = b""
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as e:
            note = f"send: {type(e).__name__}"
        while len(buf) < read_limit:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                note = "timeout"
                break
            except ConnectionResetError:
                note = "reset"
                break
            if not chunk:
                break
            buf += chunk
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
    return (int(m.group(1)) if m else None), buf, note


def get(addr, path, timeout=10, headers=""):
    """One GET with `path` sent exactly as given; returns (status, headers, body bytes)."""
    req = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}\r\n".encode("latin-1")
    status, raw, _ = raw_request(addr, req, timeout)
    head, _, body = raw.partition(b"\r\n\r\n")
    return status, head.decode("latin-1"), body


def percentile(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    k = min(len(v) - 1, max(0, int(round(p / 100 * (len(v) - 1)))))
    return v[k]
