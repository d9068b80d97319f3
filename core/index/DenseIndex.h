#pragma once
// Dense inner-product search over L2-normalised vectors, on faiss. The header keeps faiss out so that
// eval, pipeline and ui code can use it without faiss' headers.
//
// Kinds: exact (IndexFlatIP, the default), IVF (approximate: k-means lists, probe count calibrated to a
// recall target on the data; chosen automatically from `approximateAbove` vectors) and HNSW (approximate,
// by option only). Search is one batched call for all queries: faiss' BLAS path for exact search, one
// BLAS product per probed list for IVF, faiss' parallel graph walk for HNSW. A filter restricts the
// search to a set of ids, so the k results are the best k among the allowed ids (not the best k overall,
// filtered afterwards); see search().
//
// Why these defaults (tests/bench/bench_index.cpp; figures and commands in the README): exact search is
// one BLAS product, ~1,150 queries per CPU-second over 100k x 384 vectors (~9 CPU-s per 1,000 queries per
// million vectors). Building an IVF index (k-means, adding, calibration) cost 12-13 CPU-s there, as much as
// 12,000-15,000 exact queries, while an evaluation or a distillation round (which re-embeds the corpus, so needs
// a new index) runs a few thousand queries at most: below 1M vectors exact search is the cheaper choice,
// and exact. From 1M, IVF pays only where the vectors have cluster structure: for recall@10 0.95 it probed
// 0.2% of the lists of clustered vectors (27x faster than exact), but 90% of them for random vectors and
// 42% for the default student's embeddings of real filings (1.4x), so Auto falls back to exact search
// when calibration needs over a fifth of the lists. HNSW walks memory one vector at a time and, even with
// a vectorised distance, was slower than exact search at every beam width on 100k random vectors (0.59x
// its speed at efSearch 64 with recall@10 0.13, 0.04x at 1024 with 0.82), and its build cost 256 CPU-s,
// so Auto never picks it; it stays available, and indexes saved with it still load.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/index/SearchHit.h"
#include "core/util/EnumNames.h"

namespace distillery::index {

enum class DenseIndexKind {
  Auto,  // Exact below approximateAbove vectors; from there Ivf, unless calibration finds it no faster
  Exact, // faiss IndexFlatIP: brute force, exact
  Ivf,   // faiss IndexIVFFlat with METRIC_INNER_PRODUCT, searched with BLAS: approximate
  Hnsw,  // faiss IndexHNSWFlat with METRIC_INNER_PRODUCT: approximate
};

inline constexpr EnumName<DenseIndexKind> kDenseIndexKindNames[] = {
    {.value = DenseIndexKind::Auto, .name = "auto"},
    {.value = DenseIndexKind::Exact, .name = "exact"},
    {.value = DenseIndexKind::Exact, .name = "flat", .use = EnumNameUse::Alias}, // faiss's name for it
    {.value = DenseIndexKind::Ivf, .name = "ivf"},
    {.value = DenseIndexKind::Hnsw, .name = "hnsw"},
};
constexpr std::span<const EnumName<DenseIndexKind>> enumNames(DenseIndexKind) {
  return kDenseIndexKindNames;
}

/// "auto", "exact", "ivf", "hnsw".
inline std::string toString(DenseIndexKind kind) {
  return std::string(enumName(kind));
}
/// Parses "auto", "exact" (or "flat"), "ivf", "hnsw"; throws InputError naming the value otherwise.
inline DenseIndexKind denseIndexKindFromString(const std::string& text) {
  return parseEnum<DenseIndexKind>(text, "dense index kind");
}

struct DenseIndexOptions {
  DenseIndexKind kind = DenseIndexKind::Auto;
  std::int64_t approximateAbove = 1000000; // Auto considers IVF from this many vectors (see above)
  // IVF
  std::int64_t ivfLists = 0;  // 0: 4 sqrt(n)
  std::int64_t ivfProbes = 0; // 0: calibrated to targetRecall on the data
  double targetRecall = 0.95; // recall@10 against exact search that the calibration aims for
  // HNSW
  int hnswM = 32;              // graph degree: memory vs recall
  int hnswEfConstruction = 64; // build-time beam: 200 cost 7x the build CPU of 64 for +0.03 recall (measured)
  int hnswEfSearch = 256;      // search-time beam width (raised to k when smaller)
};

class DenseIndex {
public:
  /// Builds from a row-major n x dimension matrix (rows should have unit norm) and one id per row.
  /// Ids need not be contiguous; duplicates are refused.
  static DenseIndex build(const float* vectors, std::int64_t n, int dimension, const std::int64_t* ids,
                          const DenseIndexOptions& options = {});
  static DenseIndex build(const std::vector<float>& vectors, int dimension, const std::vector<std::int64_t>& ids,
                          const DenseIndexOptions& options = {});
  /// An exact index over vectors it does not copy (e.g. a memory-mapped corpus matrix): the caller keeps them alive
  /// and unchanged while the index is used. Searches give what build()'s exact kind gives (the same faiss routine),
  /// without a second copy of a matrix that is 3 GB at a million 768-dimension passages.
  static DenseIndex view(const float* vectors, std::int64_t n, int dimension, const std::int64_t* ids);

  /// Reads an index written by save(); throws Error naming the file when it is missing or damaged.
  static DenseIndex load(const std::filesystem::path& path);
  /// Writes the index and its ids to one file (written beside, then renamed into place). A view is written as an
  /// exact index (its vectors copied for the time of the write) and loads as one.
  void save(const std::filesystem::path& path) const;

  DenseIndex(DenseIndex&&) noexcept;
  DenseIndex& operator=(DenseIndex&&) noexcept;
  ~DenseIndex();

  /// Batched search: queries is row-major nq x dimension(). Returns nq hit lists, each sorted by score
  /// descending then id ascending, at most k long (shorter when fewer vectors, or allowed ids, exist).
  /// allowedIds, when given, restricts the results to those ids: exactly (a BLAS scan of the allowed
  /// rows) on exact indexes, and on approximate ones whenever that scans fewer rows than the approximate
  /// search would; otherwise the approximate search itself only admits allowed rows, searching wider
  /// (probes, or HNSW's beam, divided by the allowed share) so as many allowed candidates are seen.
  std::vector<HitList> search(const float* queries, std::int64_t nq, int k,
                              const std::unordered_set<std::int64_t>* allowedIds = nullptr) const;
  std::vector<HitList> search(const std::vector<float>& queries, int k,
                              const std::unordered_set<std::int64_t>* allowedIds = nullptr) const;

  std::int64_t size() const;
  int dimension() const;
  DenseIndexKind kind() const; // Exact, Ivf or Hnsw, never Auto
  const std::vector<std::int64_t>& ids() const;
  /// Changes the HNSW search beam width (no effect on other kinds).
  void setEfSearch(int efSearch);
  /// IVF: the lists a query scans (calibrated or given at build, saved with the index) and how many lists
  /// there are; 0 for other kinds. setProbes has no effect on other kinds.
  std::int64_t probes() const;
  std::int64_t lists() const;
  void setProbes(std::int64_t probes);
  /// IVF: sets the probe count to the smallest (to within an eighth) at which these queries (up to 256 of
  /// them, spread evenly) find targetRecall of their exact top 10, and returns it; the build's calibration
  /// can only guess what questions look like from the rows. No effect on other kinds (returns 0).
  std::int64_t calibrateProbes(const float* queries, std::int64_t nq, double targetRecall);

private:
  struct Impl;
  explicit DenseIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace distillery::index
