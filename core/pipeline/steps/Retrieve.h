#pragma once
// The retrieve step: the student ranks the corpus for each of the round's queries. A train query whose source
// passage the student does not put in its top filter_top_k is left out (marked filtered); the kept ones get the top
// candidates_k as candidates for the teacher, and each dev query's pool is widened with BM25's top and its source.
#include "core/pipeline/RunContext.h"

namespace distillery::pipeline::steps {

/// Retrieves with the student modelId (the previous round's); completes Retrieve with the candidates.
void retrieve(RunContext& context, const RoundRecord& round, std::int64_t modelId);

} // namespace distillery::pipeline::steps
