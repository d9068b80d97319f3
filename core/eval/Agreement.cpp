#include "core/eval/Agreement.h"

#include <cmath>
#include <limits>

namespace distillery::eval {

int ConfusionMatrix::total() const {
  int sum = 0;
  for (const auto& row : counts)
    for (int c : row)
      sum += c;
  return sum;
}

int ConfusionMatrix::agreements() const {
  int sum = 0;
  for (int i = 0; i < kGradeLevels; ++i)
    sum += counts[i][i];
  return sum;
}

int ConfusionMatrix::relevanceAgreements(int relevantFrom) const {
  int sum = 0;
  for (int h = 0; h < kGradeLevels; ++h)
    for (int t = 0; t < kGradeLevels; ++t)
      if ((h >= relevantFrom) == (t >= relevantFrom))
        sum += counts[h][t];
  return sum;
}

void ConfusionMatrix::add(int human, int teacher) {
  if (human >= 0 && human < kGradeLevels && teacher >= 0 && teacher < kGradeLevels)
    ++counts[human][teacher];
}

double cohensKappa(const ConfusionMatrix& m, KappaWeighting weighting) {
  const double n = m.total();
  if (n == 0)
    return std::numeric_limits<double>::quiet_NaN();
  std::array<double, kGradeLevels> rows{}, cols{};
  for (int i = 0; i < kGradeLevels; ++i)
    for (int j = 0; j < kGradeLevels; ++j) {
      rows[i] += m.counts[i][j];
      cols[j] += m.counts[i][j];
    }
  // Disagreement weights: 0/1 for plain kappa, squared distance for the graded (quadratic) variant.
  const auto weight = [&](int i, int j) {
    const double d = i - j;
    return weighting == KappaWeighting::Quadratic ? d * d / double((kGradeLevels - 1) * (kGradeLevels - 1))
                                                  : (i == j ? 0.0 : 1.0);
  };
  double observed = 0, expected = 0;
  for (int i = 0; i < kGradeLevels; ++i)
    for (int j = 0; j < kGradeLevels; ++j) {
      observed += weight(i, j) * m.counts[i][j] / n;
      expected += weight(i, j) * rows[i] * cols[j] / (n * n);
    }
  if (expected == 0)
    return 1.0; // everyone used one category and agreed
  return 1.0 - observed / expected;
}

std::map<std::string, ConfusionMatrix> confusionByFilingType(const std::vector<GradedPair>& pairs) {
  std::map<std::string, ConfusionMatrix> result;
  for (const GradedPair& p : pairs) {
    if (p.human < 0 || p.human >= kGradeLevels || p.teacher < 0 || p.teacher >= kGradeLevels)
      continue;
    result[p.filingType].add(p.human, p.teacher);
    result["ALL"].add(p.human, p.teacher);
  }
  return result;
}

} // namespace distillery::eval
