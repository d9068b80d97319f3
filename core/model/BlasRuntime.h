#pragma once
// Which BLAS the process runs its matrix products on, and whether it brings a thread pool of its own.
// OpenBLAS' pthreads build does: its threads and libtorch's OpenMP threads then take turns spinning on the same
// cores, and a transformer encoder embeds about 1.6x slower than on the OpenMP build (cmake/Dependencies.cmake).
#include <string>

namespace distillery::model {

struct BlasRuntime {
  std::string description;    ///< e.g. "OpenBLAS 0.3.21 (OpenMP)"; "unknown BLAS" when not OpenBLAS (MKL, reference)
  bool ownThreadPool = false; ///< OpenBLAS' pthreads build: threads beside libtorch's, not shared with them
};

/// Looks the BLAS up in the running process (OpenBLAS' own introspection functions, when present).
BlasRuntime blasRuntime();

/// A one-line warning for the user when the BLAS's threads compete with libtorch's; empty when they do not.
std::string blasThreadingWarning(const BlasRuntime& runtime);

} // namespace distillery::model
