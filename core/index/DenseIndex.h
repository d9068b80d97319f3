#pragma once
// Dense inner-product search over L2-normalised vectors, on faiss. The header keeps faiss out so that
// eval, pipeline and ui code can use it without faiss' headers.
//
// Exact search (IndexFlatIP) is the default; above `approximateAbove` vectors, or when asked, an HNSW
// graph (inner-product metric) is used instead. Search is always one batched faiss call for all
// queries. A filter restricts the search to a set of ids through a faiss IDSelector, so the k results
// are the best k among the allowed ids (not the best k overall, filtered afterwards).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/index/SearchHit.h"

namespace distillery::index {

enum class DenseIndexKind {
  Auto,  // Exact below approximateAbove vectors, Hnsw from there on
  Exact, // faiss IndexFlatIP: brute force, exact
  Hnsw,  // faiss IndexHNSWFlat with METRIC_INNER_PRODUCT: approximate
};

std::string toString(DenseIndexKind kind);
/// Parses "auto", "exact" (or "flat"), "hnsw"; throws InputError naming the value otherwise.
DenseIndexKind denseIndexKindFromString(const std::string& text);

struct DenseIndexOptions {
  DenseIndexKind kind = DenseIndexKind::Auto;
  std::int64_t approximateAbove = 500000; // Auto switches to HNSW from this many vectors
  int hnswM = 32;                         // graph degree: memory vs recall
  int hnswEfConstruction = 200;           // build-time beam width
  int hnswEfSearch = 256;                 // search-time beam width (raised to k when smaller)
};

class DenseIndex {
public:
  /// Builds from a row-major n x dimension matrix (rows should have unit norm) and one id per row.
  /// Ids need not be contiguous; duplicates are refused.
  static DenseIndex build(const float* vectors, std::int64_t n, int dimension, const std::int64_t* ids,
                          const DenseIndexOptions& options = {});
  static DenseIndex build(const std::vector<float>& vectors, int dimension, const std::vector<std::int64_t>& ids,
                          const DenseIndexOptions& options = {});

  /// Reads an index written by save(); throws Error naming the file when it is missing or damaged.
  static DenseIndex load(const std::filesystem::path& path);
  /// Writes the index and its ids to one file (written beside, then renamed into place).
  void save(const std::filesystem::path& path) const;

  DenseIndex(DenseIndex&&) noexcept;
  DenseIndex& operator=(DenseIndex&&) noexcept;
  ~DenseIndex();

  /// Batched search: queries is row-major nq x dimension(). Returns nq hit lists, each sorted by score
  /// descending then id ascending, at most k long (shorter when fewer vectors, or allowed ids, exist).
  /// allowedIds, when given, restricts the results to those ids.
  std::vector<HitList> search(const float* queries, std::int64_t nq, int k,
                              const std::unordered_set<std::int64_t>* allowedIds = nullptr) const;
  std::vector<HitList> search(const std::vector<float>& queries, int k,
                              const std::unordered_set<std::int64_t>* allowedIds = nullptr) const;

  std::int64_t size() const;
  int dimension() const;
  DenseIndexKind kind() const; // Exact or Hnsw, never Auto
  const std::vector<std::int64_t>& ids() const;
  /// Changes the HNSW search beam width (no effect on exact indexes).
  void setEfSearch(int efSearch);

private:
  struct Impl;
  explicit DenseIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace distillery::index
