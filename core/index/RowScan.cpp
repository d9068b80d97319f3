#include "core/index/RowScan.h"

#include <algorithm>

#include "core/index/InnerProducts.h"

namespace distillery::index {
namespace {

// Tiles of 256 queries x 4096 rows: 4 MB of scores, large enough for BLAS to run near its peak.
constexpr std::size_t kQueryTile = 256;
constexpr std::size_t kRowTile = 4096;

} // namespace

void RowScan::offer(HitList& heap, const SearchHit& hit) const {
  // rankedBefore as the heap order puts the worst kept hit on top.
  if (heap.size() < keep_) {
    heap.push_back(hit);
    std::push_heap(heap.begin(), heap.end(), rankedBefore);
  } else if (rankedBefore(hit, heap.front())) {
    std::pop_heap(heap.begin(), heap.end(), rankedBefore);
    heap.back() = hit;
    std::push_heap(heap.begin(), heap.end(), rankedBefore);
  }
}

void RowScan::scan(const float* queries, std::size_t nq, const float* rows, std::size_t count,
                   const std::int64_t* positions, const RowMask* mask, HitList* const* heaps) {
  if (keep_ == 0)
    return;
  for (std::size_t firstRow = 0; firstRow < count; firstRow += kRowTile) {
    const std::size_t tileRows = std::min(kRowTile, count - firstRow);
    for (std::size_t firstQuery = 0; firstQuery < nq; firstQuery += kQueryTile) {
      const std::size_t tileQueries = std::min(kQueryTile, nq - firstQuery);
      scores_.resize(tileQueries * tileRows);
      innerProductMatrix(queries + firstQuery * dimension_, tileQueries, rows + firstRow * dimension_, tileRows,
                         dimension_, scores_.data());
      const auto queryCount = static_cast<std::int64_t>(tileQueries);
#pragma omp parallel for schedule(static) if (tileQueries * tileRows >= 65536)
      for (std::int64_t q = 0; q < queryCount; ++q) {
        HitList& heap = *heaps[firstQuery + static_cast<std::size_t>(q)];
        const float* row = scores_.data() + static_cast<std::size_t>(q) * tileRows;
        for (std::size_t r = 0; r < tileRows; ++r) {
          const std::int64_t position = positions[firstRow + r];
          if (!mask || mask->allows(position))
            offer(heap, {position, row[r]});
        }
      }
    }
  }
}

std::vector<HitList*> RowScan::pointersTo(std::vector<HitList>& lists) {
  std::vector<HitList*> pointers;
  pointers.reserve(lists.size());
  for (HitList& list : lists)
    pointers.push_back(&list);
  return pointers;
}

} // namespace distillery::index
