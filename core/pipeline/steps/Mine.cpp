#include "core/pipeline/steps/Mine.h"

#include <map>
#include <string_view>

#include "core/pipeline/HardExampleMiner.h"
#include "core/pipeline/steps/PairGrades.h"
#include "core/store/Store.h"

namespace distillery::pipeline::steps {

void mine(RunContext& context, const RoundRecord& round) {
  const std::vector<CandidateRow> candidates = context.repository.candidates(round.id);
  std::unordered_map<std::int64_t, RoundQuery> queries;
  for (auto& q : context.roundQueries(round.id, context.runQuerySetName()))
    queries.emplace(q.id, q);
  PairGrades grades(context);
  std::int64_t overruled = 0;
  HardExampleMiner miner(context.config.mining, context.config.seed);
  std::vector<MinedRow> rows;
  std::map<std::string_view, int> counts;                    // by kind name, so the summary lists them by name
  std::vector<std::pair<std::int64_t, std::string>> dropped; // queries the teacher did not confirm, with the reason
  for (std::size_t start = 0; start < candidates.size();) {
    std::size_t end = start;
    while (end < candidates.size() && candidates[end].queryId == candidates[start].queryId)
      ++end;
    const RoundQuery& query = queries.at(candidates[start].queryId);
    std::vector<JudgedCandidate> judged;
    std::vector<bool> byHuman;
    for (std::size_t i = start; i < end; ++i) {
      const auto& c = candidates[i];
      const PairGrade grade = grades.of(query.text, c.passageId);
      judged.push_back({c.passageId, c.rank, c.score, grade.grade, grade.score, c.passageId == query.sourcePassageId});
      byHuman.push_back(grade.byHuman);
      overruled += grade.byHuman ? 1 : 0;
    }
    const auto decisions = miner.mine(judged, static_cast<std::uint64_t>(query.id));
    if (!decisions.empty() && decisions.front().kind == MinedKind::QueryDropped)
      dropped.emplace_back(query.id, "round " + std::to_string(round.index) + ": " + decisions.front().reason);
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      rows.push_back({query.id, judged[i].passageId, decisions[i], judged[i].grade, judged[i].studentRank,
                      judged[i].studentScore, byHuman[i]});
      ++counts[enumName(decisions[i].kind)];
    }
    start = end;
  }
  context.store.transaction([&] {
    context.repository.replaceMined(round.id, rows);
    context.repository.markQueriesFiltered(dropped);
    context.repository.completeStep(round.id, RoundStep::Mine);
  });
  Message summary; // "n kind, n kind, ...", the kinds translated in the workbench
  for (const auto& [kind, n] : counts) {
    Message item{MessageId::MinedCount, {n, MessageArg::minedKind(std::string(kind))}};
    summary =
        summary.id == MessageId::None
            ? std::move(item)
            : Message{MessageId::ListJoin, {MessageArg::inner(std::move(summary)), MessageArg::inner(std::move(item))}};
  }
  context.log({MessageId::RoundMined,
               {round.index, MessageArg::inner(std::move(summary)), dropped.size(),
                counts[enumName(MinedKind::FalseNegative)]}});
  if (overruled > 0)
    context.log({MessageId::RoundLabelsReplacedGrades, {round.index, overruled}});
}

} // namespace distillery::pipeline::steps
