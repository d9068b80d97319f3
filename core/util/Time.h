#pragma once
#include <string>

namespace distillery {

/// Current UTC time as ISO 8601 with milliseconds, e.g. 2026-11-22T04:55:57.123Z.
std::string nowIso8601();

/// Seconds since an arbitrary fixed point, for measuring durations.
double monotonicSeconds();

} // namespace distillery
