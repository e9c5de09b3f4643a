#!/usr/bin/env python3
"""Load: wrk against `tebiki serve` on the guide, on loopback, with the server's RSS sampled.

    python3 benches/serve_load/load.py [--duration 30] [--conns 200,400] [--threads 2] [--soak N]

Needs `wrk` (Debian: apt-get install -y wrk) and a release build (cargo build --release).
Prints one row per (path, connections): requests, req/s, p50/p99 latency, errors, and RSS
before / peak / after (after = 5 s after wrk ends), then a summary of the whole run's RSS.
"""

import argparse
import re
import shutil
import subprocess
import sys
import time

from lib import RssSampler, Server, copy_guide, get


def parse_wrk(out):
    def num(pattern, default=0):
        m = re.search(pattern, out)
        return m.group(1) if m else default

    def ms(text):
        m = re.match(r"([\d.]+)(us|ms|s|m)", text)
        v, unit = float(m.group(1)), m.group(2)
        return v * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": int(num(r"(\d+) requests in")),
        "rps": float(num(r"Requests/sec:\s+([\d.]+)")),
        "p50": ms(lat["50"]),
        "p99": ms(lat["99"]),
        "non2xx": int(num(r"Non-2xx or 3xx responses: (\d+)")),
        "sock": tuple(int(x) for x in sock.groups()) if sock else (0, 0, 0, 0),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--conns", default="200,400")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--root", help="site root (default: a private copy of the guide)")
    ap.add_argument("--soak", type=int, default=0,
                    help="then N more rounds of -c 400 on / (same duration), RSS after each: a leak grows")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")

    root = args.root or copy_guide()
    server = Server(root)
    # The stylesheet's hashed name, from the home page.
    _, _, body = get(server.addr, "/")
    css = re.search(rb'href="(/assets/style\.[0-9a-f]{10}\.css)"', body).group(1).decode()
    paths = ["/", "/risks/", css]
    time.sleep(1)
    baseline = server.rss_kib()
    print(f"server pid {server.pid} on {server.url}, baseline RSS {baseline} KiB", flush=True)
    print(f"| path | conns | requests | req/s | p50 ms | p99 ms | non-2xx | socket errors (c/r/w/t) "
          f"| RSS before KiB | RSS peak KiB | RSS after KiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    whole = RssSampler(server, every=0.1)
    whole.start()
    for path in paths:
        for c in [int(x) for x in args.conns.split(",")]:
            before = server.rss_kib()
            sampler = RssSampler(server, every=0.1)
            sampler.start()
            out = subprocess.run(
                ["wrk", "-t", str(args.threads), "-c", str(c), "-d", f"{args.duration}s", "--latency",
                 "--timeout", "10s", server.url + path],
                capture_output=True, text=True, check=True,
            ).stdout
            time.sleep(5)
            peak = sampler.stop()
            after = server.rss_kib()
            r = parse_wrk(out)
            if not server.alive():
                sys.exit("the server died:\n" + server.log())
            print(f"| `{path}` | {c} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} "
                  f"| {r['non2xx']} | {'/'.join(map(str, r['sock']))} | {before} | {peak} | {after} |", flush=True)
    for i in range(1, args.soak + 1):
        out = subprocess.run(
            ["wrk", "-t", str(args.threads), "-c", "400", "-d", f"{args.duration}s", "--latency", "--timeout", "10s",
             server.url + "/"], capture_output=True, text=True, check=True).stdout
        r = parse_wrk(out)
        time.sleep(2)
        print(f"soak round {i}: {r['requests']} requests, {r['rps']:.0f} req/s, p99 {r['p99']:.2f} ms, "
              f"errors {r['non2xx'] + sum(r['sock'])}, RSS after {server.rss_kib()} KiB", flush=True)
    peak = whole.stop()
    time.sleep(5)
    end = server.rss_kib()
    print(f"\nRSS over the whole run: baseline {baseline} KiB, peak {peak} KiB, "
          f"10 s after the last run {end} KiB (+{end - baseline} KiB over baseline)")
    code = server.stop()
    print(f"server exit code after SIGTERM: {code}")


if __name__ == "__main__":
    main()
