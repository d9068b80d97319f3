// Dense search speed and quality: 1,000 queries against 100k unit 384-d vectors (random by default).
// Prints, best of several runs (wall clock, all threads):
//  - exact search through DenseIndex and through faiss directly (the wrapper's overhead; goal <= 1.5x),
//    unfiltered and with filters allowing 10% and 50% of the rows, and the recall@10 exact search keeps when
//    the vectors are rounded to float16 (what half-precision storage would cost);
//  - the IVF index: build time, the probe count Auto's calibration picks, then queries/s and recall@10
//    against exact search at several probe counts (goal: recall@10 >= 0.95), and at the count calibrated on
//    the queries themselves (what an evaluation uses);
//  - the HNSW index: build time, then queries/s and recall@10 at several beam widths;
//  - what DenseIndexKind::Auto builds for these vectors when approximateAbove is below their count.
// The calibrated probe count is marked with *. Times are wall clock and CPU time of all threads.
// Usage: bench_index [vectors=100000|FILE.npy] [queries=1000|FILE.npy] [threads=N] [data=random|clustered]
//                    [noise=1] [lists=0 (the default)] [hnsw=yes|no]
// With .npy files (written by `distillery-cli embed`), passages and queries are real embeddings.
// data=clustered draws every vector around one of 1,000 random topic directions, plus noise of `noise`
// times the direction's norm, so that neighbours share a topic as real embeddings' do; random vectors
// have no structure at all and are the hardest case for any approximate index.
#include <faiss/IndexFlat.h>
#include <faiss/impl/IDSelector.h>
#include <omp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/index/DenseIndex.h"
#include "core/model/EmbeddingMatrixFile.h"

using namespace distillery::index;

namespace {

constexpr int kRandomDimension = 384;
constexpr int kTopK = 10;
constexpr int kTopics = 1000;

void normalise(float* row, int dimension) {
  double norm = 0;
  for (int j = 0; j < dimension; ++j)
    norm += static_cast<double>(row[j]) * row[j];
  const float scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (int j = 0; j < dimension; ++j)
    row[j] *= scale;
}

std::vector<float> unitVectors(std::int64_t n, unsigned seed, const std::vector<float>* topics, float noiseNorm = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  const float noise = noiseNorm / std::sqrt(static_cast<float>(kRandomDimension)); // per coordinate
  std::vector<float> v(static_cast<std::size_t>(n) * kRandomDimension);
  for (std::int64_t i = 0; i < n; ++i) {
    float* row = v.data() + i * kRandomDimension;
    const float* topic = topics ? topics->data() + (rng() % kTopics) * kRandomDimension : nullptr;
    for (int j = 0; j < kRandomDimension; ++j)
      row[j] = topic ? topic[j] + noise * normal(rng) : normal(rng);
    normalise(row, kRandomDimension);
  }
  return v;
}

double processCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

// Wall clock and CPU time of all threads: on a shared machine the wall figure depends on the load, the
// CPU one much less (it still pays for cache and memory-bandwidth contention).
struct Timing {
  double wall = 1e30;
  double cpu = 1e30;
};

// Best of several runs.
template <typename F> Timing best(int repetitions, F&& f) {
  Timing timing;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = processCpuSeconds();
    f();
    timing.cpu = std::min(timing.cpu, processCpuSeconds() - cpuStart);
    timing.wall =
        std::min(timing.wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return timing;
}

std::string rate(std::int64_t queries, const Timing& timing) {
  char text[96];
  std::snprintf(text, sizeof text, "%8.0f queries/s (%7.0f per CPU-second)", static_cast<double>(queries) / timing.wall,
                static_cast<double>(queries) / timing.cpu);
  return text;
}

// How many times faster than `reference`, by wall clock and by CPU time.
std::string speedup(const Timing& reference, const Timing& timing) {
  char text[48];
  std::snprintf(text, sizeof text, "%5.2fx (CPU %5.2fx)", reference.wall / timing.wall, reference.cpu / timing.cpu);
  return text;
}

std::string duration(const Timing& timing) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f s (%.1f s CPU)", timing.wall, timing.cpu);
  return text;
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

// key=value arguments; anything missing keeps its default.
std::string argument(int argc, char** argv, const std::string& key, const std::string& fallback) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], (key + "=").c_str(), key.size() + 1) == 0)
      return argv[i] + key.size() + 1;
  return fallback;
}

