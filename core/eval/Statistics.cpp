#include "core/eval/Statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <unordered_map>

#include "core/util/Error.h"

namespace distillery::eval {
namespace {

double mean(std::span<const double> values) {
  return values.empty() ? 0.0 : std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// Nearest-rank quantiles of the sorted resampled means.
Interval quantiles(std::vector<double>& means, double confidence) {
  std::sort(means.begin(), means.end());
  const double alpha = 1.0 - confidence;
  const auto n = static_cast<double>(means.size());
  const auto low = static_cast<std::size_t>(std::floor(alpha / 2 * n));
  const auto high = static_cast<std::size_t>(std::max(1.0, std::ceil((1 - alpha / 2) * n))) - 1;
  return {means[std::min(low, means.size() - 1)], means[std::min(high, means.size() - 1)]};
}

void checkOptions(const StatisticsOptions& options) {
  if (options.resamples < 1)
    throw InputError("resamples must be at least 1, got " + std::to_string(options.resamples));
  if (!(options.confidence > 0 && options.confidence < 1))
    throw InputError("confidence must be between 0 and 1, got " + std::to_string(options.confidence));
}

// Tolerance for "as extreme as observed", so that patterns equal to the observed mean up to rounding count.
constexpr double kTie = 1e-12;

double signFlipP(std::span<const double> diffs, const StatisticsOptions& options) {
  const double observed = std::abs(mean(diffs));
  const std::size_t n = diffs.size();
  const auto extreme = [&](auto sign) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i)
      sum += sign(i) ? -diffs[i] : diffs[i];
    return std::abs(sum / static_cast<double>(n)) >= observed - kTie;
  };
  if (n < 63 && (std::uint64_t{1} << n) <= static_cast<std::uint64_t>(options.resamples)) {
    const std::uint64_t patterns = std::uint64_t{1} << n;
    std::uint64_t hits = 0;
    for (std::uint64_t pattern = 0; pattern < patterns; ++pattern)
      hits += extreme([&](std::size_t i) { return (pattern >> i) & 1U; }) ? 1 : 0;
    return static_cast<double>(hits) / static_cast<double>(patterns);
  }
  std::mt19937_64 random(options.seed);
  std::vector<bool> flips(n);
  std::int64_t hits = 0;
  for (int r = 0; r < options.resamples; ++r) {
    for (std::size_t i = 0; i < n; ++i)
      flips[i] = (random() & 1U) != 0;
    hits += extreme([&](std::size_t i) { return flips[i]; }) ? 1 : 0;
  }
  return static_cast<double>(1 + hits) / static_cast<double>(1 + options.resamples);
}

} // namespace

std::optional<Interval> proportionInterval(std::int64_t successes, std::int64_t trials) {
  if (successes < 0 || successes > trials)
    throw InputError("a proportion needs 0 <= successes <= trials, got " + std::to_string(successes) + " of " +
                     std::to_string(trials));
  if (trials == 0)
    return std::nullopt;
  constexpr double z = 1.959963984540054; // the normal's 97.5% quantile
  const auto n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double halfWidth = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  return Interval{std::max(0.0, centre - halfWidth), std::min(1.0, centre + halfWidth)};
}

std::optional<Interval> bootstrapMeanInterval(std::span<const double> values, const StatisticsOptions& options) {
  checkOptions(options);
  if (values.size() < 2)
    return std::nullopt;
  std::mt19937_64 random(options.seed);
  std::uniform_int_distribution<std::size_t> pick(0, values.size() - 1);
  std::vector<double> means(static_cast<std::size_t>(options.resamples));
  for (double& m : means) {
    double sum = 0;
    for (std::size_t i = 0; i < values.size(); ++i)
      sum += values[pick(random)];
    m = sum / static_cast<double>(values.size());
  }
  return quantiles(means, options.confidence);
}

PairedDifference pairedDifference(std::span<const double> a, std::span<const double> b,
                                  const StatisticsOptions& options) {
  checkOptions(options);
  if (a.size() != b.size())
    throw InputError("a paired comparison needs the same queries on both sides, got " + std::to_string(a.size()) +
                     " and " + std::to_string(b.size()));
  std::vector<double> diffs(a.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    diffs[i] = b[i] - a[i];
  PairedDifference result;
  result.queries = static_cast<std::int64_t>(diffs.size());
  result.diff = mean(diffs);
  result.ci95 = bootstrapMeanInterval(diffs, options);
  if (!diffs.empty())
    result.p = signFlipP(diffs, options);
  return result;
}

namespace {

// Group -> the queries' values of each metric, in the given order.
ByGroupAndMetric<std::vector<double>> valuesByGroup(const std::vector<const QueryMetrics*>& queries) {
  ByGroupAndMetric<std::vector<double>> groups;
  for (const QueryMetrics* query : queries) {
    std::vector<std::string> names{kAllFilingTypes};
    if (query->filingType != kAllFilingTypes)
      names.push_back(query->filingType);
    for (const std::string& group : names)
      for (const char* name : kMetricNames)
        groups[group][name].push_back(metricValue(query->values, name));
  }
  return groups;
}

} // namespace

ByGroupAndMetric<Interval> metricIntervals(const std::vector<QueryMetrics>& queries, const StatisticsOptions& options) {
  std::vector<const QueryMetrics*> pointers;
  for (const QueryMetrics& query : queries)
    pointers.push_back(&query);
  ByGroupAndMetric<Interval> intervals;
  for (const auto& [group, metrics] : valuesByGroup(pointers))
    for (const auto& [name, values] : metrics)
      if (auto interval = bootstrapMeanInterval(values, options))
        intervals[group][name] = *interval;
  return intervals;
}

ByGroupAndMetric<PairedDifference> compareQueries(const std::vector<QueryMetrics>& a,
                                                  const std::vector<QueryMetrics>& b,
                                                  const StatisticsOptions& options) {
  std::unordered_map<std::string, const QueryMetrics*> aByKey;
  for (const QueryMetrics& query : a)
    aByKey.emplace(query.queryKey, &query);
  std::vector<const QueryMetrics*> pairedA, pairedB;
  for (const QueryMetrics& query : b)
    if (auto found = aByKey.find(query.queryKey); found != aByKey.end()) {
      pairedA.push_back(found->second);
      pairedB.push_back(&query);
    }
  // A's values grouped by B's filing types, so that both sides list the same queries in the same order.
  std::vector<QueryMetrics> aInBGroups;
  for (std::size_t i = 0; i < pairedA.size(); ++i)
    aInBGroups.push_back({pairedA[i]->queryKey, pairedB[i]->filingType, pairedA[i]->values});
  std::vector<const QueryMetrics*> aPointers;
  for (const QueryMetrics& query : aInBGroups)
    aPointers.push_back(&query);
  const auto aValues = valuesByGroup(aPointers);
  const auto bValues = valuesByGroup(pairedB);
  ByGroupAndMetric<PairedDifference> result;
  for (const auto& [group, metrics] : bValues)
    for (const auto& [name, values] : metrics)
      result[group][name] = pairedDifference(aValues.at(group).at(name), values, options);
  return result;
}

} // namespace distillery::eval
