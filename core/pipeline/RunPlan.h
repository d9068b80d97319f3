#pragma once
// The steps of a run in the order they execute, written once: round 0 writes the held-out queries (when the run
// evaluates on its own) and evaluates the base student; every later round synthesises, retrieves, judges, mines,
// trains and evaluates. Executing a run walks this list, and the step a run executes next is the first entry of it
// that its round has not completed.
#include <optional>
#include <vector>

#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/RunRepository.h"

namespace distillery::pipeline {

/// The steps of each round after round 0, in order.
inline constexpr RoundStep kRoundSteps[] = {RoundStep::Synthesise, RoundStep::Retrieve, RoundStep::Judge,
                                            RoundStep::Mine,       RoundStep::Train,    RoundStep::Evaluate};

/// Every step of a run of `rounds` rounds after round 0, in execution order; syntheticHoldout: round 0 first writes
/// the held-out queries.
std::vector<PendingStep> runPlan(int rounds, bool syntheticHoldout);

/// The first step of plan its round has not completed (a round missing from rounds has completed none); none
/// when every step is done.
std::optional<PendingStep> firstPending(const std::vector<PendingStep>& plan, const std::vector<RoundRecord>& rounds);

/// Whether the round's record says the step is done (steps complete in plan order).
inline bool completed(const RoundRecord& round, RoundStep step) {
  return round.lastCompleted >= step;
}

} // namespace distillery::pipeline
