#pragma once
// How eval and run print a metrics table: {"ALL": {"mrr@5": X, ...}, "10-K": {...}} and an aligned text table.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/eval/Metrics.h"

namespace distillery::cli {

nlohmann::json metricsJson(const eval::MetricsTable& table);
std::string metricsText(const eval::MetricsTable& table, std::int64_t evaluationId);

} // namespace distillery::cli
