// The query playground's latency (issue 21: "later queries answer in under 200 ms on 100k passages"): one query at a
// time through eval::CorpusSearcher, as the playground and `distillery-cli search` ask, on a corpus of about 100k
// passages made from ../shared/data/filings (its 19k passages copied under other company names), with 10,000 stored
// queries whose qrels the grade lookup reads. Prints the first query of each retriever (it builds the BM25 index or
// embeds the corpus with the default student's lexical start) and then the median and 95th percentile of 30 analyst
// queries asked 3 times each, per retriever, unfiltered and filtered to 10-K.
// The corpus is written once to a cache folder (never committed) and reused:
//   cmake --build build/release --target bench_search
//   build/release/bench/bench_search [passages=100000] [cache=build/release/bench-cache] [filings=DIR]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/corpus/CorpusImporter.h"
#include "core/corpus/CorpusRepository.h"
#include "core/eval/QuerySearch.h"
#include "core/model/DefaultStudent.h"
#include "core/model/EncoderFactory.h"
#include "core/model/TextEncoder.h"
#include "core/store/Store.h"
#include "core/util/Time.h"

using namespace distillery;

namespace {

const char* const kQueries[] = {
    "What was the company's total revenue in fiscal 2023?",
    "goodwill impairment charge reporting unit",
    "How much did the company spend on share repurchases?",
    "Which risks does the company see in its supply chain?",
    "dividend declared per share",
    "What is the outstanding balance of the revolving credit facility?",
    "litigation contingencies and legal proceedings",
    "How did operating margin change compared with the prior year?",
    "capital expenditures for property plant and equipment",
    "Who is the chief financial officer?",
    "cybersecurity incident disclosure",
    "What were the effects of foreign currency exchange rates on sales?",
    "income tax expense effective tax rate",
    "How many employees does the company have?",
    "material weakness in internal control over financial reporting",
    "What acquisitions did the company complete during the year?",
    "inventory write-down obsolete",
    "pension plan funded status and contributions",
    "What is the company's exposure to interest rate risk?",
    "stock-based compensation expense",
    "Which customers account for more than 10% of revenue?",
    "lease liabilities operating leases maturity",
    "restructuring charges severance",
    "What guidance did management give for next year?",
    "cash provided by operating activities",
    "entry into a material definitive agreement",
    "How much long-term debt matures in the next five years?",
    "research and development expenses increased",
    "segment information by geographic region",
    "What were the results of the annual shareholder meeting vote?",
};

struct Timing {
  double firstMs = 0;
  std::vector<double> laterMs;
};

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[at];
}

std::string argument(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind(name + "=", 0) == 0)
      return arg.substr(name.size() + 1);
  }
  return fallback;
}

// Imports the filings, copies their documents and passages under other company names until `target` passages
// exist, stores 10,000 queries with qrels and the default student's lexical start.
void buildCorpus(const std::filesystem::path& path, const std::filesystem::path& filings, std::int64_t target) {
  const std::filesystem::path partial = path.string() + ".partial";
  std::filesystem::remove(partial);
  {
    auto store = store::Store::open(partial, store::OpenMode::CreateNew);
    corpus::ImportOptions import;
    import.corpusName = "filings";
    corpus::importPaths(store, import, {filings}, {}, {});
    const std::int64_t corpusId = corpus::findCorpusId(store, "filings");
    const std::int64_t originals = corpus::countPassages(store, corpusId);
    const std::int64_t lastDocument = store.queryInt64("SELECT max(id) FROM documents");
    const std::int64_t lastPassage = corpus::lastPassageId(store, corpusId);
    store.transaction([&] {
      for (int copy = 1; corpus::countPassages(store, corpusId) < target; ++copy) {
        const std::string offset = std::to_string(copy * lastDocument);
        const std::string suffix = std::to_string(copy);
        store.exec("INSERT INTO documents(id, corpus_id, external_id, title, filing_type, company, cik, filing_date, "
                   "period, source_path, content_hash, metadata_json, imported_at) SELECT id + " +
                   offset + ", corpus_id, external_id || '-copy" + suffix +
                   "', title, filing_type, coalesce(company, '') "
                   "|| ' Copy " +
                   suffix + "', cik, filing_date, period, source_path, content_hash || '-" + suffix +
                   "', metadata_json, imported_at FROM documents WHERE id <= " + std::to_string(lastDocument));
        const std::int64_t missing = target - corpus::countPassages(store, corpusId);
        store.exec("INSERT INTO passages(document_id, corpus_id, record_key, section, ordinal, text, token_count, "
                   "content_hash) SELECT document_id + " +
                   offset + ", corpus_id, record_key || '-" + suffix +
                   "', section, ordinal, text, token_count, content_hash FROM passages WHERE id <= " +
                   std::to_string(lastPassage) + " ORDER BY id LIMIT " + std::to_string(missing));
      }
      store.exec("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (" + std::to_string(corpusId) +
                 ", 'load', 'synthetic', 'now')");
      const std::int64_t set = store.lastInsertId();
      for (int q = 0; q < 10000; ++q) {
        store
            .prepare("INSERT INTO queries(query_set_id, text, query_type, origin) VALUES (?1, ?2, 'question', "
                     "'heuristic')")
            .bind(1, set)
            .bind(2, "stored query " + std::to_string(q) + " about revenue and margins")
            .run();
        store.prepare("INSERT INTO qrels(query_id, record_key, grade) VALUES (?1, ?2, 2)")
            .bind(1, store.lastInsertId())
            .bind(2, "p" + std::to_string(1 + q % originals))
            .run();
      }
    });
    std::vector<std::string> texts;
    for (const auto& p : corpus::loadPassages(store, corpusId))
      if (static_cast<std::int64_t>(texts.size()) < originals)
        texts.push_back(p.indexedText());
    model::DefaultStudentOptions student;
    student.steps = 0; // its lexical start: the latency is the same as a trained one's
    const std::filesystem::path directory = path.string() + ".student";
    model::trainDefaultStudent(texts, directory, student);
    model::registerModel(store, directory, "default", "default student (lexical start)");
    store.exec("PRAGMA wal_checkpoint(TRUNCATE)"); // everything in the file itself before it is renamed
  }
  std::filesystem::rename(partial, path);
}

} // namespace

