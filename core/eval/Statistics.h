#pragma once
// How sure a figure is: percentile-bootstrap confidence intervals of a mean over queries, and paired comparisons of
// two retrievers scored on the same queries (the difference of means, its bootstrap interval and a two-sided
// sign-flip randomisation test). Pure functions with a fixed seed, so a stored figure is reproducible.
//
//   interval: resample the n per-query values with replacement `resamples` times, take the means' empirical
//             alpha/2 and 1 - alpha/2 quantiles (nearest rank). Fewer than 2 values: no interval.
//   p-value:  d_i = b_i - a_i; under "no difference" each d_i's sign is a coin flip. p = the share of sign patterns
//             whose |mean| >= the observed |mean|; all 2^n patterns when 2^n <= resamples (exact), else
//             `resamples` random ones, p = (1 + hits) / (1 + resamples). No queries: no p-value.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/eval/Metrics.h"

namespace distillery::eval {

struct StatisticsOptions {
  int resamples = 1000;
  std::uint64_t seed = 42;
  double confidence = 0.95;
};

/// The Wilson score interval of a proportion: `successes` of `trials` (e.g. the pairs where the teacher's grade equals
/// people's), at 95% (z = 1.96). It stays inside [0, 1] and is sensible at 0 or all successes and on few trials, where
/// the normal approximation is not. Empty for no trials; throws InputError when successes is outside 0..trials.
std::optional<Interval> proportionInterval(std::int64_t successes, std::int64_t trials);

/// The bootstrap interval of the mean of `values`; empty for fewer than 2 values.
std::optional<Interval> bootstrapMeanInterval(std::span<const double> values, const StatisticsOptions& options = {});

struct PairedDifference {
  double diff = 0;              // mean(b) - mean(a)
  std::optional<Interval> ci95; // bootstrap interval of the mean difference (confidence as asked)
  std::optional<double> p;      // two-sided sign-flip randomisation test
  std::int64_t queries = 0;     // pairs compared
  bool significant(double level = 0.05) const { return p && *p < level; }
};

/// b - a over paired values (a[i] and b[i] belong to the same query). Throws InputError when the sizes differ.
PairedDifference pairedDifference(std::span<const double> a, std::span<const double> b,
                                  const StatisticsOptions& options = {});

/// Metric name ("ndcg") -> value, for one filing type.
template <typename T> using ByMetric = std::map<std::string, T>;
/// Filing type ("ALL" included) -> metric name -> value.
template <typename T> using ByGroupAndMetric = std::map<std::string, ByMetric<T>>;
/// The value of one filing type and metric; nullptr when the table has neither.
template <typename T>
const T* findByGroupAndMetric(const ByGroupAndMetric<T>& table, const std::string& group, const std::string& metric) {
  const auto byGroup = table.find(group);
  if (byGroup == table.end())
    return nullptr;
  const auto found = byGroup->second.find(metric);
  return found == byGroup->second.end() ? nullptr : &found->second;
}

/// Each group's (ALL and every filing type) bootstrap interval of every metric; groups of one query get none.
ByGroupAndMetric<Interval> metricIntervals(const std::vector<QueryMetrics>& queries,
                                           const StatisticsOptions& options = {});

/// B against A per group and metric, over the queries both scored (paired by query key; a query's group is B's).
ByGroupAndMetric<PairedDifference> compareQueries(const std::vector<QueryMetrics>& a,
                                                  const std::vector<QueryMetrics>& b,
                                                  const StatisticsOptions& options = {});

} // namespace distillery::eval
