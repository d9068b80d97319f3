#include "core/pipeline/steps/Retrieve.h"

#include <set>

#include "core/index/Bm25Index.h"
#include "core/index/DenseIndex.h"
#include "core/index/InnerProducts.h"
#include "core/model/StudentModel.h"
#include "core/store/Store.h"

namespace distillery::pipeline::steps {

void retrieve(RunContext& context, const RoundRecord& round, std::int64_t modelId) {
  const RunConfig& config = context.config;
  auto model = context.loadModel(modelId);
  const index::DenseIndex index = context.denseIndex(modelId, *model);
  const std::vector<RoundQuery> queries = context.roundQueries(round.id, context.runQuerySetName());
  std::vector<std::string> texts;
  for (const auto& q : queries)
    texts.push_back(q.text);
  model::EncodeOptions options;
  options.stop = context.stop;
  options.threads = config.threads;
  const std::vector<float> vectors = model->encode(texts, model::TextRole::Query, options);
  throwIfStopped(context.stop);
  const int depth = std::max(config.candidatesK, config.filterTopK);
  const auto hits = index.search(vectors, depth);

  std::vector<CandidateRow> rows;
  std::vector<std::pair<std::int64_t, std::string>> filtered;
  const CorpusMatrix corpus = context.corpusEmbeddings(modelId, *model);
  const auto dimension = static_cast<std::size_t>(model->config().hiddenSize);
  const std::vector<corpus::PassageRecord>& passages = context.passages;
  // The student's rank and score of any passage for query q (ties broken by passage id, as retrieval does).
  std::vector<float> scores(passages.size());
  const auto rankOf = [&](std::size_t q, std::int64_t passageId) {
    const std::size_t at = context.passageIndex.at(passageId);
    index::innerProductMatrix(vectors.data() + q * dimension, 1, corpus.data, passages.size(), dimension,
                              scores.data());
    return CandidateRow{queries[q].id, passageId, context.rankByScore(scores, at), scores[at]};
  };
  for (std::size_t q = 0; q < queries.size(); ++q) {
    int sourceRank = 0;
    for (std::size_t r = 0; r < hits[q].size(); ++r)
      if (hits[q][r].id == queries[q].sourcePassageId)
        sourceRank = static_cast<int>(r) + 1;
    // Dev queries are never filtered by the student: early stopping must see the queries it does badly on.
    const bool dev = queries[q].split == "dev";
    if (!dev && (sourceRank == 0 || sourceRank > config.filterTopK)) {
      filtered.emplace_back(queries[q].id, "round " + std::to_string(round.index) +
                                               ": source passage not in the student's top " +
                                               std::to_string(config.filterTopK));
      continue;
    }
    std::set<std::int64_t> listed;
    for (std::size_t r = 0; r < hits[q].size(); ++r)
      if (static_cast<int>(r) < config.candidatesK || hits[q][r].id == queries[q].sourcePassageId) {
        rows.push_back({queries[q].id, hits[q][r].id, static_cast<int>(r) + 1, hits[q][r].score});
        listed.insert(hits[q][r].id);
      }
    if (!dev)
      continue;
    // A dev query's judged pool must not depend on the student alone, or the student it was drawn from scores
    // best on it: BM25's top k and the source join it (TREC-style pooling), with their ranks under the student.
    std::vector<std::int64_t> extra;
    const auto bm25Hits = context.bm25Index().search({queries[q].text}, config.candidatesK);
    for (const auto& hit : bm25Hits.front())
      extra.push_back(hit.id);
    if (context.passageIndex.count(queries[q].sourcePassageId))
      extra.push_back(queries[q].sourcePassageId);
    for (const std::int64_t id : extra)
      if (listed.insert(id).second)
        rows.push_back(rankOf(q, id));
  }
  context.store.transaction([&] {
    context.repository.replaceCandidates(round.id, rows);
    context.repository.markQueriesFiltered(filtered);
    context.repository.completeStep(round.id, RoundStep::Retrieve);
  });
  context.log({MessageId::RoundKept,
               {round.index, queries.size() - filtered.size(), queries.size(), config.filterTopK, rows.size()}});
}

} // namespace distillery::pipeline::steps
