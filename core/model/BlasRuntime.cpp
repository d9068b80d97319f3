#include "core/model/BlasRuntime.h"

#include <dlfcn.h>

namespace distillery::model {
namespace {

// Looked up at run time rather than declared: the BLAS libtorch was built against may not be OpenBLAS at all.
template <typename Function> Function* openBlasFunction(const char* name) {
  return reinterpret_cast<Function*>(dlsym(RTLD_DEFAULT, name));
}

} // namespace

BlasRuntime blasRuntime() {
  BlasRuntime runtime;
  auto* parallel = openBlasFunction<int()>("openblas_get_parallel");
  auto* config = openBlasFunction<char*()>("openblas_get_config");
  if (!parallel || !config) {
    runtime.description = "unknown BLAS";
    return runtime;
  }
  // openblas_get_parallel(): 0 single-threaded build, 1 pthreads, 2 OpenMP.
  const int mode = parallel();
  std::string version = config(); // "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64"
  const auto words = version.find(' ', version.find(' ') + 1);
  runtime.description = version.substr(0, words) + (mode == 2   ? " (OpenMP)"
                                                    : mode == 1 ? " (pthreads)"
                                                                : " (single-threaded)");
  runtime.ownThreadPool = mode == 1;
  return runtime;
}

std::string blasThreadingWarning(const BlasRuntime& runtime) {
  if (!runtime.ownThreadPool)
    return {};
  return "warning: " + runtime.description +
         " keeps a thread pool beside libtorch's and both compete for the cores: transformer encoders run about "
         "1.6x slower. Install the OpenMP build (Debian: libopenblas0-openmp) and rebuild Distillery.";
}

} // namespace distillery::model
