#!/usr/bin/env bash
# What proofreading adds to `tebiki check`: alternating runs on two copies of one site, one with
# `proofread: { enabled: false }`, off first or on first. Prints "on|off wall user sys
# max_rss_kb" lines; the ratio that matters is on ÷ off within a round.
#
#   benches/harness/check_overhead.sh SITE ROUNDS BIN [on|off]
set -euo pipefail
site=$1 rounds=$2 bin=$(realpath "$3") first=${4:-off}
copies=$(mktemp -d)
trap 'rm -rf "$copies"' EXIT
for k in on off; do
  mkdir -p "$copies/$k"
  cp -r "$site/site.yaml" "$site/content" "$copies/$k/"
done
printf '\nproofread: { enabled: false }\n' >> "$copies/off/site.yaml"
order="off on"
[ "$first" = on ] && order="on off"
for _ in $(seq 1 "$rounds"); do
  for k in $order; do
    sync
    /usr/bin/time -f "$k %e %U %S %M" "$bin" check --root "$copies/$k" --format json 2>&1 >/dev/null | tail -n 1
  done
done
