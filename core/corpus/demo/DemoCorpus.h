#pragma once
// The built-in demo corpus: synthetic but filing-like passages of several companies and filing types,
// with held-out queries and graded qrels, so the whole pipeline runs with no data at hand.
// Deterministic: the same seed writes byte-identical files.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace distillery::corpus {

struct DemoCorpusOptions {
  std::uint64_t seed = 42;
  int companies = 18;   // distinct fictional registrants
  int queries = 300;    // held-out test queries with qrels
  int devQueries = 100; // further queries with qrels in qrels/dev.tsv, for choosing settings (never for reporting)
};

struct DemoCorpusSummary {
  std::int64_t documents = 0;                      // filings
  std::int64_t passages = 0;                       // corpus.jsonl records
  std::int64_t queries = 0;                        // test queries
  std::int64_t devQueries = 0;                     // dev queries, after the test ones in queries.jsonl
  std::int64_t qrels = 0;                          // test and dev judgments
  std::map<std::string, std::int64_t> filingTypes; // passages by filing type
};

/// Writes DIR/corpus.jsonl (records with _id, title, text, metadata{filing_type, company, period,
/// section, document}), DIR/queries.jsonl, DIR/qrels/test.tsv, DIR/qrels/dev.tsv and DIR/README.md. Creates DIR;
/// refuses (InputError) when DIR already holds a corpus.jsonl, so a user's data is never overwritten.
DemoCorpusSummary writeDemoCorpus(const std::filesystem::path& dir, const DemoCorpusOptions& options = {});

} // namespace distillery::corpus
