#!/usr/bin/env bash
# A/B of whole builds: alternating runs of two or more tebiki binaries on one site, a clean build
# (into an empty folder) then a rebuild (over it) each round. `sync` before every timed run keeps
# one run's disk writeback out of the next run's time. Prints "binary kind wall user sys
# max_rss_kb" lines; compare within a round, and run the binaries in both orders.
#
#   benches/harness/ab.sh SITE ROUNDS BIN_A BIN_B [BIN...]
set -euo pipefail
site=$1 rounds=$2
shift 2
bins=()
for b in "$@"; do bins+=("$(realpath "$b")"); done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$site"
for _ in $(seq 1 "$rounds"); do
  for b in "${bins[@]}"; do
    n=$(basename "$b")
    rm -rf "${out:?}/$n"
    sync
    /usr/bin/time -f "$n clean %e %U %S %M" "$b" build -q --output "$out/$n" 2>&1 | tail -n 1
  done
  for b in "${bins[@]}"; do
    n=$(basename "$b")
    sync
    /usr/bin/time -f "$n rebuild %e %U %S %M" "$b" build -q --output "$out/$n" 2>&1 | tail -n 1
  done
done
