#pragma once
// The mine step: each kept query's judged candidates go through the HardExampleMiner (hard and easy positives and
// negatives, likely false negatives, ...); a query whose source passage the teacher did not grade relevant is
// dropped (marked filtered). People's labels overrule the teacher's grades.
#include "core/pipeline/RunContext.h"

namespace distillery::pipeline::steps {

/// Mines the round's judged candidates; completes Mine with the mined examples.
void mine(RunContext& context, const RoundRecord& round);

} // namespace distillery::pipeline::steps
