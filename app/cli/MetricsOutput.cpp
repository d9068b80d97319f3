#include "app/cli/MetricsOutput.h"

#include <iomanip>
#include <sstream>

#include "core/eval/Judges.h"

namespace distillery::cli {

nlohmann::json metricsJson(const eval::MetricsTable& table) {
  const std::string suffix = "@" + std::to_string(table.k);
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [group, summary] : table.groups) {
    nlohmann::json entry = nlohmann::json::object();
    for (const char* name : eval::kMetricNames)
      entry[std::string(name) + suffix] = eval::metricValue(summary.mean, name);
    entry["queries"] = summary.queries;
    nlohmann::json intervals = nlohmann::json::object();
    for (const auto& [name, interval] : summary.ci95)
      intervals[name + suffix] = {interval.low, interval.high};
    if (!intervals.empty())
      entry["ci95"] = intervals;
    metrics[group] = entry;
  }
  return metrics;
}

nlohmann::json comparisonJson(const eval::ByGroupAndMetric<eval::PairedDifference>& comparison, int k) {
  const std::string suffix = "@" + std::to_string(k);
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& [group, metrics] : comparison)
    for (const auto& [name, difference] : metrics) {
      nlohmann::json entry = {{"diff", difference.diff}, {"queries", difference.queries}};
      if (difference.ci95)
        entry["ci95"] = {difference.ci95->low, difference.ci95->high};
      if (difference.p)
        entry["p"] = *difference.p;
      groups[group][name + suffix] = entry;
    }
  return groups;
}

std::string metricsText(const eval::MetricsTable& table) {
  std::ostringstream text;
  const std::string suffix = "@" + std::to_string(table.k);
  text << "judgments: " << eval::describeJudges(table.judgedBy) << "; relevant from grade " << table.relevantFrom
       << "\n";
  text << std::left << std::setw(16) << "filing type" << std::right;
  for (const char* name : eval::kMetricNames)
    text << std::setw(12) << (std::string(name) + suffix);
  text << std::setw(10) << "queries" << std::setw(20) << ("ndcg" + suffix + " 95% CI") << "\n"
       << std::fixed << std::setprecision(4);
  auto row = [&](const std::string& group, const auto& summary) {
    text << std::left << std::setw(16) << group << std::right;
    for (const char* name : eval::kMetricNames)
      text << std::setw(12) << eval::metricValue(summary.mean, name);
    text << std::setw(10) << summary.queries;
    if (const auto ci = summary.ci95.find("ndcg"); ci != summary.ci95.end()) {
      std::ostringstream interval;
      interval << std::fixed << std::setprecision(4) << ci->second.low << "-" << ci->second.high;
      text << std::setw(20) << interval.str();
    }
    text << "\n";
  };
  // Filing types in order, the overall row last (a total line, not a filing type sorted among them).
  for (const auto& [group, summary] : table.groups)
    if (group != "ALL")
      row(group, summary);
  if (const auto all = table.groups.find("ALL"); all != table.groups.end())
    row(all->first, all->second);
  return text.str();
}

} // namespace distillery::cli
