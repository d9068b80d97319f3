#pragma once
// Small string_view helpers shared by the corpus readers (ASCII whitespace only: filings' Unicode
// spaces are normalised earlier, by the HTML converter).
#include <string_view>

namespace distillery::corpus {

inline bool isAsciiSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && isAsciiSpace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && isAsciiSpace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

} // namespace distillery::corpus
