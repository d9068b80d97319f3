#include "core/eval/Metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_set>

#include "core/util/Error.h"

namespace distillery::eval {
namespace {

double discount(std::size_t rank) { // rank from 1
  return 1.0 / std::log2(static_cast<double>(rank) + 1.0);
}

void accumulate(MetricValues& sum, const MetricValues& v) {
  sum.mrr += v.mrr;
  sum.dcg += v.dcg;
  sum.ndcg += v.ndcg;
  sum.recall += v.recall;
}

} // namespace

double metricValue(const MetricValues& values, const std::string& name) {
  if (name == "mrr")
    return values.mrr;
  if (name == "dcg")
    return values.dcg;
  if (name == "ndcg")
    return values.ndcg;
  if (name == "recall")
    return values.recall;
  throw Error("unknown metric '" + name + "'");
}

MetricValues computeMetrics(const std::vector<std::string>& ranking, const Judgments& judgments, int k,
                            int relevantFrom) {
  MetricValues values;
  relevantFrom = std::max(relevantFrom, 1);
  if (k <= 0)
    return values;
  const std::size_t cutoff = static_cast<std::size_t>(k);

  std::size_t relevantTotal = 0;
  std::vector<int> idealGrades;
  for (const auto& [key, grade] : judgments) {
    if (grade >= relevantFrom)
      ++relevantTotal;
    if (grade > 0)
      idealGrades.push_back(grade);
  }
  std::sort(idealGrades.begin(), idealGrades.end(), std::greater<>());
  double idealDcg = 0;
  for (std::size_t i = 0; i < idealGrades.size() && i < cutoff; ++i)
    idealDcg += idealGrades[i] * discount(i + 1);

  std::size_t relevantFound = 0;
  std::unordered_set<std::string> seen; // a repeated key is scored once, at its first rank
  std::size_t rank = 0;
  for (const std::string& key : ranking) {
    if (rank >= cutoff)
      break;
    if (!seen.insert(key).second)
      continue;
    ++rank;
    auto judged = judgments.find(key);
    const int grade = judged == judgments.end() ? 0 : judged->second;
    if (grade > 0)
      values.dcg += grade * discount(rank);
    if (grade >= relevantFrom) {
      if (values.mrr == 0)
        values.mrr = 1.0 / static_cast<double>(rank);
      ++relevantFound;
    }
  }
  values.ndcg = idealDcg > 0 ? values.dcg / idealDcg : 0.0;
  values.recall = relevantTotal > 0 ? static_cast<double>(relevantFound) / static_cast<double>(relevantTotal) : 0.0;
  return values;
}

std::vector<std::string> distinctInOrder(const std::vector<std::string>& keys) {
  std::vector<std::string> distinct;
  std::unordered_set<std::string> seen;
  for (const std::string& key : keys)
    if (seen.insert(key).second)
      distinct.push_back(key);
  return distinct;
}

MetricsTable aggregate(const std::vector<QueryMetrics>& queries, int k) {
  MetricsTable table;
  table.k = k;
  std::map<std::string, MetricValues> sums;
  table.groups[kAllFilingTypes]; // ALL is present even without queries
  for (const QueryMetrics& query : queries) {
    std::vector<std::string> groups{kAllFilingTypes};
    if (query.filingType != kAllFilingTypes)
      groups.push_back(query.filingType);
    for (const std::string& group : groups) {
      accumulate(sums[group], query.values);
      ++table.groups[group].queries;
    }
  }
  for (auto& [group, summary] : table.groups) {
    if (summary.queries == 0)
      continue;
    const double n = static_cast<double>(summary.queries);
    const MetricValues& sum = sums[group];
    summary.mean = {sum.mrr / n, sum.dcg / n, sum.ndcg / n, sum.recall / n};
  }
  return table;
}

} // namespace distillery::eval
