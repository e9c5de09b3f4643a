#!/usr/bin/env bash
# tebiki vs Hugo build benchmark. One command from a fresh clone:
#
#   benches/harness/run.sh [SIZES...]     default sizes: 100 1000 10000
#   benches/harness/run.sh --ci           100 pages only, quick, never fails on timing
#   benches/harness/run.sh --no-profile   skip the callgrind / perf stat profile of 1000 pages
#   benches/harness/run.sh --settled N    N pairs of clean builds after a minute of quiet each, at the
#                                         largest size (default 3; 0 skips them; --ci: 0)
#
# Installs Debian's hugo, hyperfine and time when missing (apt-get), builds tebiki, generates the
# corpora (cached in $TEBIKI_BENCH_DIR, default /tmp/tebiki-bench/N), measures both generators
# alternating over several rounds, and writes benches/results/harness-report.md and docs/bench-chart.svg
# (in --ci mode: $TEBIKI_BENCH_DIR/ci/benchmarks.md and bench-chart.svg, the repo is left alone).
#
# Exit status: 0 unless a build (cargo, tebiki or Hugo on the generated corpus, or tebiki on the
# guide) fails; timings are reported, never asserted.
#
# Environment:
#   TEBIKI_BENCH_DIR   work folder (default /tmp/tebiki-bench)
#   TEBIKI_BIN         use this tebiki binary instead of building one
#   TEBIKI_BENCH_QUIET_WAIT  before each timed round, wait up to this many seconds (default 120) for
#                      other processes to go idle (the machine may be shared); 0 in --ci mode
#   TEBIKI_BENCH_SETTLE_SECONDS  quiet before each settled clean build (default 65: ext4 forgets
#                      freed inodes after 60 s)
#   TEBIKI_BENCH_PROFILE  cargo profile to build: release (default), or debug (default in --ci, which
#                      reuses what `cargo test` just compiled so CI stays within two minutes)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="${TEBIKI_BENCH_DIR:-/tmp/tebiki-bench}"
CI_MODE=0
PROFILE_RUN=1
SIZES=()
ARGS="$*"

SETTLED=""
while [ "$#" -gt 0 ]; do
  arg="$1"
  shift
  case "$arg" in
    --ci) CI_MODE=1 ;;
    --no-profile) PROFILE_RUN=0 ;;
    --settled)
      case "${1:-}" in ''|*[!0-9]*) echo "run.sh: --settled needs a number of pairs" >&2; exit 2 ;; esac
      SETTLED="$1"; shift ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    ''|*[!0-9]*) echo "run.sh: unknown argument '$arg' (sizes are page counts; see --help)" >&2; exit 2 ;;
    *) SIZES+=("$arg") ;;
  esac
done

if [ "$CI_MODE" = 1 ]; then
  [ "${#SIZES[@]}" -gt 0 ] || SIZES=(100)
  PROFILE_RUN=0
  WORK="$WORK/ci"
  OUT_MD="$WORK/benchmarks.md"
  OUT_SVG="$WORK/bench-chart.svg"
  CARGO_PROFILE="${TEBIKI_BENCH_PROFILE:-debug}"
  SETTLED="${SETTLED:-0}"
else
  [ "${#SIZES[@]}" -gt 0 ] || SIZES=(100 1000 10000)
  OUT_MD="$ROOT/benches/results/harness-report.md"
  OUT_SVG="$ROOT/docs/bench-chart.svg"
  CARGO_PROFILE="${TEBIKI_BENCH_PROFILE:-release}"
  SETTLED="${SETTLED:-3}"
fi
mkdir -p "$WORK/bin"

say() { printf '[run.sh] %s\n' "$*" >&2; }
PY="$(command -v python3 || true)"
[ -n "$PY" ] || { say "python3 is required"; exit 2; }

# --- tools -------------------------------------------------------------------------------------
need=()
command -v hugo >/dev/null 2>&1 || need+=(hugo)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ "$PROFILE_RUN" = 1 ] && ! command -v valgrind >/dev/null 2>&1; then need+=(valgrind); fi
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]} (apt-get)"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null; }; then
    say "could not install ${need[*]}; continuing with what is there"
  fi
fi
if ! command -v hugo >/dev/null 2>&1; then
  if [ "$CI_MODE" = 1 ]; then
    say "hugo is not available: measuring tebiki only"
  else
    say "hugo is required for the comparison (apt-get install hugo)"; exit 2
  fi
