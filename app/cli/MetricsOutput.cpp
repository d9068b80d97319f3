#include "app/cli/MetricsOutput.h"

#include <iomanip>
#include <sstream>

namespace distillery::cli {

nlohmann::json metricsJson(const eval::MetricsTable& table) {
  const std::string suffix = "@" + std::to_string(table.k);
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [group, summary] : table.groups) {
    nlohmann::json entry = nlohmann::json::object();
    for (const char* name : eval::kMetricNames)
      entry[std::string(name) + suffix] = eval::metricValue(summary.mean, name);
    entry["queries"] = summary.queries;
    metrics[group] = entry;
  }
  return metrics;
}

std::string metricsText(const eval::MetricsTable& table) {
  std::ostringstream text;
  const std::string suffix = "@" + std::to_string(table.k);
  text << std::left << std::setw(16) << "filing type" << std::right;
  for (const char* name : eval::kMetricNames)
    text << std::setw(12) << (std::string(name) + suffix);
  text << std::setw(10) << "queries"
       << "\n"
       << std::fixed << std::setprecision(4);
  auto row = [&](const std::string& group, const auto& summary) {
    text << std::left << std::setw(16) << group << std::right;
    for (const char* name : eval::kMetricNames)
      text << std::setw(12) << eval::metricValue(summary.mean, name);
    text << std::setw(10) << summary.queries << "\n";
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
