// Import throughput: every real filing of the shared test data (DISTILLERY_SHARED_DATA/filings: EDGAR-CORPUS 10-K
// and 8-K JSON, paged 10-Q text) into a new store, single-threaded, reported as MB/s of input and passages/s.
// Goal: >= 5 MB/s. Also times the demo corpus generator and its import.
// Run: build/<preset>/bench/bench_corpus [filings-dir]
#include "core/corpus/CorpusImporter.h"
#include "core/corpus/demo/DemoCorpus.h"
#include "core/store/Store.h"
#include "core/util/Time.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace distillery;

namespace {

std::uint64_t bytesUnder(const fs::path& dir) {
  std::uint64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename() != "metadata.jsonl")
      total += entry.file_size();
  return total;
}

void importAndReport(const char* label, const fs::path& input, const fs::path& storePath) {
  fs::remove(storePath);
  auto store = store::Store::open(storePath, store::OpenMode::CreateNew);
  corpus::ImportOptions options;
  options.corpusName = label;
  const double started = monotonicSeconds();
  const std::clock_t cpuStarted = std::clock();
  const corpus::ImportSummary summary = corpus::importPaths(store, options, {input});
  const double seconds = monotonicSeconds() - started;
  // CPU time too: on a shared machine wall time mostly measures the neighbours.
  const double cpuSeconds = static_cast<double>(std::clock() - cpuStarted) / CLOCKS_PER_SEC;
  const double megabytes = static_cast<double>(bytesUnder(input)) / 1e6;
  std::printf("%-8s %7.2f MB  %5lld documents  %6lld passages\n"
              "         wall %6.2f s: %6.2f MB/s %8.0f passages/s | cpu %6.2f s: %6.2f MB/s %8.0f passages/s\n"
              "         (%lld exact duplicates removed, %lld near-duplicates flagged, %zu skipped)\n",
              label, megabytes, static_cast<long long>(summary.documents), static_cast<long long>(summary.passages),
              seconds, megabytes / seconds, static_cast<double>(summary.passages) / seconds, cpuSeconds,
              megabytes / cpuSeconds, static_cast<double>(summary.passages) / cpuSeconds,
              static_cast<long long>(summary.exactDuplicatesRemoved),
              static_cast<long long>(summary.nearDuplicatesFlagged), summary.skipped.size());
}

} // namespace

int main(int argc, char** argv) {
  const fs::path filings = argc > 1 ? fs::path(argv[1]) : fs::path(DISTILLERY_SHARED_DATA) / "filings";
  const fs::path work = fs::temp_directory_path() / ("distillery-bench-corpus-" + std::to_string(::getpid()));
  fs::create_directories(work);
  if (fs::exists(filings)) {
    importAndReport("filings", filings, work / "filings.db");
  } else {
    std::printf("filings: %s not found, skipped\n", filings.string().c_str());
  }
  const double started = monotonicSeconds();
  const corpus::DemoCorpusSummary demo = corpus::writeDemoCorpus(work / "demo");
  std::printf("demo     generated %lld passages, %lld queries in %.2f s\n", static_cast<long long>(demo.passages),
              static_cast<long long>(demo.queries), monotonicSeconds() - started);
  importAndReport("demo", work / "demo", work / "demo.db");
  fs::remove_all(work);
  return 0;
}
