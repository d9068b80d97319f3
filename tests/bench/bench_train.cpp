// bench_train [--threads N] [--steps N] [--list-size N]: one optimiser step of the default listwise loss (listwise KL
// + 0.1 x InfoNCE) on a BERT-small student (6 x 384, 12 heads, FFN 1536, bert-base-uncased vocabulary, dropout 0.1),
// 8 TAT-QA test queries x 20 TAT-QA passages each, max 256 tokens: Distillery's trainer (batchLoss + TrainingLoop:
// AdamW, clipping) against the same step written in PyTorch from Python (reference_train_step.py beside this file)
// on the same weights and token ids, in the same run. The peer runs twice: with Debian's default BLAS (the pthreads
// OpenBLAS a python3-torch user gets) and with the OpenMP OpenBLAS Distillery loads; the ratio is against the faster.
// Prints median seconds per step of each and the ratio; skips the peer with a message when python3-torch is absent.
#include "core/model/TrainingLoop.h"
#include "core/util/Time.h"
#include "tests/support/BertSmall.h"
#include "tests/support/ReferenceTrainStep.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

using namespace distillery;
using namespace distillery::model;
using namespace distillery::pipeline;

namespace {

std::vector<std::string> readField(const std::filesystem::path& path, const char* field, std::size_t limit) {
  std::vector<std::string> values;
  std::ifstream in(path);
  std::string line;
  while (values.size() < limit && std::getline(in, line))
    values.push_back(nlohmann::json::parse(line).value(field, ""));
  return values;
}

std::string runAndCapture(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::array<char, 4096> buffer{};
  while (pipe && std::fgets(buffer.data(), buffer.size(), pipe.get()))
    out += buffer.data();
  return out;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
  int threads = 1, steps = 5;
  std::size_t listSize = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--threads"))
      threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--steps"))
      steps = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--list-size"))
      listSize = static_cast<std::size_t>(std::max(2, std::atoi(argv[i + 1])));
  }
  const std::filesystem::path data = DISTILLERY_SHARED_DATA;
  if (!std::filesystem::exists(data / "tatqa-beir/corpus.jsonl") || !std::filesystem::exists(data / "tokenizer")) {
    std::printf("shared data not found under %s: skipped\n", data.c_str());
    return 0;
  }
  torch::set_num_threads(threads);
  const auto passages = readField(data / "tatqa-beir/corpus.jsonl", "text", 8 * listSize);
  const auto queries = readField(data / "tatqa-beir/queries.jsonl", "text", 8);
  std::vector<TrainingExample> examples;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    TrainingExample example;
    example.query = queries[q];
    for (std::size_t i = 0; i < listSize; ++i) {
      example.passages.push_back(passages[q * listSize + i]);
      const double grade = static_cast<double>((q + 3 * i) % 4);
      example.teacherScores.push_back(grade);
      (grade == 3 ? example.positives : grade == 2 ? example.excluded : example.negatives).push_back(i);
    }
    examples.push_back(std::move(example));
  }
  auto tokenizer = text::WordPieceTokenizer::fromPath(data / "tokenizer/bert-base-uncased");
  auto student = StudentModel::createRandom(test::bertSmallConfig(tokenizer.vocabularySize()), tokenizer, 1);
  const auto root = std::filesystem::temp_directory_path() / "bench_train";
  std::filesystem::create_directories(root);
  student->save(root / "model");
  TrainingConfig training;
  training.listSize = static_cast<int>(listSize);
  test::writeJson(root / "step.json", test::referenceStepFile(*student, examples, training, 3.0));

  std::vector<const TrainingExample*> batch;
  for (const auto& example : examples)
    batch.push_back(&example);
  TrainingSchedule schedule;
  schedule.totalSteps = steps + 1;
  schedule.learningRate = 2e-5;
  schedule.maxGradNorm = training.clipNorm;
  schedule.weightDecay = training.weightDecay;
  TrainingLoop loop(student->parameters(), schedule);
  std::vector<double> seconds;
  for (int step = 0; step <= steps; ++step) { // the first step allocates the optimiser's state: not counted
    const double start = monotonicSeconds();
    loop.step(batchLoss(*student, batch, training, 3.0));
    if (step > 0)
      seconds.push_back(monotonicSeconds() - start);
  }
  const double ours = median(seconds);
  std::printf("train step (8 queries x %zu passages, BERT-small, %d thread(s)): distillery %.3f s/step\n", listSize,
              threads, ours);
  std::fflush(stdout);
  if (const auto reason = test::referenceUnavailable(); !reason.empty()) {
    std::printf("peer skipped: %s\n", reason.c_str());
    return 0;
  }
  double best = 0;
  for (const auto& [label, environment] : std::vector<std::pair<std::string, std::string>>{
           {"Debian default BLAS", ""}, {"OpenMP OpenBLAS", "LD_LIBRARY_PATH=" OPENMP_BLAS_DIR " "}}) {
    const auto command = environment + "OMP_NUM_THREADS=" + std::to_string(threads) + " " + test::kReferencePython +
                         " " + test::referenceScript().string() + " --model " + (root / "model").string() + " --step " +
                         (root / "step.json").string() + " --threads " + std::to_string(threads) + " --time " +
                         std::to_string(steps);
    const auto out = runAndCapture(command);
    try {
      const double peer = nlohmann::json::parse(out)["seconds_per_step"].get<double>();
      best = best == 0 ? peer : std::min(best, peer);
      std::printf("  peer, PyTorch from Python (%s): %.3f s/step\n", label.c_str(), peer);
    } catch (const std::exception&) {
      std::printf("  peer (%s) failed: %s\n", label.c_str(), out.c_str());
    }
    std::fflush(stdout);
  }
  if (best > 0)
    std::printf("distillery is %.2fx the faster peer (higher is better)\n", best / ours);
  return 0;
}
