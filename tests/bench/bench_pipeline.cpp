// One distillation round on the real filings of ../shared/data/filings (about 19k passages after import) with 500
// synthetic queries, K = 20 and the heuristic teacher: the wall time of each step and its share of the round.
// The slowest step is the next thing to optimise.
//   cmake --build build/release --target bench_pipeline && build/release/bench/bench_pipeline [FILINGS_DIR] [queries]
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/corpus/CorpusImporter.h"
#include "core/corpus/CorpusRepository.h"
#include "core/model/DefaultStudent.h"
#include "core/pipeline/DistillationRun.h"
#include "core/store/Store.h"
#include "core/util/Time.h"

using namespace distillery;

int main(int argc, char** argv) {
  const std::filesystem::path filings = argc > 1
                                            ? std::filesystem::path(argv[1])
                                            : std::filesystem::path(DISTILLERY_SOURCE_DIR) / "../shared/data/filings";
  if (!std::filesystem::is_directory(filings)) {
    std::fprintf(stderr, "bench_pipeline: %s not found (give the filings folder as the first argument)\n",
                 filings.c_str());
    return 2;
  }
  const int queries = argc > 2 ? std::atoi(argv[2]) : 500;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "distillery-bench-pipeline";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
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
  studentOptions.steps = 0;
  model::trainDefaultStudent(texts, dir / "student", studentOptions);

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
  std::filesystem::remove_all(dir);
  return 0;
}
