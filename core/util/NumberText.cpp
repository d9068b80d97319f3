#include "core/util/NumberText.h"

#include <cstdio>
#include <cstdlib>

namespace distillery {

std::string withCommas(long long value) {
  std::string digits = std::to_string(std::llabs(value));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<std::size_t>(i), ",");
  return (value < 0 ? "-" : "") + digits;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

} // namespace distillery
