#pragma once
// Stored metrics as the dashboard arranges them: one value per (run, round, retriever, filing type,
// metric, k), the latest evaluation winning. Plain C++ over the store, tested directly.
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

namespace distillery::ui {

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
};

class MetricTable {
public:
  MetricTable() = default;
  explicit MetricTable(std::vector<MetricRecord> records);
  static MetricTable load(store::Store& store);

  const std::vector<MetricRecord>& records() const { return records_; }
  /// The record for this key, if stored.
  std::optional<MetricRecord> find(std::int64_t runId, int round, const std::string& retriever,
                                   const std::string& filingType, const std::string& name, int k) const;
  /// The BM25 baseline for a run: its own bm25 evaluation (latest round), else one without a run.
  std::optional<MetricRecord> baseline(std::int64_t runId, const std::string& filingType, const std::string& name,
                                       int k) const;
  /// Filing types with a value for this run (ALL first, then alphabetical).
  std::vector<std::string> filingTypes(std::int64_t runId) const;
  /// Dense rounds evaluated for the run, ascending.
  std::vector<int> rounds(std::int64_t runId, const std::string& retriever = "dense") const;
  std::vector<int> ks() const;
  /// Retrievers with a value for the run, sorted.
  std::vector<std::string> retrievers(std::int64_t runId) const;

private:
  std::vector<MetricRecord> records_;
  std::map<std::tuple<std::int64_t, int, std::string, std::string, std::string, int>, std::size_t> index_;
};

} // namespace distillery::ui
