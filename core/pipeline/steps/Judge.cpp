#include "core/pipeline/steps/Judge.h"

#include "core/teacher/JudgmentCache.h"

namespace distillery::pipeline::steps {

void judge(RunContext& context, const RoundRecord& round) {
  const std::vector<CandidateRow> candidates = context.repository.candidates(round.id);
  std::unordered_map<std::int64_t, std::string> queryText;
  for (const auto& q : context.roundQueries(round.id, context.runQuerySetName()))
    queryText.emplace(q.id, q.text);
  std::vector<teacher::JudgeRequest> requests;
  requests.reserve(candidates.size());
  for (const auto& c : candidates)
    requests.push_back(context.judgeRequest(queryText.at(c.queryId), c.queryId, c.passageId));
  teacher::JudgmentCache cache(context.store);
  const auto result = cache.judge(*context.teacher, requests, context.forward("judge"), context.stop);
  context.log({MessageId::RoundJudged,
               {round.index, requests.size(), result.judged, result.cached, result.failed, result.usage.calls,
                result.usage.inputTokens + result.usage.outputTokens}});
  stopOnTeacherOutage(round.index, "judgments", static_cast<std::int64_t>(requests.size()), result.failures);
  context.repository.completeStep(round.id, RoundStep::Judge);
}

} // namespace distillery::pipeline::steps
