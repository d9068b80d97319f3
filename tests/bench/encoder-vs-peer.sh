#!/usr/bin/env bash
# Encoder throughput against the PyTorch peer in one run, on the same model and passages, one command after the other:
# ../shared/bench/peer-encoder-bench.py (PyTorch 1.13 from Python) on the OpenMP OpenBLAS - the peer's best BLAS here;
# Debian's default pthreads build makes it several times slower on a loaded 2-core machine - then distillery-cli embed
# (and, when given, a second distillery-cli such as the build before a change).
# Needs the model and token ids that ../shared/bench/encoder-side-by-side.sh writes to $WORK_DIR (run it once).
# Usage: tests/bench/encoder-vs-peer.sh THREADS build/release/bin/distillery-cli [OTHER_CLI]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); SHARED=${SHARED:-$HERE/../../../shared}; W=${WORK_DIR:-/tmp/encbench}
T=${1:?usage: encoder-vs-peer.sh THREADS CLI [OTHER_CLI]}; shift
[ -f "$W/model/model.safetensors" ] && [ -f "$W/tat2000.jsonl" ] ||
  { echo "run T=$T $SHARED/bench/encoder-side-by-side.sh $1 once first (it writes $W)" >&2; exit 2; }
echo "== peer (PyTorch from Python, OpenMP OpenBLAS, $T thread(s))"
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=$T \
  /usr/bin/python3 "$SHARED/bench/peer-encoder-bench.py" "$W/tat2000.jsonl" "$T" 2>&1 | grep -v -i -e warn -e nested
for cli in "$@"; do
  echo "== $cli ($T thread(s))"
  OMP_NUM_THREADS=$T "$cli" embed --model "$W/model" --input "$W/c.jsonl" --output "$W/out.npy" --max-length 256 \
    --threads "$T" 2>&1 | grep -v "^embed:"
done
