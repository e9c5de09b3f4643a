#!/usr/bin/env python3
"""Faults: a thousand file changes at once, a folder deleted while it is built, a full disk.

    python3 benches/serve_load/faults.py [burst] [delete] [diskfull]   (default: all)

`burst` and `delete` run `tebiki serve`; `delete` also runs `tebiki build`; `diskfull` runs
`tebiki build --output` into a small tmpfs (needs root; skipped with a notice otherwise).
BENCH_CORPUS (default /tmp/tebiki-bench/1000/tebiki) is the site the `delete` part copies: a
generated 1,000-page site whose build takes long enough to be interrupted. Exits 1 on a failed check.
"""

import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from lib import TEBIKI, Server, copy_guide, get

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}", flush=True)


def page(title, body):
    return f"---\ntitle: {title}\n---\n{body}\n"


def wait_until(pred, limit=60):
    start = time.time()
    while time.time() - start < limit:
        if pred():
            return time.time() - start
        time.sleep(0.05)
    return None


def burst():
    print("\n## a thousand file changes at once")
    n = int(os.environ.get("BURST_FILES", "1000"))
    root = copy_guide()
    server = Server(root)
    server.settle()
    print("| step | files | write time ms | until served s | rebuilds logged | failed builds | server RSS KiB |")
    print("|---|---|---|---|---|---|---|")

    def step(name, action, served):
        before_ok, before_fail = server.count("Rebuilt"), server.count("Build failed")
        mark = len(server.lines)
        t = time.perf_counter()
        action()
        wrote = (time.perf_counter() - t) * 1000
        took = wait_until(served)
        server.settle(quiet=1.0)
        rebuilt = server.count("Rebuilt") - before_ok
        failed = server.count("Build failed") - before_fail
        print(f"| {name} | {n} | {wrote:.0f} | {took if took is None else f'{took:.2f}'} | {rebuilt} | {failed} "
              f"| {server.rss_kib()} |", flush=True)
        errors = sorted({l[:120] for l in server.lines[mark:] if l.startswith("error")})
        for e in errors[:4]:
            print(f"|  | failed build said: `{e}` |  |  |  |  |  |")
        check(took is not None, f"{name}: final state served")
        check(server.alive(), f"{name}: server alive")

    d = root / "content" / "burst"

    def create():
        d.mkdir()
        for i in range(n):
            (d / f"p{i:04d}.md").write_text(page(f"ページ{i}", f"本文{i}版1"), encoding="utf-8")

    def all_have(version):
        def pred():
            for i in [0, n // 2, n - 1]:
                s, _, body = get(server.addr, f"/burst/p{i:04d}/")
                if s != 200 or f"本文{i}版{version}".encode() not in body:
                    return False
            return True
        return pred

    step("create 1,000 new pages", create, all_have(1))

    def rewrite():
        for i in range(n):
            (d / f"p{i:04d}.md").write_text(page(f"ページ{i}", f"本文{i}版2"), encoding="utf-8")

    step("rewrite all 1,000 in place", rewrite, all_have(2))
    # Every page, not a sample, after things settled.
    bad = [i for i in range(n) if f"本文{i}版2".encode() not in get(server.addr, f"/burst/p{i:04d}/")[2]]
    print(f"after the rewrite: {n - len(bad)}/{n} pages serve their final text")
    check(not bad, f"pages with stale text: {bad[:10]}")

    def delete():
        shutil.rmtree(d)

    step("delete the folder of 1,000", delete,
         lambda: get(server.addr, f"/burst/p{n - 1:04d}/")[0] == 404 and get(server.addr, "/burst/p0000/")[0] == 404)
    check(get(server.addr, "/risks/")[0] == 200, "guide still served")
    server.stop()


def tree_digest(path):
    h = hashlib.sha256()
    for p in sorted(Path(path).rglob("*")):
        h.update(str(p.relative_to(path)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def delete():
    print("\n## a folder deleted while it is being built")
    corpus = Path(os.environ.get("BENCH_CORPUS", "/tmp/tebiki-bench/1000/tebiki"))
    if not (corpus / "content").is_dir():
        print(f"SKIPPED: no corpus at {corpus} (set BENCH_CORPUS to a site with a few hundred pages)")
        return
    rounds = int(os.environ.get("DELETE_ROUNDS", "20"))
    work = Path(tempfile.mkdtemp(prefix="tebiki-delete-"))
    root = work / "site"
    shutil.copytree(corpus, root)
    folders = sorted(p.name for p in (root / "content").iterdir() if p.is_dir())
    t = time.perf_counter()
    r = subprocess.run([str(TEBIKI), "build", "--root", str(root), "--output", str(work / "probe")],
                       capture_output=True, text=True)
    build_ms = (time.perf_counter() - t) * 1000
    print(f"corpus {corpus}: {len(folders)} top folders, one `tebiki build` takes {build_ms:.0f} ms "
          f"({r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''})")

    # 1. `tebiki build` with a folder removed at a random moment during the build.
    outcomes = {}
    for i in range(rounds):
        victim = root / "content" / folders[i % len(folders)]
        backup = work / "backup"
        shutil.copytree(victim, backup)
        out = work / "public"
        proc = subprocess.Popen([str(TEBIKI), "build", "--root", str(root), "--output", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "NO_COLOR": "1"})
        # Half the rounds hit the first 150 ms (reading content/), half anywhere in the build.
        time.sleep(random.uniform(0, 0.15 if i % 2 == 0 else build_ms / 1000))
        shutil.rmtree(victim)
        err = proc.communicate()[1]
        first = next((l for l in err.splitlines() if l.startswith("error")), err.strip().splitlines()[-1] if err.strip() else "")
        first = re.sub(r"\d+ ms", "N ms", re.sub(r"p\d{4}", "pNNNN", re.sub(r"s\d\d", "sNN", first)))
        key = (proc.returncode, first[:140])
        outcomes[key] = outcomes.get(key, 0) + 1
        check(proc.returncode in (0, 1), f"build exit {proc.returncode}: {err[-400:]}")
        check("panicked" not in err, f"build panicked: {err[-400:]}")
        shutil.move(backup, victim)
    print(f"`tebiki build` x{rounds}, a folder `rm -rf`'d at a random moment in the build:")
    for (code, line), count in sorted(outcomes.items()):
        print(f"- exit {code} x{count}: {line}")

    # 1b. The output folder (the previous build) removed while the next build writes beside it.
    out = work / "public"
    subprocess.run([str(TEBIKI), "build", "--root", str(root), "--output", str(out)], capture_output=True)
    out_outcomes = {}
    for i in range(rounds // 2):
        proc = subprocess.Popen([str(TEBIKI), "build", "--root", str(root), "--output", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "NO_COLOR": "1"})
        time.sleep(random.uniform(0.3, build_ms / 1000))
        shutil.rmtree(out, ignore_errors=True)
        err = proc.communicate()[1]
        first = next((l for l in err.splitlines() if l.startswith("error")), "built")
        key = (proc.returncode, re.sub(r"\d+ ms", "N ms", first)[:140], (out / "index.html").is_file())
        out_outcomes[key] = out_outcomes.get(key, 0) + 1
        check(proc.returncode in (0, 1) and "panicked" not in err, f"output deleted: exit {proc.returncode} {err[-300:]}")
        if not out.is_dir():
            subprocess.run([str(TEBIKI), "build", "--root", str(root), "--output", str(out)], capture_output=True)
    leftovers = [p.name for p in work.iterdir() if "staging" in p.name]
    marker = [p.name for p in work.iterdir() if "staging" in p.name and (p / ".tebiki-staging").is_file()]
    nxt = subprocess.run([str(TEBIKI), "build", "--root", str(root), "--output", str(out)], capture_output=True,
                         text=True, env={**os.environ, "NO_COLOR": "1"})
    print(f"`tebiki build` x{rounds // 2}, the previous output folder `rm -rf`'d during the build "
          f"(staging folders left: {leftovers}, with tebiki's marker: {marker}; the next build: exit "
          f"{nxt.returncode} {nxt.stderr.strip().splitlines()[0][:100] if nxt.stderr.strip() else ''}):")
    check(nxt.returncode == 0, f"the build after the deletions: {nxt.stderr[-300:]}")
    for (code, line, whole), count in sorted(out_outcomes.items()):
        print(f"- exit {code} x{count}: {line} (new output in place: {whole})")

    # 2. `tebiki serve`: trigger a rebuild, delete a folder during it, restore it, repeat.
    serve_outcomes = {}
    server = Server(root)
    server.settle()
    for i in range(rounds):
        victim = root / "content" / folders[i % len(folders)]
        backup = work / "backup"
        shutil.copytree(victim, backup)
        idx = root / "content" / "_index.md"
        idx.write_text(idx.read_text(encoding="utf-8") + f"\n\n編集 {i}\n", encoding="utf-8")
        time.sleep(random.uniform(0.02, 0.02 + build_ms / 1000))
        mark = len(server.lines)
        shutil.rmtree(victim)
        server.settle(quiet=0.5)
        # Either the site built without the folder (it answers 404), or the build failed (other
        # pages link into it) and the last good build, folder included, is still served.
        gone = get(server.addr, f"/{victim.name}/")[0]
        failed = any(l.startswith("Build failed") for l in server.lines[mark:])
        last = next((l for l in reversed(server.lines[mark:]) if l.startswith(("Rebuilt", "Build failed"))), "")
        outcome = "404 (built without it)" if gone == 404 else (
            "200 from the last good build (the build failed)" if last.startswith("Build failed") else f"{gone}?")
        serve_outcomes[outcome] = serve_outcomes.get(outcome, 0) + 1
        check(gone == 404 or (gone == 200 and failed), f"round {i}: deleted /{victim.name}/ answers {gone}")
        check(get(server.addr, "/")[0] == 200, f"round {i}: home page")
        mark = len(server.lines)
        shutil.move(backup, victim)
        # Wait for a rebuild to finish after the restore (a 1,000-page build takes over a second).
        wait_until(lambda: any(l.startswith(("Rebuilt", "Build failed")) for l in server.lines[mark:]), 30)
        server.settle(quiet=1.0)
        back = get(server.addr, f"/{victim.name}/")[0]
        ok_after = next((l for l in reversed(server.lines[mark:]) if l.startswith(("Rebuilt", "Build failed"))), "")
        check(back == 200 and ok_after.startswith("Rebuilt"), f"round {i}: restored /{victim.name}/ {back} {ok_after}")
    print(f"`tebiki serve` x{rounds}: rebuilds {server.count('Rebuilt')}, failed builds "
          f"{server.count('Build failed')}, alive {server.alive()}, panics {server.log().count('panicked')}")
    for k, v in serve_outcomes.items():
        print(f"- deleted folder: {k} x{v}; restored: 200 after a good rebuild")
    fails = [re.sub(r"p\d{4}", "pNNNN", re.sub(r"s\d\d", "sNN", l)) for l in server.lines if l.startswith("error")]
    for l in sorted(set(fails))[:5]:
        print(f"  failed build said: {l[:140]}")
    check(server.alive() and "panicked" not in server.log(), "serve survived")
    server.stop()
    shutil.rmtree(work, ignore_errors=True)


def diskfull():
    print("\n## the disk full when writing the output")
    if os.geteuid() != 0:
        print("SKIPPED: needs root to mount a tmpfs")
        return
    mnt = Path(tempfile.mkdtemp(prefix="tebiki-full-"))
    size = os.environ.get("DISKFULL_SIZE", "512k")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"SKIPPED: cannot mount a tmpfs: {r.stderr.strip()}")
        return
    try:
        root = copy_guide()
        out = mnt / "public"

        def build(label):
            r = subprocess.run([str(TEBIKI), "build", "--root", str(root), "--output", str(out)],
                               capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
            df = subprocess.run(["df", "-k", "--output=used,size", str(mnt)], capture_output=True, text=True)
            used = df.stdout.split()[-2:]
            print(f"### {label}: exit {r.returncode}; tmpfs used {used[0]} of {used[1]} KiB")
            print("```\n" + r.stderr.strip() + "\n```")
            return r

        first = build(f"build 1 (the guide) into a {size} tmpfs")
        check(first.returncode == 0, "first build fits")
        before = tree_digest(out)
        # Every page changes (the site title is on each) and a 400 KB file is added: the new
        # output cannot be staged beside the old one.
        y = root / "site.yaml"
        y.write_text(y.read_text(encoding="utf-8").replace("title: ", "title: 改訂版 ", 1), encoding="utf-8")
        (root / "content" / "big.bin").write_bytes(os.urandom(400_000))
        second = build("build 2 (every page changed, +400 KB file)")
        check(second.returncode == 1, "second build fails with exit 1")
        check("No space left on device" in second.stderr and "disk is full" in second.stderr,
              "error names the problem")
        check("panicked" not in second.stderr, "no panic")
        after = tree_digest(out)
        leftovers = sorted(p.name for p in mnt.iterdir())
        print(f"previous output digest before {before}, after {after}: "
              f"{'intact' if before == after else 'CHANGED'}; in the tmpfs afterwards: {leftovers}")
        check(before == after, "previous output intact")
        check(leftovers == ["public"], f"no staging folder left: {leftovers}")
        (root / "content" / "big.bin").unlink()
        third = build("build 3 (space freed: the big file removed)")
        check(third.returncode == 0, "third build succeeds once there is room")
        check("改訂版" in (out / "index.html").read_text(encoding="utf-8"), "third build's output is the new one")
    finally:
        subprocess.run(["umount", str(mnt)])
        mnt.rmdir()


def main():
    parts = sys.argv[1:] or ["burst", "delete", "diskfull"]
    for p in parts:
        globals()[p]()
    print(f"\n{len(failures)} failed checks" + (": " + "; ".join(failures) if failures else ""))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
