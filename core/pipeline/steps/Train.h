#pragma once
// The train step: the round's mined lists (teacher scores and the miner's decisions, people's labels over them)
// become training examples, and a copy of the student trains on them, early stopping on the dev queries. The new
// student is saved under <store>.models/run<id>-round<index> and registered.
#include "core/pipeline/RunContext.h"

namespace distillery::pipeline::steps {

/// Trains from the student modelId (the previous round's); completes Train with the round's new model, whose
/// models.id it returns. Throws when the round has no training examples.
std::int64_t train(RunContext& context, const RoundRecord& round, std::int64_t modelId);

} // namespace distillery::pipeline::steps
