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

# Debian's default OpenBLAS is the pthreads build: its thread pool and libtorch's OpenMP threads spin for the same
# cores after every call, and embedding on 2 cores ran at 41 passages/s instead of 69 (bench_model throughput 32).
# The OpenMP build (libopenblas0-openmp) runs on libtorch's own threads and honours torch::set_num_threads. Our
# executables find it first through DT_RPATH, which (unlike RUNPATH) also applies to libtorch's and faiss' own
# libblas.so.3, so the system-wide BLAS alternative stays as the user set it.
set(DISTILLERY_OPENMP_BLAS_DIR "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp"
    CACHE PATH "Directory of the OpenMP build of OpenBLAS that Distillery's executables load (empty: the system's)")
set(DISTILLERY_OPENMP_BLAS OFF)
if(DISTILLERY_OPENMP_BLAS_DIR AND EXISTS "${DISTILLERY_OPENMP_BLAS_DIR}/libblas.so.3")
  set(DISTILLERY_OPENMP_BLAS ON)
  add_link_options(LINKER:--disable-new-dtags)
  list(APPEND CMAKE_BUILD_RPATH "${DISTILLERY_OPENMP_BLAS_DIR}")
  list(APPEND CMAKE_INSTALL_RPATH "${DISTILLERY_OPENMP_BLAS_DIR}")
elseif(DISTILLERY_OPENMP_BLAS_DIR)
  message(WARNING "No OpenMP OpenBLAS in ${DISTILLERY_OPENMP_BLAS_DIR} (Debian: libopenblas0-openmp, which "
                  "packaging/setup-deps.sh installs): transformer encoders will run about 1.6x slower")
endif()

if(DISTILLERY_BUILD_GUI OR DISTILLERY_BUILD_TESTS)
  set(_qt_components Core Test)
  if(DISTILLERY_BUILD_GUI)
    list(APPEND _qt_components Gui Widgets PrintSupport Network LinguistTools)
  endif()
  find_package(Qt6 6.4 REQUIRED COMPONENTS ${_qt_components})
endif()
if(NOT DISTILLERY_BUILD_GUI)
  # Without the workbench, the CLI's `report` still draws its charts when Qt's GUI module is there (charts/).
  find_package(Qt6 6.4 QUIET COMPONENTS Gui)
endif()
if(DISTILLERY_BUILD_GUI)
  find_package(QCustomPlotQt6 REQUIRED)
  find_package(Qt6Keychain REQUIRED)
endif()
if(DISTILLERY_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
