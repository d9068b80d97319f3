#pragma once
// The result type every retriever in core/index returns, so dense, BM25 and hybrid lists can be fused
// and scored by the same code.
#include <cstdint>
#include <vector>

namespace distillery::index {

struct SearchHit {
  std::int64_t id; // passage id (or whatever id the index was built with)
  float score;     // higher is better; comparable only within one retriever
};

/// One query's hits, best first.
using HitList = std::vector<SearchHit>;

/// The one ranking order of the project: score descending, ties broken by id ascending, so runs are
/// deterministic whatever order an index returns equal scores in.
inline bool rankedBefore(const SearchHit& a, const SearchHit& b) {
  return a.score != b.score ? a.score > b.score : a.id < b.id;
}

/// Sorts hits into the project's ranking order and keeps the best k.
void sortAndTruncate(HitList& hits, std::size_t k);

} // namespace distillery::index
