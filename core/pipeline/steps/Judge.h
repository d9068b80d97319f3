#pragma once
// The judge step: the teacher grades every candidate of the round, the judgment cache first (pairs judged before,
// by this run or another, are not paid for again).
#include "core/pipeline/RunContext.h"

namespace distillery::pipeline::steps {

/// Judges the round's candidates; completes Judge. Throws (the step stays open) on a teacher outage.
void judge(RunContext& context, const RoundRecord& round);

} // namespace distillery::pipeline::steps
