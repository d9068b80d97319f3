#pragma once
// How eval and run print a metrics table: {"ALL": {"mrr@5": X, ..., "queries": N, "ci95": {"mrr@5": [low, high],
// ...}}, "10-K": {...}} and an aligned text table; and a paired comparison:
// {"ALL": {"ndcg@5": {"diff": X, "ci95": [low, high], "p": P, "queries": N}, ...}, ...}.
#include <string>

#include <nlohmann/json.hpp>

#include "core/eval/Metrics.h"
#include "core/eval/Statistics.h"

namespace distillery::cli {

nlohmann::json metricsJson(const eval::MetricsTable& table);
nlohmann::json comparisonJson(const eval::ByGroupAndMetric<eval::PairedDifference>& comparison, int k);
/// The aligned table: a header row, then one row per filing type.
std::string metricsText(const eval::MetricsTable& table);

} // namespace distillery::cli
