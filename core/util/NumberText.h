#pragma once
// Numbers as people read them in text: digit groups and a fixed number of decimals, the same on every locale.
#include <string>

namespace distillery {

/// 1234567 -> "1,234,567"; negative values keep their sign.
std::string withCommas(long long value);
/// value with exactly decimals digits after the point.
std::string fixed(double value, int decimals);

} // namespace distillery
