#pragma once
// The evaluate step: the round's student (round 0: the base student, and BM25 when asked) on the held-out queries,
// with the hybrid when the evaluation set has a dev split to choose its fusion weight on. On the run's own held-out
// set, the pool of judged passages first grows with this student's top k and every earlier figure of the run is
// scored again against it. After training, each mined pair gets its rank and score under the new student.
#include "core/pipeline/RunContext.h"

namespace distillery::pipeline::steps {

/// Evaluates the student modelId on context.evaluation (withBm25: BM25 too); completes Evaluate and the round.
void evaluate(RunContext& context, const RoundRecord& round, std::int64_t modelId, bool withBm25);

} // namespace distillery::pipeline::steps
