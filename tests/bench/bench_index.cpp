// Dense search speed and quality: 1,000 queries against 100k random unit 384-d vectors.
// Prints queries/s of exact search through DenseIndex and through faiss directly (the wrapper's
// overhead, goal <= 1.5x), and queries/s and recall@10 (vs exact) of the HNSW index at several beam
// widths (goal >= 0.95). Usage: bench_index [vectors] [queries] [threads]
#include <faiss/IndexFlat.h>
#include <omp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <unordered_set>
#include <vector>

#include "core/index/DenseIndex.h"

using namespace distillery::index;

namespace {

constexpr int kDimension = 384;
constexpr int kTopK = 10;

std::vector<float> randomUnitVectors(std::int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> v(static_cast<std::size_t>(n) * kDimension);
  for (std::int64_t i = 0; i < n; ++i) {
    float* row = v.data() + i * kDimension;
    double norm = 0;
    for (int j = 0; j < kDimension; ++j) {
      row[j] = normal(rng);
      norm += row[j] * row[j];
    }
    const float scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (int j = 0; j < kDimension; ++j)
      row[j] *= scale;
  }
  return v;
}

// Best of several runs, in seconds.
template <typename F> double bestSeconds(int repetitions, F&& f) {
  double best = 1e30;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

double recallAt10(const std::vector<HitList>& approximate, const std::vector<HitList>& exact) {
  std::size_t found = 0, total = 0;
  for (std::size_t q = 0; q < exact.size(); ++q) {
    std::unordered_set<std::int64_t> truth;
    for (const auto& hit : exact[q])
      truth.insert(hit.id);
    total += truth.size();
    for (const auto& hit : approximate[q])
      found += truth.count(hit.id);
  }
  return total ? static_cast<double>(found) / static_cast<double>(total) : 0.0;
}

} // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured, even into a file
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 100000;
  const std::int64_t nq = argc > 2 ? std::atoll(argv[2]) : 1000;
  if (argc > 3)
    omp_set_num_threads(std::atoi(argv[3]));
  std::printf("bench_index: %lld vectors, %lld queries, d=%d, k=%d, %d threads\n", static_cast<long long>(n),
              static_cast<long long>(nq), kDimension, kTopK, omp_get_max_threads());
  const auto base = randomUnitVectors(n, 1);
  const auto queries = randomUnitVectors(nq, 2);
  std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    ids[static_cast<std::size_t>(i)] = 10 * i + 3; // not positions, as passage ids are not

  // faiss directly.
  faiss::IndexFlatIP raw(kDimension);
  raw.add(n, base.data());
  std::vector<float> distances(static_cast<std::size_t>(nq) * kTopK);
  std::vector<faiss::Index::idx_t> labels(static_cast<std::size_t>(nq) * kTopK);
  const double rawSeconds =
      bestSeconds(3, [&] { raw.search(nq, queries.data(), kTopK, distances.data(), labels.data()); });

  // The wrapper, exact.
  DenseIndexOptions exactOptions;
  exactOptions.kind = DenseIndexKind::Exact;
  const DenseIndex exact = DenseIndex::build(base.data(), n, kDimension, ids.data(), exactOptions);
  std::vector<HitList> truth;
  const double exactSeconds = bestSeconds(3, [&] { truth = exact.search(queries.data(), nq, kTopK); });
  std::printf("exact  faiss IndexFlatIP direct: %9.0f queries/s\n", nq / rawSeconds);
  std::printf("exact  DenseIndex              : %9.0f queries/s  (%.2fx the time of faiss direct)\n", nq / exactSeconds,
              exactSeconds / rawSeconds);

  // Filtered exact search (a tenth of the ids allowed).
  std::unordered_set<std::int64_t> allowed;
  for (std::int64_t i = 0; i < n; i += 10)
    allowed.insert(ids[static_cast<std::size_t>(i)]);
  const double filteredSeconds = bestSeconds(1, [&] { exact.search(queries.data(), nq, kTopK, &allowed); });
  std::printf("exact  DenseIndex, 10%% filter  : %9.0f queries/s\n", nq / filteredSeconds);

  // HNSW.
  DenseIndexOptions hnswOptions;
  hnswOptions.kind = DenseIndexKind::Hnsw;
  DenseIndex hnsw = DenseIndex::build(base.data(), 0, kDimension, ids.data(), hnswOptions); // replaced below
  const double buildSeconds =
      bestSeconds(1, [&] { hnsw = DenseIndex::build(base.data(), n, kDimension, ids.data(), hnswOptions); });
  std::printf("hnsw   build (M=%d, efConstruction=%d): %.1f s\n", hnswOptions.hnswM, hnswOptions.hnswEfConstruction,
              buildSeconds);
  for (int ef : {64, 128, 256, 512}) {
    hnsw.setEfSearch(ef);
    std::vector<HitList> approximate;
    const double seconds = bestSeconds(1, [&] { approximate = hnsw.search(queries.data(), nq, kTopK); });
    std::printf("hnsw   efSearch=%-4d            : %9.0f queries/s  recall@10 %.4f\n", ef, nq / seconds,
                recallAt10(approximate, truth));
  }
  return 0;
}
