#include "core/pipeline/DistillationRun.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/corpus/CorpusRepository.h"
#include "core/eval/Evaluator.h"
#include "core/eval/HumanGrades.h"
#include "core/eval/Judges.h"
#include "core/index/Bm25Index.h"
#include "core/index/DenseIndex.h"
#include "core/index/InnerProducts.h"
#include "core/model/BlasRuntime.h"
#include "core/model/EmbeddingMatrixFile.h"
#include "core/model/EncoderFactory.h"
#include "core/model/StudentModel.h"
#include "core/pipeline/HardExampleMiner.h"
#include "core/pipeline/RunRepository.h"
#include "core/pipeline/StudentTrainer.h"
#include "core/store/Store.h"
#include "core/teacher/JudgmentCache.h"
#include "core/teacher/QueryGenerator.h"
#include "core/teacher/Teacher.h"
#include "core/util/Error.h"
#include "core/util/Hash.h"
#include "core/util/Time.h"

namespace distillery::pipeline {
namespace {

constexpr int kMinSourceTokens = 24;  // shorter passages (headings, stubs) make poor query sources
constexpr int kHoldoutPoolDepth = 10; // per retriever, when the held-out qrels are first pooled
// A teacher endpoint that fails a few calls should not stop a run; one that fails more (an outage, a spent quota)
// should, rather than mine and train on what is left. Only the endpoint's own failures count (429, 5xx, timeouts,
// dropped connections, given up on after the retries): an answer the model would not format fails the same way
// when asked again, so stopping for it would stop every resume too; those are logged and left out.
constexpr std::int64_t kToleratedTeacherFailuresPer = 20;

// Throws when the endpoint failed more than the tolerated share of a step's `total` calls. The step stays open, and
// since what succeeded is stored, a resumed run asks the teacher again for the failed calls only.
template <typename Failure>
void stopOnTeacherOutage(int roundIndex, const std::string& what, std::int64_t total,
                         const std::vector<Failure>& failures) {
  const auto failedTransiently =
      std::count_if(failures.begin(), failures.end(), [](const Failure& f) { return f.transient; });
  if (failedTransiently * kToleratedTeacherFailuresPer <= total)
    return;
  const auto first = std::find_if(failures.begin(), failures.end(), [](const Failure& f) { return f.transient; });
  throw Error("round " + std::to_string(roundIndex) + ": the teacher endpoint failed " +
              std::to_string(failedTransiently) + " of " + std::to_string(total) + " " + what +
              " (first: " + (first == failures.end() ? std::string("?") : first->reason) + "), more than 1 in " +
              std::to_string(kToleratedTeacherFailuresPer) + ", so the run stops here instead of going on without " +
              "them. What succeeded is stored: resuming the run asks the teacher again for the failed ones only");
}

struct RunQuery {
  std::int64_t id = 0;
  std::string text;
  std::int64_t sourcePassageId = 0;
  std::string split;
};

// Where the evaluation's queries and judgments come from.
struct EvaluationTarget {
  std::optional<std::int64_t> querySetId;
  std::optional<std::string> split;
  std::filesystem::path queriesFile, qrelsFile;
  bool synthetic = false; // the run's own held-out teacher queries
};

std::vector<std::string> importedQuerySets(store::Store& store, std::int64_t corpusId) {
  auto s = store.prepare("SELECT name FROM query_sets WHERE corpus_id = ?1 AND origin = 'imported' ORDER BY id");
  s.bind(1, corpusId);
  std::vector<std::string> names;
  while (s.step())
    names.push_back(s.columnText(0));
  return names;
}

// Whether round 0 first writes a held-out set of teacher queries (the corpus has no human query set to use).
bool evaluatesOnSyntheticHoldout(store::Store& store, const RunRecord& run) {
  const EvaluationConfig& e = run.config.evaluation;
  if (!e.queriesPath.empty())
    return false;
  return e.querySet == "synthetic" || (e.querySet.empty() && importedQuerySets(store, run.corpusId).empty());
}

// The run's shared state while it executes.
class RunExecution {
public:
  RunExecution(store::Store& store, std::int64_t runId, const RunCallbacks& callbacks, std::stop_token stop,
               const RunEnvironment& environment)
      : store_(store), repository_(store), callbacks_(callbacks), stop_(std::move(stop)),
        maxSteps_(environment.maxSteps) {
    run_ = repository_.loadRun(runId);
    config_ = run_.config;
    teacher::TeacherConfig teacherConfig = teacher::TeacherConfig::fromJson(config_.teacher);
    if (environment.apiKey)
      teacherConfig.apiKey = environment.apiKey;
    teacher_ = teacher::makeTeacher(teacherConfig);
    passages_ = corpus::loadPassages(store_, run_.corpusId);
    if (passages_.empty())
      throw InputError("corpus '" + run_.corpusName + "' has no passages: import filings before running");
    for (std::size_t i = 0; i < passages_.size(); ++i) {
      passageIndex_.emplace(passages_[i].id, i);
      indexedTexts_.push_back(passages_[i].indexedText());
    }
    ContentHasher hasher;
    for (std::size_t i = 0; i < passages_.size(); ++i) {
      hasher.update(std::to_string(passages_[i].id));
      hasher.update(indexedTexts_[i]);
    }
    passageFingerprint_ = hasher.hexDigest().substr(0, 12);
    if (config_.threads > 0)
      torch::set_num_threads(config_.threads);
  }

  /// Runs to the end, or until maxSteps steps have completed; true when it stopped early (the run pauses).
  bool execute();

private:
  // Counts a completed step; true when the caller asked for no more in this call.
  bool stepLimitReached() {
    ++stepsDone_;
    return maxSteps_ > 0 && ++completedSteps_ >= maxSteps_;
  }

  void log(const std::string& line) {
    if (callbacks_.log)
      callbacks_.log(line);
  }
  void progress(const std::string& label, std::int64_t done, std::int64_t total, const std::string& detail = {}) {
    if (callbacks_.progress)
      callbacks_.progress({label, done, total, detail, stepsDone_, stepsTotal_});
  }
  ProgressCallback forward(const std::string& label) {
    return [this, label](const Progress& p) {
      progress(label, p.done, p.total, p.message.empty() ? p.stage : p.stage + ": " + p.message);
    };
  }

  teacher::JudgeRequest judgeRequest(const std::string& query, std::int64_t queryId, std::int64_t passageId) const {
    return teacher::judgeRequestFor(query, passages_[passageIndex_.at(passageId)], queryId);
  }

  std::filesystem::path modelsDirectory() const { return store_.path().string() + ".models"; }
  std::string runQuerySetName() const { return "run-" + std::to_string(run_.id); }
  std::string holdoutQuerySetName() const { return "run-" + std::to_string(run_.id) + "-holdout"; }

  std::int64_t baseModel();
  EvaluationTarget evaluationTarget();
  std::vector<std::int64_t> samplePassages(std::size_t count, std::uint64_t salt, int beforeRound);
  std::vector<std::string> devPool(int roundIndex, const std::vector<TrainingExample>& dev);
  const index::Bm25Index& bm25Index(); // over the run's passages, built once
  std::vector<RunQuery> roundQueries(std::int64_t roundId, const std::string& querySet);

