#include "core/eval/Evaluator.h"

#include <nlohmann/json.hpp>

#include "core/eval/Judges.h"
#include "core/eval/Statistics.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/index/RankFusion.h"
#include "core/model/TextEncoder.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Hash.h"
#include "core/util/Time.h"

namespace distillery::eval {
namespace {

struct EvalQuery {
  std::string key;
  std::string text;
  std::optional<std::string> filingType;
  Judgments judgments;
};

struct LoadedQueries {
  std::vector<EvalQuery> queries; // judged queries, in key order
  std::int64_t withoutText = 0;
  int topGrade = 1;     // of the qrels' scale: 1 binary, 3 the 0-3 scale
  std::string judgedBy; // see Judges.h
};

int topGradeOf(const std::vector<EvalQuery>& queries) {
  int top = 1;
  for (const EvalQuery& query : queries)
    for (const auto& [key, grade] : query.judgments)
      top = std::max(top, grade);
  return top;
}

// Sets imported before judged_by was recorded were imported qrels: people's.
std::string querySetJudges(store::Store& store, std::int64_t querySetId) {
  auto select = store.prepare("SELECT COALESCE(judged_by, CASE origin WHEN 'imported' THEN ?2 END, '') FROM "
                              "query_sets WHERE id = ?1");
  select.bind(1, querySetId).bind(2, std::string(kHumanJudges));
  return select.step() ? select.columnText(0) : std::string();
}

std::string querySetName(store::Store& store, std::int64_t querySetId) {
  auto select = store.prepare("SELECT name FROM query_sets WHERE id = ?1");
  select.bind(1, querySetId);
  return select.step() ? select.columnText(0) : std::to_string(querySetId);
}

// The query set's recorded scale, else the top grade of all its qrels (every split: a split's own top may be lower).
int querySetTopGrade(store::Store& store, std::int64_t querySetId) {
  auto select = store.prepare("SELECT grade_scale, (SELECT MAX(r.grade) FROM qrels r JOIN queries q ON q.id = "
                              "r.query_id WHERE q.query_set_id = ?1) FROM query_sets WHERE id = ?1");
  select.bind(1, querySetId);
  if (!select.step())
    return 1;
  if (!select.columnIsNull(0))
    return static_cast<int>(select.columnInt64(0));
  return select.columnIsNull(1) ? 1 : std::max(1, static_cast<int>(select.columnInt64(1)));
}

LoadedQueries loadFromQuerySet(store::Store& store, std::int64_t querySetId, const std::optional<std::string>& split) {
  if (store.prepare("SELECT 1 FROM query_sets WHERE id = ?1").bind(1, querySetId).step() == false)
    throw InputError("no query set with id " + std::to_string(querySetId) + " in " + store.path().string());
  store::Statement select =
      store.prepare("SELECT q.id, q.external_id, q.text, q.filing_type, r.record_key, r.grade FROM queries q "
                    "JOIN qrels r ON r.query_id = q.id WHERE q.query_set_id = ?1 AND (?2 IS NULL OR q.split = ?2) "
                    "ORDER BY q.id");
  select.bind(1, querySetId).bind(2, split);
  std::map<std::string, EvalQuery> byKey;
  while (select.step()) {
    const auto externalId = select.columnOptionalText(1);
    const std::string key = externalId ? *externalId : "q" + std::to_string(select.columnInt64(0));
    EvalQuery& query = byKey[key];
    query.key = key;
    query.text = select.columnText(2);
    query.filingType = select.columnOptionalText(3);
    query.judgments[select.columnText(4)] = static_cast<int>(select.columnInt64(5));
  }
  LoadedQueries loaded;
  for (auto& [key, query] : byKey)
    loaded.queries.push_back(std::move(query));
  loaded.topGrade = querySetTopGrade(store, querySetId);
  loaded.judgedBy = querySetJudges(store, querySetId);
  return loaded;
}

LoadedQueries loadFromFiles(const EvaluationRequest& request, bool needText) {
  if (request.qrelsFile.empty())
    throw InputError("evaluation needs qrels: give a qrels file or a query set");
  const Qrels qrels = readQrels(request.qrelsFile);
  std::map<std::string, QueryRecord> records;
  if (!request.queriesFile.empty())
    for (QueryRecord& record : readQueriesJsonl(request.queriesFile))
      records[record.key] = std::move(record);
  else if (needText)
    throw InputError("retrieval needs the query texts: give a queries file (BEIR queries.jsonl) or a query set");
  LoadedQueries loaded;
  for (const auto& [key, judgments] : qrels) {
    auto record = records.find(key);
    if (record == records.end() && needText) {
      ++loaded.withoutText;
      continue;
    }
    EvalQuery query{key, {}, std::nullopt, judgments};
    if (record != records.end()) {
      query.text = record->second.text;
      query.filingType = record->second.filingType;
    }
    loaded.queries.push_back(std::move(query));
  }
  loaded.topGrade = topGradeOf(loaded.queries);
  loaded.judgedBy = fileJudges(request.qrelsFile.filename().string());
  return loaded;
}

// What the corpus tells us about a record: its filing type (of its lowest-id passage).
struct RecordInfo {
  std::int64_t firstPassageId;
  std::string filingType;
};

std::string queryFilingType(const EvalQuery& query, const std::unordered_map<std::string, RecordInfo>& records) {
  if (query.filingType && !query.filingType->empty())
    return *query.filingType;
  const RecordInfo* first = nullptr;
  for (const auto& [key, grade] : query.judgments) {
    if (grade < 1)
      continue;
    auto it = records.find(key);
    if (it != records.end() && (!first || it->second.firstPassageId < first->firstPassageId))
      first = &it->second;
  }
  return first ? first->filingType : std::string("unknown");
}

std::filesystem::path indexCachePath(const EvaluationRequest& request, const store::Store& store,
                                     const model::TextEncoder& encoder,
                                     const std::vector<index::PassageRecord>& passages) {
  // The fingerprint covers the encoder and every passage (id and text): any change rebuilds.
  ContentHasher hasher;
  hasher.update(encoder.name());
  hasher.update(std::to_string(encoder.dimension()));
  hasher.update(toString(request.denseIndex.kind));
  for (const auto& passage : passages) {
    hasher.update(std::to_string(passage.id));
    hasher.update(std::string_view("\x1f", 1));
    hasher.update(passage.text);
  }
  const std::filesystem::path directory = request.indexDirectory.empty()
                                              ? std::filesystem::path(store.path().string() + ".indexes")
                                              : request.indexDirectory;
  return directory / ("corpus" + std::to_string(request.corpusId) + "-" + hasher.hexDigest().substr(0, 16) + ".dense");
}

index::DenseIndex openDenseIndex(const EvaluationRequest& request, store::Store& store,
                                 const std::vector<index::PassageRecord>& passages) {
  const std::filesystem::path path = indexCachePath(request, store, *request.encoder, passages);
  if (std::filesystem::exists(path)) {
    try {
      index::DenseIndex loaded = index::DenseIndex::load(path);
      if (loaded.size() == static_cast<std::int64_t>(passages.size()) &&
          loaded.dimension() == request.encoder->dimension())
        return loaded;
    } catch (const Error&) {
      // A damaged cache is rebuilt below.
    }
  }
  std::vector<std::string> texts;
  std::vector<std::int64_t> ids;
  texts.reserve(passages.size());
  ids.reserve(passages.size());
  for (const auto& passage : passages) {
    texts.push_back(passage.text);
    ids.push_back(passage.id);
  }
  model::EncodeOptions options;
  options.stop = request.stop;
  options.progress = [&](const Progress& p) { report(request.progress, {"encode passages", p.done, p.total, {}}); };
  const std::vector<float> vectors = request.encoder->encode(texts, model::TextRole::Passage, options);
  throwIfStopped(request.stop);
  report(request.progress, {"index", 0, 1}, {MessageId::BuildingDenseIndex});
  index::DenseIndex built = index::DenseIndex::build(vectors, request.encoder->dimension(), ids, request.denseIndex);
  built.save(path);
  report(request.progress, {"index", 1, 1, path.string()});
  return built;
}

// Over each query's key and its judgments as stored (judgments_json), in key order.
class JudgmentsDigest {
public:
  void add(const std::string& queryKey, const std::string& judgmentsJson) {
    hasher_.update(queryKey);
    hasher_.update(std::string_view("\x1f", 1));
    hasher_.update(judgmentsJson);
    hasher_.update(std::string_view("\x1e", 1));
  }
  std::string hex() { return hasher_.hexDigest().substr(0, 16); }

private:
  ContentHasher hasher_;
};

void insertMetricRows(store::Store& store, std::int64_t evaluationId, const EvaluationRequest& request,
                      const MetricsTable& table) {
  store::Statement metric = store.prepare(
      "INSERT INTO metrics(evaluation_id, run_id, round_index, filing_type, name, k, value, query_count, ci_low, "
      "ci_high) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  for (const auto& [group, summary] : table.groups)
    for (const char* name : kMetricNames) {
      const auto ci = summary.ci95.find(name);
      const bool hasCi = ci != summary.ci95.end();
      metric.bind(1, evaluationId)
          .bind(2, request.runId)
          .bind(3, request.roundIndex)
          .bind(4, group)
          .bind(5, name)
          .bind(6, table.k)
          .bind(7, metricValue(summary.mean, name))
          .bind(8, summary.queries)
          .bind(9, hasCi ? std::optional<double>(ci->second.low) : std::nullopt)
          .bind(10, hasCi ? std::optional<double>(ci->second.high) : std::nullopt)
          .run();
    }
}

void storeEvaluation(store::Store& store, const EvaluationRequest& request, EvaluationResult& result,
                     const nlohmann::json& config, const std::vector<EvalQuery>& queries) {
  const std::string retriever = request.retriever == RetrieverKind::RunFile
                                    ? "run:" + request.runFile.filename().string()
                                    : toString(request.retriever);
  store.transaction([&] {
    store
        .prepare("INSERT INTO evaluations(run_id, round_index, model_id, retriever, query_set_id, k, config_json, "
                 "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, request.runId)
        .bind(2, request.roundIndex)
        .bind(3, request.modelId)
        .bind(4, retriever)
        .bind(5, request.querySetId)
        .bind(6, request.k)
        .bind(7, config.dump())
        .bind(8, nowIso8601())
        .run();
    result.evaluationId = store.lastInsertId();

    insertMetricRows(store, result.evaluationId, request, result.table);

    store::Statement perQuery =
        store.prepare("INSERT INTO evaluation_queries(evaluation_id, query_key, filing_type, mrr, dcg, ndcg, recall, "
                      "judgments_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    store::Statement ranking = store.prepare("INSERT INTO evaluation_rankings(evaluation_id, query_key, rank, "
                                             "record_key, score) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (std::size_t i = 0; i < result.queries.size(); ++i) {
      const QueryOutcome& outcome = result.queries[i];
      const MetricValues& v = outcome.metrics.values;
      perQuery.bind(1, result.evaluationId)
          .bind(2, outcome.metrics.queryKey)
          .bind(3, outcome.metrics.filingType)
          .bind(4, v.mrr)
          .bind(5, v.dcg)
          .bind(6, v.ndcg)
          .bind(7, v.recall)
          .bind(8, nlohmann::json(queries[i].judgments).dump())
          .run();
      for (std::size_t r = 0; r < outcome.ranking.size(); ++r)
        ranking.bind(1, result.evaluationId)
            .bind(2, outcome.metrics.queryKey)
            .bind(3, static_cast<std::int64_t>(r + 1))
            .bind(4, outcome.ranking[r].docKey)
            .bind(5, outcome.ranking[r].score)
            .run();
    }
  });
}

} // namespace

index::DenseIndex openCorpusDenseIndex(store::Store& store, const EvaluationRequest& request,
                                       const std::vector<index::PassageRecord>& passages) {
  if (!request.encoder)
    throw InputError("a dense index needs a model");
  return openDenseIndex(request, store, passages);
}

namespace {

// What both retrievers found for a request's queries, before any fusion or scoring.
struct Retrieval {
  std::vector<EvalQuery> queries;
  std::vector<std::string> filingTypes; // per query
  std::int64_t withoutText = 0;         // judged queries skipped for want of a text
  int topGrade = 1;                     // of the qrels' scale
  std::string judgedBy;                 // who graded the qrels (Judges.h)
  int depth = 0;
  std::vector<index::PassageRecord> passages;
  std::unordered_map<std::int64_t, const index::PassageRecord*> passageById;
  std::vector<index::HitList> bm25Hits, denseHits; // per query, when that retriever ran
  nlohmann::json denseIndex;                       // kind (and IVF lists and probes) searched, when dense ran
};

Retrieval retrieve(store::Store& store, const EvaluationRequest& request, bool withBm25, bool withDense) {
  const bool retrieves = request.retriever != RetrieverKind::RunFile;
  if (withDense && !request.encoder)
    throw InputError("the " + toString(request.retriever) + " retriever needs a model (--model)");
  if (!store.prepare("SELECT 1 FROM corpora WHERE id = ?1").bind(1, request.corpusId).step())
    throw InputError("no corpus with id " + std::to_string(request.corpusId) + " in " + store.path().string());

  report(request.progress, {"load", 0, 0}, {MessageId::QueriesAndJudgments});
  LoadedQueries loaded = request.querySetId ? loadFromQuerySet(store, *request.querySetId, request.split)
                                            : loadFromFiles(request, retrieves);
  if (request.querySetId && retrieves) {
    auto empty =
        std::remove_if(loaded.queries.begin(), loaded.queries.end(), [](const EvalQuery& q) { return q.text.empty(); });
    loaded.withoutText += std::distance(empty, loaded.queries.end());
    loaded.queries.erase(empty, loaded.queries.end());
  }

  Retrieval out;
  out.withoutText = loaded.withoutText;
  out.topGrade = loaded.topGrade;
  out.judgedBy = loaded.judgedBy;
  // Texts only for an index built here (a million passages' texts are a gigabyte).
  const bool ownBm25 = withBm25 && !(request.prebuiltBm25 && request.filter.empty() &&
                                     request.prebuiltBm25->parameters().k1 == request.bm25.k1 &&
                                     request.prebuiltBm25->parameters().b == request.bm25.b);
  const bool ownDense = withDense && !request.prebuiltIndex;
  out.passages = index::loadPassages(store, request.corpusId, {},
                                     ownBm25 || ownDense ? index::PassageTexts::Load : index::PassageTexts::Skip);
  std::unordered_map<std::string, RecordInfo> records;
  out.passageById.reserve(out.passages.size());
  for (const auto& passage : out.passages) {
    out.passageById.emplace(passage.id, &passage);
    records.try_emplace(passage.recordKey, RecordInfo{passage.id, passage.filingType});
  }

  // Resolve filing types, then apply a filing-type filter to the queries as well.
  for (EvalQuery& query : loaded.queries) {
    std::string type = queryFilingType(query, records);
    if (request.filter.filingType && type != *request.filter.filingType)
      continue;
    out.filingTypes.push_back(std::move(type));
    out.queries.push_back(std::move(query));
  }
  throwIfStopped(request.stop);

  std::vector<std::string> queryTexts;
  for (const EvalQuery& query : out.queries)
    queryTexts.push_back(query.text);
  out.depth = std::max(request.depth, request.k);
  std::optional<std::unordered_set<std::int64_t>> allowed;
  if (retrieves && !request.filter.empty())
    allowed = index::passageIds(store, request.corpusId, request.filter);

  if (withBm25) {
    std::optional<index::Bm25Index> built;
    if (ownBm25) {
      std::vector<std::int64_t> ids;
      std::vector<std::string> texts;
      for (const auto& passage : out.passages)
        if (!allowed || allowed->count(passage.id)) {
          ids.push_back(passage.id);
          texts.push_back(passage.text);
        }
      built.emplace(index::Bm25Index::build(ids, texts, request.bm25, request.progress, request.stop));
    }
    const index::Bm25Index& bm25 = built ? *built : *request.prebuiltBm25;
    report(request.progress, {"search", 0, static_cast<std::int64_t>(out.queries.size()), "bm25"});
    out.bm25Hits = bm25.search(queryTexts, out.depth);
  }
  if (withDense) {
    std::optional<index::DenseIndex> ownIndex;
    if (!request.prebuiltIndex)
      ownIndex.emplace(openDenseIndex(request, store, out.passages));
    const index::DenseIndex& denseIndex = request.prebuiltIndex ? *request.prebuiltIndex : *ownIndex;
    model::EncodeOptions options;
    options.stop = request.stop;
    options.progress = [&](const Progress& p) { report(request.progress, {"encode queries", p.done, p.total, {}}); };
    const std::vector<float> queryVectors = request.encoder->encode(queryTexts, model::TextRole::Query, options);
    throwIfStopped(request.stop);
    // Questions are harder for IVF than the rows its build calibrated on (at 1M replicated filing passages
    // the build's probes gave the run's queries recall@10 0.76): recalibrate on these queries, unless the
    // probe count was given.
    out.denseIndex = {{"kind", toString(denseIndex.kind())}};
    if (denseIndex.kind() == index::DenseIndexKind::Ivf) {
      const bool calibrate = ownIndex && request.denseIndex.ivfProbes == 0;
      if (calibrate)
        ownIndex->calibrateProbes(queryVectors.data(), static_cast<std::int64_t>(out.queries.size()),
                                  request.denseIndex.targetRecall);
      out.denseIndex["lists"] = denseIndex.lists();
      out.denseIndex["probes"] = denseIndex.probes();
      out.denseIndex["probes_from"] = calibrate ? "these queries" : "the index";
      if (calibrate)
        out.denseIndex["target_recall_at_10"] = request.denseIndex.targetRecall;
    }
    report(request.progress, {"search", 0, static_cast<std::int64_t>(out.queries.size()), "dense"});
    out.denseHits = denseIndex.search(queryVectors, out.depth, allowed ? &*allowed : nullptr);
  }
  throwIfStopped(request.stop);
  return out;
}

// Query q's passage hits under the request's retriever (a hybrid fuses the two lists).
index::HitList passageHits(Retrieval& r, std::size_t q, RetrieverKind retriever, std::optional<double> fusionWeight) {
  if (retriever == RetrieverKind::Bm25)
    return std::move(r.bm25Hits[q]);
  if (retriever == RetrieverKind::Dense)
    return std::move(r.denseHits[q]);
  if (fusionWeight)
    return index::weightedScoreFusion(r.denseHits[q], r.bm25Hits[q], *fusionWeight, r.depth);
  return index::reciprocalRankFusion({r.denseHits[q], r.bm25Hits[q]}, r.depth);
}

// Chunks collapsed to their record: the best passage of a record stands for it.
std::vector<RunEntry> recordRanking(const index::HitList& hits, const Retrieval& r) {
  std::vector<RunEntry> ranking;
  std::set<std::string> seen;
  for (const index::SearchHit& hit : hits) {
    auto passage = r.passageById.find(hit.id);
    if (passage != r.passageById.end() && seen.insert(passage->second->recordKey).second)
      ranking.push_back({passage->second->recordKey, hit.score});
  }
  return ranking;
}

std::vector<std::string> keysOf(const std::vector<RunEntry>& ranking) {
  std::vector<std::string> keys;
  for (const RunEntry& entry : ranking)
    keys.push_back(entry.docKey);
  return keys;
}

} // namespace

namespace {

void attachIntervals(MetricsTable& table, const std::vector<QueryMetrics>& perQuery, int resamples) {
  StatisticsOptions options;
  options.resamples = resamples;
  for (const auto& [group, intervals] : metricIntervals(perQuery, options))
    table.groups[group].ci95 = intervals;
}

} // namespace

FusionChoice chooseFusionWeight(store::Store& store, const EvaluationRequest& tuning) {
  if (tuning.k <= 0)
    throw InputError("k must be a positive number of results, got " + std::to_string(tuning.k));
  Retrieval r = retrieve(store, tuning, true, true);
  FusionChoice choice;
  choice.queries = static_cast<std::int64_t>(r.queries.size());
  if (r.queries.empty())
    return choice;
  // The grid, coarse enough not to chase noise on a few hundred queries; ties go to the smaller dense weight.
  for (int step = 0; step <= kFusionGridSteps; ++step) {
    const double weight = static_cast<double>(step) / kFusionGridSteps;
    double sum = 0;
    for (std::size_t q = 0; q < r.queries.size(); ++q) {
      const auto hits = index::weightedScoreFusion(r.denseHits[q], r.bm25Hits[q], weight, r.depth);
      sum += computeMetrics(keysOf(recordRanking(hits, r)), r.queries[q].judgments, tuning.k).ndcg;
    }
    const double ndcg = sum / static_cast<double>(r.queries.size());
    choice.ndcgByWeight.emplace_back(weight, ndcg);
    if (step == 0 || ndcg > choice.ndcg + 1e-12) {
      choice.denseWeight = weight;
      choice.ndcg = ndcg;
    }
  }
  return choice;
}

EvaluationResult evaluate(store::Store& store, const EvaluationRequest& request) {
  if (request.k <= 0)
    throw InputError("k must be a positive number of results, got " + std::to_string(request.k));
  const bool retrieves = request.retriever != RetrieverKind::RunFile;
  const bool dense = request.retriever == RetrieverKind::Dense || request.retriever == RetrieverKind::Hybrid;
  const bool bm25 = request.retriever == RetrieverKind::Bm25 || request.retriever == RetrieverKind::Hybrid;
  if (request.relevantFrom && *request.relevantFrom < 1)
    throw InputError("relevant_from must be a grade of at least 1, got " + std::to_string(*request.relevantFrom));
  Retrieval r = retrieve(store, request, bm25, dense);
  const std::vector<EvalQuery>& queries = r.queries;
  const int depth = r.depth;
  if (queries.empty())
    throw InputError(std::string("no judged query to score") +
                     (request.querySetId ? " in query set '" + querySetName(store, *request.querySetId) + "'"
                                         : " in " + request.qrelsFile.string()) +
                     (request.split ? ", split '" + *request.split + "'" : "") +
                     (request.filter.filingType ? ", filing type '" + *request.filter.filingType + "'" : "") +
                     (r.withoutText > 0 ? " (" + std::to_string(r.withoutText) + " judged queries have no text)" : ""));
  const int relevantFrom = request.relevantFrom.value_or(defaultRelevantFrom(r.topGrade));

  Run externalRun;
  if (!retrieves)
    externalRun = readTrecRun(request.runFile);

  EvaluationResult result;
  result.skippedQueries = r.withoutText;
  std::vector<QueryMetrics> perQuery;
  const std::size_t stored = static_cast<std::size_t>(std::max(request.storedDepth, request.k));
  for (std::size_t q = 0; q < queries.size(); ++q) {
    std::vector<RunEntry> ranking;
    if (retrieves)
      ranking = recordRanking(passageHits(r, q, request.retriever, request.fusionWeight), r);
    else if (auto run = externalRun.find(queries[q].key); run != externalRun.end())
      ranking = run->second;
    std::vector<std::string> keys = keysOf(ranking);
    QueryMetrics metrics{queries[q].key, r.filingTypes[q],
                         computeMetrics(keys, queries[q].judgments, request.k, relevantFrom)};
    if (ranking.size() > stored)
      ranking.resize(stored);
    perQuery.push_back(metrics);
    result.queries.push_back({std::move(metrics), std::move(ranking)});
  }
  result.table = aggregate(perQuery, request.k);
  result.table.relevantFrom = relevantFrom;
  result.table.judgedBy = r.judgedBy;
  attachIntervals(result.table, perQuery, request.bootstrapResamples);
  throwIfStopped(request.stop);
  JudgmentsDigest digest;
  for (const EvalQuery& query : queries)
    digest.add(query.key, nlohmann::json(query.judgments).dump());

  nlohmann::json config = {
      {"corpus_id", request.corpusId},
      {"retriever", toString(request.retriever)},
      {"k", request.k},
      {"depth", depth},
      {"filter", request.filter.toString()},
      {"queries", static_cast<std::int64_t>(queries.size())},
      {"skipped_queries_without_text", r.withoutText},
      {"tie_break", "score desc, passage id asc"},
      {"grade_scale", r.topGrade},
      {"relevant_from", relevantFrom},
      {"judged_by", r.judgedBy},
      {"bootstrap", {{"resamples", request.bootstrapResamples}, {"seed", StatisticsOptions{}.seed}}},
      {"judgments_fingerprint", digest.hex()},
  };
  if (!request.queriesFile.empty())
    config["queries_file"] = request.queriesFile.string();
  if (!request.qrelsFile.empty())
    config["qrels_file"] = request.qrelsFile.string();
  if (!request.runFile.empty())
    config["run_file"] = request.runFile.string();
  if (request.split)
    config["split"] = *request.split;
  if (request.retriever == RetrieverKind::Bm25 || request.retriever == RetrieverKind::Hybrid)
    config["bm25"] = {{"k1", request.bm25.k1}, {"b", request.bm25.b}, {"tokens", "lowercase ascii alphanumeric runs"}};
  if (dense)
    config["encoder"] = request.encoder->name();
  if (!r.denseIndex.is_null())
    config["dense_index"] = r.denseIndex;
  if (request.retriever == RetrieverKind::Hybrid && request.fusionWeight)
    config["fusion"] = {{"method", "weighted min-max scores"}, {"dense_weight", *request.fusionWeight}};
  else if (request.retriever == RetrieverKind::Hybrid)
    config["fusion"] = {{"method", "rrf"}, {"constant", index::kRrfConstant}};

  report(request.progress, {"store", 0, 1, {}});
  storeEvaluation(store, request, result, config, queries);
  report(request.progress, {"store", 1, 1, {}});
  return result;
}

MetricsTable loadMetrics(store::Store& store, std::int64_t evaluationId) {
  store::Statement select = store.prepare(
      "SELECT e.k, COALESCE(json_extract(e.config_json, '$.relevant_from'), 1), m.filing_type, m.name, m.value, "
      "m.query_count, m.ci_low, m.ci_high, COALESCE(json_extract(e.config_json, '$.judged_by'), '') FROM "
      "evaluations e LEFT JOIN metrics m ON m.evaluation_id = e.id AND m.k = e.k WHERE e.id = ?1");
  select.bind(1, evaluationId);
  MetricsTable table;
  bool found = false;
  while (select.step()) {
    found = true;
    table.k = static_cast<int>(select.columnInt64(0));
    table.relevantFrom = static_cast<int>(select.columnInt64(1));
    table.judgedBy = select.columnText(8);
    if (select.columnIsNull(2))
      continue;
    MetricSummary& summary = table.groups[select.columnText(2)];
    summary.queries = select.columnInt64(5);
    const std::string name = select.columnText(3);
    const double value = select.columnDouble(4);
    if (name == "mrr")
      summary.mean.mrr = value;
    else if (name == "dcg")
      summary.mean.dcg = value;
    else if (name == "ndcg")
      summary.mean.ndcg = value;
    else if (name == "recall")
      summary.mean.recall = value;
    if (!select.columnIsNull(6) && !select.columnIsNull(7))
      summary.ci95[name] = {select.columnDouble(6), select.columnDouble(7)};
  }
  if (!found)
    throw InputError("no evaluation with id " + std::to_string(evaluationId) + " in " + store.path().string());
  return table;
}

std::vector<QueryMetrics> loadQueryMetrics(store::Store& store, std::int64_t evaluationId) {
  if (!store.prepare("SELECT 1 FROM evaluations WHERE id = ?1").bind(1, evaluationId).step())
    throw InputError("no evaluation with id " + std::to_string(evaluationId) + " in " + store.path().string());
  store::Statement select = store.prepare("SELECT query_key, filing_type, mrr, dcg, ndcg, recall FROM "
                                          "evaluation_queries WHERE evaluation_id = ?1 ORDER BY query_key");
  select.bind(1, evaluationId);
  std::vector<QueryMetrics> queries;
  while (select.step())
    queries.push_back(
        {select.columnText(0),
         select.columnText(1),
         {select.columnDouble(2), select.columnDouble(3), select.columnDouble(4), select.columnDouble(5)}});
  return queries;
}

std::string judgmentsFingerprint(store::Store& store, std::int64_t evaluationId) {
  if (!store.prepare("SELECT 1 FROM evaluations WHERE id = ?1").bind(1, evaluationId).step())
    throw InputError("no evaluation with id " + std::to_string(evaluationId) + " in " + store.path().string());
  store::Statement select = store.prepare(
      "SELECT query_key, judgments_json FROM evaluation_queries WHERE evaluation_id = ?1 ORDER BY query_key");
  select.bind(1, evaluationId);
  JudgmentsDigest digest;
  while (select.step())
    digest.add(select.columnText(0), select.columnText(1));
  return digest.hex();
}

MetricsTable rescoreEvaluation(store::Store& store, std::int64_t evaluationId) {
  store::Statement head = store.prepare("SELECT query_set_id, k, config_json, run_id, round_index FROM evaluations "
                                        "WHERE id = ?1");
  head.bind(1, evaluationId);
  if (!head.step())
    throw InputError("no evaluation with id " + std::to_string(evaluationId) + " in " + store.path().string());
  if (head.columnIsNull(0))
    throw InputError("evaluation " + std::to_string(evaluationId) +
                     " was scored against qrels files, not a stored query set: there is nothing to score it again "
                     "against");
  const std::int64_t querySetId = head.columnInt64(0);
  const int k = static_cast<int>(head.columnInt64(1));
  nlohmann::json config = nlohmann::json::parse(head.columnText(2));
  EvaluationRequest request; // what insertMetricRows needs: the run and round the rows belong to
  if (!head.columnIsNull(3))
    request.runId = head.columnInt64(3);
  if (!head.columnIsNull(4))
    request.roundIndex = static_cast<int>(head.columnInt64(4));
  const int relevantFrom = config.value("relevant_from", 1);
  const int resamples = config.contains("bootstrap") ? config["bootstrap"].value("resamples", 1000) : 1000;

  const LoadedQueries current = loadFromQuerySet(store, querySetId, std::nullopt);
  std::map<std::string, const Judgments*> judgmentsByKey;
  for (const EvalQuery& query : current.queries)
    judgmentsByKey.emplace(query.key, &query.judgments);

  std::map<std::string, std::vector<std::string>> rankings;
  store::Statement ranked = store.prepare(
      "SELECT query_key, record_key FROM evaluation_rankings WHERE evaluation_id = ?1 ORDER BY query_key, rank");
  ranked.bind(1, evaluationId);
  while (ranked.step())
    rankings[ranked.columnText(0)].push_back(ranked.columnText(1));

  std::vector<QueryMetrics> perQuery = loadQueryMetrics(store, evaluationId);
  std::vector<std::string> judgmentsJson;
  JudgmentsDigest digest;
  const Judgments none;
  for (QueryMetrics& query : perQuery) {
    const auto found = judgmentsByKey.find(query.queryKey);
    const Judgments& judgments = found == judgmentsByKey.end() ? none : *found->second;
    query.values = computeMetrics(rankings[query.queryKey], judgments, k, relevantFrom);
    judgmentsJson.push_back(nlohmann::json(judgments).dump());
    digest.add(query.queryKey, judgmentsJson.back());
  }
  MetricsTable table = aggregate(perQuery, k);
  table.relevantFrom = relevantFrom;
  table.judgedBy = config.value("judged_by", std::string());
  attachIntervals(table, perQuery, resamples);
  config["judgments_fingerprint"] = digest.hex();
  config["rescored_at"] = nowIso8601();

  store.transaction([&] {
    store::Statement update = store.prepare("UPDATE evaluation_queries SET mrr = ?3, dcg = ?4, ndcg = ?5, recall = ?6, "
                                            "judgments_json = ?7 WHERE evaluation_id = ?1 AND query_key = ?2");
    for (std::size_t i = 0; i < perQuery.size(); ++i) {
      const MetricValues& v = perQuery[i].values;
      update.bind(1, evaluationId)
          .bind(2, perQuery[i].queryKey)
          .bind(3, v.mrr)
          .bind(4, v.dcg)
          .bind(5, v.ndcg)
          .bind(6, v.recall)
          .bind(7, judgmentsJson[i])
          .run();
    }
    store.prepare("DELETE FROM metrics WHERE evaluation_id = ?1").bind(1, evaluationId).run();
    insertMetricRows(store, evaluationId, request, table);
    store.prepare("UPDATE evaluations SET config_json = ?2 WHERE id = ?1")
        .bind(1, evaluationId)
        .bind(2, config.dump())
        .run();
  });
  return table;
}

void exportTrecRun(store::Store& store, std::int64_t evaluationId, std::ostream& out) {
  store::Statement head = store.prepare("SELECT retriever FROM evaluations WHERE id = ?1");
  head.bind(1, evaluationId);
  if (!head.step())
    throw InputError("no evaluation with id " + std::to_string(evaluationId) + " in " + store.path().string());
  const std::string tag = head.columnText(0);
  store::Statement select = store.prepare("SELECT query_key, record_key, score FROM evaluation_rankings "
                                          "WHERE evaluation_id = ?1 ORDER BY query_key, rank");
  select.bind(1, evaluationId);
  Run run;
  while (select.step())
    run[select.columnText(0)].push_back({select.columnText(1), select.columnDouble(2)});
  std::string safeTag = tag;
  std::replace_if(
      safeTag.begin(), safeTag.end(), [](char c) { return c == ' ' || c == '\t'; }, '_');
  writeTrecRun(out, run, safeTag);
}

void exportTrecQrels(store::Store& store, std::int64_t evaluationId, std::ostream& out) {
  if (!store.prepare("SELECT 1 FROM evaluations WHERE id = ?1").bind(1, evaluationId).step())
    throw InputError("no evaluation with id " + std::to_string(evaluationId) + " in " + store.path().string());
  store::Statement select = store.prepare(
      "SELECT query_key, judgments_json FROM evaluation_queries WHERE evaluation_id = ?1 ORDER BY query_key");
  select.bind(1, evaluationId);
  Qrels qrels;
  while (select.step())
    qrels[select.columnText(0)] = nlohmann::json::parse(select.columnText(1)).get<Judgments>();
  writeTrecQrels(out, qrels);
}

} // namespace distillery::eval
