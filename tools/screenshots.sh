#!/bin/sh
# Takes the README screenshots of every workbench panel under Xvfb and writes them to docs/screenshots/.
# Usage: tools/screenshots.sh [BUILD_DIR] [EXPERIMENT]
#   BUILD_DIR   a configured build directory (default: build/release)
#   EXPERIMENT  an experiment to show (e.g. one made by `distillery-cli` demo and run commands); without it
#               the seeded demo experiment of the GUI tests is used, plus the built-in demo corpus.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
cmake --build "$build" --target gui_screenshots -j2
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/bin/gui_screenshots" "$root/docs/screenshots" ${2:+"$2"}
