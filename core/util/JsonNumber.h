#pragma once
// Whole numbers read from JSON that someone else wrote. A value like 5e20 parses as a double, and converting an
// out-of-range double to an integer is undefined behaviour, so the range is checked on the JSON value itself,
// before any conversion.
#include <cmath>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/util/Error.h"

namespace distillery {

/// The value as an integer in [lo, hi]. Whole doubles (768.0, 1e3) are accepted; fractions, other types and
/// numbers outside the range throw InputError("<subject> must be ...", e.g. subject "config.json: field vocab_size").
inline std::int64_t jsonWholeNumber(const nlohmann::json& value, std::int64_t lo, std::int64_t hi,
                                    const std::string& subject) {
  const auto outOfRange = [&] {
    std::string shown = value.dump();
    if (shown.size() > 40)
      shown = shown.substr(0, 40) + "...";
    return InputError(subject + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", not " +
                      shown);
  };
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(hi) || (lo > 0 && number < static_cast<std::uint64_t>(lo)))
      throw outOfRange();
    return static_cast<std::int64_t>(number);
  }
  if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    if (number < lo || number > hi)
      throw outOfRange();
    return number;
  }
  if (value.is_number_float()) {
    const double number = value.get<double>();
    if (number != std::floor(number)) // NaN and infinities cannot come from JSON text
      throw InputError(subject + " must be a whole number, not " + value.dump());
    // Compared as doubles: hi near INT64_MAX rounds up, so the bound is applied with >= on the rounded value.
    if (number < static_cast<double>(lo) || number >= static_cast<double>(hi) + 1.0)
      throw outOfRange();
    return static_cast<std::int64_t>(number);
  }
  throw InputError(subject + " must be a whole number, not " + std::string(value.type_name()));
}

} // namespace distillery
