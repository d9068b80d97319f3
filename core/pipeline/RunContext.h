#pragma once
// What the steps of a run share while it executes: the store and its run repository, the run record with its
// config (read and parsed once, when the run starts), the teacher, the corpus' passages, the caller's callbacks
// and stop token, and the caches that spare work between steps (students, their corpus embeddings, BM25).
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/corpus/CorpusRepository.h"
#include "core/pipeline/DataParallelRun.h"
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/EmbeddingCache.h"
#include "core/pipeline/RunRepository.h"
#include "core/teacher/JudgmentCache.h"
#include "core/util/Error.h"

namespace distillery::index {
class Bm25Index;
class DenseIndex;
} // namespace distillery::index
namespace distillery::model {
class StudentModel;
}
namespace distillery::teacher {
class Teacher;
}

namespace distillery::pipeline {

/// Where the evaluation's queries and judgments come from.
struct EvaluationTarget {
  std::optional<std::int64_t> querySetId; // query_sets.id of the stored set; none for files or a set not yet written
  std::optional<std::string> split;       // the split evaluated ("test"); none: every query of the set
  std::filesystem::path queriesFile;      // BEIR queries file (evaluation.queries_path); empty for a stored set
  std::filesystem::path qrelsFile;        // its qrels file
  bool synthetic = false;                 // the run's own held-out teacher queries, written in round 0
};

/// Whether round 0 first writes a held-out set of teacher queries (the corpus has no human query set to use).
bool evaluatesOnSyntheticHoldout(RunRepository& repository, const RunRecord& run);

class RunContext {
public:
  /// Reads the run and its corpus' passages and makes its teacher (environment.apiKey before the config's
  /// variable). InputError for an unknown run or a corpus without passages.
  RunContext(store::Store& store, std::int64_t runId, const RunCallbacks& callbacks, std::stop_token stop,
             const RunEnvironment& environment);
  ~RunContext();

  store::Store& store;                       // the experiment store the run is in
  RunRepository repository;                  // the run's reads and writes of that store
  const RunCallbacks& callbacks;             // the caller's: progress, log lines, training loss, step times
  const std::stop_token stop;                // asked to stop: steps throw Cancelled between their parts
  const RunRecord run;                       // as stored when the run started
  const RunConfig& config;                   // run.config
  std::unique_ptr<teacher::Teacher> teacher; // the config's teacher, with the caller's API key
  // The corpus' passages in id order, without their texts: each text is held once, inside its indexed text (a
  // million passages' texts are a gigabyte); passageText() gives it back.
  std::vector<corpus::PassageRecord> passages;
  // Per passage: what BM25 and the student read (its title's line, then its text).
  std::vector<std::string> indexedTexts;
  std::unordered_map<std::int64_t, std::size_t> passageIndex; // passages.id -> position in passages
  EvaluationTarget evaluation;                                // set by the run before its first step
  std::int64_t stepsDone = 0;  // steps of the whole run done, those done before this call included
  std::int64_t stepsTotal = 0; // steps of the whole run (its plan's length)
  RunWorkers* const workers;   // the other ranks of a data-parallel run (environment.workers); null for one process

  void log(const std::string& line) const;
  void log(const Message& line) const; // to callbacks.logText when set, else its English to callbacks.log
  /// Reports the step in flight: items done of total, with the run's steps done and total.
  /// detail is the message; stage, when given, says label in other languages (core/util/Message.h).
  void progress(const std::string& label, std::int64_t done, std::int64_t total, const Message& detail = {},
                Message stage = {}) const;
  /// A callback that reports a sub-task's progress under label.
  ProgressCallback forward(const std::string& label) const;

  /// A passage's record without its text (see passages).
  const corpus::PassageRecord& passage(std::int64_t passageId) const { return passages[passageIndex.at(passageId)]; }
  /// A passage's own text (PassageRecord::text as stored): its indexed text without the title's line.
  std::string passageText(std::int64_t passageId) const;
  /// The rank (from 1) of the passage at position `at` by scores (one per passage), ties broken by passage id as
  /// retrieval breaks them.
  int rankByScore(const std::vector<float>& scores, std::size_t at) const;
  teacher::JudgeRequest judgeRequest(const std::string& query, std::int64_t queryId, std::int64_t passageId) const;

  std::filesystem::path modelsDirectory() const; // where trained students are saved: <store>.models
  std::string runQuerySetName() const;           // the query set of the rounds' training queries: run-<id>
  std::string holdoutQuerySetName() const;       // the held-out set round 0 writes: run-<id>-holdout
  /// The queries a round wrote into the corpus' query set querySet, by id.
  std::vector<RoundQuery> roundQueries(std::int64_t roundId, const std::string& querySet);

  /// A stored student, loaded once (the base and the last two rounds stay loaded).
  std::shared_ptr<model::StudentModel> loadModel(std::int64_t modelId);
  /// The passages' embeddings under a stored student (row-major passages x hidden size), cached beside the store and
  /// mapped from there: valid until another student's embeddings are asked for.
  CorpusMatrix corpusEmbeddings(std::int64_t modelId, model::StudentModel& model);
  /// Unmaps the corpus embeddings (files stay; the next corpusEmbeddings() maps them again). Invalidates them and
  /// every dense index over them.
  void releaseCorpusEmbeddings();
  /// An exact dense index over those embeddings, searching the mapped matrix in place (no copy): valid as long as
  /// they are. Exact, not chosen by size: a round's index is built for one round's few hundred queries, and an IVF
  /// index's k-means would cost as many exact queries as tens of rounds ask (DenseIndex.h) and a second copy.
  index::DenseIndex denseIndex(std::int64_t modelId, model::StudentModel& model);
  /// BM25 over the run's passages, built once.
  const index::Bm25Index& bm25Index();

private:
  std::unique_ptr<EmbeddingCache> embeddings_;
  std::map<std::int64_t, std::shared_ptr<model::StudentModel>> models_;
  std::unique_ptr<index::Bm25Index> bm25_;
};

/// Where the evaluation's queries come from (logs which imported set it chose when there are several).
EvaluationTarget evaluationTarget(RunContext& context);

/// A teacher endpoint that fails a few calls should not stop a run; one that fails more (an outage, a spent quota)
/// should, rather than mine and train on what is left. Only the endpoint's own failures count (429, 5xx, timeouts,
/// dropped connections, given up on after the retries): an answer the model would not format fails the same way
/// when asked again, so stopping for it would stop every resume too; those are logged and left out.
inline constexpr std::int64_t kToleratedTeacherFailuresPer = 20;

/// Throws when the endpoint failed more than the tolerated share of a step's `total` calls. The step stays open, and
/// since what succeeded is stored, a resumed run asks the teacher again for the failed calls only.
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

} // namespace distillery::pipeline
