#!/bin/bash
# distillery-cli links core and charts/ (Qt's GUI module) only: none of the workbench's libraries (Qt Widgets,
# Qt PrintSupport, QCustomPlot, qtkeychain) may be among the libraries it loads, directly or through another.
# Usage: check_cli_links.sh PATH_TO_DISTILLERY_CLI
set -u
cli=${1:?usage: check_cli_links.sh PATH_TO_DISTILLERY_CLI}
libraries=$(ldd "$cli") || { echo "ldd failed on $cli"; exit 2; }
if found=$(echo "$libraries" | grep -iE 'libQt6Widgets|libQt6PrintSupport|qcustomplot|keychain'); then
  echo "distillery-cli loads workbench libraries:"; echo "$found"; exit 1
fi
echo "$libraries" | grep -q 'libQt6Gui' || echo "note: distillery-cli does not load Qt6Gui (built without charts?)"
echo "distillery-cli loads no Qt Widgets, PrintSupport, QCustomPlot or qtkeychain"
