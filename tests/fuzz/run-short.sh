#!/usr/bin/env bash
# Builds the fuzz preset and runs each libFuzzer target briefly (or as long as asked), one at a time.
#   tests/fuzz/run-short.sh [SECONDS_PER_TARGET] [TARGET ...]     (default 20 s, every target)
# Inputs that grow coverage are kept in build/fuzz/corpus/<target> (the checked-in seeds are only read).
# A crash, leak, timeout or broken invariant in a target is reported with the target's name and the input libFuzzer
# saved (build/fuzz/findings/<target>/crash-*, leak-*, timeout-*, oom-*); the other targets still run, and the script
# exits 1. Copy the input to tests/fuzz/regressions/<target>/ with the fix so test_fuzz_regressions replays it.
# Only the fuzz targets and the core libraries they link are built (.ci/run calls this after the test suite).
# FUZZ_NO_BUILD=1 skips the build step (targets already built); FUZZ_BUILD_JOBS=N sets the build's job count.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-20}"
shift || true
all_targets=(edgar_json edgar_full plain_text beir jsonl tokenizer safetensors llm_response run_config)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
build="$root/build/fuzz"

started=$(date +%s)
if [ ! -f "$build/CMakeCache.txt" ]; then
  (cd "$root" && cmake --preset fuzz >/dev/null)
fi
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  b0=$(date +%s)
  nice -n 19 cmake --build "$build" --target fuzz_targets ${FUZZ_BUILD_JOBS:+-j "$FUZZ_BUILD_JOBS"}
  echo "run-short.sh: fuzz targets built in $(($(date +%s) - b0))s"
fi

dict_of() {
  case "$1" in
  edgar_full | plain_text) echo "$here/dicts/sgml_html.dict" ;;
  *) echo "$here/dicts/json.dict" ;;
  esac
}

findings_in=()
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  findings="$build/findings/$target"
  mkdir -p "$corpus" "$findings"
  log="$build/findings/$target.log"
  t0=$(date +%s)
  set +e
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    nice -n 19 "$build/bin/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -dict="$(dict_of "$target")" -artifact_prefix="$findings/" \
    "$corpus" "$here/seeds/$target" >"$log" 2>&1
  rc=$?
  set -e
  elapsed=$(($(date +%s) - t0))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  cov=$(grep -Eo '#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)[[:space:]]+cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | grep -Eo 'cov: [0-9]+ ft: [0-9]+' || true)
  if [ $rc -eq 0 ]; then
    echo "fuzz_$target: ok, ${runs:-?} executions in ${elapsed}s, ${cov:-coverage ?}, corpus $(ls "$corpus" | wc -l) inputs"
  else
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "fuzz_$target: FINDING (exit $rc) after ${elapsed}s"
    echo "  input: ${input:-none saved (see the log)}"
    echo "  log:   $log"
    [ -z "$input" ] || echo "  replay: $build/bin/fuzz_$target $input"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*invariant broken|.*terminate called)' "$log" | head -5 |
      sed 's/^/  /' || true
    findings_in+=("$target")
  fi
done
echo "run-short.sh: ${#targets[@]} targets, ${seconds}s each, $(($(date +%s) - started))s in total"
if [ ${#findings_in[@]} -gt 0 ]; then
  echo "run-short.sh: FAILED: findings in ${findings_in[*]} (inputs under $build/findings/)"
  exit 1
fi