// Rows of an .npy float32 matrix (distillery-cli embed writes them), normalised.
std::vector<float> embeddings(const std::string& path, int& dimension) {
  const distillery::model::EmbeddingMatrixReader matrix(path);
  dimension = static_cast<int>(matrix.columns());
  std::vector<float> v(matrix.row(0), matrix.row(0) + matrix.rows() * matrix.columns());
  for (std::int64_t i = 0; i < matrix.rows(); ++i)
    normalise(v.data() + i * matrix.columns(), dimension);
  return v;
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured, even into a file
  const std::string vectorsArgument = argument(argc, argv, "vectors", "100000");
  const std::string queriesArgument = argument(argc, argv, "queries", "1000");
  if (const std::string threads = argument(argc, argv, "threads", ""); !threads.empty())
    omp_set_num_threads(std::stoi(threads));
  const bool clustered = argument(argc, argv, "data", "random") == "clustered";
  const float noise = std::stof(argument(argc, argv, "noise", "1"));
  const std::int64_t lists = std::stoll(argument(argc, argv, "lists", "0"));
  const bool withHnsw = argument(argc, argv, "hnsw", "yes") == "yes";
  int dimension = kRandomDimension;
  std::vector<float> base, queries;
  if (endsWith(vectorsArgument, ".npy")) {
    int queryDimension = 0;
    base = embeddings(vectorsArgument, dimension);
    queries = embeddings(queriesArgument, queryDimension);
    if (queryDimension != dimension) {
      std::fprintf(stderr, "bench_index: %s has %d columns, %s has %d\n", queriesArgument.c_str(), queryDimension,
                   vectorsArgument.c_str(), dimension);
      return 1;
    }
    std::printf("bench_index: %s, ", vectorsArgument.c_str());
  } else {
    std::vector<float> topics;
    if (clustered)
      topics = unitVectors(kTopics, 7, nullptr);
    base = unitVectors(std::stoll(vectorsArgument), 1, clustered ? &topics : nullptr, noise);
    queries = unitVectors(std::stoll(queriesArgument), 2, clustered ? &topics : nullptr, noise);
    if (clustered)
      std::printf("bench_index: vectors around %d topics (noise %.2f x the topic's norm), ", kTopics, noise);
    else
      std::printf("bench_index: random vectors, ");
  }
  const std::int64_t n = static_cast<std::int64_t>(base.size()) / dimension;
  const std::int64_t nq = static_cast<std::int64_t>(queries.size()) / dimension;
  std::printf("%lld x %lld queries, d=%d, k=%d, %d threads\n", static_cast<long long>(n), static_cast<long long>(nq),
              dimension, kTopK, omp_get_max_threads());
  std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    ids[static_cast<std::size_t>(i)] = 10 * i + 3; // not positions, as passage ids are not

  // Exact: faiss directly, then the wrapper.
  faiss::IndexFlatIP raw(dimension);
  raw.add(n, base.data());
  std::vector<float> distances(static_cast<std::size_t>(nq) * kTopK);
  std::vector<faiss::Index::idx_t> labels(static_cast<std::size_t>(nq) * kTopK);
  const Timing rawTime = best(3, [&] { raw.search(nq, queries.data(), kTopK, distances.data(), labels.data()); });
  DenseIndexOptions exactOptions;
  exactOptions.kind = DenseIndexKind::Exact;
  const DenseIndex exact = DenseIndex::build(base.data(), n, dimension, ids.data(), exactOptions);
  std::vector<HitList> truth;
  const Timing exactTime = best(3, [&] { truth = exact.search(queries.data(), nq, kTopK); });
  std::printf("exact  faiss IndexFlatIP direct : %s\n", rate(nq, rawTime).c_str());
  std::printf("exact  DenseIndex               : %s, %.2fx the time of faiss direct (%.2fx its CPU time)\n",
              rate(nq, exactTime).c_str(), exactTime.wall / rawTime.wall, exactTime.cpu / rawTime.cpu);

  // Float16 storage would halve the matrix: what rounding every vector to half precision costs exact search.
  {
    std::vector<float> rounded(base.size());
    for (std::size_t i = 0; i < base.size(); ++i)
      rounded[i] = static_cast<float>(static_cast<_Float16>(base[i]));
    const DenseIndex half = DenseIndex::build(rounded.data(), n, dimension, ids.data(), exactOptions);
    std::printf("exact  float16-rounded vectors  : recall@10 %.4f against float32\n",
                recallAt10(half.search(queries.data(), nq, kTopK), truth));
  }

  // Filtered exact search: DenseIndex scans the allowed rows with BLAS; faiss' ID selector, for comparison.
  for (int every : {10, 2}) {
    std::unordered_set<std::int64_t> allowed;
    std::vector<std::uint8_t> bitmap(static_cast<std::size_t>((n + 7) / 8), 0);
    for (std::int64_t i = 0; i < n; i += every) {
      allowed.insert(ids[static_cast<std::size_t>(i)]);
      bitmap[static_cast<std::size_t>(i >> 3)] |= static_cast<std::uint8_t>(1u << (i & 7));
    }
    faiss::IDSelectorBitmap selector(static_cast<std::size_t>(n), bitmap.data());
    faiss::SearchParameters params;
    params.sel = &selector;
    const std::int64_t few = std::min<std::int64_t>(nq, 100); // faiss' selector path is slow: 100 queries do
    const Timing viaSelector =
        best(1, [&] { raw.search(few, queries.data(), kTopK, distances.data(), labels.data(), &params); });
    const Timing viaScan = best(3, [&] { exact.search(queries.data(), nq, kTopK, &allowed); });
    std::printf("exact  %2d%% filter, DenseIndex   : %s; faiss' ID selector %s\n", 100 / every,
                rate(nq, viaScan).c_str(), rate(few, viaSelector).c_str());
  }

  // A filter wide enough for the approximate indexes to search within it (their narrower filters are scanned
  // exactly, as above): 70% of the rows.
  std::unordered_set<std::int64_t> wide;
  for (std::int64_t i = 0; i < n; ++i)
    if (i % 10 < 7)
      wide.insert(ids[static_cast<std::size_t>(i)]);
  std::vector<HitList> wideTruth;
  const Timing wideExact = best(3, [&] { wideTruth = exact.search(queries.data(), nq, kTopK, &wide); });
  std::printf("exact  70%% filter, DenseIndex   : %s\n", rate(nq, wideExact).c_str());
  auto searchWide = [&](const char* label, const DenseIndex& index) {
    std::vector<HitList> approximate;
    const Timing t = best(3, [&] { approximate = index.search(queries.data(), nq, kTopK, &wide); });
    std::printf("%s 70%% filter: %s, %s exact's, recall@10 %.4f\n", label, rate(nq, t).c_str(),
                speedup(wideExact, t).c_str(), recallAt10(approximate, wideTruth));
  };

  // IVF: build with calibration, then a sweep of probe counts.
  DenseIndexOptions ivfOptions;
  ivfOptions.kind = DenseIndexKind::Ivf;
  ivfOptions.ivfLists = lists;
  std::optional<DenseIndex> built;
  const Timing ivfBuild =
      best(1, [&] { built = DenseIndex::build(base.data(), n, dimension, ids.data(), ivfOptions); });
  DenseIndex& ivf = *built;
  const std::int64_t calibrated = ivf.probes(), ivfLists = ivf.lists();
  std::printf("ivf    build (%lld lists, k-means + adding + calibration): %s; calibrated probes %lld (%.1f%%)\n",
              static_cast<long long>(ivfLists), duration(ivfBuild).c_str(), static_cast<long long>(calibrated),
              100.0 * static_cast<double>(calibrated) / static_cast<double>(ivfLists));
  std::vector<std::int64_t> sweep = {calibrated};
  for (double share : {0.01, 0.02, 0.05, 0.1, 0.2, 0.5})
    if (const auto probes = std::max<std::int64_t>(1, std::llround(share * static_cast<double>(ivfLists)));
        probes != calibrated)
      sweep.push_back(probes);
  for (std::int64_t probes : sweep) {
    ivf.setProbes(probes);
    std::vector<HitList> approximate;
    const Timing t = best(3, [&] { approximate = ivf.search(queries.data(), nq, kTopK); });
    std::printf("ivf    probes %4lld (%5.1f%%)%s: %s, %s exact's, recall@10 %.4f\n", static_cast<long long>(probes),
                100.0 * static_cast<double>(probes) / static_cast<double>(ivfLists), probes == calibrated ? "*" : " ",
                rate(nq, t).c_str(), speedup(exactTime, t).c_str(), recallAt10(approximate, truth));
  }

  // What an evaluation does: recalibrate on the queries it searches (rows are easier than questions).
  const std::int64_t onQueries = ivf.calibrateProbes(queries.data(), nq, ivfOptions.targetRecall);
  {
    std::vector<HitList> approximate;
    const Timing t = best(3, [&] { approximate = ivf.search(queries.data(), nq, kTopK); });
    std::printf("ivf    probes %4lld (%5.1f%%) calibrated on the queries: %s, %s exact's, recall@10 %.4f\n",
                static_cast<long long>(onQueries),
                100.0 * static_cast<double>(onQueries) / static_cast<double>(ivfLists), rate(nq, t).c_str(),
                speedup(exactTime, t).c_str(), recallAt10(approximate, truth));
  }

  ivf.setProbes(calibrated);
  searchWide("ivf    calibrated probes,", ivf);

  // What Auto builds for these vectors once they are above its threshold.
  DenseIndexOptions autoOptions;
  autoOptions.approximateAbove = 1;
  autoOptions.ivfLists = lists;
  DenseIndexKind chosen = DenseIndexKind::Auto;
  const Timing autoTime =
      best(1, [&] { chosen = DenseIndex::build(base.data(), n, dimension, ids.data(), autoOptions).kind(); });
  std::printf("auto   (approximateAbove below n) builds %s in %s\n", toString(chosen).c_str(),
              duration(autoTime).c_str());

  if (!withHnsw)
    return 0;
  DenseIndexOptions hnswOptions;
  hnswOptions.kind = DenseIndexKind::Hnsw;
  const Timing hnswBuild =
      best(1, [&] { built = DenseIndex::build(base.data(), n, dimension, ids.data(), hnswOptions); });
  DenseIndex& hnsw = *built;
  std::printf("hnsw   build (M=%d, efConstruction=%d): %s\n", hnswOptions.hnswM, hnswOptions.hnswEfConstruction,
              duration(hnswBuild).c_str());
  searchWide("hnsw   efSearch 256,", hnsw);
  for (int ef : {64, 128, 256, 512, 1024}) {
    hnsw.setEfSearch(ef);
    std::vector<HitList> approximate;
    const Timing t = best(1, [&] { approximate = hnsw.search(queries.data(), nq, kTopK); });
    std::printf("hnsw   efSearch %4d         : %s, %s exact's, recall@10 %.4f\n", ef, rate(nq, t).c_str(),
                speedup(exactTime, t).c_str(), recallAt10(approximate, truth));
  }
  return 0;
}
