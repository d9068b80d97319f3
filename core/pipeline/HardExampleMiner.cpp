#include "core/pipeline/HardExampleMiner.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/util/Error.h"

namespace distillery::pipeline {

bool isTrainingExample(MinedKind kind) {
  return kind == MinedKind::HardPositive || kind == MinedKind::HardNegative || kind == MinedKind::EasyPositive ||
         kind == MinedKind::EasyNegative;
}

bool isPositive(MinedKind kind) {
  return kind == MinedKind::HardPositive || kind == MinedKind::EasyPositive;
}

std::string toString(MinedKind kind) {
  return std::string(enumName(kind));
}

MinedKind minedKindFromString(const std::string& text) {
  if (const auto kind = findEnum<MinedKind>(text))
    return *kind;
  throw Error("unknown mined example kind '" + text + "' (expected " + enumNameList<MinedKind>() + ")");
}

std::vector<MiningDecision> HardExampleMiner::mine(const std::vector<JudgedCandidate>& candidates,
                                                   std::uint64_t queryKey) const {
  std::vector<MiningDecision> decisions;
  decisions.reserve(candidates.size());
  // Tamber et al.: a synthetic query is kept only when the teacher agrees that the passage it was written from
  // answers it. The teacher is not overruled: a source it grades below the positive grade drops the query.
  const auto source = std::find_if(candidates.begin(), candidates.end(), [](const auto& c) { return c.isSource; });
  if (source != candidates.end() && (!source->grade || *source->grade < config_.positiveGrade)) {
    const std::string why = source->grade
                                ? "the teacher graded the query's source passage " + std::to_string(*source->grade) +
                                      " (< positive grade " + std::to_string(config_.positiveGrade) + ")"
                                : "the teacher's judgment of the query's source passage failed";
    for (const auto& c : candidates)
      decisions.push_back({c.passageId, MinedKind::QueryDropped, why + ": query dropped"});
    return decisions;
  }

  // The false-negative guard (NV-Retriever's TopK-PercPos, Tamber et al.'s 0.6 x top): a candidate the teacher
  // scores within falseNegativeFraction of the best positive is never a negative, whatever its grade bucket.
  double bestPositive = 0.0;
  for (const auto& c : candidates)
    if (c.grade && *c.grade >= config_.positiveGrade)
      bestPositive = std::max(bestPositive, c.teacherScore.value_or(*c.grade));

  std::vector<std::size_t> easy;
  std::size_t hard = 0;
  for (const auto& c : candidates) {
    const std::string rankText = "student rank " + std::to_string(c.studentRank);
    if (!c.grade) {
      decisions.push_back({c.passageId, MinedKind::Unjudged, "teacher judgment failed"});
      continue;
    }
    const std::string gradeText = "teacher grade " + std::to_string(*c.grade);
    if (*c.grade >= config_.positiveGrade) {
      const std::string why = c.isSource ? "source passage of the query, " + gradeText : gradeText;
      if (c.studentRank > config_.hardPositiveRank) {
        decisions.push_back({c.passageId, MinedKind::HardPositive,
                             why + ", " + rankText + " > " + std::to_string(config_.hardPositiveRank)});
        ++hard;
      } else {
        decisions.push_back({c.passageId, MinedKind::EasyPositive, why + ", " + rankText});
        easy.push_back(decisions.size() - 1);
      }
      continue;
    }
    const double score = c.teacherScore.value_or(*c.grade);
    if (bestPositive > 0.0 && score >= config_.falseNegativeFraction * bestPositive) {
      decisions.push_back({c.passageId, MinedKind::FalseNegative,
                           gradeText + " but score " + std::to_string(score) +
                               " >= " + std::to_string(config_.falseNegativeFraction) + " x the best positive's " +
                               std::to_string(bestPositive)});
      continue;
    }
    if (*c.grade > config_.negativeGrade) {
      decisions.push_back(
          {c.passageId, MinedKind::Ambiguous, gradeText + " between the negative and positive thresholds"});
      continue;
    }
    if (c.studentRank <= config_.hardNegativeRank) {
      decisions.push_back({c.passageId, MinedKind::HardNegative,
                           gradeText + ", " + rankText + " <= " + std::to_string(config_.hardNegativeRank)});
      ++hard;
    } else {
      decisions.push_back({c.passageId, MinedKind::EasyNegative, gradeText + ", " + rankText});
      easy.push_back(decisions.size() - 1);
    }
  }

  // Keep every hard example and easyRatio easy ones per hard one (at least one, so each query keeps a positive
  // or an anchor); the source passage is always kept. The rest are recorded as unsampled.
  const auto keep =
      static_cast<std::size_t>(std::ceil(config_.easyRatio * static_cast<double>(std::max<std::size_t>(hard, 1))));
  std::mt19937_64 rng(seed_ ^ (queryKey * 0x9E3779B97F4A7C15ULL));
  std::shuffle(easy.begin(), easy.end(), rng);
  std::stable_partition(easy.begin(), easy.end(), [&](std::size_t i) { return candidates[i].isSource; });
  for (std::size_t n = 0; n < easy.size(); ++n) {
    if (n < keep || candidates[easy[n]].isSource)
      continue;
    decisions[easy[n]].kind = MinedKind::Unsampled;
    decisions[easy[n]].reason += "; easy example not sampled (easy_ratio " + std::to_string(config_.easyRatio) + ")";
  }
  return decisions;
}

} // namespace distillery::pipeline
