#!/usr/bin/env bash
# Builds the .deb with CPack and checks it as a user would get it: control fields and computed dependencies,
# the files it installs, lintian, then the executables run from a clean extracted root (no build tree on the
# library path) and find their installed prompt templates.
#
# usage: test_package.sh BUILD_DIR GUI(ON|OFF) [OPENMP_BLAS_DIR]
set -euo pipefail

build_dir=$1
with_gui=$2
openmp_blas_dir=${3:-} # the one search path the executables may keep (cmake/Dependencies.cmake)
app_id=io.github.distillery.Distillery

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
expect_contains() { # haystack needle what
  case "$1" in *"$2"*) ;; *) fail "$3: expected '$2' in: $1" ;; esac
}

# ---- build the package -------------------------------------------------------------------------
step "cpack"
if ! cpack --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  fail "cpack failed"
fi
debs=("$work"/out/*.deb)
[ "${#debs[@]}" -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected exactly one .deb in $work/out, got: ${debs[*]}"
deb=${debs[0]}
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

# ---- control fields ------------------------------------------------------------------------------
step "dpkg-deb --info"
dpkg-deb --info "$deb"
field() { dpkg-deb --field "$deb" "$1"; }
version=$("$build_dir/bin/distillery-cli" --version | awk '{print $2}')
[ "$(field Package)" = distillery ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version-1" ] || fail "Version '$(field Version)' does not match distillery-cli $version"
[ "$(field Section)" = science ] || fail "Section is '$(field Section)'"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is '$(field Architecture)'"
[[ "$(field Maintainer)" =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] || fail "Maintainer '$(field Maintainer)' is not 'Name <e-mail>'"
description=$(field Description)
expect_contains "$description" "financial filings" "Description"
[ "$(printf '%s\n' "$description" | wc -l)" -ge 3 ] || fail "Description has no long text"

# Depends is computed by dpkg-shlibdeps: the runtime libraries, never the -dev packages used to build.
depends=$(field Depends)
for package in libc6 libstdc++6 libtorch1.13 libsqlite3-0 libcurl4 libutf8proc2 libgumbo1 libxxhash0; do
  expect_contains "$depends" "$package" "Depends"
done
if [ "$with_gui" = ON ]; then
  for package in libqt6widgets6 libqt6gui6 libqt6core6 libqcustomplot2.1-qt6 \
    libqt6keychain1 qt6-qpa-plugins; do
    expect_contains "$depends" "$package" "Depends"
  done
fi
if [[ "$depends" == *-dev* ]]; then fail "Depends names a -dev package: $depends"; fi
[[ "$depends" == *"("*")"* ]] || fail "Depends has no version constraints, so it was not computed: $depends"
# Each dependency names a real package: one of its alternatives is installed here, where the programs run.
IFS=',' read -ra clauses <<<"$depends"
for clause in "${clauses[@]}"; do
  satisfied=no
  IFS='|' read -ra alternatives <<<"$clause"
  for alternative in "${alternatives[@]}"; do
    name=$(echo "$alternative" | awk '{print $1}')
    if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" ||
      dpkg-query -W -f='${Provides}\n' 2>/dev/null | tr ',' '\n' | awk '{print $1}' | grep -xF "$name" >/dev/null; then
      satisfied=yes
      break
    fi
  done
  [ "$satisfied" = yes ] || fail "dependency '$clause' is not an installed package"
done

# ---- files ---------------------------------------------------------------------------------------
step "dpkg-deb --contents"
dpkg-deb --contents "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$work/contents"
expected=(
  /usr/bin/distillery-cli
  /usr/share/distillery/prompts/judge-relevance.v2.json
  /usr/share/distillery/prompts/synthesize-queries.v2.json
  /usr/share/doc/distillery/copyright
  /usr/share/doc/distillery/changelog.gz
  /usr/share/doc/distillery/changelog.Debian.gz
  /usr/share/man/man1/distillery-cli.1.gz
)
if [ -n "$openmp_blas_dir" ]; then
  expected+=(/usr/share/lintian/overrides/distillery)
fi
if [ "$with_gui" = ON ]; then
  expected+=(
    /usr/bin/distillery
    /usr/share/man/man1/distillery.1.gz
    /usr/share/distillery/translations/distillery_de.qm
    /usr/share/applications/$app_id.desktop
    /usr/share/metainfo/$app_id.metainfo.xml
    /usr/share/mime/packages/$app_id.xml
    /usr/share/icons/hicolor/scalable/apps/$app_id.svg
    /usr/share/icons/hicolor/128x128/apps/$app_id.png
  )
fi
for path in "${expected[@]}"; do
  grep -qxF "$path" "$work/contents" || fail "the package lacks $path"
done
# Only the FHS locations of an application: no headers, static libraries or anything outside /usr.
if grep -v -E '^/(usr/?|usr/(bin|share)(/.*)?)$' "$work/contents" | grep . >/dev/null; then
  fail "unexpected paths in the package: $(grep -v -E '^/(usr/?|usr/(bin|share)(/.*)?)$' "$work/contents" | head -5)"
fi

# ---- lintian -------------------------------------------------------------------------------------
if command -v lintian >/dev/null; then
  step "lintian"
  # Errors fail the test; warnings are printed. Expected warning, and why it stays:
  #   initial-upload-closes-no-bugs: the package is not uploaded to the Debian archive, so no ITP bug exists.
  if ! lintian --fail-on error --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>&1; then
    cat "$work/lintian.log"
    fail "lintian reports errors"
  fi
  cat "$work/lintian.log"
else
  step "lintian not installed: skipped (bash packaging/setup-deps.sh installs it)"
fi

# ---- install into a clean root --------------------------------------------------------------------
step "dpkg-deb -x"
root=$work/root
dpkg-deb -x "$deb" "$root"
for exe in "$root"/usr/bin/*; do
  search_path=$(readelf -d "$exe" | sed -n 's/.*R\(UN\)\?PATH.*\[\(.*\)\]/\2/p')
  if [ -n "$search_path" ] && [ "$search_path" != "$openmp_blas_dir" ]; then
    fail "$exe keeps a library search path other than the OpenMP OpenBLAS ('$openmp_blas_dir'): $search_path"
  fi
  if [ -n "$openmp_blas_dir" ]; then
    # ldd's whole output first: with pipefail, grep -q closing the pipe early could fail ldd with SIGPIPE.
    libraries=$(ldd "$exe")
    grep -q "libblas.so.3 => $openmp_blas_dir/" <<<"$libraries" ||
      fail "$exe does not load libblas.so.3 from $openmp_blas_dir: $(grep libblas <<<"$libraries")"
  fi
done
if [ "$with_gui" = ON ]; then
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$root/usr/share/applications/$app_id.desktop" || fail "desktop-file-validate"
  fi
  if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$root/usr/share/metainfo/$app_id.metainfo.xml" || fail "appstreamcli validate"
  fi
fi

# Run from the installed location only: no library path, no prompt override, a private home.
run() { env -u LD_LIBRARY_PATH -u DISTILLERY_PROMPT_DIR HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" "$@"; }
mkdir -p "$work/home"

step "installed distillery-cli"
out=$(run "$root/usr/bin/distillery-cli" --version)
[ "$out" = "distillery-cli $version" ] || fail "--version printed '$out'"
help=$(run "$root/usr/bin/distillery-cli" --help)
for command in init info import demo-corpus download-edgar eval teacher; do
  expect_contains "$help" "$command" "distillery-cli --help"
done
run "$root/usr/bin/distillery-cli" init --store "$work/exp.distillery" >/dev/null
info=$(run "$root/usr/bin/distillery-cli" info --store "$work/exp.distillery" --json)
expect_contains "$info" '"schema_version"' "info --json"

if [ "$with_gui" = ON ]; then
  step "installed distillery (offscreen)"
  out=$(run env QT_QPA_PLATFORM=offscreen "$root/usr/bin/distillery" --version)
  expect_contains "$out" "$version" "distillery --version"
  # Starts the whole window (store, docks, charts) and quits by itself.
  run env QT_QPA_PLATFORM=offscreen DISTILLERY_NO_DIALOGS=1 timeout 60 \
    "$root/usr/bin/distillery" --quit-after 500 "$work/exp.distillery" || fail "the installed GUI did not start and quit cleanly"
fi

# ---- installed prompt templates ------------------------------------------------------------------
step "prompt templates from /usr/share/distillery/prompts"
prompts=$root/usr/share/distillery/prompts
# A broken installed template must be the one that is reported: proves the installed directory is read.
cp "$prompts/judge-relevance.v2.json" "$work/judge.orig.json"
echo '{ broken' >"$prompts/judge-relevance.v2.json"
set +e
err=$(run "$root/usr/bin/distillery-cli" teacher check --teacher openai --endpoint http://127.0.0.1:9/v1 --model m 2>&1)
status=$?
set -e
[ "$status" -eq 1 ] || fail "teacher check with a broken installed template exited $status: $err"
expect_contains "$err" "$root/usr/" "broken template error"
expect_contains "$err" "share/distillery/prompts/judge-relevance.v2.json" "broken template error"

# An edited installed template is sent to the endpoint and gets its own version (its own cache key).
python3 -c '
import json, sys
spec = json.load(open(sys.argv[1]))
spec["system"] = "PACKAGED-PROMPT-MARKER " + spec["system"]
json.dump(spec, open(sys.argv[2], "w"))
' "$work/judge.orig.json" "$prompts/judge-relevance.v2.json"
python3 -u - "$work" >"$work/server.log" 2>&1 <<'EOF' &
import http.server, json, pathlib, sys
work = pathlib.Path(sys.argv[1])
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        system = next(m["content"] for m in body["messages"] if m["role"] == "system")
        (work / "seen-system-prompt").write_text(system)
        content = json.dumps({"grade": 3, "rationale": "The passage states the revenue."})
        reply = json.dumps({"id": "x", "object": "chat.completion", "model": body["model"],
                            "choices": [{"index": 0, "finish_reason": "stop",
                                         "message": {"role": "assistant", "content": content}}],
                            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
(work / "port").write_text(str(server.server_port))
server.serve_forever()
EOF
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "the fake endpoint did not start: $(cat "$work/server.log")"
check=$(run "$root/usr/bin/distillery-cli" teacher check --teacher openai \
  --endpoint "http://127.0.0.1:$(cat "$work/port")/v1" --model fake --json)
echo "$check"
python3 -c '
import json, sys
result = json.load(sys.stdin)
assert result["ok"] is True and result["grade"] == 3, "the judgment did not go through"
version = result["teacher"]["prompt_version"]
assert version.startswith("judge-relevance/v2+"), "edited template not versioned apart: " + version
' <<<"$check" || fail "teacher check with the edited installed template"
expect_contains "$(cat "$work/seen-system-prompt")" "PACKAGED-PROMPT-MARKER" "system prompt sent to the endpoint"

step "package OK"