  // Corpus embeddings of a stored model, cached beside the store so a resumed run does not re-embed.
  const std::vector<float>& corpusEmbeddings(std::int64_t modelId, model::StudentModel& model);
  std::shared_ptr<model::StudentModel> loadModel(std::int64_t modelId);
  index::DenseIndex denseIndex(std::int64_t modelId, model::StudentModel& model);

  void synthesise(const RoundRecord& round, const std::string& querySet, std::size_t count, std::size_t devCount,
                  std::uint64_t salt, const std::string& split);
  void retrieve(const RoundRecord& round, std::int64_t modelId);
  void judgeCandidates(const RoundRecord& round);
  void mine(const RoundRecord& round);
  std::int64_t train(const RoundRecord& round, std::int64_t modelId);
  void evaluate(const RoundRecord& round, std::int64_t modelId, const EvaluationTarget& target, bool withBm25);
  void extendHoldoutQrels(const RoundRecord& round, model::StudentModel& model, const index::DenseIndex& index,
                          bool withBm25Pool);
  void storeRankAfter(const RoundRecord& round, std::int64_t modelId, model::StudentModel& model);
  void evaluateHybrid(const RoundRecord& round, eval::EvaluationRequest request);
  void rescoreEarlierRounds(const RoundRecord& round);

