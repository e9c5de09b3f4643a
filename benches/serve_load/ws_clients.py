#!/usr/bin/env python3
"""A hundred live-reload tabs at once: N WebSocket clients on /__tebiki/ws, one page edit, and
who got the reload and when.

    python3 benches/serve_load/ws_clients.py [--clients 100] [--rounds 5] [--trim]

No dependencies: a minimal RFC 6455 client on asyncio streams (the server's frames are read;
the client sends nothing but the handshake and a close). Each round edits content/risks.md with
an atomic save (write a temporary file, rename it over the page) and waits for every client's
next message. Prints, per round, how many clients received `reload`, the spread of arrival times
(first to last) and the edit-to-message latency, and the number of rebuilds the server logged.
"""

import argparse
import asyncio
import base64
import json
import os
import struct
import time

from lib import Server, copy_guide, percentile


async def ws_open(host, port):
    reader, writer = await asyncio.open_connection(host, port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (f"GET /__tebiki/ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(head.decode(errors="replace"))
    return reader, writer


async def ws_read(reader):
    """One server frame's (opcode, payload); server frames are unmasked and unfragmented here."""
    b0, b1 = await reader.readexactly(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", await reader.readexactly(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", await reader.readexactly(8))[0]
    return b0 & 0x0F, await reader.readexactly(n)


async def ws_close(writer):
    mask = os.urandom(4)
    writer.write(bytes([0x88, 0x80]) + mask)  # masked close frame, empty payload
    try:
        await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def next_text(reader):
    while True:
        op, payload = await ws_read(reader)
        if op == 0x1:
            return json.loads(payload)
        if op == 0x8:
            raise ConnectionError("closed by the server")


def atomic_save(path, text):
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--trim", action="store_true",
                    help="at the end, call malloc_trim(0) in the server through gdb and print VmRSS again")
    args = ap.parse_args()

    root = copy_guide()
    server = Server(root)
    host, port = server.addr
    t0 = time.perf_counter()
    conns = await asyncio.gather(*(ws_open(host, port) for _ in range(args.clients)), return_exceptions=True)
    ok = [c for c in conns if not isinstance(c, BaseException)]
    failed = [c for c in conns if isinstance(c, BaseException)]
    hellos = await asyncio.gather(*(next_text(r) for r, _ in ok))
    print(f"{len(ok)}/{args.clients} clients connected and got hello in {(time.perf_counter() - t0) * 1000:.0f} ms"
          f" ({len(failed)} failed: {failed[:3]})")
    assert all(h["type"] == "hello" for h in hellos)
    server.settle()

    page = root / "content" / "risks.md"
    original = page.read_text(encoding="utf-8")
    print("| round | received reload | other messages | spread first→last ms | edit→first ms "
          "| edit→p50 ms | edit→last ms | rebuilds logged |")
    print("|---|---|---|---|---|---|---|---|")
    results = []
    for rnd in range(1, args.rounds + 1):
        rebuilds_before = server.count("Rebuilt")
        arrivals = {}

        async def wait(i, reader):
            msg = await asyncio.wait_for(next_text(reader), 15)
            arrivals[i] = (time.perf_counter(), msg)

        waiters = [asyncio.create_task(wait(i, r)) for i, (r, _) in enumerate(ok)]
        await asyncio.sleep(0.05)
        edit_at = time.perf_counter()
        atomic_save(page, original + f"\n\n負荷試験の編集 {rnd} 回目。\n")
        done = await asyncio.gather(*waiters, return_exceptions=True)
        timeouts = sum(isinstance(d, BaseException) for d in done)
        reloads = [t for t, m in arrivals.values() if m["type"] == "reload"]
        others = [m["type"] for _, m in arrivals.values() if m["type"] != "reload"]
        server.settle()
        rebuilds = server.count("Rebuilt") - rebuilds_before
        lat = [(t - edit_at) * 1000 for t in reloads]
        spread = (max(reloads) - min(reloads)) * 1000 if reloads else float("nan")
        print(f"| {rnd} | {len(reloads)}/{len(ok)} | {len(others) + timeouts} | {spread:.2f} | {min(lat):.1f} "
              f"| {percentile(lat, 50):.1f} | {max(lat):.1f} | {rebuilds} |", flush=True)
        results.append((len(reloads), spread, rebuilds))

    # Every client leaves at once; the server must stay up and answer.
    for _, w in ok:
        await ws_close(w)
    await asyncio.sleep(0.5)
    print(f"after all clients closed: server alive={server.alive()}, RSS {server.rss_kib()} KiB")
    if args.trim:
        import subprocess
        subprocess.run(["gdb", "-p", str(server.pid), "-batch", "-ex", "call (int) malloc_trim(0)"],
                       capture_output=True)
        await asyncio.sleep(0.5)
        print(f"after malloc_trim(0): RSS {server.rss_kib()} KiB")
    print(f"server exit code after SIGTERM: {server.stop()}")
    if any(n != len(ok) for n, _, _ in results):
        raise SystemExit("some client missed a reload")


if __name__ == "__main__":
    asyncio.run(main())
