// Model benchmarks (plain main, figures on stdout):
//   bench_model throughput  embeds 2,000 TAT-QA passages with a BERT-small-shaped random model (6 layers, 384
//                           hidden, 12 heads, max length 256): passages/s, achieved GFLOP/s against torch::mm's
//                           peak measured between the batches of the same run, padding ratio.
//   bench_model quality     trains the default student on the demo corpus and on TAT-QA and reports MRR@5 and
//                           NDCG@5 on their test qrels, with its lexical start, the same network with random
//                           weights and BM25 beside it.
//
// Throughput on a shared machine: other processes take cores for seconds at a time, so a peak measured once
// before a 40-second run says little about the cores the run had. Instead torch::mm runs after every batch
// (outside the batch's timing, with the same threads), and the run's efficiency is its FLOPs over what torch::mm
// would have done in each batch's time at the speed measured next to it. Each setting runs three times; the
// best run is reported (load only ever slows a run down) with the median beside it.
#include "core/corpus/demo/DemoCorpus.h"
#include "core/index/Bm25Index.h"
#include "core/model/DefaultStudent.h"
#include "core/model/StudentModel.h"
#include "core/util/Time.h"
#include "tests/support/BertSmall.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <numeric>
#include <thread>

using namespace distillery;
using namespace distillery::model;

