#!/usr/bin/env bash
# The scale benchmark (issue 24): wall time and peak RSS per phase of a default run on corpora of real filing
# text at growing sizes. Each size is the shared filings copied COPIES times under other company names and
# periods (tests/bench/scale-corpus.py), written once into the cache folder and reused; experiments are
# written there too, never into the repository.
#
#   tests/bench/scale-benchmark.sh COPIES [COPIES ...]     e.g. 1 (19k passages), 5 (~95k), 52 (~1M)
#
# Environment: DISTILLERY_BENCH_CACHE (default ~/.cache/distillery-bench), DISTILLERY_CLI (default
# build/release/bin/distillery-cli), FILINGS (default ../shared/data/filings), ROUNDS (default 1),
# MEMORY_LIMIT_KB (optional: `ulimit -v` for each phase, so a runaway phase fails instead of the machine).
# Phases: import; default-student build (`embed --model default`, which trains it); one run of ROUNDS rounds
# (round 0's BM25 index, corpus embedding and dense index, then synthesise, retrieve, judge, mine, train,
# evaluate). Prints one Markdown row per phase: copies, passages, phase, wall seconds, peak RSS in MB.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${DISTILLERY_BENCH_CACHE:-$HOME/.cache/distillery-bench}
cli=${DISTILLERY_CLI:-$root/build/release/bin/distillery-cli}
filings=${FILINGS:-$root/../shared/data/filings}
rounds=${ROUNDS:-1}
[ -x "$cli" ] || { echo "scale-benchmark: $cli not built (cmake --build --preset release --target distillery-cli)" >&2; exit 2; }
[ -d "$filings" ] || { echo "scale-benchmark: $filings not found (set FILINGS)" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: $0 COPIES [COPIES ...]" >&2; exit 2; }
mkdir -p "$cache"

# measure LABEL COMMAND...: runs the command under /usr/bin/time, prints "LABEL seconds peak-MB".
measure() {
  local label=$1
  shift
  local log="$work/$label.time"
  if ! (
    if [ -n "${MEMORY_LIMIT_KB:-}" ]; then ulimit -v "$MEMORY_LIMIT_KB"; fi
    /usr/bin/time -f '%e %M' -o "$log" "$@" > "$work/$label.out" 2> "$work/$label.err"
  ); then
    echo "scale-benchmark: phase $label failed; see $work/$label.err:" >&2
    tail -3 "$work/$label.err" >&2
    return 1
  fi
  read -r seconds kb < <(tail -1 "$log")
  printf '%s %s %s\n' "$label" "$seconds" "$((kb / 1024))"
}

echo "| copies | passages | phase | wall (s) | peak RSS (MB) |"
echo "|---|---|---|---|---|"
for copies in "$@"; do
  corpus="$cache/corpus-$copies"
  python3 "$here/scale-corpus.py" --filings "$filings" --out "$corpus" --copies "$copies"
  work="$cache/run-$copies"
  rm -rf "$work"
  mkdir -p "$work"
  store="$work/scale.distillery"
  rows=()
  rows+=("$(measure import "$cli" import --store "$store" --corpus filings "$corpus")")
  passages=$(sqlite3 "$store" "SELECT count(*) FROM passages")
  echo '{"text": "capital expenditures"}' > "$work/probe.jsonl"
  rows+=("$(measure student-build "$cli" embed --model default --store "$store" --corpus filings \
    --input "$work/probe.jsonl" --output "$work/probe.npy")")
  echo "{\"rounds\": $rounds}" > "$work/run.json"
  rows+=("$(measure run "$cli" run --store "$store" --corpus filings --config "$work/run.json" --json)")
  for row in "${rows[@]}"; do
    read -r label seconds mb <<< "$row"
    echo "| $copies | $passages | $label | $seconds | $mb |"
  done
done
