#!/usr/bin/env bash
# Installs every Debian 12 package Distillery needs to build, test and run.
# Idempotent: packages already present are left alone. Works as root or through sudo.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache git
  # core libraries
  libtorch-dev libfaiss-dev libopenblas-dev libsqlite3-dev libcurl4-openssl-dev
  # the gloo headers that libtorch's c10d/ProcessGroupGloo.hpp includes (core/distributed; libtorch links libgloo0)
  libgloo-dev
  # OpenBLAS on libtorch's OpenMP threads rather than a pool of its own (cmake/Dependencies.cmake)
  libopenblas0-openmp
  nlohmann-json3-dev libcli11-dev libutf8proc-dev libgumbo-dev libxxhash-dev
  # GUI
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqcustomplot-dev qtkeychain-qt6-dev libgl-dev libxkbcommon-dev
  # Qt's own dialogs and standard buttons in German (the .deb recommends it; the German GUI test checks it)
  qt6-translations-l10n
  # tests, benchmarks, screenshots
  libbenchmark-dev libgtest-dev xvfb xauth python3
  # hostile-input test (writes a gzip bomb) and the TLS test (makes a self-signed certificate, serves it)
  zlib1g-dev openssl
  # packaging checks (.desktop, AppStream metainfo, .deb)
  desktop-file-utils appstream lintian
  # fuzzing (CI's fuzz stage, the fuzz preset): clang, its libFuzzer and sanitizer runtimes
  # (libclang_rt.fuzzer-x86_64.a is in libclang-rt-14-dev), llvm-symbolizer for readable stacks
  clang libclang-rt-dev llvm
)

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "setup-deps: installing ${#missing[@]} packages: ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
