#pragma once
// Agreement between human spot-check grades and the teacher's grades (0-3): confusion matrices and
// Cohen's kappa per filing type. Plain C++ so it is tested directly.
#include <array>
#include <map>
#include <string>
#include <vector>

namespace distillery::eval {

inline constexpr int kGradeLevels = 4; // grades 0 (irrelevant) .. 3 (fully answers)

/// counts[human][teacher]
struct ConfusionMatrix {
  std::array<std::array<int, kGradeLevels>, kGradeLevels> counts{};
  int total() const;
  int agreements() const; // diagonal
  /// Pairs both raters put on the same side of relevantFrom (both relevant, or both not): how often mining, which
  /// splits positives from negatives there, would decide as the person did.
  int relevanceAgreements(int relevantFrom = 2) const;
  void add(int human, int teacher);
};

enum class KappaWeighting { Unweighted, Quadratic };

/// Cohen's kappa: (observed - chance agreement) / (1 - chance). 1 when both raters agree perfectly;
/// 1 as well when they agree on a single category only (no disagreement possible); NaN with no pairs.
double cohensKappa(const ConfusionMatrix& matrix, KappaWeighting weighting = KappaWeighting::Unweighted);

struct GradedPair {
  std::string filingType;
  int human = 0;
  int teacher = 0;
};

/// One matrix per filing type plus "ALL"; pairs with a grade outside 0-3 are skipped.
std::map<std::string, ConfusionMatrix> confusionByFilingType(const std::vector<GradedPair>& pairs);

} // namespace distillery::eval
