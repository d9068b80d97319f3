// One distillation round with the heuristic teacher: the wall time of each step, its share of the round, and the
// process's peak RSS. Two set-ups:
//   bench_pipeline [FILINGS_DIR] [queries]      the real filings of ../shared/data/filings (about 19k passages after
//                                               import), 500 synthetic queries, K = 20, the default student's
//                                               lexical start (the slowest step is the next thing to optimise)
//   bench_pipeline --bert-small [queries]       the demo corpus (2,282 passages), 300 queries, a BERT-small student
//                                               (6 x 384, 12 heads, FFN 1536, random weights): what a user who brings
//                                               a bge-small/e5-small-sized model waits for; prints the per-passage
//                                               and per-step costs the README's extrapolation uses
//   cmake --build build/release --target bench_pipeline && build/release/bench/bench_pipeline ...
#include <ATen/Parallel.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/corpus/CorpusImporter.h"
#include "core/corpus/CorpusRepository.h"
#include "core/corpus/demo/DemoCorpus.h"
#include "core/model/DefaultStudent.h"
#include "core/pipeline/DistillationRun.h"
#include "core/store/Store.h"
#include "core/util/Time.h"

using namespace distillery;

int main(int argc, char** argv) {
  const bool bertSmall = argc > 1 && !std::strcmp(argv[1], "--bert-small");
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "distillery-bench-pipeline";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path filings = bertSmall ? dir / "demo-data"
                                        : argc > 1
                                            ? std::filesystem::path(argv[1])
                                            : std::filesystem::path(DISTILLERY_SOURCE_DIR) / "../shared/data/filings";
  if (bertSmall)
    corpus::writeDemoCorpus(filings);
  if (!std::filesystem::is_directory(filings)) {
    std::fprintf(stderr, "bench_pipeline: %s not found (give the filings folder as the first argument)\n",
                 filings.c_str());
    return 2;
  }
  const int queries = argc > 2 ? std::atoi(argv[2]) : bertSmall ? 300 : 500;
  auto store = store::Store::open(dir / "bench.distillery", store::OpenMode::CreateNew);
  corpus::ImportOptions import;
  import.corpusName = "demo";
  corpus::importPaths(store, import, {filings}, {}, {});
  const auto passages = corpus::loadPassages(store, corpus::findCorpusId(store, "demo"));
  std::printf("corpus: %zu passages\n", passages.size());

  // The student: the default student's lexical start without its warm start (training that is the default
  // student's own benchmark, bench_model quality), so the filter and the miner see a realistic student.
  std::vector<std::string> texts;
  for (const auto& p : passages)
    texts.push_back(p.text);
  model::DefaultStudentOptions studentOptions;
  const double studentStarted = monotonicSeconds();
  if (bertSmall) {
    studentOptions.layers = 6;
    studentOptions.hiddenSize = 384;
    studentOptions.heads = 12;
    studentOptions.intermediateSize = 1536;
    studentOptions.vocabularySize = 30522;
    model::saveRandomStudent(texts, dir / "student", studentOptions);
  } else {
    studentOptions.steps = 0;
    model::trainDefaultStudent(texts, dir / "student", studentOptions);
  }
  std::printf("student: %s in %.1f s\n", bertSmall ? "BERT-small, random weights" : "default (lexical start)",
              monotonicSeconds() - studentStarted);

  pipeline::RunConfig config;
  config.student = (dir / "student").string();
  config.rounds = 1;
  config.queriesPerRound = queries;
  config.candidatesK = 20;
  const std::int64_t runId = pipeline::createRun(store, "demo", config);
  std::vector<std::pair<std::string, double>> steps;
  pipeline::RunCallbacks callbacks;
  callbacks.stepFinished = [&](int, const std::string& step, double seconds) { steps.emplace_back(step, seconds); };
  const double started = monotonicSeconds();
  pipeline::executeRun(store, runId, callbacks, {});
  const double total = monotonicSeconds() - started;
  double round = 0;
  for (const auto& [step, seconds] : steps)
    round += seconds;
  std::printf("round 0 (held-out teacher queries, their judged pool, base + BM25 evaluation): %.1f s\n", total - round);
  std::printf("%-12s %10s %8s\n", "step", "seconds", "share");
  for (const auto& [step, seconds] : steps)
    std::printf("%-12s %10.2f %7.1f%%\n", step.c_str(), seconds, 100.0 * seconds / round);
  std::printf("%-12s %10.2f\n", "round 1", round);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS %.2f GB; %zu passages, %d queries, %d thread(s)\n", double(usage.ru_maxrss) / 1048576.0,
              passages.size(), queries, at::get_num_threads());
  std::filesystem::remove_all(dir);
  return 0;
}