namespace {

struct BeirSet {
  std::vector<std::string> passageIds, passages;
  std::vector<std::string> queryIds, queries;
  std::map<std::string, std::map<std::string, int>> qrels; // query id -> passage id -> grade
};

BeirSet loadBeir(const std::filesystem::path& dir, std::size_t maxPassages = SIZE_MAX) {
  BeirSet set;
  std::ifstream corpus(dir / "corpus.jsonl");
  std::string line;
  while (std::getline(corpus, line) && set.passages.size() < maxPassages) {
    const auto record = nlohmann::json::parse(line);
    std::string text = record.value("text", "");
    const std::string title = record.value("title", "");
    set.passageIds.push_back(record["_id"]);
    set.passages.push_back(title.empty() ? text : title + " " + text);
  }
  std::ifstream qrels(dir / "qrels" / "test.tsv");
  std::getline(qrels, line); // header
  while (std::getline(qrels, line)) {
    const auto a = line.find('\t'), b = line.find('\t', a + 1);
    set.qrels[line.substr(0, a)][line.substr(a + 1, b - a - 1)] = std::stoi(line.substr(b + 1));
  }
  std::ifstream queries(dir / "queries.jsonl");
  while (std::getline(queries, line)) {
    const auto record = nlohmann::json::parse(line);
    if (set.qrels.count(record["_id"])) {
      set.queryIds.push_back(record["_id"]);
      set.queries.push_back(record["text"]);
    }
  }
  return set;
}

struct Quality {
  double mrr = 0, ndcg = 0;
};

// MRR@5 and NDCG@5 (linear gain, log2(rank+1) discount) of each query's top five passages (indexes into set).
Quality scoreRankings(const BeirSet& set, const std::vector<std::vector<std::size_t>>& topFive) {
  Quality quality;
  for (std::size_t q = 0; q < set.queries.size(); ++q) {
    const auto& relevant = set.qrels.at(set.queryIds[q]);
    double dcg = 0;
    bool found = false;
    for (std::size_t r = 0; r < topFive[q].size(); ++r) {
      const auto it = relevant.find(set.passageIds[topFive[q][r]]);
      const int grade = it == relevant.end() ? 0 : it->second;
      if (grade > 0 && !found) {
        quality.mrr += 1.0 / double(r + 1);
        found = true;
      }
      dcg += grade / std::log2(double(r + 2));
    }
    std::vector<int> grades;
    for (const auto& [id, grade] : relevant)
      grades.push_back(grade);
    std::sort(grades.rbegin(), grades.rend());
    double ideal = 0;
    for (std::size_t r = 0; r < std::min<std::size_t>(5, grades.size()); ++r)
      ideal += grades[r] / std::log2(double(r + 2));
    quality.ndcg += ideal > 0 ? dcg / ideal : 0;
  }
  const double n = double(std::max<std::size_t>(1, set.queries.size()));
  return {quality.mrr / n, quality.ndcg / n};
}

// Exact search: brute-force cosine over every passage.
Quality evaluateDense(StudentModel& model, const BeirSet& set) {
  EncodeOptions options;
  options.batchSize = 64;
  options.maxLength = 0; // the model's own limit
  const auto passages = model.encode(set.passages, TextRole::Passage, options);
  const auto queries = model.encode(set.queries, TextRole::Query, options);
  const auto d = static_cast<std::size_t>(model.config().hiddenSize);
  std::vector<std::vector<std::size_t>> topFive(set.queries.size());
  for (std::size_t q = 0; q < set.queries.size(); ++q) {
    std::vector<std::pair<float, std::size_t>> scores(set.passages.size());
    for (std::size_t p = 0; p < set.passages.size(); ++p)
      scores[p] = {std::inner_product(&queries[q * d], &queries[q * d] + d, &passages[p * d], 0.0f), p};
    const auto k = std::min<std::size_t>(5, scores.size());
    std::partial_sort(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(k), scores.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t r = 0; r < k; ++r)
      topFive[q].push_back(scores[r].second);
  }
  return scoreRankings(set, topFive);
}

Quality evaluateBm25(const BeirSet& set) {
  std::vector<std::int64_t> ids(set.passages.size());
  std::iota(ids.begin(), ids.end(), std::int64_t{0});
  const auto hits = index::Bm25Index::build(ids, set.passages).search(set.queries, 5);
  std::vector<std::vector<std::size_t>> topFive;
  for (const auto& list : hits) {
    topFive.emplace_back();
    for (const auto& hit : list)
      topFive.back().push_back(static_cast<std::size_t>(hit.id));
  }
  return scoreRankings(set, topFive);
}

class MatmulPeak {
public:
  MatmulPeak() : a_(torch::randn({kSize, kSize})), b_(torch::randn({kSize, kSize})) { torch::mm(a_, b_); }
  /// GFLOP/s of one large torch::mm, on the threads torch is set to.
  double measure() const {
    const double start = monotonicSeconds();
    const auto product = torch::mm(a_, b_);
    return 2.0 * double(kSize) * double(kSize) * double(kSize) / (monotonicSeconds() - start) / 1e9;
  }

private:
  static constexpr std::int64_t kSize = 2048;
  torch::Tensor a_, b_;
};

struct ThroughputRun {
  double seconds = 0;     // embedding only, the peak measurements between batches excluded
  double flops = 0;       // padding included
  double peakSeconds = 0; // sum over batches of seconds x the torch::mm GFLOP/s measured next to the batch
  double maxPeak = 0;
  double paddingRatio = 0;
  double efficiency() const { return flops / 1e9 / peakSeconds; }
};

ThroughputRun embedOnce(StudentModel& model, const BeirSet& set, int batch, const MatmulPeak& peak) {
  const auto& config = model.config();
  const double h = double(config.hiddenSize), inter = double(config.intermediateSize);
  // Per layer: the four h x h projections and the two feed-forward matrices for every token computed, and for
  // every query-key pair the score and the weighted value (2 x h multiply-adds).
  auto flopsOf = [&](const EncodeStatistics& s) {
    return double(config.layers) *
           (2.0 * (4.0 * h * h + 2.0 * h * inter) * double(s.computedTokens) + 4.0 * h * double(s.attentionPairs));
  };
  ThroughputRun run;
  EncodeStatistics statistics;
  double counted = 0, previousPeak = peak.measure(), started = 0;
  EncodeOptions options;
  options.batchSize = batch;
  options.maxLength = 256;
  options.threads = torch::get_num_threads(); // encode() would otherwise take every core
  options.statistics = &statistics;
  options.progress = [&](const Progress&) {
    const double seconds = monotonicSeconds() - started;
    const double flops = flopsOf(statistics) - counted;
    counted += flops;
    const double next = peak.measure();
    run.seconds += seconds;
    run.flops += flops;
    run.peakSeconds += seconds * 0.5 * (previousPeak + next);
    run.maxPeak = std::max({run.maxPeak, previousPeak, next});
    previousPeak = next;
    started = monotonicSeconds();
  };
  started = monotonicSeconds();
  model.encode(set.passages, TextRole::Passage, options);
  run.paddingRatio = statistics.paddingRatio();
  return run;
}

int throughput(const std::vector<int>& batches, int repeats, int threads) {
  const std::filesystem::path data = DISTILLERY_SHARED_DATA;
  if (!std::filesystem::exists(data / "tatqa-beir/corpus.jsonl") || !std::filesystem::exists(data / "tokenizer")) {
    std::printf("shared data not found under %s: skipped\n", data.c_str());
    return 0;
  }
  torch::set_num_threads(threads);
  const auto set = loadBeir(data / "tatqa-beir", 2000);
  auto tokenizer = text::WordPieceTokenizer::fromPath(data / "tokenizer/bert-base-uncased");
  auto model = StudentModel::createRandom(test::bertSmallConfig(tokenizer.vocabularySize()), tokenizer, 1);
  const MatmulPeak peak;
  EncodeOptions warmUp;
  model->encode(std::vector<std::string>(set.passages.begin(), set.passages.begin() + 64), TextRole::Passage, warmUp);

  for (const int batch : batches) {
    std::vector<ThroughputRun> runs;
    for (int repeat = 0; repeat < repeats; ++repeat)
      runs.push_back(embedOnce(*model, set, batch, peak));
    std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.efficiency() > b.efficiency(); });
    const auto& best = runs.front();
    std::printf("throughput batch=%d threads=%d: %zu passages in %.2f s = %.1f passages/s; %.1f GFLOP/s, %.0f%% of "
                "torch::mm's %.1f GFLOP/s measured between its batches (median of %d runs %.0f%%; against the "
                "highest peak seen %.0f%%); padding ratio %.3f\n",
                batch, threads, set.passages.size(), best.seconds, double(set.passages.size()) / best.seconds,
                best.flops / best.seconds / 1e9, 100.0 * best.efficiency(), best.peakSeconds / best.seconds, repeats,
                100.0 * runs[runs.size() / 2].efficiency(), 100.0 * best.flops / best.seconds / 1e9 / best.maxPeak,
                best.paddingRatio);
    std::fflush(stdout);
  }
  return 0;
}

