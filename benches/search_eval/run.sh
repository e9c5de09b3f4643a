#!/usr/bin/env bash
# Search evaluation in one command: builds the guide with a release tebiki, indexes a copy of the
# same pages with Pagefind extended, runs every query of queries.json through both in headless
# Chromium and prints hit@1, hit@3 and MRR side by side. The report lands in benches/results/.
#
# usage: benches/search_eval/run.sh [--label TEXT] [--no-pagefind]
# Needs chromium and chromedriver (Debian: chromium chromium-driver), node and npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
label=""
pagefind=1
while [ $# -gt 0 ]; do
  case "$1" in
    --label) label="$2"; shift 2 ;;
    --no-pagefind) pagefind=0; shift ;;
    *) echo "usage: $0 [--label TEXT] [--no-pagefind]" >&2; exit 2 ;;
  esac
done

(cd "$repo" && nice -n 15 cargo build --release --quiet)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$repo/target/release/tebiki" build --root "$repo" --output "$work/site" --quiet

args=(--site "$work/site" --label "$label")
if [ "$pagefind" = 1 ]; then
  if [ ! -x "$here/node_modules/@pagefind/linux-x64/bin/pagefind_extended" ]; then
    (cd "$here" && npm ci --silent --no-audit --no-fund)
  fi
  args+=(--pagefind "$here/node_modules/@pagefind/linux-x64/bin/pagefind_extended")
fi
stamp="$(date -u +%Y%m%d-%H%M)"
python3 "$here/eval.py" "${args[@]}" --report "$repo/benches/results/search_eval-$stamp.md"
