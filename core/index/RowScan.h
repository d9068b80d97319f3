#pragma once
// Exact top-k by inner product over a block of rows for a batch of queries, with BLAS: the primitive
// that filtered exact search and IVF list scans share. Scores come from innerProductMatrix (one sgemm
// per tile), and each query keeps its best rows in a bounded heap.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/index/SearchHit.h"

namespace distillery::index {

/// Which row positions a search may return: one bit per row of the index.
class RowMask {
public:
  RowMask() = default;
  explicit RowMask(std::size_t rows) : bits_((rows + 7) / 8, 0) {}
  void allow(std::int64_t row) {
    bits_[static_cast<std::size_t>(row >> 3)] |= static_cast<std::uint8_t>(1u << (row & 7));
  }
  bool allows(std::int64_t row) const { return (bits_[static_cast<std::size_t>(row >> 3)] >> (row & 7)) & 1u; }
  const std::uint8_t* data() const { return bits_.data(); }

private:
  std::vector<std::uint8_t> bits_;
};

class RowScan {
public:
  /// Each query keeps its best `keep` rows.
  RowScan(std::size_t dimension, std::size_t keep) : dimension_(dimension), keep_(keep) {}

  /// Scores nq queries (row-major) against rows (row-major, `count` of them, the i-th with position
  /// positions[i]) and offers every row the mask allows (all when mask is null) to *heaps[q]. Each list is
  /// kept as a heap of at most `keep` hits, id = row position, worst on top (sortAndTruncate puts it in
  /// ranking order), so successive scans into the same heaps keep the best over all of them.
  /// Not thread-safe: one RowScan, and one set of heaps, per thread.
  void scan(const float* queries, std::size_t nq, const float* rows, std::size_t count, const std::int64_t* positions,
            const RowMask* mask, HitList* const* heaps);

  /// Pointers to each list of `lists`, for scan().
  static std::vector<HitList*> pointersTo(std::vector<HitList>& lists);

private:
  void offer(HitList& heap, const SearchHit& hit) const;

  std::size_t dimension_;
  std::size_t keep_;
  std::vector<float> scores_; // scratch: one tile of query x row scores
};

} // namespace distillery::index
