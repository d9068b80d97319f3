#pragma once
// Turns one query's judged candidate list into mining decisions (Brenner et al. 2025): relevant passages the
// student ranks low are hard positives, irrelevant passages it ranks high are hard negatives, easy ones are mixed
// in at a ratio, and passages the teacher scores close to its best positive are never used as negatives (Tamber
// et al. 2025, NV-Retriever's TopK-PercPos: likely false negatives). A query whose source passage the teacher
// does not grade relevant is dropped whole (Tamber et al.'s consistency filter). Pure logic, no store, no torch: every
// decision and its reason is returned.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/pipeline/RunConfig.h"
#include "core/util/EnumNames.h"

namespace distillery::pipeline {

struct JudgedCandidate {
  std::int64_t passageId;
  int studentRank; // 1-based
  double studentScore;
  std::optional<int> grade;           // empty when the judgment failed
  std::optional<double> teacherScore; // finer score (probability-weighted grade) when the teacher has one
  bool isSource = false;              // the passage the query was written from: the query is kept only when the
                                      // teacher grades it relevant
};

enum class MinedKind {
  HardPositive,
  HardNegative,
  EasyPositive,
  EasyNegative,
  FalseNegative,
  Ambiguous,
  Unjudged,
  Unsampled,   // an easy example left out by easy_ratio: never a negative when the teacher graded it relevant
  QueryDropped // every candidate of a query whose source passage the teacher did not grade relevant
};
/// The one list of mined kinds: the names stored in mined_examples.kind, shown in the inspector and the report.
inline constexpr EnumName<MinedKind> kMinedKindNames[] = {
    {.value = MinedKind::HardPositive, .name = "hard_positive", .description = "relevant, ranked low by the student"},
    {.value = MinedKind::HardNegative, .name = "hard_negative", .description = "irrelevant, ranked high"},
    {.value = MinedKind::EasyPositive, .name = "easy_positive", .description = "relevant, already ranked high"},
    {.value = MinedKind::EasyNegative, .name = "easy_negative", .description = "irrelevant, already ranked low"},
    {.value = MinedKind::FalseNegative,
     .name = "likely_false_negative",
     .description = "scored close to the best positive: never a negative"},
    {.value = MinedKind::Ambiguous, .name = "ambiguous", .description = "graded between the thresholds"},
    {.value = MinedKind::Unjudged, .name = "unjudged", .description = "the teacher's judgment failed"},
    {.value = MinedKind::Unsampled, .name = "unsampled_easy", .description = "an easy example left out by easy_ratio"},
    {.value = MinedKind::QueryDropped,
     .name = "query_dropped",
     .description = "the teacher did not grade the query's source passage relevant"},
};
constexpr std::span<const EnumName<MinedKind>> enumNames(MinedKind) {
  return kMinedKindNames;
}

struct MiningDecision {
  std::int64_t passageId;
  MinedKind kind;
  std::string reason;
};

/// Kinds that training uses; the others are recorded so analysts can see why a pair was left out.
bool isTrainingExample(MinedKind kind);
bool isPositive(MinedKind kind);
std::string toString(MinedKind kind);
/// The kind a stored name stands for; throws Error naming the text when it is none.
MinedKind minedKindFromString(const std::string& text);

class HardExampleMiner {
public:
  HardExampleMiner(MiningConfig config, std::uint64_t seed) : config_(config), seed_(seed) {}
  /// One decision per candidate, in the candidates' order. queryKey seeds the easy-example sampling so that
  /// the same query always samples the same easy examples (resumed runs mine identically).
  std::vector<MiningDecision> mine(const std::vector<JudgedCandidate>& candidates, std::uint64_t queryKey) const;

private:
  MiningConfig config_;
  std::uint64_t seed_;
};

} // namespace distillery::pipeline
