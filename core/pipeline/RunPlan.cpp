#include "core/pipeline/RunPlan.h"

#include <algorithm>

namespace distillery::pipeline {

std::vector<PendingStep> runPlan(int rounds, bool syntheticHoldout) {
  std::vector<PendingStep> plan;
  if (syntheticHoldout)
    plan.push_back({0, RoundStep::Synthesise});
  plan.push_back({0, RoundStep::Evaluate});
  for (int round = 1; round <= rounds; ++round)
    for (const RoundStep step : kRoundSteps)
      plan.push_back({round, step});
  return plan;
}

std::optional<PendingStep> firstPending(const std::vector<PendingStep>& plan, const std::vector<RoundRecord>& rounds) {
  for (const PendingStep& planned : plan) {
    const auto found =
        std::find_if(rounds.begin(), rounds.end(), [&](const RoundRecord& r) { return r.index == planned.round; });
    if (found == rounds.end() || !completed(*found, planned.step))
      return planned;
  }
  return std::nullopt;
}

} // namespace distillery::pipeline
