#pragma once
// The two inner-product kernels the dense index computes with itself, beside what faiss does:
//  - innerProduct: one pair of vectors, vectorised (for graph search, which scores one vector at a time);
//  - innerProductMatrix: a block of queries against a block of rows, one BLAS sgemm (for filtered exact
//    search and IVF list scans, which score many pairs at once).
//
// Why not faiss' own: Debian's libfaiss 1.7.3 is built for the generic x86-64 baseline, where
// fvec_inner_product is a scalar loop with one dependent add per dimension (294 ns for 384 dimensions,
// measured; 48.5 ns for innerProduct below), and faiss scores ID-selector-filtered flat searches and
// IVF lists with that loop (40-55x slower than scanning the same rows with BLAS, measured). Only its
// unfiltered batched flat search goes through BLAS.
#include <cstddef>

namespace distillery::index {

/// Sum of a[i] * b[i] over dimension floats. Compiled for AVX-512, AVX2+FMA and SSE2; the loader picks
/// the best the CPU has.
float innerProduct(const float* a, const float* b, std::size_t dimension);

/// scores[q * rows + r] = queries[q] . vectors[r] for row-major queries (nq x dimension) and vectors
/// (rows x dimension); scores holds nq x rows floats.
void innerProductMatrix(const float* queries, std::size_t nq, const float* vectors, std::size_t rows,
                        std::size_t dimension, float* scores);

} // namespace distillery::index
