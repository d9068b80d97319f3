#pragma once
// What every part of the demo generator writes with: its own random numbers (the same on every standard library),
// synonyms that make one fact read differently across filings, and the way filings print numbers.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/util/NumberText.h" // withCommas, fixed: how filings print numbers

namespace distillery::corpus::demo {

// Own distributions over mt19937_64: std:: distributions differ between standard libraries, and the
// demo must be byte-identical for a seed everywhere.
class Rng {
public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return engine_(); }
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform(0, 1) < p; }
  template <typename T> const T& choose(const std::vector<T>& items) { return items[pick(items.size())]; }
  template <typename T> void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i)
      std::swap(items[i - 1], items[pick(i)]);
  }

private:
  std::mt19937_64 engine_;
};

/// One of the ways filings say key ("revenue": "net sales", "total revenues", ...), picked by rng.
std::string syn(Rng& rng, const std::string& key);
/// $ millions as prose: "$312.4 million", "$4.27 billion".
std::string money(double millions);
/// $ millions as a table cell: "$1,234", negative values in parentheses.
std::string tableMoney(double millions);
/// s with its first letter upper case.
std::string capitalised(std::string s);
/// "12.3%".
std::string percent(double value, int decimals = 1);

} // namespace distillery::corpus::demo
