#pragma once
// The synthesise step: the teacher writes queries for a stratified sample of the corpus' passages. Round 0 writes
// the held-out set (when the run evaluates on one), each later round its training queries with a dev share.
#include "core/pipeline/RunContext.h"

namespace distillery::pipeline::steps {

/// Round 0: evaluation.holdout_queries test queries into the run's held-out set; completes Synthesise.
void synthesiseHoldout(RunContext& context, const RoundRecord& round);
/// A later round: queries_per_round queries into the run's query set, dev_fraction of them in the dev split, the
/// rest train; completes Synthesise.
void synthesiseRound(RunContext& context, const RoundRecord& round);

} // namespace distillery::pipeline::steps
