#!/bin/bash
# The house's rules, checked on the sources (issue 18): core includes neither ui/, app/, charts/ nor Qt; charts/ (the
# report's chart drawing) includes neither ui/, app/ nor Qt beyond its GUI module; ui/ never includes app/;
# and no ui/ file runs SQL of its own: the schema is core's alone.
# Usage: check_layering.sh SOURCE_DIR
set -u
root=${1:?usage: check_layering.sh SOURCE_DIR}
cd "$root" || exit 2
failed=0

if found=$(grep -rnE '#include\s*[<"](ui/|app/|charts/|Q[A-Za-z]*[>/]|Qt[A-Za-z]*/)' core); then
  echo "core must not include ui/, app/, charts/ or Qt:"; echo "$found"; failed=1
fi
if found=$(grep -rnE '#include\s*[<"](ui/|app/|Qt(Widgets|PrintSupport|Network)/|qcustomplot|qt6keychain/|Q(Application|Widget)[>.])' charts); then
  echo "charts must not include ui/, app/, widgets, QCustomPlot or qtkeychain:"; echo "$found"; failed=1
fi
if found=$(grep -rnE '#include\s*"app/' ui); then
  echo "ui must not include app/:"; echo "$found"; failed=1
fi

# ui/ runs no SQL: it asks a repository in core.
if found=$(grep -rlE '"(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE) |\.prepare\(|store\(\)\.exec\(|->exec\("' ui); then
  echo "SQL in ui/ (ask a repository in core instead):"; echo "$found"; failed=1
fi
[ "$failed" = 0 ] && echo "layering holds: core without ui/app/charts/Qt, charts on Qt's GUI module only, ui without app or SQL"
exit "$failed"
