#include "core/pipeline/steps/Evaluate.h"
#include "core/pipeline/RoundSizes.h"

#include <set>

#include "core/eval/Evaluator.h"
#include "core/eval/Judges.h"
#include "core/index/Bm25Index.h"
#include "core/index/DenseIndex.h"
#include "core/model/EncoderFactory.h"
#include "core/model/StudentModel.h"
#include "core/store/Store.h"
#include "core/teacher/Teacher.h"

namespace distillery::pipeline::steps {
namespace {

// The held-out set's qrels grow with the passages each evaluated model puts in its top k: every one is judged by
// the teacher (cache first), so no model is scored against passages nobody looked at. The source passage of each
// held-out query is relevant with the top grade.
void extendHoldoutQrels(RunContext& context, const RoundRecord& round, model::StudentModel& model,
                        const index::DenseIndex& index, bool withBm25Pool) {
  const auto setId = corpus::tryFindQuerySetId(context.store, context.run.corpusId, context.holdoutQuerySetName());
  if (!setId)
    return;
  const corpus::QuerySetRecord set = corpus::loadQuerySet(context.store, *setId);
  std::vector<std::string> texts;
  for (const auto& q : set.queries)
    texts.push_back(q.text);
  model::EncodeOptions options;
  options.stop = context.stop;
  const auto vectors = model.encode(texts, model::TextRole::Query, options);
  const int depth = withBm25Pool ? kHoldoutPoolDepth : context.config.evaluation.k;
  auto hits = index.search(vectors, depth);
  if (withBm25Pool) {
    const auto bm25Hits = context.bm25Index().search(texts, kHoldoutPoolDepth);
    for (std::size_t q = 0; q < hits.size(); ++q)
      hits[q].insert(hits[q].end(), bm25Hits[q].begin(), bm25Hits[q].end());
  }
  std::vector<teacher::JudgeRequest> requests;
  for (std::size_t q = 0; q < set.queries.size(); ++q) {
    std::set<std::int64_t> seen;
    for (const auto& hit : hits[q])
      if (seen.insert(hit.id).second)
        requests.push_back(context.judgeRequest(set.queries[q].text, set.queries[q].id, hit.id));
  }
  teacher::JudgmentCache cache(context.store);
  const auto judged = cache.judge(*context.teacher, requests, context.forward("judge held-out pool"), context.stop);
  // Before any qrel is written: an unjudged pair would count as not relevant and lower every figure.
  stopOnTeacherOutage(round.index, "held-out pool judgments", static_cast<std::int64_t>(requests.size()),
                      judged.failures);
  const teacher::Teacher& teacher = *context.teacher;
  const int topGrade = static_cast<int>(teacher.maxGrade());
  std::vector<QrelGrade> grades;
  for (const auto& q : set.queries)
    if (q.sourcePassageId && context.passageIndex.count(*q.sourcePassageId))
      grades.push_back({q.id, context.passage(*q.sourcePassageId).recordKey, topGrade});
  for (std::size_t i = 0; i < requests.size(); ++i)
    if (judged.judgments[i].ok)
      grades.push_back(
          {*requests[i].queryId, context.passage(*requests[i].passageId).recordKey, judged.judgments[i].grade});
  context.store.transaction([&] {
    // Judged on the teacher's scale (0-3): grade 1 ("related, does not answer") is not a hit for MRR and Recall.
    context.repository.setQuerySetJudging(
        *setId, topGrade, eval::teacherJudges(teacher.kind(), teacher.model(), teacher.promptVersion()));
    context.repository.raiseQrels(grades);
  });
  context.log(
      {MessageId::RoundHeldOutPool, {round.index, requests.size(), judged.judged, judged.cached, judged.failed}});
}

// The held-out pool has just grown with this round's top k: every earlier figure of the run (each round's student,
// BM25, the hybrids) is scored again from its stored ranking against the pool as it is now, so that all rounds of the
// run are measured against the same judgments.
void rescoreEarlierRounds(RunContext& context, const RoundRecord& round) {
  for (const RunEvaluation& earlier : context.repository.evaluationsBefore(context.run.id, round.index)) {
    const double before = eval::loadMetrics(context.store, earlier.id).groups.at(eval::kAllFilingTypes).mean.ndcg;
    const double after = eval::rescoreEvaluation(context.store, earlier.id).groups.at(eval::kAllFilingTypes).mean.ndcg;
    context.log({MessageId::RoundRescored,
                 {round.index, earlier.roundIndex, earlier.retriever, context.config.evaluation.k,
                  MessageArg::real(before), MessageArg::real(after)}});
  }
}

// The rank and score each mined pair has under the round's new student: did training move it the right way?
void storeRankAfter(RunContext& context, const RoundRecord& round, std::int64_t modelId, model::StudentModel& model) {
  const auto minedQueries = context.repository.minedQueries(round.id);
  if (minedQueries.empty())
    return;
  std::vector<std::string> texts;
  std::unordered_map<std::int64_t, std::size_t> row; // query id -> its row in vectors
  for (const auto& [queryId, text] : minedQueries) {
    row.emplace(queryId, texts.size());
    texts.push_back(text);
  }
  const CorpusMatrix corpus = context.corpusEmbeddings(modelId, model);
  model::EncodeOptions options;
  options.stop = context.stop;
  const std::vector<float> vectors = model.encode(texts, model::TextRole::Query, options);
  const auto dimension = static_cast<std::size_t>(model.config().hiddenSize);
  const std::vector<corpus::PassageRecord>& passages = context.passages;
  std::vector<float> scores(passages.size());
  std::vector<std::tuple<std::int64_t, std::int64_t, int, double>> updates;
  std::int64_t scoredQuery = -1;
  for (const auto& [queryId, passageId] : context.repository.minedPairs(round.id)) {
    if (queryId != scoredQuery) {
      // A scalar loop, not innerProductMatrix: BLAS sums in another order, and near-ties would then rank a few
      // pairs one place apart from the ranks runs stored before (5 of 12,074 pairs of the demo run).
      const float* q = vectors.data() + row.at(queryId) * dimension;
      for (std::size_t p = 0; p < passages.size(); ++p) {
        const float* v = corpus.data + p * dimension;
        float dot = 0;
        for (std::size_t d = 0; d < dimension; ++d)
          dot += q[d] * v[d];
        scores[p] = dot;
      }
      scoredQuery = queryId;
    }
    const std::size_t at = context.passageIndex.at(passageId);
    updates.emplace_back(queryId, passageId, context.rankByScore(scores, at), scores[at]);
  }
  context.store.transaction([&] {
    for (const auto& [queryId, passageId, rank, score] : updates)
      context.repository.setRankAfter(round.id, queryId, passageId, rank, score);
  });
}

// The student fused with BM25, its fusion weight chosen on the evaluation set's dev split (never on the queries it
// is scored on). A set without a dev split has no hybrid: there is nothing honest to tune the weight on.
void evaluateHybrid(RunContext& context, const RoundRecord& round, eval::EvaluationRequest request) {
  if (!request.querySetId || !context.repository.querySetHasSplit(*request.querySetId, "dev")) {
    context.log({MessageId::RoundNoHybrid, {round.index}});
    return;
  }
  request.retriever = eval::RetrieverKind::Hybrid;
  request.prebuiltBm25 = &context.bm25Index();
  eval::EvaluationRequest tuning = request;
  tuning.split = "dev";
  tuning.progress = context.forward("tune hybrid on dev");
  const eval::FusionChoice choice = eval::chooseFusionWeight(context.store, tuning);
  if (choice.queries == 0)
    return;
  request.fusionWeight = choice.denseWeight;
  const auto hybrid = eval::evaluate(context.store, request);
  const auto& mean = hybrid.table.groups.at(eval::kAllFilingTypes).mean;
  context.log({MessageId::RoundHybrid,
               {round.index, MessageArg::real(choice.denseWeight), choice.queries, request.k,
                MessageArg::real(choice.ndcg), MessageArg::real(mean.mrr), MessageArg::real(mean.ndcg)}});
}

} // namespace

void evaluate(RunContext& context, const RoundRecord& round, std::int64_t modelId, bool withBm25) {
  const EvaluationTarget& target = context.evaluation;
  auto model = context.loadModel(modelId);
  const index::DenseIndex index = context.denseIndex(modelId, *model); // one index serves the pool and the evaluation
  if (target.synthetic) {
    extendHoldoutQrels(context, round, *model, index, round.index == 0);
    rescoreEarlierRounds(context, round);
  }
  auto encoder = model::makeTextEncoder(model);
  // A resumed step evaluates again: the earlier, interrupted attempt's rows go first (no duplicates).
  context.repository.deleteRoundEvaluations(context.run.id, round.index);
  eval::EvaluationRequest request;
  request.corpusId = context.run.corpusId;
  request.querySetId = target.querySetId;
  if (target.synthetic)
    request.querySetId = corpus::tryFindQuerySetId(context.store, context.run.corpusId, context.holdoutQuerySetName());
  request.split = target.split;
  request.queriesFile = target.queriesFile;
  request.qrelsFile = target.qrelsFile;
  request.k = context.config.evaluation.k;
  if (context.config.evaluation.relevantFrom > 0)
    request.relevantFrom = context.config.evaluation.relevantFrom;
  request.runId = context.run.id;
  request.roundIndex = round.index;
  request.progress = context.forward("evaluate");
  request.stop = context.stop;
  request.retriever = eval::RetrieverKind::Dense;
  request.encoder = encoder.get();
  request.modelId = modelId;
  request.prebuiltIndex = &index;
  const auto dense = eval::evaluate(context.store, request);
  const eval::EvaluationRequest denseRequest = request; // the hybrid fuses this one with BM25
  const auto& all = dense.table.groups.at(eval::kAllFilingTypes);
  context.log({MessageId::RoundStudentScores,
               {round.index, request.k, MessageArg::real(all.mean.mrr), MessageArg::real(all.mean.ndcg), all.queries}});
  if (withBm25) {
    request.retriever = eval::RetrieverKind::Bm25;
    request.encoder = nullptr;
    request.modelId.reset();
    request.prebuiltIndex = nullptr;
    request.prebuiltBm25 = &context.bm25Index();
    const auto bm25 = eval::evaluate(context.store, request);
    context.log({MessageId::RoundBm25Score,
                 {request.k, MessageArg::real(bm25.table.groups.at(eval::kAllFilingTypes).mean.mrr)}});
  }
  if (context.config.evaluation.hybrid)
    evaluateHybrid(context, round, denseRequest);
  if (round.index > 0)
    storeRankAfter(context, round, modelId, *model);
  context.store.transaction([&] {
    context.repository.completeStep(round.id, RoundStep::Evaluate);
    context.repository.finishRound(round.id);
  });
}

} // namespace distillery::pipeline::steps
