#pragma once
// The approximate kind of the dense index: faiss' IndexIVFFlat (the unit vectors split into lists by
// spherical k-means; a query scans only the lists of its `probes` nearest centroids), built and stored
// by faiss but searched here: the queries of a batch are grouped by the list they probe, and each list
// is scored against its queries with one BLAS product (RowScan), where faiss 1.7.3's generic build
// scores list entries one by one with its scalar loop.
//
// The probe count is calibrated on the data itself: rows of the index serve as queries (each excluding
// itself), and the smallest probe count whose recall@10 against exact search reaches the target (made
// stricter, as rows are easier queries than real ones) is kept. How much easier varies with the corpus:
// where a passage has copies (a paragraph repeated across filings, the same filing under other names) its
// neighbours are those copies, in its own list (on replicated filing passages the build chose 8 probes at
// 111k, where the run's queries then found 0.87 of their top 10, and 3 at 989k: 0.76), and leaving copies
// out does not help (the next neighbours are another passage's copies). So a caller that knows its queries
// (an evaluation) recalibrates on them: calibrateProbesOnQueries.
// How many probes a recall needs depends entirely on how clustered the vectors are (random vectors
// need most lists; real embeddings few), so no fixed default could be right for both.
//
// Only core/index includes this header (it pulls in faiss).
#include <faiss/IndexIVFFlat.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/index/RowScan.h"

namespace distillery::index {

/// 4 sqrt(n) lists (faiss' guideline is 4 to 16 sqrt(n)), at most one per 39 vectors (the fewest
/// training points per centroid faiss accepts), at least 1.
std::int64_t defaultIvfLists(std::int64_t n);

/// Trains the lists on the vectors (spherical k-means, 10 iterations on at most 64 vectors per list,
/// fixed seed) and adds them all; labels are row positions 0..n-1.
std::unique_ptr<faiss::IndexIVFFlat> buildIvf(const float* vectors, std::int64_t n, int dimension, std::int64_t lists);

/// Row pointers by position (the vectors live in their lists, not in position order).
std::vector<const float*> ivfRowsByPosition(const faiss::IndexIVFFlat& index);

/// Batched search: for each of nq queries, the best `keep` rows (id = row position) among the rows of its
/// `probes` nearest lists that the mask allows (all when null), as a heap (see RowScan::scan).
std::vector<HitList> searchIvf(const faiss::IndexIVFFlat& index, const float* queries, std::int64_t nq,
                               std::size_t keep, std::int64_t probes, const RowMask* mask);

struct ProbeCalibration {
  std::int64_t probes = 1;
  double recall = 0;       // recall@10 of the sample at that probe count
  double scannedShare = 0; // probes / lists: the share of rows a query scans
};

/// The smallest probe count (to within 1/8) at which up to 256 rows spread evenly over the index, used
/// as queries, reach a recall@10 that real queries' targetRecall needs (see kSampleMissesPerQueryMiss);
/// `vectors` are the n rows in position order.
ProbeCalibration calibrateProbes(const faiss::IndexIVFFlat& index, const float* vectors, std::int64_t n,
                                 double targetRecall);

/// The smallest probe count (to within 1/8) at which up to 256 of the nq queries, spread evenly, reach
/// targetRecall against exact search (every list probed): for callers that know what will be searched.
ProbeCalibration calibrateProbesOnQueries(const faiss::IndexIVFFlat& index, const float* queries, std::int64_t nq,
                                          double targetRecall);

} // namespace distillery::index
