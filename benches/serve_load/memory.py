#!/usr/bin/env python3
"""Where the RSS after a load run goes: freed memory the allocator keeps, or a leak?

    python3 benches/serve_load/memory.py [--rounds 3] [--duration 30]

Runs `wrk -t2 -c400` on `/` several times and prints the server's VmRSS after each round; then
asks glibc to hand free memory back (`malloc_trim(0)`, called in the server through gdb, which
must be installed: apt-get install -y gdb) and prints VmRSS again. A leak keeps growing from
round to round and does not shrink on trim; allocator caching plateaus and shrinks on trim.
"""

import argparse
import shutil
import subprocess
import sys
import time

from lib import RssSampler, Server, copy_guide


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=30)
    args = ap.parse_args()
    if not shutil.which("wrk") or not shutil.which("gdb"):
        sys.exit("needs wrk and gdb: apt-get install -y wrk gdb")
    server = Server(copy_guide())
    time.sleep(1)
    print(f"baseline VmRSS {server.rss_kib()} KiB")
    sampler = RssSampler(server)
    sampler.start()
    for i in range(1, args.rounds + 1):
        subprocess.run(["wrk", "-t2", "-c400", f"-d{args.duration}s", server.url + "/"], capture_output=True, check=True)
        time.sleep(5)
        print(f"after round {i} (wrk -c400 {args.duration} s on /): VmRSS {server.rss_kib()} KiB")
    print(f"peak VmRSS {sampler.stop()} KiB")
    r = subprocess.run(["gdb", "-p", str(server.pid), "-batch", "-ex", "call (int) malloc_trim(0)"],
                       capture_output=True, text=True)
    time.sleep(1)
    print(f"after malloc_trim(0): VmRSS {server.rss_kib()} KiB (gdb exit {r.returncode})")
    print(f"server still answers: {server.alive()}; exit code after SIGTERM: {server.stop()}")


if __name__ == "__main__":
    main()