  store::Store& store_;
  RunRepository repository_;
  const RunCallbacks& callbacks_;
  std::stop_token stop_;
  const int maxSteps_;
  int completedSteps_ = 0;
  std::int64_t stepsDone_ = 0;  // of the whole run, those done before this call included
  std::int64_t stepsTotal_ = 0; // round 0's (its held-out queries, its evaluation) and six per round
  RunRecord run_;
  RunConfig config_;
  std::unique_ptr<teacher::Teacher> teacher_;
  std::vector<corpus::PassageRecord> passages_;
  std::vector<std::string> indexedTexts_; // per passage: what BM25 and the student read (title, then text)
  std::unordered_map<std::int64_t, std::size_t> passageIndex_;
  std::string passageFingerprint_;
  std::map<std::int64_t, std::vector<float>> embeddings_; // by model id (the latest two are enough)
  std::map<std::int64_t, std::shared_ptr<model::StudentModel>> models_;
  std::unique_ptr<index::Bm25Index> bm25_;
};

std::shared_ptr<model::StudentModel> RunExecution::loadModel(std::int64_t modelId) {
  auto& slot = models_[modelId];
  if (!slot) {
    if (models_.size() > 3) // keep the working set small: the base and the last two rounds
      models_.erase(models_.begin()->first == modelId ? std::next(models_.begin()) : models_.begin());
    slot = model::StudentModel::load(repository_.modelPath(modelId), model::defaultDevice());
    slot->setName("model:" + std::to_string(modelId));
  }
  return slot;
}

std::int64_t RunExecution::baseModel() {
  model::EncoderContext context;
  context.store = &store_;
  context.corpus = run_.corpusName;
  context.progress = forward("default student");
  context.stop = stop_;
  context.seed = config_.seed;
  const std::filesystem::path directory = model::resolveModelDirectory(config_.student, context);
  if (config_.student.rfind("model:", 0) == 0)
    return std::stoll(config_.student.substr(6));
  const std::string kind = config_.student == "default" ? "default" : "huggingface";
  return model::registerModel(store_, directory, kind, directory.filename().string());
}

const std::vector<float>& RunExecution::corpusEmbeddings(std::int64_t modelId, model::StudentModel& model) {
  auto found = embeddings_.find(modelId);
  if (found != embeddings_.end())
    return found->second;
  if (embeddings_.size() > 2)
    embeddings_.erase(embeddings_.begin());
  const auto dimension = static_cast<std::int64_t>(model.config().hiddenSize);
  const std::filesystem::path cache = std::filesystem::path(store_.path().string() + ".indexes") /
                                      ("model" + std::to_string(modelId) + "-" + passageFingerprint_ + ".npy");
  std::vector<float>& vectors = embeddings_[modelId];
  if (std::filesystem::exists(cache)) {
    try {
      model::EmbeddingMatrixReader reader(cache);
      if (reader.rows() == static_cast<std::int64_t>(passages_.size()) && reader.columns() == dimension) {
        vectors.assign(reader.row(0), reader.row(0) + reader.rows() * reader.columns());
        return vectors;
      }
    } catch (const Error&) {
      // a damaged cache is rebuilt below
    }
  }
  const std::vector<std::string>& texts = indexedTexts_;
  model::EncodeOptions options;
  options.stop = stop_;
  options.threads = config_.threads;
  options.progress = forward("embed corpus");
  vectors = model.encode(texts, model::TextRole::Passage, options);
  throwIfStopped(stop_);
  std::filesystem::create_directories(cache.parent_path());
  const std::filesystem::path partial = cache.string() + ".partial";
  {
    model::EmbeddingMatrixWriter writer(partial, static_cast<std::int64_t>(passages_.size()), dimension);
    for (std::size_t i = 0; i < passages_.size(); ++i)
      writer.writeRow(static_cast<std::int64_t>(i), vectors.data() + i * static_cast<std::size_t>(dimension));
    writer.close();
  }
  std::filesystem::rename(partial, cache);
  return vectors;
}

index::DenseIndex RunExecution::denseIndex(std::int64_t modelId, model::StudentModel& model) {
  const std::vector<float>& vectors = corpusEmbeddings(modelId, model);
  std::vector<std::int64_t> ids;
  ids.reserve(passages_.size());
  for (const auto& passage : passages_)
    ids.push_back(passage.id);
  return index::DenseIndex::build(vectors, static_cast<int>(model.config().hiddenSize), ids);
}

EvaluationTarget RunExecution::evaluationTarget() {
  const EvaluationConfig& e = config_.evaluation;
  EvaluationTarget target;
  if (!e.queriesPath.empty()) {
    target.queriesFile = e.queriesPath;
    target.qrelsFile = e.qrelsPath;
    return target;
  }
  std::string name = e.querySet;
  if (name.empty()) {
    // The query set imported with the corpus (BEIR queries + qrels); none means a synthetic held-out set.
    const std::vector<std::string> imported = importedQuerySets(store_, run_.corpusId);
    if (imported.size() > 1)
      log("corpus has " + std::to_string(imported.size()) + " imported query sets; evaluating on the first, '" +
          imported.front() + "' (set evaluation.query_set to choose)");
    if (!imported.empty())
      name = imported.front();
  }
  if (name.empty() || name == "synthetic") {
    target.synthetic = true;
    target.querySetId = corpus::tryFindQuerySetId(store_, run_.corpusId, holdoutQuerySetName());
    target.split = "test";
    return target;
  }
  target.querySetId = corpus::loadQuerySet(store_, run_.corpusId, name).id;
  // Held-out queries only: a set with a test split is evaluated on it, never on its train/dev queries.
  auto s = store_.prepare("SELECT COUNT(*) FROM queries WHERE query_set_id = ?1 AND split = 'test'");
  s.bind(1, *target.querySetId);
  if (s.step() && s.columnInt64(0) > 0)
    target.split = "test";
  return target;
}

// A stratified sample: filing types take turns, so small filing types are not drowned by large ones. Passages
// already used as query sources by earlier rounds of this run (and the held-out set) are not drawn again.
std::vector<std::int64_t> RunExecution::samplePassages(std::size_t count, std::uint64_t salt, int beforeRound) {
  std::unordered_set<std::int64_t> used;
  auto s = store_.prepare("SELECT q.source_passage_id FROM queries q JOIN rounds r ON r.id = q.round_id "
                          "WHERE r.run_id = ?1 AND r.round_index < ?2 AND q.source_passage_id IS NOT NULL");
  s.bind(1, run_.id).bind(2, beforeRound);
  while (s.step())
    used.insert(s.columnInt64(0));

  std::map<std::string, std::vector<std::int64_t>> byType;
  for (const auto& passage : passages_)
    if (!passage.nearDuplicateOf && passage.tokenCount >= kMinSourceTokens && !used.count(passage.id))
      byType[passage.filingType].push_back(passage.id);
  std::mt19937_64 rng(config_.seed * 0x9E3779B97F4A7C15ULL + salt);
  for (auto& [type, ids] : byType)
    std::shuffle(ids.begin(), ids.end(), rng);
  std::vector<std::int64_t> chosen;
  for (std::size_t turn = 0; chosen.size() < count; ++turn) {
    bool any = false;
    for (auto& [type, ids] : byType)
      if (turn < ids.size() && chosen.size() < count) {
        chosen.push_back(ids[turn]);
        any = true;
      }
    if (!any)
      break;
  }
  return chosen;
}

std::vector<RunQuery> RunExecution::roundQueries(std::int64_t roundId, const std::string& querySet) {
  auto s = store_.prepare("SELECT q.id, q.text, q.source_passage_id, q.split FROM queries q "
                          "JOIN query_sets qs ON qs.id = q.query_set_id "
                          "WHERE q.round_id = ?1 AND qs.corpus_id = ?2 AND qs.name = ?3 ORDER BY q.id");
  s.bind(1, roundId).bind(2, run_.corpusId).bind(3, querySet);
  std::vector<RunQuery> queries;
  while (s.step())
    queries.push_back({s.columnInt64(0), s.columnText(1), s.columnOptionalInt64(2).value_or(0), s.columnText(3)});
  return queries;
}

void RunExecution::synthesise(const RoundRecord& round, const std::string& querySet, std::size_t count,
                              std::size_t devCount, std::uint64_t salt, const std::string& split) {
  // Spare passages past `count` replace those whose query is dropped as a duplicate of one the set holds, so a
  // round gets the queries it asked for. The sample is a prefix of a fixed order, so a resume sees the same spares.
  const std::vector<std::int64_t> sample = samplePassages(count + count / 4 + 4, salt, round.index);
  if (sample.empty())
    throw InputError("corpus '" + run_.corpusName + "' has no unused passages of at least " +
                     std::to_string(kMinSourceTokens) + " tokens left to write queries for");
  const std::size_t wanted = std::min(count, sample.size());
  std::size_t nextSpare = wanted;
  std::vector<teacher::QueryType> types;
  for (const auto& name : config_.queryTypes)
    types.push_back(teacher::parseQueryType(name));
  const std::size_t dev = std::min(devCount, wanted / 2);
  // dev first, then train: two calls so that each query carries its split from the start.
  for (int part = 0; part < 2; ++part) {
    teacher::QueryGenerationOptions options;
    options.corpus = run_.corpusName;
    options.querySet = querySet;
    options.types = types;
    options.roundId = round.id;
    options.split = part == 0 ? "dev" : split;
    options.passageIds.assign(sample.begin() + (part == 0 ? 0 : static_cast<std::ptrdiff_t>(dev)),
                              sample.begin() + static_cast<std::ptrdiff_t>(part == 0 ? dev : wanted));
    while (!options.passageIds.empty()) {
      options.count = static_cast<std::int64_t>(options.passageIds.size());
      const auto result = teacher::generateQueries(store_, *teacher_, options, forward("synthesise"), stop_);
      log("round " + std::to_string(round.index) + ": " + std::to_string(result.generated) + " " + options.split +
          " queries written, " + std::to_string(result.existing) + " already there, " + std::to_string(result.failed) +
          " failed" + (result.failures.empty() ? "" : " (first: " + result.failures.front().reason + ")") +
          (result.duplicates == 0 ? "" : ", " + std::to_string(result.duplicates) + " dropped as duplicates"));
      stopOnTeacherOutage(round.index, options.split + " query syntheses", options.count, result.failures);
      const auto replacements = std::min(static_cast<std::size_t>(result.duplicates), sample.size() - nextSpare);
      options.passageIds.assign(sample.begin() + static_cast<std::ptrdiff_t>(nextSpare),
                                sample.begin() + static_cast<std::ptrdiff_t>(nextSpare + replacements));
      nextSpare += replacements;
    }
  }
}

void RunExecution::retrieve(const RoundRecord& round, std::int64_t modelId) {
  auto model = loadModel(modelId);
  const index::DenseIndex index = denseIndex(modelId, *model);
  const std::vector<RunQuery> queries = roundQueries(round.id, runQuerySetName());
  std::vector<std::string> texts;
  for (const auto& q : queries)
    texts.push_back(q.text);
  model::EncodeOptions options;
  options.stop = stop_;
  options.threads = config_.threads;
  const std::vector<float> vectors = model->encode(texts, model::TextRole::Query, options);
  throwIfStopped(stop_);
  const int depth = std::max(config_.candidatesK, config_.filterTopK);
  const auto hits = index.search(vectors, depth);

  std::vector<CandidateRow> rows;
  std::vector<std::pair<std::int64_t, std::string>> filtered;
  const std::vector<float>& corpus = corpusEmbeddings(modelId, *model);
  const auto dimension = static_cast<std::size_t>(model->config().hiddenSize);
  // The student's rank and score of any passage for query q (ties broken by passage id, as retrieval does).
  std::vector<float> scores(passages_.size());
  const auto rankOf = [&](std::size_t q, std::int64_t passageId) {
    const std::size_t at = passageIndex_.at(passageId);
    index::innerProductMatrix(vectors.data() + q * dimension, 1, corpus.data(), passages_.size(), dimension,
                              scores.data());
    int rank = 1;
    for (std::size_t p = 0; p < passages_.size(); ++p)
      if (scores[p] > scores[at] || (scores[p] == scores[at] && passages_[p].id < passageId))
        ++rank;
    return CandidateRow{queries[q].id, passageId, rank, scores[at]};
  };
  for (std::size_t q = 0; q < queries.size(); ++q) {
    int sourceRank = 0;
    for (std::size_t r = 0; r < hits[q].size(); ++r)
      if (hits[q][r].id == queries[q].sourcePassageId)
        sourceRank = static_cast<int>(r) + 1;
    // Dev queries are never filtered by the student: early stopping must see the queries it does badly on.
    const bool dev = queries[q].split == "dev";
    if (!dev && (sourceRank == 0 || sourceRank > config_.filterTopK)) {
      filtered.emplace_back(queries[q].id, "round " + std::to_string(round.index) +
                                               ": source passage not in the student's top " +
                                               std::to_string(config_.filterTopK));
      continue;
    }
    std::set<std::int64_t> listed;
    for (std::size_t r = 0; r < hits[q].size(); ++r)
      if (static_cast<int>(r) < config_.candidatesK || hits[q][r].id == queries[q].sourcePassageId) {
        rows.push_back({queries[q].id, hits[q][r].id, static_cast<int>(r) + 1, hits[q][r].score});
        listed.insert(hits[q][r].id);
      }
    if (!dev)
      continue;
    // A dev query's judged pool must not depend on the student alone, or the student it was drawn from scores
    // best on it: BM25's top k and the source join it (TREC-style pooling), with their ranks under the student.
    std::vector<std::int64_t> extra;
    const auto bm25Hits = bm25Index().search({queries[q].text}, config_.candidatesK);
    for (const auto& hit : bm25Hits.front())
      extra.push_back(hit.id);
    if (passageIndex_.count(queries[q].sourcePassageId))
      extra.push_back(queries[q].sourcePassageId);
    for (const std::int64_t id : extra)
      if (listed.insert(id).second)
        rows.push_back(rankOf(q, id));
  }
  store_.transaction([&] {
    repository_.replaceCandidates(round.id, rows);
    auto mark = store_.prepare("UPDATE queries SET metadata_json = json_set(metadata_json, '$.filtered', ?2) "
                               "WHERE id = ?1");
    for (const auto& [id, reason] : filtered)
      mark.bind(1, id).bind(2, reason).run();
    repository_.completeStep(round.id, RoundStep::Retrieve);
  });
  log("round " + std::to_string(round.index) + ": kept " + std::to_string(queries.size() - filtered.size()) + " of " +
      std::to_string(queries.size()) + " queries (source passage in the student's top " +
      std::to_string(config_.filterTopK) + "), " + std::to_string(rows.size()) + " candidates");
}

// Judges every candidate of the round (cache first: pairs judged before are not paid for again).
void RunExecution::judgeCandidates(const RoundRecord& round) {
  const std::vector<CandidateRow> candidates = repository_.candidates(round.id);
  std::unordered_map<std::int64_t, std::string> queryText;
  for (const auto& q : roundQueries(round.id, runQuerySetName()))
    queryText.emplace(q.id, q.text);
  std::vector<teacher::JudgeRequest> requests;
  requests.reserve(candidates.size());
  for (const auto& c : candidates)
    requests.push_back(judgeRequest(queryText.at(c.queryId), c.queryId, c.passageId));
  teacher::JudgmentCache cache(store_);
  const auto result = cache.judge(*teacher_, requests, forward("judge"), stop_);
  log("round " + std::to_string(round.index) + ": " + std::to_string(requests.size()) +
      " pairs: " + std::to_string(result.judged) + " judged, " + std::to_string(result.cached) + " from the cache, " +
      std::to_string(result.failed) + " failed; " + std::to_string(result.usage.calls) + " calls, " +
      std::to_string(result.usage.inputTokens + result.usage.outputTokens) + " tokens");
  stopOnTeacherOutage(round.index, "judgments", static_cast<std::int64_t>(requests.size()), result.failures);
  repository_.completeStep(round.id, RoundStep::Judge);
}

void RunExecution::mine(const RoundRecord& round) {
  const std::vector<CandidateRow> candidates = repository_.candidates(round.id);
  std::unordered_map<std::int64_t, RunQuery> queries;
  for (auto& q : roundQueries(round.id, runQuerySetName()))
    queries.emplace(q.id, q);
  teacher::JudgmentCache cache(store_);
  const eval::HumanGrades human = eval::HumanGrades::load(store_, run_.corpusId);
  std::int64_t overruled = 0;
  HardExampleMiner miner(config_.mining, config_.seed);
  std::vector<MinedRow> rows;
  std::map<std::string, int> counts;
  std::vector<std::pair<std::int64_t, std::string>> dropped; // queries the teacher did not confirm, with the reason
  for (std::size_t start = 0; start < candidates.size();) {
    std::size_t end = start;
    while (end < candidates.size() && candidates[end].queryId == candidates[start].queryId)
      ++end;
    const RunQuery& query = queries.at(candidates[start].queryId);
    std::vector<JudgedCandidate> judged;
    std::vector<bool> byHuman;
    for (std::size_t i = start; i < end; ++i) {
      const auto& c = candidates[i];
      const auto judgment =
          cache.lookup(*teacher_, query.text, contentHash(passages_[passageIndex_.at(c.passageId)].text));
      JudgedCandidate j{c.passageId, c.rank, c.score, std::nullopt, std::nullopt, c.passageId == query.sourcePassageId};
      if (judgment) {
        j.grade = judgment->grade;
        j.teacherScore = judgment->score;
      }
      // A person's label overrules the teacher: as grade, and as the score the false-negative guard compares.
      const auto label = human.find(query.text, c.passageId);
      if (label) {
        j.grade = *label;
        j.teacherScore = static_cast<double>(*label);
        ++overruled;
      }
      judged.push_back(j);
      byHuman.push_back(label.has_value());
    }
    const auto decisions = miner.mine(judged, static_cast<std::uint64_t>(query.id));
    if (!decisions.empty() && decisions.front().kind == MinedKind::QueryDropped)
      dropped.emplace_back(query.id, "round " + std::to_string(round.index) + ": " + decisions.front().reason);
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      rows.push_back({query.id, judged[i].passageId, decisions[i], judged[i].grade, judged[i].studentRank,
                      judged[i].studentScore, byHuman[i]});
      ++counts[toString(decisions[i].kind)];
    }
    start = end;
  }
  store_.transaction([&] {
    repository_.replaceMined(round.id, rows);
    auto mark = store_.prepare("UPDATE queries SET metadata_json = json_set(metadata_json, '$.filtered', ?2) "
                               "WHERE id = ?1");
    for (const auto& [id, reason] : dropped)
      mark.bind(1, id).bind(2, reason).run();
    repository_.completeStep(round.id, RoundStep::Mine);
  });
  std::string summary;
  for (const auto& [kind, n] : counts)
    summary += (summary.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
  log("round " + std::to_string(round.index) + ": mined " + summary + "; " + std::to_string(dropped.size()) +
      " queries dropped (the teacher did not grade their source passage relevant), the false-negative guard fired " +
      std::to_string(counts[toString(MinedKind::FalseNegative)]) + " times");
  if (overruled > 0)
    log("round " + std::to_string(round.index) + ": people's labels replaced the teacher's grade on " +
        std::to_string(overruled) + " pairs");
}

// The passages dev retrieval ranks each dev query's judged list among: BM25's top kDevBm25Depth for every dev query
// (the passages a better student must learn to rank below the relevant ones) and a sample of the corpus (which
// catches a student that pulls unrelated passages up). Unjudged ones count as not relevant.
std::vector<std::string> RunExecution::devPool(int roundIndex, const std::vector<TrainingExample>& dev) {
  constexpr std::size_t kDistractors = 2000;
  constexpr int kDevBm25Depth = 100;
  std::vector<std::size_t> order(passages_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 random(config_.seed * 1000003ULL + static_cast<std::uint64_t>(roundIndex));
  std::shuffle(order.begin(), order.end(), random);
  order.resize(std::min(order.size(), kDistractors));
  std::vector<std::string> texts;
  texts.reserve(order.size());
  for (const auto i : order)
    texts.push_back(indexedTexts_[i]);
  if (dev.empty())
    return texts;
  std::vector<std::string> queryTexts;
  for (const auto& example : dev)
    queryTexts.push_back(example.query);
  for (const auto& hits : bm25Index().search(queryTexts, kDevBm25Depth))
    for (const auto& hit : hits)
      texts.push_back(indexedTexts_[passageIndex_.at(hit.id)]);
  return texts;
}

const index::Bm25Index& RunExecution::bm25Index() {
  if (!bm25_) {
    std::vector<std::int64_t> ids;
    std::vector<std::string> texts;
    for (const auto& p : passages_)
      ids.push_back(p.id);
    bm25_ = std::make_unique<index::Bm25Index>(
        index::Bm25Index::build(ids, indexedTexts_, {}, forward("bm25 index"), stop_));
  }
  return *bm25_;
}

std::int64_t RunExecution::train(const RoundRecord& round, std::int64_t modelId) {
  // Examples: each kept query's judged list with the teacher's scores and the miner's decisions.
  std::unordered_map<std::int64_t, RunQuery> queries;
  for (auto& q : roundQueries(round.id, runQuerySetName()))
    queries.emplace(q.id, q);
  auto s = store_.prepare("SELECT m.query_id, m.passage_id, m.kind FROM mined_examples m "
                          "JOIN candidates c ON c.round_id = m.round_id AND c.query_id = m.query_id "
                          "AND c.passage_id = m.passage_id WHERE m.round_id = ?1 ORDER BY m.query_id, c.student_rank");
  s.bind(1, round.id);
  teacher::JudgmentCache cache(store_);
  const eval::HumanGrades human = eval::HumanGrades::load(store_, run_.corpusId);
  std::int64_t overruled = 0;
  std::map<std::int64_t, std::vector<MinedCandidate>> lists;
  const double maxGrade = teacher_->maxGrade();
  while (s.step()) {
    const std::int64_t queryId = s.columnInt64(0);
    const auto query = queries.find(queryId);
    if (query == queries.end())
      continue;
    const std::size_t at = passageIndex_.at(s.columnInt64(1));
    MinedCandidate candidate;
    candidate.text = indexedTexts_[at];
    candidate.kind = minedKindFromString(s.columnText(2));
    // Judgments are keyed by query text and passage content: identical queries share them.
    if (const auto judgment = cache.lookup(*teacher_, query->second.text, contentHash(passages_[at].text))) {
      candidate.grade = judgment->grade;
      candidate.teacherScore = judgment->score; // the teacher's finer score (logprob-weighted), when it has one
    }
    // A label given after mining still reaches training: it overrules the teacher here too, and a passage a person
    // grades relevant is never a negative (training masks every passage graded at or above the positive grade).
    if (const auto label = human.find(query->second.text, s.columnInt64(1))) {
      candidate.grade = *label;
      candidate.teacherScore = static_cast<double>(*label);
      if (candidate.kind != MinedKind::QueryDropped)
        ++overruled;
    }
    lists[queryId].push_back(std::move(candidate));
  }
  std::map<std::int64_t, TrainingExample> examples;
  for (const auto& [queryId, list] : lists) {
    const RunQuery& query = queries.at(queryId);
    examples.emplace(queryId, query.split == "dev" ? devExample(query.text, list, config_.mining.positiveGrade)
                                                   : trainingExample(query.text, list, config_.mining.positiveGrade));
  }
  std::vector<TrainingExample> trainSet, devSet;
  for (auto& [queryId, example] : examples) {
    if (example.passages.size() < 2 || example.positives.empty())
      continue;
    (queries.at(queryId).split == "dev" ? devSet : trainSet).push_back(std::move(example));
  }
  if (trainSet.empty() && !devSet.empty()) {
    // Few kept queries can all fall in the dev split; training on them beats failing the round.
    log("round " + std::to_string(round.index) +
        ": every kept query is in the dev split; training on them, without "
        "early stopping");
    trainSet = std::move(devSet);
    devSet.clear();
  }
  if (trainSet.empty())
    throw Error("round " + std::to_string(round.index) +
                ": no training examples (every synthetic query was filtered out or failed); try more queries per "
                "round or a larger filter_top_k");

  auto student = loadModel(modelId)->clone();
  std::shared_ptr<model::StudentModel> base;
  if (config_.training.baseWeightAveraging > 0) {
    const auto rounds = repository_.rounds(run_.id);
    base = loadModel(*rounds.front().modelId);
  }
  repository_.replaceTrainingLog(round.id);
  const auto onStep = [&](int step, int epoch, double loss, double learningRate, std::optional<double> dev) {
    repository_.addTrainingStep(round.id, step, epoch, loss, learningRate, dev);
    if (callbacks_.trainingLoss && !dev)
      callbacks_.trainingLoss(round.index, step, loss);
  };
  if (overruled > 0)
    log("round " + std::to_string(round.index) + ": training reads people's grades on " + std::to_string(overruled) +
        " pairs");
  log("round " + std::to_string(round.index) + ": training on " + std::to_string(trainSet.size()) + " queries (" +
      std::to_string(devSet.size()) + " dev), loss " + toString(config_.training.loss));
  // (the learning rate is logged with every step in training_log)
  TrainingConfig training = config_.training;
  if (training.learningRate <= 0)
    training.learningRate = config_.student == "default" ? 1e-3 : 2e-5;
  const TrainingReport report =
      trainStudent(*student, base.get(), trainSet, devSet, devPool(round.index, devSet), training, maxGrade,
                   config_.seed + static_cast<std::uint64_t>(round.index), onStep, forward("train"), stop_);
  std::string devText;
  if (report.devBefore)
    devText = ", dev retrieval NDCG@5 " + std::to_string(*report.devBefore) + " -> " +
              std::to_string(*report.devAfter) +
              (report.bestEpoch == 0 ? " (no epoch improved dev: the round keeps its starting weights)" : "");
  log("round " + std::to_string(round.index) + ": " + std::to_string(report.steps) + " steps, loss " +
      std::to_string(report.firstLoss) + " -> " + std::to_string(report.lastLoss) + devText);

  const std::filesystem::path directory =
      modelsDirectory() / ("run" + std::to_string(run_.id) + "-round" + std::to_string(round.index));
  const std::filesystem::path partial = directory.string() + ".partial";
  std::filesystem::remove_all(partial);
  student->save(partial);
  std::filesystem::remove_all(directory);
  std::filesystem::rename(partial, directory);
  const std::int64_t newModel =
      model::registerModel(store_, directory, "checkpoint", directory.filename().string(), modelId);
  store_.transaction([&] {
    repository_.setRoundModel(round.id, newModel);
    repository_.completeStep(round.id, RoundStep::Train);
  });
  return newModel;
}

// The held-out set's qrels grow with the passages each evaluated model puts in its top k: every one is judged by
// the teacher (cache first), so no model is scored against passages nobody looked at. The source passage of each
// held-out query is relevant with the top grade.
void RunExecution::extendHoldoutQrels(const RoundRecord& round, model::StudentModel& model,
                                      const index::DenseIndex& index, bool withBm25Pool) {
  const auto setId = corpus::tryFindQuerySetId(store_, run_.corpusId, holdoutQuerySetName());
  if (!setId)
    return;
  const corpus::QuerySetRecord set = corpus::loadQuerySet(store_, *setId);
  std::vector<std::string> texts;
  for (const auto& q : set.queries)
    texts.push_back(q.text);
  model::EncodeOptions options;
  options.stop = stop_;
  const auto vectors = model.encode(texts, model::TextRole::Query, options);
  const int depth = withBm25Pool ? kHoldoutPoolDepth : config_.evaluation.k;
  auto hits = index.search(vectors, depth);
  if (withBm25Pool) {
    const index::Bm25Index& bm25 = bm25Index();
    const auto bm25Hits = bm25.search(texts, kHoldoutPoolDepth);
    for (std::size_t q = 0; q < hits.size(); ++q)
      hits[q].insert(hits[q].end(), bm25Hits[q].begin(), bm25Hits[q].end());
  }
  std::vector<teacher::JudgeRequest> requests;
  std::vector<std::int64_t> requestQuery;
  for (std::size_t q = 0; q < set.queries.size(); ++q) {
    std::set<std::int64_t> seen;
    for (const auto& hit : hits[q])
      if (seen.insert(hit.id).second) {
        requests.push_back(judgeRequest(set.queries[q].text, set.queries[q].id, hit.id));
        requestQuery.push_back(static_cast<std::int64_t>(q));
      }
  }
  teacher::JudgmentCache cache(store_);
  const auto judged = cache.judge(*teacher_, requests, forward("judge held-out pool"), stop_);
  // Before any qrel is written: an unjudged pair would count as not relevant and lower every figure.
  stopOnTeacherOutage(round.index, "held-out pool judgments", static_cast<std::int64_t>(requests.size()),
                      judged.failures);
  store_.transaction([&] {
    // Judged on the teacher's scale (0-3): grade 1 ("related, does not answer") is not a hit for MRR and Recall.
    store_.prepare("UPDATE query_sets SET grade_scale = ?2, judged_by = ?3 WHERE id = ?1")
        .bind(1, *setId)
        .bind(2, static_cast<int>(teacher_->maxGrade()))
        .bind(3, eval::teacherJudges(teacher_->kind(), teacher_->model(), teacher_->promptVersion()))
        .run();
    auto upsert = store_.prepare("INSERT INTO qrels(query_id, record_key, grade) VALUES (?1, ?2, ?3) "
                                 "ON CONFLICT(query_id, record_key) DO UPDATE SET grade = MAX(grade, excluded.grade)");
    for (const auto& q : set.queries)
      if (q.sourcePassageId && passageIndex_.count(*q.sourcePassageId))
        upsert.bind(1, q.id)
            .bind(2, passages_[passageIndex_.at(*q.sourcePassageId)].recordKey)
            .bind(3, static_cast<int>(teacher_->maxGrade()))
            .run();
    for (std::size_t i = 0; i < requests.size(); ++i)
      if (judged.judgments[i].ok)
        upsert.bind(1, *requests[i].queryId)
            .bind(2, passages_[passageIndex_.at(*requests[i].passageId)].recordKey)
            .bind(3, judged.judgments[i].grade)
            .run();
  });
  log("round " + std::to_string(round.index) + ": held-out pool " + std::to_string(requests.size()) + " pairs (" +
      std::to_string(judged.judged) + " newly judged, " + std::to_string(judged.cached) + " cached, " +
      std::to_string(judged.failed) + " failed)");
}

// The held-out pool has just grown with this round's top k: every earlier figure of the run (each round's student,
// BM25, the hybrids) is scored again from its stored ranking against the pool as it is now, so that all rounds of the
// run are measured against the same judgments.
void RunExecution::rescoreEarlierRounds(const RoundRecord& round) {
  auto select = store_.prepare("SELECT id, retriever, round_index FROM evaluations WHERE run_id = ?1 AND "
                               "round_index < ?2 ORDER BY id");
  select.bind(1, run_.id).bind(2, round.index);
  std::vector<std::tuple<std::int64_t, std::string, int>> earlier;
  while (select.step())
    earlier.emplace_back(select.columnInt64(0), select.columnText(1), static_cast<int>(select.columnInt64(2)));
  for (const auto& [id, retriever, roundIndex] : earlier) {
    const double before = eval::loadMetrics(store_, id).groups.at(eval::kAllFilingTypes).mean.ndcg;
    const double after = eval::rescoreEvaluation(store_, id).groups.at(eval::kAllFilingTypes).mean.ndcg;
    log("round " + std::to_string(round.index) + ": round " + std::to_string(roundIndex) + "'s " + retriever +
        " scored again against the grown held-out pool: NDCG@" + std::to_string(config_.evaluation.k) + " " +
        std::to_string(before) + " -> " + std::to_string(after));
  }
}

// The rank and score each mined pair has under the round's new student: did training move it the right way?
void RunExecution::storeRankAfter(const RoundRecord& round, std::int64_t modelId, model::StudentModel& model) {
  auto s =
      store_.prepare("SELECT DISTINCT m.query_id, q.text FROM mined_examples m JOIN queries q ON q.id = m.query_id "
                     "WHERE m.round_id = ?1 ORDER BY m.query_id");
  s.bind(1, round.id);
  std::vector<std::int64_t> queryIds;
  std::vector<std::string> texts;
  while (s.step()) {
    queryIds.push_back(s.columnInt64(0));
    texts.push_back(s.columnText(1));
  }
  if (queryIds.empty())
    return;
  const std::vector<float>& corpus = corpusEmbeddings(modelId, model);
  model::EncodeOptions options;
  options.stop = stop_;
  const std::vector<float> vectors = model.encode(texts, model::TextRole::Query, options);
  const auto dimension = static_cast<std::size_t>(model.config().hiddenSize);
  const std::size_t n = passages_.size();
  std::unordered_map<std::int64_t, std::size_t> row;
  for (std::size_t i = 0; i < queryIds.size(); ++i)
    row.emplace(queryIds[i], i);
  std::vector<float> scores(n);
  auto pairs = store_.prepare("SELECT query_id, passage_id FROM mined_examples WHERE round_id = ?1 ORDER BY query_id");
  pairs.bind(1, round.id);
  std::vector<std::tuple<std::int64_t, std::int64_t, int, double>> updates;
  std::int64_t scoredQuery = -1;
  while (pairs.step()) {
    const std::int64_t queryId = pairs.columnInt64(0), passageId = pairs.columnInt64(1);
    if (queryId != scoredQuery) {
      const float* q = vectors.data() + row.at(queryId) * dimension;
      for (std::size_t p = 0; p < n; ++p) {
        const float* v = corpus.data() + p * dimension;
        float dot = 0;
        for (std::size_t d = 0; d < dimension; ++d)
          dot += q[d] * v[d];
        scores[p] = dot;
      }
      scoredQuery = queryId;
    }
    const std::size_t at = passageIndex_.at(passageId);
    int rank = 1; // ties broken by passage id, as retrieval does
    for (std::size_t p = 0; p < n; ++p)
      if (scores[p] > scores[at] || (scores[p] == scores[at] && passages_[p].id < passageId))
        ++rank;
    updates.emplace_back(queryId, passageId, rank, scores[at]);
  }
  store_.transaction([&] {
    for (const auto& [queryId, passageId, rank, score] : updates)
      repository_.setRankAfter(round.id, queryId, passageId, rank, score);
  });
}

void RunExecution::evaluate(const RoundRecord& round, std::int64_t modelId, const EvaluationTarget& target,
                            bool withBm25) {
  auto model = loadModel(modelId);
  const index::DenseIndex index = denseIndex(modelId, *model); // one index serves the pool and the evaluation
  if (target.synthetic) {
    extendHoldoutQrels(round, *model, index, round.index == 0);
    rescoreEarlierRounds(round);
  }
  auto encoder = model::makeTextEncoder(model);
  // A resumed step evaluates again: the earlier, interrupted attempt's rows go first (no duplicates).
  store_.prepare("DELETE FROM evaluations WHERE run_id = ?1 AND round_index = ?2")
      .bind(1, run_.id)
      .bind(2, round.index)
      .run();
  eval::EvaluationRequest request;
  request.corpusId = run_.corpusId;
  request.querySetId = target.querySetId;
  if (target.synthetic)
    request.querySetId = corpus::tryFindQuerySetId(store_, run_.corpusId, holdoutQuerySetName());
  request.split = target.split;
  request.queriesFile = target.queriesFile;
  request.qrelsFile = target.qrelsFile;
  request.k = config_.evaluation.k;
  if (config_.evaluation.relevantFrom > 0)
    request.relevantFrom = config_.evaluation.relevantFrom;
  request.runId = run_.id;
  request.roundIndex = round.index;
  request.progress = forward("evaluate");
  request.stop = stop_;
  request.retriever = eval::RetrieverKind::Dense;
  request.encoder = encoder.get();
  request.modelId = modelId;
  request.prebuiltIndex = &index;
  const auto dense = eval::evaluate(store_, request);
  const eval::EvaluationRequest denseRequest = request; // the hybrid fuses this one with BM25
  log("round " + std::to_string(round.index) + ": student MRR@" + std::to_string(request.k) + " " +
      std::to_string(dense.table.groups.at(eval::kAllFilingTypes).mean.mrr) + ", NDCG@" + std::to_string(request.k) +
      " " + std::to_string(dense.table.groups.at(eval::kAllFilingTypes).mean.ndcg) + " over " +
      std::to_string(dense.table.groups.at(eval::kAllFilingTypes).queries) + " held-out queries");
  if (withBm25) {
    request.retriever = eval::RetrieverKind::Bm25;
    request.encoder = nullptr;
    request.modelId.reset();
    request.prebuiltIndex = nullptr;
    const auto bm25 = eval::evaluate(store_, request);
    log("round 0: BM25 MRR@" + std::to_string(request.k) + " " +
        std::to_string(bm25.table.groups.at(eval::kAllFilingTypes).mean.mrr));
  }
  if (config_.evaluation.hybrid)
    evaluateHybrid(round, denseRequest);
  if (round.index > 0)
    storeRankAfter(round, modelId, *model);
  store_.transaction([&] {
    repository_.completeStep(round.id, RoundStep::Evaluate);
    repository_.finishRound(round.id);
  });
}

// The student fused with BM25, its fusion weight chosen on the evaluation set's dev split (never on the queries it
// is scored on). A set without a dev split has no hybrid: there is nothing honest to tune the weight on.
void RunExecution::evaluateHybrid(const RoundRecord& round, eval::EvaluationRequest request) {
  if (!request.querySetId || !repository_.querySetHasSplit(*request.querySetId, "dev")) {
    log("round " + std::to_string(round.index) + ": no hybrid: the evaluation queries have no dev split to choose " +
        "its fusion weight on");
    return;
  }
  request.retriever = eval::RetrieverKind::Hybrid;
  eval::EvaluationRequest tuning = request;
  tuning.split = "dev";
  tuning.progress = forward("tune hybrid on dev");
  const eval::FusionChoice choice = eval::chooseFusionWeight(store_, tuning);
  if (choice.queries == 0)
    return;
  request.fusionWeight = choice.denseWeight;
  const auto hybrid = eval::evaluate(store_, request);
  log("round " + std::to_string(round.index) + ": hybrid (student weight " + std::to_string(choice.denseWeight) +
      ", chosen on " + std::to_string(choice.queries) + " dev queries: NDCG@" + std::to_string(request.k) + " " +
      std::to_string(choice.ndcg) + ") MRR@" + std::to_string(request.k) + " " +
      std::to_string(hybrid.table.groups.at(eval::kAllFilingTypes).mean.mrr) + ", NDCG@" + std::to_string(request.k) +
      " " + std::to_string(hybrid.table.groups.at(eval::kAllFilingTypes).mean.ndcg));
}

bool RunExecution::execute() {
  const std::string tag = "run " + std::to_string(run_.id);
  log(tag + " on corpus '" + run_.corpusName + "' (" + std::to_string(passages_.size()) + " passages), teacher " +
      teacher_->kind() + "/" + teacher_->model() + ", student " + config_.student);
  if (const auto warning = model::blasThreadingWarning(model::blasRuntime()); !warning.empty())
    log(warning);
  const EvaluationTarget target = evaluationTarget();
  if (target.synthetic)
    log("no human query set: evaluating on " + std::to_string(config_.evaluation.holdoutQueries) +
        " held-out teacher queries (never trained on), judged by the teacher");

  // Round 0: the base student (and BM25) on the held-out queries.
  constexpr std::int64_t kStepsPerRound = 6;
  stepsTotal_ = (target.synthetic ? 2 : 1) + kStepsPerRound * config_.rounds;
  RoundRecord round = repository_.ensureRound(run_.id, 0);
  std::int64_t model = round.modelId ? *round.modelId : baseModel();
  if (!round.modelId)
    repository_.setRoundModel(round.id, model);
  stepsDone_ += (target.synthetic && round.lastCompleted >= RoundStep::Synthesise) +
                (round.lastCompleted >= RoundStep::Evaluate); // done before this call
  if (target.synthetic && round.lastCompleted < RoundStep::Synthesise) {
    progress("round 0", 0, 0, "held-out queries");
    synthesise(round, holdoutQuerySetName(), static_cast<std::size_t>(config_.evaluation.holdoutQueries), 0,
               0x686f6c646f7574ULL, "test");
    store_.prepare("UPDATE queries SET split = 'test' WHERE round_id = ?1").bind(1, round.id).run();
    repository_.completeStep(round.id, RoundStep::Synthesise);
    if (stepLimitReached())
      return true;
  }
  if (round.lastCompleted < RoundStep::Evaluate) {
    evaluate(round, model, target, config_.evaluation.bm25Baseline);
    if (stepLimitReached())
      return true;
  }

  for (int index = 1; index <= config_.rounds; ++index) {
    throwIfStopped(stop_);
    round = repository_.ensureRound(run_.id, index);
    if (round.lastCompleted == RoundStep::Evaluate) {
      model = *round.modelId;
      stepsDone_ += kStepsPerRound;
      continue;
    }
    if (round.lastCompleted >= RoundStep::Train)
      model = *round.modelId; // trained before a pause or crash; otherwise the previous round's model
    const std::string label = "round " + std::to_string(index) + "/" + std::to_string(config_.rounds);
    struct StepWork {
      RoundStep step;
      const char* name;
      std::function<void()> work;
    };
    const StepWork steps[kStepsPerRound] = {
        {RoundStep::Synthesise, "synthesise",
         [&] {
           const auto count = static_cast<std::size_t>(config_.queriesPerRound);
           const auto dev = static_cast<std::size_t>(config_.training.devFraction * static_cast<double>(count) + 0.5);
           synthesise(round, runQuerySetName(), count, dev, static_cast<std::uint64_t>(index), "train");
           repository_.completeStep(round.id, RoundStep::Synthesise);
         }},
        {RoundStep::Retrieve, "retrieve", [&] { retrieve(round, model); }},
        {RoundStep::Judge, "judge", [&] { judgeCandidates(round); }},
        {RoundStep::Mine, "mine", [&] { mine(round); }},
        {RoundStep::Train, "train", [&] { model = train(round, model); }},
        {RoundStep::Evaluate, "evaluate", [&] { evaluate(round, model, target, false); }},
    };
    for (std::size_t position = 0; position < std::size(steps); ++position) {
      const StepWork& s = steps[position];
      if (round.lastCompleted >= s.step) {
        ++stepsDone_;
        continue;
      }
      throwIfStopped(stop_);
      // Each step is timed: the log (and the benchmark) show where a round's time goes.
      progress(label, static_cast<std::int64_t>(position), static_cast<std::int64_t>(std::size(steps)), s.name);
      const double started = monotonicSeconds();
      s.work();
      const double seconds = monotonicSeconds() - started;
      log("round " + std::to_string(index) + ": " + s.name + " took " + std::to_string(seconds) + " s");
      if (callbacks_.stepFinished)
        callbacks_.stepFinished(index, s.name, seconds);
      if (stepLimitReached())
        return true;
    }
  }
  return false;
}

} // namespace

std::int64_t createRun(store::Store& store, const std::string& corpus, const RunConfig& config,
                       const std::string& name) {
  const std::int64_t corpusId = corpus::findCorpusId(store, corpus);
  return RunRepository(store).createRun(corpusId, config, name);
}

RunOutcome executeRun(store::Store& store, std::int64_t runId, const RunCallbacks& callbacks, std::stop_token stop,
                      const RunEnvironment& environment) {
  if (environment.maxSteps < 0)
    throw InputError("the number of steps to run must be positive, not " + std::to_string(environment.maxSteps));
  RunRepository repository(store);
  RunExecution execution(store, runId, callbacks, stop, environment);
  repository.setRunStatus(runId, "running");
  try {
    // Stopped at the step limit with steps left: paused. The limit reached with the run's last step: completed.
    const bool paused = execution.execute() && nextStep(store, runId).has_value();
    repository.setRunStatus(runId, paused ? "paused" : "completed");
    RunOutcome outcome = loadRunOutcome(store, runId);
    if (paused && callbacks.log && outcome.next)
      callbacks.log("run " + std::to_string(runId) + " paused after " + std::to_string(environment.maxSteps) +
                    " step(s); next: " + describe(*outcome.next));
    return outcome;
  } catch (const Cancelled&) {
    repository.setRunStatus(runId, "paused");
    throw;
  } catch (...) {
    repository.setRunStatus(runId, "failed");
    throw;
  }
}

std::string describe(const PendingStep& step) {
  const std::string round = "round " + std::to_string(step.round) + ": ";
  if (step.round == 0)
    return round + (step.step == RoundStep::Synthesise ? "held-out queries" : "baseline evaluation");
  return round + toString(step.step);
}

std::optional<PendingStep> nextStep(store::Store& store, std::int64_t runId) {
  RunRepository repository(store);
  const RunRecord run = repository.loadRun(runId);
  const std::vector<RoundRecord> rounds = repository.rounds(runId);
  for (int index = 0; index <= run.config.rounds; ++index) {
    const auto found =
        std::find_if(rounds.begin(), rounds.end(), [&](const RoundRecord& r) { return r.index == index; });
    const RoundStep last = found == rounds.end() ? RoundStep::None : found->lastCompleted;
    if (last == RoundStep::Evaluate)
      continue;
    if (index == 0)
      return PendingStep{0, last == RoundStep::None && evaluatesOnSyntheticHoldout(store, run) ? RoundStep::Synthesise
                                                                                               : RoundStep::Evaluate};
    return PendingStep{index, static_cast<RoundStep>(static_cast<int>(last) + 1)};
  }
  return std::nullopt;
}

RunOutcome loadRunOutcome(store::Store& store, std::int64_t runId) {
  RunOutcome outcome;
  outcome.runId = runId;
  auto status = store.prepare("SELECT status FROM runs WHERE id = ?1");
  status.bind(1, runId);
  if (!status.step())
    throw InputError("no run with id " + std::to_string(runId) + " in '" + store.path().string() + "'");
  outcome.status = status.columnText(0);
  outcome.rounds = loadRoundMetrics(store, runId);
  outcome.next = nextStep(store, runId);
  return outcome;
}

std::vector<RoundMetrics> loadRoundMetrics(store::Store& store, std::int64_t runId) {
  if (!store.prepare("SELECT 1 FROM runs WHERE id = ?1").bind(1, runId).step())
    throw InputError("no run with id " + std::to_string(runId) + " in '" + store.path().string() + "'");
  std::vector<RoundMetrics> rounds;
  RunRepository repository(store);
  auto evaluations = store.prepare("SELECT id, retriever FROM evaluations WHERE run_id = ?1 AND round_index = ?2 "
                                   "ORDER BY id");
  std::vector<eval::QueryMetrics> round0Queries, bm25Queries; // per query, for the paired comparisons
  for (const RoundRecord& round : repository.rounds(runId)) {
    if (round.lastCompleted != RoundStep::Evaluate)
      continue;
    RoundMetrics metrics;
    metrics.round = round.index;
    metrics.modelId = round.modelId;
    evaluations.reset();
    evaluations.bind(1, runId).bind(2, round.index);
    std::vector<std::pair<std::int64_t, std::string>> found;
    while (evaluations.step())
      found.emplace_back(evaluations.columnInt64(0), evaluations.columnText(1));
    std::vector<eval::QueryMetrics> student;
    for (const auto& [id, retriever] : found) {
      if (retriever == "dense") {
        metrics.dense = eval::loadMetrics(store, id);
        metrics.denseEvaluationId = id;
        student = eval::loadQueryMetrics(store, id);
      } else if (retriever == "bm25") {
        metrics.bm25 = eval::loadMetrics(store, id);
        bm25Queries = eval::loadQueryMetrics(store, id);
      } else if (retriever == "hybrid")
        metrics.hybrid = eval::loadMetrics(store, id);
    }
    if (round.index == 0)
      round0Queries = student;
    else if (!round0Queries.empty())
      metrics.vsRound0 = eval::compareQueries(round0Queries, student);
    if (!bm25Queries.empty())
      metrics.vsBm25 = eval::compareQueries(bm25Queries, student);
    rounds.push_back(std::move(metrics));
  }
  return rounds;
}

RunConfig defaultRunConfig() {
  return RunConfig{};
}

} // namespace distillery::pipeline
