#pragma once
// Stored metrics as the dashboard and the run report arrange them: one value per (run, round, retriever, filing type,
// metric, k), the latest evaluation winning. Evaluations outside runs are further told apart by what they were
// evaluated on (corpus, query set, split): BM25 on one corpus never stands in for BM25 on another. Plain C++ over the
// store, tested directly.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/eval/Metrics.h"

namespace distillery::store {
class Store;
}

namespace distillery::reporting {

struct MetricRecord {
  std::int64_t runId = 0; // 0 when the evaluation belongs to no run (e.g. a baseline)
  int roundIndex = 0;
  std::string retriever;  // dense | bm25 | hybrid | ...; "dense model 3" for a model evaluated outside runs
  std::string filingType; // "ALL" for the average over every query
  std::string name;       // mrr | dcg | ndcg | recall
  int k = 0;
  double value = 0;
  int queryCount = 0;
  std::optional<eval::Interval> ci95; // 95% bootstrap interval of the mean; none below 2 queries or stored before
  std::string judgedBy;               // who graded the judgments (core/eval/Judges.h)
  std::string corpus;                 // name of the corpus evaluated on ("" when not known)
  std::string querySet;               // the query set's name, else the queries file ("" when not known)
  std::string split;                  // the query set's split evaluated (train | dev | test), "" for all of it
  /// What an evaluation outside runs was evaluated on (corpus, query set, split), "" inside runs: set by MetricTable.
  std::string scope;
};

/// What evaluations outside runs were evaluated on: one chart each, so corpora never share one.
struct MetricScope {
  std::string key; // MetricRecord::scope
  std::string corpus;
  std::string querySet;
  std::string split;
};

class MetricTable {
public:
  MetricTable() = default;
  explicit MetricTable(std::vector<MetricRecord> records);
  static MetricTable load(store::Store& store);

  /// Outside runs (runId 0) each scope is a source of its own; `scope` picks one. Without it, the latest record of any
  /// scope answers (inside runs there is only one scope, "").
  using Scope = std::optional<std::string>;

  const std::vector<MetricRecord>& records() const { return records_; }
  /// The record for this key, if stored.
  std::optional<MetricRecord> find(std::int64_t runId, int round, const std::string& retriever,
                                   const std::string& filingType, const std::string& name, int k,
                                   const Scope& scope = std::nullopt) const;
  /// The BM25 baseline for a run: its own bm25 evaluation (latest round), else one without a run on the run's corpus.
  /// Outside runs (runId 0): the bm25 evaluation of the scope.
  std::optional<MetricRecord> baseline(std::int64_t runId, const std::string& filingType, const std::string& name,
                                       int k, const Scope& scope = std::nullopt) const;
  /// Filing types with a value for this run (ALL first, then alphabetical).
  std::vector<std::string> filingTypes(std::int64_t runId, const Scope& scope = std::nullopt) const;
  /// Dense rounds evaluated for the run, ascending.
  std::vector<int> rounds(std::int64_t runId, const std::string& retriever = "dense",
                          const Scope& scope = std::nullopt) const;
  std::vector<int> ks() const;
  /// Retrievers with a value for the run, sorted.
  std::vector<std::string> retrievers(std::int64_t runId, const Scope& scope = std::nullopt) const;
  /// What evaluations outside runs were evaluated on, by corpus, query set and split.
  std::vector<MetricScope> scopes() const;
  /// The corpus a run's evaluations were on ("" when not known).
  std::string corpusOf(std::int64_t runId) const;

private:
  using Key = std::tuple<std::int64_t, int, std::string, std::string, std::string, int>;
  std::vector<MetricRecord> records_;
  std::map<std::tuple<std::int64_t, int, std::string, std::string, std::string, int, std::string>, std::size_t> index_;
  std::map<Key, std::size_t> latestOfAnyScope_;
};

/// The name users read for a stored metric: "mrr" -> "MRR", "ndcg" -> "NDCG", "recall" -> "Recall"; others as stored.
std::string metricDisplayName(const std::string& name);

} // namespace distillery::reporting
