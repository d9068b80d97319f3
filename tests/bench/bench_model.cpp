// Model benchmarks (plain main, figures on stdout):
//   bench_model throughput  embeds 2,000 TAT-QA passages with a BERT-small-shaped random model (6 layers, 384
//                           hidden, 12 heads, max length 256): passages/s, achieved GFLOP/s against torch::mm's
//                           measured peak, padding ratio.
//   bench_model quality     trains the default student on the demo corpus and on TAT-QA and reports MRR@5 and
//                           NDCG@5 on their test qrels against the same network with random weights (BM25 on
//                           TAT-QA: 0.464 / 0.448).
#include "core/corpus/DemoCorpus.h"
#include "core/model/DefaultStudent.h"
#include "core/model/StudentModel.h"
#include "core/util/Time.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
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

// Exact MRR@5 and NDCG@5 (linear gain, log2(rank+1) discount) by brute-force cosine search.
std::pair<double, double> evaluate(StudentModel& model, const BeirSet& set) {
  EncodeOptions options;
  options.batchSize = 64;
  options.maxLength = 0; // the model's own limit
  const auto passages = model.encode(set.passages, TextRole::Passage, options);
  const auto queries = model.encode(set.queries, TextRole::Query, options);
  const auto d = static_cast<std::size_t>(model.config().hiddenSize);
  double mrr = 0, ndcg = 0;
  for (std::size_t q = 0; q < set.queries.size(); ++q) {
    std::vector<std::pair<float, std::size_t>> scores(set.passages.size());
    for (std::size_t p = 0; p < set.passages.size(); ++p)
      scores[p] = {std::inner_product(&queries[q * d], &queries[q * d] + d, &passages[p * d], 0.0f), p};
    std::partial_sort(scores.begin(), scores.begin() + std::min<std::size_t>(5, scores.size()), scores.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    const auto& relevant = set.qrels.at(set.queryIds[q]);
    double dcg = 0;
    bool found = false;
    for (std::size_t r = 0; r < std::min<std::size_t>(5, scores.size()); ++r) {
      const auto it = relevant.find(set.passageIds[scores[r].second]);
      const int grade = it == relevant.end() ? 0 : it->second;
      if (grade > 0 && !found) {
        mrr += 1.0 / double(r + 1);
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
    ndcg += ideal > 0 ? dcg / ideal : 0;
  }
  const double n = double(std::max<std::size_t>(1, set.queries.size()));
  return {mrr / n, ndcg / n};
}

double measureMatmulPeak() {
  const auto a = torch::randn({2048, 2048}), b = torch::randn({2048, 2048});
  torch::mm(a, b); // warm-up
  double best = 0;
  for (int i = 0; i < 5; ++i) {
    const double start = monotonicSeconds();
    const auto c = torch::mm(a, b);
    const double seconds = monotonicSeconds() - start;
    best = std::max(best, 2.0 * 2048.0 * 2048.0 * 2048.0 / seconds / 1e9);
  }
  return best;
}

int throughput() {
  const std::filesystem::path data = DISTILLERY_SHARED_DATA;
  if (!std::filesystem::exists(data / "tatqa-beir/corpus.jsonl") || !std::filesystem::exists(data / "tokenizer")) {
    std::printf("shared data not found under %s: skipped\n", data.c_str());
    return 0;
  }
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  const auto set = loadBeir(data / "tatqa-beir", 2000);
  auto tokenizer = text::WordPieceTokenizer::fromPath(data / "tokenizer/bert-base-uncased");
  BertConfig config;
  config.vocabSize = tokenizer.vocabularySize();
  config.hiddenSize = 384;
  config.layers = 6;
  config.heads = 12;
  config.intermediateSize = 1536;
  config.maxPositions = 512;
  config.maxSequenceLength = 256;
  auto model = StudentModel::createRandom(config, tokenizer, 1);

  const double peak = measureMatmulPeak();
  for (const int batch : {16, 32, 64}) {
    EncodeStatistics statistics;
    EncodeOptions options;
    options.batchSize = batch;
    options.maxLength = 256;
    options.statistics = &statistics;
    model->encode(std::vector<std::string>(set.passages.begin(), set.passages.begin() + 64), TextRole::Passage,
                  options); // warm-up
    const double start = monotonicSeconds();
    model->encode(set.passages, TextRole::Passage, options);
    const double seconds = monotonicSeconds() - start;

    // FLOPs the model computed, padding included, from the same length-sorted batches encode() forms.
    std::vector<std::int64_t> lengths;
    for (const auto& text : set.passages)
      lengths.push_back(static_cast<std::int64_t>(tokenizer.encodeIds(text, 256).size()));
    std::sort(lengths.rbegin(), lengths.rend());
    const double h = double(config.hiddenSize), inter = double(config.intermediateSize);
    double flops = 0;
    for (std::size_t i = 0; i < lengths.size(); i += static_cast<std::size_t>(batch)) {
      const double rows = double(std::min(lengths.size(), i + batch) - i), length = double(lengths[i]);
      const double perToken = 2.0 * (4.0 * h * h + 2.0 * h * inter) + 2.0 * 2.0 * length * h;
      flops += rows * length * perToken * double(config.layers);
    }
    const double gflops = flops / seconds / 1e9;
    std::printf("throughput batch=%d threads=%d: %zu passages in %.2f s = %.1f passages/s; %.1f GFLOP/s of %.1f "
                "GFLOP/s torch::mm peak (%.0f%%); padding ratio %.3f\n",
                batch, threads, set.passages.size(), seconds, double(set.passages.size()) / seconds, gflops, peak,
                100.0 * gflops / peak, statistics.paddingRatio());
  }
  return 0;
}

void qualityOn(const std::string& label, const BeirSet& set, std::size_t randomRepeats = 1) {
  const auto root = std::filesystem::temp_directory_path() / ("bench_model_" + label);
  std::filesystem::remove_all(root);
  DefaultStudentOptions options;
  // The encoder factory's rule: about a dozen passes, at most options.steps.
  const int batches = (static_cast<int>(set.passages.size()) + options.batchSize - 1) / options.batchSize;
  options.steps = std::clamp(12 * batches, 24, options.steps);
  saveRandomStudent(set.passages, root / "random", options);
  auto lexicalOnly = options;
  lexicalOnly.steps = 0;
  trainDefaultStudent(set.passages, root / "lexical", lexicalOnly);
  const auto report = trainDefaultStudent(set.passages, root / "trained", options);
  const auto [randomMrr, randomNdcg] = evaluate(*StudentModel::load(root / "random"), set);
  const auto [lexicalMrr, lexicalNdcg] = evaluate(*StudentModel::load(root / "lexical"), set);
  const auto [mrr, ndcg] = evaluate(*StudentModel::load(root / "trained"), set);
  std::printf("quality %s (%zu passages, %zu test queries): default student trained %lld steps in %.1f s (loss %.3f -> "
              "%.3f): MRR@5 %.3f NDCG@5 %.3f; its lexical start before the warm start: MRR@5 %.3f NDCG@5 %.3f; "
              "random weights: MRR@5 %.3f NDCG@5 %.3f\n",
              label.c_str(), set.passages.size(), set.queries.size(), static_cast<long long>(report.steps),
              report.seconds, report.firstLoss, report.lastLoss, mrr, ndcg, lexicalMrr, lexicalNdcg, randomMrr,
              randomNdcg);
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
    if (mode == "throughput")
      return throughput();
    if (mode == "quality")
      return quality();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_model: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: bench_model [throughput|quality]\n");
  return 2;
}
