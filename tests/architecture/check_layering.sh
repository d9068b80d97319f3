#!/bin/bash
# The house's rules, checked on the sources (issue 18): core includes neither ui/, app/, charts/ nor Qt; charts/ (the
# report's chart drawing) includes neither ui/, app/ nor Qt beyond its GUI module; ui/ never includes app/;
# and no ui/ file runs SQL of its own except the ones listed below, which still do and are to move behind core's
# repositories. A new ui/ file with SQL fails, and so does a listed file that no longer has any (shorten the list).
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

# ui/ files that still hold SQL (issue 18 moves them into core's repositories).
allowed="ui/corpus/CorpusModels.cpp"
with_sql=$(grep -rlE '"(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE) |\.prepare\(|store\(\)\.exec\(|->exec\("' ui | sort)
if extra=$(comm -23 <(echo "$with_sql") <(echo "$allowed" | sort) | grep .); then
  echo "SQL in ui/ (ask a repository in core instead):"; echo "$extra"; failed=1
fi
if paid=$(comm -13 <(echo "$with_sql") <(echo "$allowed" | sort) | grep .); then
  echo "no SQL left in these: remove them from the list in $0:"; echo "$paid"; failed=1
fi
[ "$failed" = 0 ] && echo "layering holds: core without ui/app/charts/Qt, charts on Qt's GUI module only, ui without app, ui SQL only in the $(echo "$allowed" | wc -l) listed files"
exit "$failed"