void qualityOn(const std::string& label, const BeirSet& set) {
  const auto root = std::filesystem::temp_directory_path() / ("bench_model_" + label);
  std::filesystem::remove_all(root);
  DefaultStudentOptions options;
  options.steps = defaultStudentSteps(set.passages.size(), options); // the encoder factory's budget
  saveRandomStudent(set.passages, root / "random", options);
  auto lexicalOnly = options;
  lexicalOnly.steps = 0;
  trainDefaultStudent(set.passages, root / "lexical", lexicalOnly);
  const auto report = trainDefaultStudent(set.passages, root / "trained", options);
  const auto random = evaluateDense(*StudentModel::load(root / "random"), set);
  const auto lexical = evaluateDense(*StudentModel::load(root / "lexical"), set);
  const auto trained = evaluateDense(*StudentModel::load(root / "trained"), set);
  const auto bm25 = evaluateBm25(set);
  std::printf("quality %s (%zu passages, %zu test queries): default student trained %lld steps in %.1f s (loss %.3f -> "
              "%.3f): MRR@5 %.3f NDCG@5 %.3f; its lexical start before the warm start: MRR@5 %.3f NDCG@5 %.3f; "
              "random weights: MRR@5 %.3f NDCG@5 %.3f; BM25: MRR@5 %.3f NDCG@5 %.3f\n",
              label.c_str(), set.passages.size(), set.queries.size(), static_cast<long long>(report.steps),
              report.seconds, report.firstLoss, report.lastLoss, trained.mrr, trained.ndcg, lexical.mrr, lexical.ndcg,
              random.mrr, random.ndcg, bm25.mrr, bm25.ndcg);
  std::fflush(stdout);
  std::filesystem::remove_all(root);
}

int quality() {
  torch::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  const auto demoDir = std::filesystem::temp_directory_path() / "bench_model_demo_corpus";
  std::filesystem::remove_all(demoDir);
  corpus::writeDemoCorpus(demoDir);
  qualityOn("demo", loadBeir(demoDir));
  std::filesystem::remove_all(demoDir);
  const std::filesystem::path data = DISTILLERY_SHARED_DATA;
  if (std::filesystem::exists(data / "tatqa-beir/corpus.jsonl"))
    qualityOn("tatqa", loadBeir(data / "tatqa-beir"));
  else
    std::printf("shared data not found under %s: TAT-QA skipped\n", data.c_str());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "throughput";
  try {
    if (mode == "throughput") {
      // bench_model throughput [BATCH,BATCH,... [REPEATS [THREADS]]]: fewer settings for a quick before/after
      // comparison; THREADS defaults to all cores (1: the single-thread efficiency against a single-thread peak).
      std::vector<int> batches{16, 32, 64};
      if (argc > 2) {
        batches.clear();
        for (std::string list = argv[2]; !list.empty();) {
          const auto comma = list.find(',');
          batches.push_back(std::max(1, std::atoi(list.substr(0, comma).c_str())));
          list = comma == std::string::npos ? "" : list.substr(comma + 1);
        }
      }
      const int threads = argc > 4 ? std::max(1, std::atoi(argv[4]))
                                   : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      return throughput(batches, argc > 3 ? std::max(1, std::atoi(argv[3])) : 3, threads);
    }
    if (mode == "quality")
      return quality();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_model: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: bench_model [throughput [BATCH,... [REPEATS [THREADS]]] | quality]\n");
  return 2;
}
