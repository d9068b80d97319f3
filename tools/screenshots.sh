#!/bin/sh
# Takes the README screenshots of every workbench panel under Xvfb and writes them to docs/screenshots/.
# Usage: tools/screenshots.sh [BUILD_DIR] [EXPERIMENT]
#   BUILD_DIR   a configured build directory (default: build/release)
#   EXPERIMENT  an experiment to show as it is; without it the tool makes a real demo run through the window
#               (import the demo corpus, a two-round distillation with the default student), which takes a few
#               minutes on two cores.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
cmake --build "$build" --target gui_screenshots -j2
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/bin/gui_screenshots" "$root/docs/screenshots" ${2:+"$2"}
