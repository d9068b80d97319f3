#include "core/pipeline/RunContext.h"

#include <torch/torch.h>

#include "core/index/Bm25Index.h"
#include "core/index/DenseIndex.h"
#include "core/model/StudentModel.h"
#include "core/store/Store.h"
#include "core/teacher/Teacher.h"
#include "core/teacher/TeacherConfig.h"
#include "core/util/Hash.h"

namespace distillery::pipeline {

bool evaluatesOnSyntheticHoldout(RunRepository& repository, const RunRecord& run) {
  const EvaluationConfig& e = run.config.evaluation;
  if (!e.queriesPath.empty())
    return false;
  return e.querySet == "synthetic" || (e.querySet.empty() && repository.importedQuerySets(run.corpusId).empty());
}

RunContext::RunContext(store::Store& store, std::int64_t runId, const RunCallbacks& callbacks, std::stop_token stop,
                       const RunEnvironment& environment)
    : store(store), repository(store), callbacks(callbacks), stop(std::move(stop)), run(repository.loadRun(runId)),
      config(run.config), workers(environment.workers) {
  teacher::TeacherConfig teacherConfig = teacher::TeacherConfig::fromJson(config.teacher);
  if (environment.apiKey)
    teacherConfig.apiKey = environment.apiKey;
  teacher = teacher::makeTeacher(teacherConfig);
  teacher->setLog(callbacks.log); // a pool's endpoints taken out of service and back
  passages = corpus::loadPassages(store, run.corpusId);
  if (passages.empty())
    throw InputError("corpus '" + run.corpusName + "' has no passages: import filings before running");
  indexedTexts.reserve(passages.size());
  for (std::size_t i = 0; i < passages.size(); ++i) {
    passageIndex.emplace(passages[i].id, i);
    indexedTexts.push_back(passages[i].indexedText());
    std::string().swap(passages[i].text); // held once, in the indexed text
  }
  ContentHasher hasher;
  for (std::size_t i = 0; i < passages.size(); ++i) {
    hasher.update(std::to_string(passages[i].id));
    hasher.update(indexedTexts[i]);
  }
  embeddings_ = std::make_unique<EmbeddingCache>(store.path().string() + ".indexes", indexedTexts,
                                                 hasher.hexDigest().substr(0, 12));
  if (config.threads > 0)
    torch::set_num_threads(config.threads);
  if (workers) {
    embeddings_->setEncoder([this](std::int64_t modelId, model::StudentModel& model,
                                   const std::vector<std::string>& texts, const std::string& fingerprint, int threads,
                                   const ProgressCallback& progress, std::stop_token stop) {
      return workers->embedCorpus(modelId, repository.modelPath(modelId), model, texts, fingerprint, threads, progress,
                                  stop);
    });
  }
}

RunContext::~RunContext() = default;

void RunContext::log(const std::string& line) const {
  if (callbacks.log)
    callbacks.log(line);
}

void RunContext::progress(const std::string& label, std::int64_t done, std::int64_t total, const Message& detail,
                          Message stage) const {
  if (callbacks.progress)
    callbacks.progress({label, done, total, english(detail), stepsDone, stepsTotal, detail, std::move(stage)});
}

void RunContext::log(const Message& line) const {
  if (callbacks.logText)
    callbacks.logText(line);
  else if (callbacks.log)
    callbacks.log(english(line));
}

ProgressCallback RunContext::forward(const std::string& label) const {
  return [this, label](const Progress& p) {
    // "stage" or "stage: message", the sub-task's stage and message kept for translation.
    if (p.message.empty())
      progress(label, p.done, p.total, {MessageId::StageName, {MessageArg::stage(p.stage)}});
    else
      progress(label, p.done, p.total,
               {MessageId::StageDetail,
                {MessageArg::stage(p.stage),
                 p.text.id == MessageId::None ? MessageArg(p.message) : MessageArg::inner(p.text)}});
  };
}

int RunContext::rankByScore(const std::vector<float>& scores, std::size_t at) const {
  int rank = 1;
  for (std::size_t p = 0; p < passages.size(); ++p)
    if (scores[p] > scores[at] || (scores[p] == scores[at] && passages[p].id < passages[at].id))
      ++rank;
  return rank;
}

std::string RunContext::passageText(std::int64_t passageId) const {
  const std::size_t at = passageIndex.at(passageId);
  const std::string& title = passages[at].title;
  return title.empty() ? indexedTexts[at] : indexedTexts[at].substr(title.size() + 1); // index::indexedText's layout
}

teacher::JudgeRequest RunContext::judgeRequest(const std::string& query, std::int64_t queryId,
                                               std::int64_t passageId) const {
  corpus::PassageRecord record = passage(passageId);
  record.text = passageText(passageId);
  return teacher::judgeRequestFor(query, record, queryId);
}

std::filesystem::path RunContext::modelsDirectory() const {
  return store.path().string() + ".models";
}

std::string RunContext::runQuerySetName() const {
  return "run-" + std::to_string(run.id);
}

std::string RunContext::holdoutQuerySetName() const {
  return "run-" + std::to_string(run.id) + "-holdout";
}

std::vector<RoundQuery> RunContext::roundQueries(std::int64_t roundId, const std::string& querySet) {
  return repository.roundQueries(roundId, run.corpusId, querySet);
}

std::shared_ptr<model::StudentModel> RunContext::loadModel(std::int64_t modelId) {
  auto& slot = models_[modelId];
  if (!slot) {
    if (models_.size() > 3) // keep the working set small: the base and the last two rounds
      models_.erase(models_.begin()->first == modelId ? std::next(models_.begin()) : models_.begin());
    slot = model::StudentModel::load(repository.modelPath(modelId), model::defaultDevice());
    slot->setName("model:" + std::to_string(modelId));
  }
  return slot;
}

CorpusMatrix RunContext::corpusEmbeddings(std::int64_t modelId, model::StudentModel& model) {
  return embeddings_->embeddings(modelId, model, config.threads, forward("embed corpus"), stop);
}

void RunContext::releaseCorpusEmbeddings() {
  embeddings_->release();
}

index::DenseIndex RunContext::denseIndex(std::int64_t modelId, model::StudentModel& model) {
  const CorpusMatrix vectors = corpusEmbeddings(modelId, model);
  std::vector<std::int64_t> ids;
  ids.reserve(passages.size());
  for (const auto& passage : passages)
    ids.push_back(passage.id);
  return index::DenseIndex::view(vectors.data, vectors.rows, static_cast<int>(vectors.columns), ids.data());
}

const index::Bm25Index& RunContext::bm25Index() {
  if (!bm25_) {
    std::vector<std::int64_t> ids;
    for (const auto& p : passages)
      ids.push_back(p.id);
    bm25_ =
        std::make_unique<index::Bm25Index>(index::Bm25Index::build(ids, indexedTexts, {}, forward("bm25 index"), stop));
  }
  return *bm25_;
}

EvaluationTarget evaluationTarget(RunContext& context) {
  const EvaluationConfig& e = context.config.evaluation;
  EvaluationTarget target;
  if (!e.queriesPath.empty()) {
    target.queriesFile = e.queriesPath;
    target.qrelsFile = e.qrelsPath;
    return target;
  }
  std::string name = e.querySet;
  if (name.empty()) {
    // The query set imported with the corpus (BEIR queries + qrels); none means a synthetic held-out set.
    const std::vector<std::string> imported = context.repository.importedQuerySets(context.run.corpusId);
    if (imported.size() > 1)
      context.log(Message{MessageId::CorpusImportedQuerySets, {imported.size(), imported.front()}});
    if (!imported.empty())
      name = imported.front();
  }
  if (name.empty() || name == "synthetic") {
    target.synthetic = true;
    target.querySetId = corpus::tryFindQuerySetId(context.store, context.run.corpusId, context.holdoutQuerySetName());
    target.split = "test";
    return target;
  }
  target.querySetId = corpus::loadQuerySet(context.store, context.run.corpusId, name).id;
  // Held-out queries only: a set with a test split is evaluated on it, never on its train/dev queries.
  if (context.repository.querySetHasSplit(*target.querySetId, "test"))
    target.split = "test";
  return target;
}

} // namespace distillery::pipeline
