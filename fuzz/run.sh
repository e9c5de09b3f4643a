#!/usr/bin/env bash
# Runs one fuzz target for a while, the way docs/dev/benchmarks.md describes it.
#
#   fuzz/run.sh front_matter|markdown|site [SECONDS]     (default 900)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). The toolchain is stable, so RUSTC_BOOTSTRAP=1
# lets cargo-fuzz use the nightly-only sanitizer flags. The target is built with AddressSanitizer
# and debug assertions (-a), then copied, so edits to the tree while it runs change nothing.
# Crashes and timeouts land in fuzz/artifacts/TARGET/, new inputs in fuzz/corpus/TARGET/, the log
# in fuzz/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:?target: front_matter, markdown or site}
secs=${2:-900}
RUSTC_BOOTSTRAP=1 cargo fuzz build -O -a "$t"
mkdir -p fuzz/bin "fuzz/corpus/$t" "fuzz/artifacts/$t" fuzz/logs
cp "fuzz/target/x86_64-unknown-linux-gnu/release/$t" "fuzz/bin/$t.new" && mv "fuzz/bin/$t.new" "fuzz/bin/$t"
case $t in
  front_matter) extra=(-max_len=4096 -len_control=0) ;;
  markdown) extra=(-max_len=8192 -dict=fuzz/markdown.dict) ;;
  site) extra=(-max_len=4096 -len_control=0 -dict=fuzz/site.dict) ;;
  *) echo "unknown target $t" >&2; exit 2 ;;
esac
seeds=()
[ -d "fuzz/seeds/$t" ] && seeds=("fuzz/seeds/$t")
log="fuzz/logs/$t-$(date -u +%Y%m%dT%H%M%SZ).log"
echo "logging to $log"
"fuzz/bin/$t" -artifact_prefix="fuzz/artifacts/$t/" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 "${extra[@]}" "fuzz/corpus/$t" "${seeds[@]}" >"$log" 2>&1 || { tail -n 40 "$log"; exit 1; }
grep -E '^Done|stat::' "$log"