fi

# --- tebiki ------------------------------------------------------------------------------------
if [ -n "${TEBIKI_BIN:-}" ]; then
  BIN_SRC="$TEBIKI_BIN"
else
  TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
  if [ "$CARGO_PROFILE" = release ]; then
    say "cargo build --release"
    (cd "$ROOT" && cargo build --release --quiet) || { say "cargo build failed"; exit 1; }
    BIN_SRC="$TARGET_DIR/release/tebiki"
  else
    say "cargo build (profile $CARGO_PROFILE)"
    (cd "$ROOT" && cargo build --quiet) || { say "cargo build failed"; exit 1; }
    BIN_SRC="$TARGET_DIR/debug/tebiki"
  fi
fi
# A private copy: others may rebuild target/ while we measure.
BIN="$WORK/bin/tebiki.$$"
cp "$BIN_SRC" "$BIN"
trap 'rm -f "$BIN" "$WORK/env.$$.json"' EXIT

# --- corpora -----------------------------------------------------------------------------------
STAMP="$(sha256sum "$HERE/gen_corpus.py" | cut -c1-16)"
corpus() {
  local n="$1" dir="$WORK/$1"
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$STAMP" ]; then
    say "generating the $n-page corpus in $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    "$PY" "$HERE/gen_corpus.py" --pages "$n" --out "$dir"
    echo "$STAMP" > "$dir/.stamp"
  else
    say "using the cached $n-page corpus in $dir"
  fi
}
for n in "${SIZES[@]}"; do corpus "$n"; done
PROFILE_PAGES=0
if [ "$PROFILE_RUN" = 1 ]; then PROFILE_PAGES=1000; corpus 1000; fi

# --- facts for the report ----------------------------------------------------------------------
if HEAD="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"; then
  if [ -n "$(git -C "$ROOT" status --porcelain -- src themes Cargo.toml Cargo.lock build.rs 2>/dev/null)" ]; then
    GIT="commit $HEAD plus uncommitted changes"
  else
    GIT="commit $HEAD"
  fi
else
  GIT="uncommitted working tree (no commit yet)"
fi
SRC_FP="$(cd "$ROOT" && find src themes build.rs Cargo.toml Cargo.lock -type f 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)"
ENV_JSON="$WORK/env.$$.json"
DATE="$(date -u '+%Y-%m-%d %H:%M:%S UTC')" \
NPROC="$(nproc)" \
CPU="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)" \
MEM="$(free -h 2>/dev/null | awk '/^Mem:/ {print $2}')" \
OSNAME="$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")" \
TVER="$("$BIN" --version 2>/dev/null || echo unknown)" \
RUSTC="$(rustc --version 2>/dev/null || echo unknown)" \
GIT="$GIT" SRC_FP="$SRC_FP" CARGO_PROFILE="${TEBIKI_BIN:+custom binary}${TEBIKI_BIN:-$CARGO_PROFILE}" \
CMDLINE="benches/harness/run.sh${ARGS:+ $ARGS}" \
"$PY" - "$ENV_JSON" <<'EOF'
import json, os, sys
e = os.environ
json.dump({"date": e["DATE"], "nproc": e["NPROC"], "cpu": e["CPU"] or "unknown CPU", "mem": e["MEM"] or "?",
           "os": e["OSNAME"] or "Linux", "tebiki_version": e["TVER"], "rustc": e["RUSTC"], "git": e["GIT"],
           "src_fp": e["SRC_FP"], "profile": e["CARGO_PROFILE"], "command": e["CMDLINE"]},
          open(sys.argv[1], "w"))
EOF

# --- measure -----------------------------------------------------------------------------------
CI_FLAG=()
[ "$CI_MODE" = 1 ] && CI_FLAG=(--ci)
SHOWN="${BIN_SRC#"$ROOT"/}"
"$PY" "$HERE/bench.py" --sizes "${SIZES[@]}" --work "$WORK" --tebiki "$BIN" --tebiki-shown "$SHOWN" --root "$ROOT" \
  --quiet-wait "${TEBIKI_BENCH_QUIET_WAIT:-120}" --md "$OUT_MD" --svg "$OUT_SVG" --profile-pages "$PROFILE_PAGES" \
  --settled "$SETTLED" --settle-seconds "${TEBIKI_BENCH_SETTLE_SECONDS:-65}" --env-json "$ENV_JSON" "${CI_FLAG[@]}"
