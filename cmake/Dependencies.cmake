# Every dependency comes from Debian 12 packages (packaging/setup-deps.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(CURL REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)

# faiss' CMake config expects OpenMP and BLAS to be found first.
find_package(OpenMP REQUIRED)
find_package(BLAS REQUIRED)
find_package(faiss REQUIRED)

# libtorch (Debian's libtorch-dev, CPU); an upstream libtorch can be chosen with -DTorch_DIR=...
find_package(Torch REQUIRED)

if(DISTILLERY_BUILD_GUI OR DISTILLERY_BUILD_TESTS)
  set(_qt_components Core Test)
  if(DISTILLERY_BUILD_GUI)
    list(APPEND _qt_components Gui Widgets PrintSupport Network LinguistTools)
  endif()
  find_package(Qt6 6.4 REQUIRED COMPONENTS ${_qt_components})
endif()
if(DISTILLERY_BUILD_GUI)
  find_package(QCustomPlotQt6 REQUIRED)
  find_package(Qt6Keychain REQUIRED)
endif()
if(DISTILLERY_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
