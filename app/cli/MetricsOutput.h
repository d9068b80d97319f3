#pragma once
// How eval and run print a metrics table: {"ALL": {"mrr@5": X, ...}, "10-K": {...}} and an aligned text table.
#include <string>

#include <nlohmann/json.hpp>

#include "core/eval/Metrics.h"

namespace distillery::cli {

nlohmann::json metricsJson(const eval::MetricsTable& table);
/// The aligned table: a header row, then one row per filing type.
std::string metricsText(const eval::MetricsTable& table);

} // namespace distillery::cli
