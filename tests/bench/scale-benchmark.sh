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
# Then, at the largest size (the last COPIES), recall@10 of the IVF index against exact search on the run's own
# embeddings (the last student's corpus matrix, the run's queries embedded by it) with bench_index, when built
# (BENCH_INDEX, default build/release/bench/bench_index): what `auto` would give up for speed at that size.
# And, at every size, the corpus browser's open and scroll times on the run's experiment with bench_browser, when
# built (BENCH_BROWSER, default build/release/bench/bench_browser; offscreen).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${DISTILLERY_BENCH_CACHE:-$HOME/.cache/distillery-bench}
cli=${DISTILLERY_CLI:-$root/build/release/bin/distillery-cli}
filings=${FILINGS:-$root/../shared/data/filings}
rounds=${ROUNDS:-1}
bench_index=${BENCH_INDEX:-$root/build/release/bench/bench_index}
bench_browser=${BENCH_BROWSER:-$root/build/release/bench/bench_browser}
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

browser_lines=()
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
  if [ -x "$bench_browser" ]; then
    browser_lines+=("$(QT_QPA_PLATFORM=offscreen "$bench_browser" "$store" 2> /dev/null | grep '^bench_browser')")
  fi
done
if [ ${#browser_lines[@]} -gt 0 ]; then
  echo
  printf '%s\n' "${browser_lines[@]}"
else
  echo "scale-benchmark: $bench_browser not built (cmake --build --preset release --target bench_browser); no browser times" >&2
fi

# Recall@10 of IVF against exact search, on the last size's run: its last corpus matrix (<store>.indexes/model<ID>-
# <fingerprint>.npy) and the run's queries embedded by that model.
if [ -x "$bench_index" ]; then
  matrix=$(ls -t "$store.indexes"/model*.npy 2> /dev/null | head -1)
  if [ -n "$matrix" ]; then
    model=$(basename "$matrix" | sed -E 's/^model([0-9]+)-.*/\1/')
    sqlite3 -json "$store" "SELECT text FROM queries" |
      python3 -c 'import json, sys; [print(json.dumps({"text": r["text"]})) for r in json.load(sys.stdin)]' \
        > "$work/queries.jsonl"
    "$cli" embed --model "model:$model" --store "$store" --role query --input "$work/queries.jsonl" \
      --output "$work/queries.npy" > "$work/queries.out" 2>&1
    echo
    echo "IVF against exact search, $passages passages (model $model, $(wc -l < "$work/queries.jsonl") queries):"
    "$bench_index" vectors="$matrix" queries="$work/queries.npy" hnsw=no | grep -E '^(bench_index|exact  DenseIndex|ivf|auto)'
  fi
else
  echo "scale-benchmark: $bench_index not built (cmake --build --preset release --target bench_index); no recall" >&2
fi
