#pragma once
// Exact IR metrics, one definition each (the README repeats them). Pure functions: no store, no I/O.
//
// A ranking is a list of distinct record keys, best first (rank 1 = first); chunks of one record are
// collapsed to the record's best passage before scoring. Judgments map record keys to graded relevance
// (0 = judged irrelevant); unjudged records count as grade 0. A record is *relevant* when its grade >= relevant_from:
// 1 on binary qrels (0-1) and on a 0-2 scale, 2 on the 0-3 scale (the teacher's, the labels', TREC DL's, where grade 1
// means "related, does not answer"); see defaultRelevantFrom. NDCG keeps every grade's gain whatever the threshold.
//
//   MRR@k    = 1 / rank of the first relevant record within the top k, else 0.
//   DCG@k    = sum over ranks r <= k of grade(r) / log2(r + 1)            (linear gain, every grade > 0).
//   NDCG@k   = DCG@k / IDCG@k, where IDCG@k is the DCG@k of all judged grades of the query sorted
//              descending (whether or not those records are in the corpus); 0 when IDCG@k = 0.
//   Recall@k = relevant records within the top k / all relevant judged records; 0 when none.
// A ranking shorter than k simply contributes nothing past its end.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace distillery::eval {

/// Record key -> grade, for one query.
using Judgments = std::map<std::string, int>;

/// The grade from which a record counts as relevant for MRR and Recall, given the top grade of the qrels' scale.
constexpr int defaultRelevantFrom(int topGrade) {
  return topGrade >= 3 ? 2 : 1;
}

struct MetricValues {
  double mrr = 0;
  double dcg = 0;
  double ndcg = 0;
  double recall = 0;
};

/// The metric names as stored in metrics.name and printed by the CLI ("mrr@5").
inline constexpr const char* kMetricNames[] = {"mrr", "dcg", "ndcg", "recall"};
double metricValue(const MetricValues& values, const std::string& name);

/// Metrics of one query's ranking (distinct record keys, best first) at cut-off k; MRR and Recall count grades
/// >= relevantFrom as relevant.
MetricValues computeMetrics(const std::vector<std::string>& ranking, const Judgments& judgments, int k,
                            int relevantFrom = 1);

/// Collapses a ranking of passage record keys (possibly repeated, best first) to distinct keys in order
/// of their first (best) occurrence.
std::vector<std::string> distinctInOrder(const std::vector<std::string>& keys);

/// One evaluated query.
struct QueryMetrics {
  std::string queryKey;
  std::string filingType; // the group it is averaged into besides ALL
  MetricValues values;
};

/// The label of the average over every query.
inline constexpr const char* kAllFilingTypes = "ALL";

/// A confidence interval of a mean (core/eval/Statistics.h computes them).
struct Interval {
  double low = 0;
  double high = 0;
};

struct MetricSummary {
  MetricValues mean;
  std::int64_t queries = 0;
  std::map<std::string, Interval> ci95; // metric name -> 95% bootstrap interval; none below 2 queries
};

/// Filing type ("ALL" included) -> mean metrics and query count.
struct MetricsTable {
  int k = 0;
  int relevantFrom = 1; // the grade MRR and Recall counted as relevant from
  std::string judgedBy; // who graded the judgments (core/eval/Judges.h); empty: not recorded
  std::map<std::string, MetricSummary> groups;
};

/// Arithmetic means over all queries (ALL) and over the queries of each filing type.
MetricsTable aggregate(const std::vector<QueryMetrics>& queries, int k);

} // namespace distillery::eval