int main(int argc, char** argv) {
  const std::int64_t target = std::atoll(argument(argc, argv, "passages", "100000").c_str());
  const std::filesystem::path cache = argument(argc, argv, "cache", DISTILLERY_BENCH_CACHE);
  const std::filesystem::path filings = argument(argc, argv, "filings", DISTILLERY_SHARED_DATA "/filings");
  const std::filesystem::path path = cache / ("search-" + std::to_string(target) + ".distillery");
  if (!std::filesystem::exists(path)) {
    if (!std::filesystem::is_directory(filings)) {
      std::fprintf(stderr, "bench_search: %s not found (give filings=DIR)\n", filings.c_str());
      return 2;
    }
    std::filesystem::create_directories(cache);
    std::printf("building %s once ...\n", path.c_str());
    const double started = monotonicSeconds();
    buildCorpus(path, filings, target);
    std::printf("built in %.1f s\n", monotonicSeconds() - started);
  }
  auto store = store::Store::open(path, store::OpenMode::MustExist);
  const std::int64_t corpusId = corpus::findCorpusId(store, "filings");
  model::EncoderContext context;
  context.store = &store;
  const auto encoder = model::openEncoder("model:1", context);

  double started = monotonicSeconds();
  eval::CorpusSearcher searcher(store, corpusId);
  std::printf("corpus: %lld passages, read in %.2f s\n", static_cast<long long>(searcher.passageCount()),
              monotonicSeconds() - started);

  const std::vector<std::pair<std::string, eval::RetrieverKind>> retrievers = {{"bm25", eval::RetrieverKind::Bm25},
                                                                               {"dense", eval::RetrieverKind::Dense},
                                                                               {"hybrid", eval::RetrieverKind::Hybrid}};
  std::printf("%-22s %12s %12s %12s %8s\n", "retriever", "first (s)", "median (ms)", "p95 (ms)", "queries");
  for (const std::string filter : {"", "filing_type=10-K"})
    for (const auto& [name, kind] : retrievers) {
      eval::SearchOptions options;
      options.retriever = kind;
      options.encoder = encoder.get();
      options.filter = index::PassageFilter::parse(filter);
      Timing timing;
      for (int repeat = 0; repeat < 3; ++repeat)
        for (const char* query : kQueries) {
          started = monotonicSeconds();
          const auto hits = searcher.search(query, options);
          const double ms = 1000.0 * (monotonicSeconds() - started);
          if (hits.empty())
            std::fprintf(stderr, "no hits for '%s'\n", query);
          if (repeat == 0 && query == kQueries[0])
            timing.firstMs = ms;
          else
            timing.laterMs.push_back(ms);
        }
      const std::string label = filter.empty() ? name : name + " (" + filter + ")";
      std::printf("%-22s %12.2f %12.1f %12.1f %8zu\n", label.c_str(), timing.firstMs / 1000.0,
                  percentile(timing.laterMs, 0.5), percentile(timing.laterMs, 0.95), timing.laterMs.size());
      std::fflush(stdout);
    }
  return 0;
}
