#include "core/index/InnerProducts.h"

#include <climits>
#include <stdexcept>

// The Fortran BLAS entry point, as faiss itself calls it (the reference BLAS and OpenBLAS both export it).
extern "C" int sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                      const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                      const float* beta, float* c, const int* ldc);

namespace distillery::index {
namespace {

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
// One clone per instruction-set level; the loader picks the best for the CPU (GNU ifunc). Not under
// ThreadSanitizer: the loader runs the instrumented resolver before the sanitizer's runtime exists (a crash at start).
#define DISTILLERY_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DISTILLERY_VECTOR_CLONES
#endif

// 32 independent partial sums: enough work for the compiler to keep two 512-bit (or four 256-bit)
// fused multiply-adds in flight instead of waiting on one accumulator.
constexpr std::size_t kLanes = 32;

DISTILLERY_VECTOR_CLONES float innerProductKernel(const float* a, const float* b, std::size_t dimension) {
  float partial[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= dimension; i += kLanes)
    for (std::size_t lane = 0; lane < kLanes; ++lane)
      partial[lane] += a[i + lane] * b[i + lane];
  float sum = 0;
  for (; i < dimension; ++i)
    sum += a[i] * b[i];
  for (std::size_t lane = 0; lane < kLanes; ++lane)
    sum += partial[lane];
  return sum;
}

int blasSize(std::size_t value) {
  if (value > static_cast<std::size_t>(INT_MAX))
    throw std::length_error("inner-product block too large for BLAS");
  return static_cast<int>(value);
}

} // namespace

float innerProduct(const float* a, const float* b, std::size_t dimension) {
  return innerProductKernel(a, b, dimension);
}

void innerProductMatrix(const float* queries, std::size_t nq, const float* vectors, std::size_t rows,
                        std::size_t dimension, float* scores) {
  if (nq == 0 || rows == 0)
    return;
  // In BLAS' column-major terms the inputs are V (dimension x rows) and Q (dimension x nq); C = V^T Q is
  // rows x nq column-major, C[r + q * rows] = V_r . Q_q, which is the row-major layout promised.
  const int m = blasSize(rows), n = blasSize(nq), k = blasSize(dimension);
  const float one = 1.0f, zero = 0.0f;
  sgemm_("T", "N", &m, &n, &k, &one, vectors, &k, queries, &k, &zero, scores, &m);
}

} // namespace distillery::index
