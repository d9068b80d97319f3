#include "core/index/IvfSearch.h"

#include <faiss/IndexFlat.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <unordered_set>

namespace distillery::index {
namespace {

constexpr int kCalibrationTopK = 10;
constexpr std::int64_t kCalibrationSamples = 256;

// Rows of the index are easier queries than real ones: their neighbours are near-duplicate chunks
// (mean top-1 similarity 0.74 on the default student's embeddings of 93k filing passages) where a
// question is far from every passage (0.37 for TAT-QA questions), and nearer neighbours sit in fewer
// lists. Measured there, sample recall 0.984 came with query recall 0.944 and 0.988 with 0.968, so the
// samples must miss 4x fewer neighbours than the queries may: for a 0.95 target, 0.9875.
constexpr double kSampleMissesPerQueryMiss = 0.25;

// Recall@10 of approximate lists against exact ones, each of 11 rows that may include the query's own
// row, which is left out of both.
double sampleRecall(const std::vector<HitList>& approximate, const std::vector<HitList>& exact,
                    const std::vector<std::int64_t>& self) {
  std::size_t found = 0, total = 0;
  for (std::size_t q = 0; q < exact.size(); ++q) {
    std::unordered_set<std::int64_t> truth;
    for (const SearchHit& hit : exact[q])
      if (hit.id != self[q] && truth.size() < kCalibrationTopK)
        truth.insert(hit.id);
    std::size_t kept = 0;
    for (const SearchHit& hit : approximate[q]) {
      if (hit.id == self[q] || kept == kCalibrationTopK)
        continue;
      ++kept;
      found += truth.count(hit.id);
    }
    total += truth.size();
  }
  return total ? static_cast<double>(found) / static_cast<double>(total) : 1.0;
}

} // namespace

std::int64_t defaultIvfLists(std::int64_t n) {
  const auto lists =
      static_cast<std::int64_t>(std::lround(4.0 * std::sqrt(static_cast<double>(std::max<std::int64_t>(n, 1)))));
  return std::max<std::int64_t>(1, std::min(lists, n / 39));
}

std::unique_ptr<faiss::IndexIVFFlat> buildIvf(const float* vectors, std::int64_t n, int dimension, std::int64_t lists) {
  auto quantizer = std::make_unique<faiss::IndexFlatIP>(dimension);
  auto index = std::make_unique<faiss::IndexIVFFlat>(quantizer.get(), static_cast<std::size_t>(dimension),
                                                     static_cast<std::size_t>(lists), faiss::METRIC_INNER_PRODUCT);
  quantizer.release();
  index->own_fields = true;
  // k-means cost is iterations x training points x lists x dimension: 10 iterations on 64 points per list
  // keep training to seconds at 100k vectors (faiss' defaults, 25 on 256, cost 10x more for centroids that
  // differ little after the first few iterations).
  index->cp.niter = 10;
  index->cp.max_points_per_centroid = 64;
  index->cp.spherical = true; // unit centroids: inner product to a centroid is a cosine, as for the vectors
  index->cp.seed = 1234;
  index->train(n, vectors);
  index->add(n, vectors);
  return index;
}

std::vector<const float*> ivfRowsByPosition(const faiss::IndexIVFFlat& index) {
  std::vector<const float*> rows(static_cast<std::size_t>(index.ntotal), nullptr);
  const std::size_t dimension = static_cast<std::size_t>(index.d);
  for (std::size_t list = 0; list < index.nlist; ++list) {
    const std::size_t size = index.invlists->list_size(list);
    const auto* codes = reinterpret_cast<const float*>(index.invlists->get_codes(list));
    const faiss::Index::idx_t* ids = index.invlists->get_ids(list);
    for (std::size_t offset = 0; offset < size; ++offset)
      if (ids[offset] >= 0 && ids[offset] < index.ntotal)
        rows[static_cast<std::size_t>(ids[offset])] = codes + offset * dimension;
  }
  return rows;
}

std::vector<HitList> searchIvf(const faiss::IndexIVFFlat& index, const float* queries, std::int64_t nq,
                               std::size_t keep, std::int64_t probes, const RowMask* mask) {
  std::vector<HitList> results(static_cast<std::size_t>(nq));
  const auto lists = static_cast<std::int64_t>(index.nlist);
  probes = std::clamp<std::int64_t>(probes, 1, lists);
  if (nq <= 0 || keep == 0)
    return results;
  const std::size_t dimension = static_cast<std::size_t>(index.d);

  // Which lists each query probes (one batched, BLAS-backed search of the centroids), inverted into the
  // queries each list serves.
  std::vector<float> centroidScores(static_cast<std::size_t>(nq * probes));
  std::vector<faiss::Index::idx_t> nearestLists(centroidScores.size());
  index.quantizer->search(nq, queries, probes, centroidScores.data(), nearestLists.data());
  std::vector<std::vector<std::int64_t>> queriesOfList(static_cast<std::size_t>(lists));
  for (std::int64_t q = 0; q < nq; ++q)
    for (std::int64_t p = 0; p < probes; ++p)
      if (const faiss::Index::idx_t list = nearestLists[static_cast<std::size_t>(q * probes + p)]; list >= 0)
        queriesOfList[static_cast<std::size_t>(list)].push_back(q);

#pragma omp parallel
  {
    // Each thread keeps one bounded heap per query over all the lists it scans; the threads' heaps are
    // merged at the end.
    RowScan scan(dimension, keep);
    std::vector<HitList> found(static_cast<std::size_t>(nq));
    std::vector<float> gathered;
    std::vector<HitList*> heaps;
#pragma omp for schedule(dynamic)
    for (std::int64_t list = 0; list < lists; ++list) {
      const std::vector<std::int64_t>& served = queriesOfList[static_cast<std::size_t>(list)];
      const std::size_t size = index.invlists->list_size(static_cast<std::size_t>(list));
      if (served.empty() || size == 0)
        continue;
      gathered.resize(served.size() * dimension);
      heaps.clear();
      for (std::size_t a = 0; a < served.size(); ++a) {
        std::copy_n(queries + static_cast<std::size_t>(served[a]) * dimension, dimension,
                    gathered.data() + a * dimension);
        heaps.push_back(&found[static_cast<std::size_t>(served[a])]);
      }
      scan.scan(gathered.data(), served.size(),
                reinterpret_cast<const float*>(index.invlists->get_codes(static_cast<std::size_t>(list))), size,
                index.invlists->get_ids(static_cast<std::size_t>(list)), mask, heaps.data());
    }
#pragma omp critical(distillery_ivf_merge)
    for (std::size_t q = 0; q < found.size(); ++q)
      results[q].insert(results[q].end(), found[q].begin(), found[q].end());
  }
  return results;
}

namespace {

// The smallest probe count (to within an eighth) whose recall reaches `target`: doubling until it does, then
// narrowing the last doubling down.
ProbeCalibration smallestPassingProbes(std::int64_t lists, double target,
                                       const std::function<double(std::int64_t)>& recallAt) {
  std::int64_t failing = 0, passing = 1;
  double passingRecall = recallAt(passing);
  while (passingRecall < target && passing < lists) {
    failing = passing;
    passing = std::min(lists, passing * 2);
    passingRecall = recallAt(passing);
  }
  while (passing - failing > std::max<std::int64_t>(1, passing / 8)) {
    const std::int64_t middle = (failing + passing) / 2;
    const double recall = recallAt(middle);
    if (recall >= target) {
      passing = middle;
      passingRecall = recall;
    } else {
      failing = middle;
    }
  }
  ProbeCalibration calibration;
  calibration.probes = passing;
  calibration.recall = passingRecall;
  calibration.scannedShare = static_cast<double>(passing) / static_cast<double>(lists);
  return calibration;
}

std::vector<HitList> sortedIvfHits(const faiss::IndexIVFFlat& index, const float* queries, std::int64_t nq,
                                   std::size_t keep, std::int64_t probes) {
  std::vector<HitList> hits = searchIvf(index, queries, nq, keep, probes, nullptr);
  for (HitList& list : hits)
    sortAndTruncate(list, keep);
  return hits;
}

} // namespace

ProbeCalibration calibrateProbes(const faiss::IndexIVFFlat& index, const float* vectors, std::int64_t n,
                                 double targetRecall) {
  const auto lists = static_cast<std::int64_t>(index.nlist);
  const std::int64_t samples = std::min(n, kCalibrationSamples);
  if (samples == 0)
    return {};
  const std::size_t dimension = static_cast<std::size_t>(index.d);
  std::vector<float> queries(static_cast<std::size_t>(samples) * dimension);
  std::vector<std::int64_t> self(static_cast<std::size_t>(samples));
  for (std::int64_t s = 0; s < samples; ++s) {
    self[static_cast<std::size_t>(s)] = s * n / samples;
    std::copy_n(vectors + static_cast<std::size_t>(self[static_cast<std::size_t>(s)]) * dimension, dimension,
                queries.data() + static_cast<std::size_t>(s) * dimension);
  }
  const std::size_t keep = kCalibrationTopK + 1;
  std::vector<std::int64_t> positions(static_cast<std::size_t>(n));
  std::iota(positions.begin(), positions.end(), 0);
  std::vector<HitList> exact(static_cast<std::size_t>(samples));
  RowScan(dimension, keep)
      .scan(queries.data(), static_cast<std::size_t>(samples), vectors, static_cast<std::size_t>(n), positions.data(),
            nullptr, RowScan::pointersTo(exact).data());
  for (HitList& hits : exact)
    sortAndTruncate(hits, keep);
  return smallestPassingProbes(lists, 1.0 - (1.0 - targetRecall) * kSampleMissesPerQueryMiss, [&](std::int64_t probes) {
    return sampleRecall(sortedIvfHits(index, queries.data(), samples, keep, probes), exact, self);
  });
}

ProbeCalibration calibrateProbesOnQueries(const faiss::IndexIVFFlat& index, const float* queries, std::int64_t nq,
                                          double targetRecall) {
  const auto lists = static_cast<std::int64_t>(index.nlist);
  const std::int64_t samples = std::min(nq, kCalibrationSamples);
  if (samples == 0 || lists == 0)
    return {};
  const std::size_t dimension = static_cast<std::size_t>(index.d);
  std::vector<float> sampled(static_cast<std::size_t>(samples) * dimension);
  for (std::int64_t s = 0; s < samples; ++s)
    std::copy_n(queries + static_cast<std::size_t>(s * nq / samples) * dimension, dimension,
                sampled.data() + static_cast<std::size_t>(s) * dimension);
  // Every list probed is exact search.
  const std::vector<HitList> exact = sortedIvfHits(index, sampled.data(), samples, kCalibrationTopK, lists);
  const std::vector<std::int64_t> noRow(static_cast<std::size_t>(samples), -1); // a query is no row
  return smallestPassingProbes(lists, targetRecall, [&](std::int64_t probes) {
    return sampleRecall(sortedIvfHits(index, sampled.data(), samples, kCalibrationTopK, probes), exact, noRow);
  });
}

} // namespace distillery::index
