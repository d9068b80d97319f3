#pragma once
// What a run writes to and reads back from the experiment store: the run and its rounds, the step each
// round last completed (so a killed process resumes there), candidates, mined examples and the training log.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/pipeline/HardExampleMiner.h"
#include "core/pipeline/RunConfig.h"
#include "core/util/EnumNames.h"

namespace distillery::store {
class Store;
}

namespace distillery::pipeline {

/// The steps of a round, in order. A round resumes after its last completed step.
enum class RoundStep { None, Synthesise, Retrieve, Judge, Mine, Train, Evaluate };
inline constexpr EnumName<RoundStep> kRoundStepNames[] = {
    {.value = RoundStep::None, .name = "none"},         {.value = RoundStep::Synthesise, .name = "synthesise"},
    {.value = RoundStep::Retrieve, .name = "retrieve"}, {.value = RoundStep::Judge, .name = "judge"},
    {.value = RoundStep::Mine, .name = "mine"},         {.value = RoundStep::Train, .name = "train"},
    {.value = RoundStep::Evaluate, .name = "evaluate"},
};
constexpr std::span<const EnumName<RoundStep>> enumNames(RoundStep) {
  return kRoundStepNames;
}
std::string toString(RoundStep step);
RoundStep roundStepFromString(const std::string& text);

struct RunRecord {
  std::int64_t id = 0;       // runs.id
  std::int64_t corpusId = 0; // corpora.id of the corpus it runs on
  std::string corpusName;    // that corpus' name
  RunConfig config;          // its stored config, parsed
  std::string status;        // pending | running | paused | completed | failed
};

struct RoundRecord {
  std::int64_t id = 0;                       // rounds.id
  int index = 0;                             // 0 (baseline) .. config.rounds
  std::string status;                        // running | completed
  RoundStep lastCompleted = RoundStep::None; // the round resumes after this step
  std::optional<std::int64_t> modelId;       // models.id of the round's student: round 0's base, else once trained
};

/// The students on either side of a round: the one it started from (the previous round's) and the one it produced.
struct RoundModels {
  std::optional<std::int64_t> before;
  std::optional<std::int64_t> after; // none until the round has trained
};

/// One line of the run list.
struct RunSummary {
  std::int64_t id = 0;
  std::string name; // "" when it has none
  std::string corpusName;
  std::string status;
  int roundsDone = 0;    // rounds after round 0 whose evaluation is stored
  int roundsPlanned = 0; // the config's rounds (0 when it does not say)
};

/// Every run, in id order.
std::vector<RunSummary> listRuns(store::Store& store);

/// A run's rounds with the number of pairs mined in each, by round index: what the pair inspector offers.
struct RoundPairs {
  std::int64_t roundId = 0;
  int roundIndex = 0;
  std::int64_t minedPairs = 0;
};
std::vector<RoundPairs> roundsWithMinedPairs(store::Store& store, std::int64_t runId);

/// The run a round (rounds.id) belongs to; empty for an unknown id.
std::optional<std::int64_t> runOfRound(store::Store& store, std::int64_t roundId);

/// The round (rounds.id) that logged training last, with its run and index; empty before any training.
struct TrainingRound {
  std::int64_t roundId = 0;
  std::int64_t runId = 0;
  int roundIndex = 0;
};
std::optional<TrainingRound> latestTrainingRound(store::Store& store);

/// A round's training loss after `afterStep`, in step order: (step, loss).
std::vector<std::pair<std::int64_t, double>> trainingLossAfter(store::Store& store, std::int64_t roundId,
                                                               std::int64_t afterStep);

/// A run's name ("" when it has none); empty for an unknown id.
std::optional<std::string> findRunName(store::Store& store, std::int64_t runId);
/// A run's config as stored, unparsed (so a config today's parser would refuse can still be read); empty for an
/// unknown id.
std::optional<nlohmann::json> storedRunConfig(store::Store& store, std::int64_t runId);

/// Gives a run a new name (empty: none). Throws InputError for an unknown run.
void renameRun(store::Store& store, std::int64_t runId, const std::string& name);
/// A new pending run of the same corpus with the same stored config, named "<name> (copy)"; its id. Throws
/// InputError for an unknown run or a stored config today's parser refuses (naming the field).
std::int64_t duplicateRun(store::Store& store, std::int64_t runId);
/// What deleting a run removes, to say so before asking.
struct RunContents {
  int rounds = 0;
  std::int64_t minedPairs = 0;
  std::int64_t evaluations = 0;
};
RunContents runContents(store::Store& store, std::int64_t runId);
/// Deletes a run with its rounds, candidates, mined pairs, training log and evaluations. Kept: the queries it wrote
/// (and your labels on them), the teacher's judgments (the cache a later run reads instead of paying again) and the
/// models it trained (another run may start from one). Jobs that ran it keep their log and forget the run. Throws
/// InputError for an unknown run.
void deleteRun(store::Store& store, std::int64_t runId);

/// What deleting a corpus removes, to say so before asking.
struct CorpusContents {
  std::int64_t documents = 0;
  std::int64_t passages = 0;
  std::int64_t querySets = 0;
  std::int64_t queries = 0;
  std::int64_t labels = 0; // your spot-check labels on its queries
  std::int64_t runs = 0;
};
CorpusContents corpusContents(store::Store& store, std::int64_t corpusId);
/// Deletes a corpus with its documents, passages, query sets (their queries, qrels and your labels), its runs (as
/// deleteRun) and the evaluations of its query sets. Kept: the teacher's judgments (keyed by text, a re-import finds
/// them) and stored models. Throws InputError for an unknown corpus.
void deleteCorpus(store::Store& store, std::int64_t corpusId);

/// The models around a round (rounds.id); both empty for an unknown id.
RoundModels roundModels(store::Store& store, std::int64_t roundId);

struct CandidateRow {
  std::int64_t queryId;   // queries.id
  std::int64_t passageId; // passages.id
  int rank;               // the student's rank of the passage for the query, from 1
  double score;           // the student's score (inner product) of the pair
};

/// A query a run wrote (synthesised by the teacher) in one of its rounds.
struct RoundQuery {
  std::int64_t id = 0;              // queries.id
  std::string text;                 // the query
  std::int64_t sourcePassageId = 0; // the passage it was written from; 0 when none is stored
  std::string split;                // train | dev | test
};

/// A mined pair as training reads it: the kind the miner gave it.
struct MinedPairKind {
  std::int64_t queryId = 0;             // queries.id
  std::int64_t passageId = 0;           // passages.id
  MinedKind kind = MinedKind::Unjudged; // the miner's decision
};

/// A held-out judgment to raise a qrel to: the qrel keeps the higher of its grade and this one.
struct QrelGrade {
  std::int64_t queryId = 0; // queries.id
  std::string recordKey;    // the passage's record key (passages.record_key)
  int grade = 0;            // on the query set's grade scale
};

/// An evaluation a run stored: its id, retriever and round.
struct RunEvaluation {
  std::int64_t id = 0;   // evaluations.id
  std::string retriever; // a name of kRetrieverKindNames (core/eval/Evaluator.h)
  int roundIndex = 0;    // the round it evaluated
};

struct MinedRow {
  std::int64_t queryId;
  std::int64_t passageId;
  MiningDecision decision;
  std::optional<int> grade;
  int studentRank;
  double studentScore;
  bool gradedByHuman = false; // grade is a person's label, which overruled the teacher's
};

class RunRepository {
public:
  explicit RunRepository(store::Store& store) : store_(store) {}

  std::int64_t createRun(std::int64_t corpusId, const RunConfig& config, const std::string& name = {});
  RunRecord loadRun(std::int64_t runId);
  void setRunStatus(std::int64_t runId, const std::string& status);

  /// The round, created (pending) when it does not exist yet.
  RoundRecord ensureRound(std::int64_t runId, int index);
  std::vector<RoundRecord> rounds(std::int64_t runId);
  /// Marks a step done; call inside the transaction that stored the step's results.
  void completeStep(std::int64_t roundId, RoundStep step);
  void setRoundModel(std::int64_t roundId, std::int64_t modelId);
  void finishRound(std::int64_t roundId);

  /// Replaces the round's candidates (a re-run step writes them again, never twice).
  void replaceCandidates(std::int64_t roundId, const std::vector<CandidateRow>& rows);
  std::vector<CandidateRow> candidates(std::int64_t roundId);
  void replaceMined(std::int64_t roundId, const std::vector<MinedRow>& rows);
  /// After training: the student's new rank and score of each mined pair.
  void setRankAfter(std::int64_t roundId, std::int64_t queryId, std::int64_t passageId, int rank, double score);
  /// The round's mined pairs with their kind, each query's in the order of the student's rank before training.
  std::vector<MinedPairKind> minedForTraining(std::int64_t roundId);
  /// The round's mined pairs as (query id, passage id), by query id.
  std::vector<std::pair<std::int64_t, std::int64_t>> minedPairs(std::int64_t roundId);
  /// The queries the round mined pairs for, as (query id, text), by query id.
  std::vector<std::pair<std::int64_t, std::string>> minedQueries(std::int64_t roundId);

  /// The queries of the corpus' query set named querySet that a round wrote, by id.
  std::vector<RoundQuery> roundQueries(std::int64_t roundId, std::int64_t corpusId, const std::string& querySet);
  /// Every query a round wrote gets the split (train | dev | test).
  void setRoundQuerySplit(std::int64_t roundId, const std::string& split);
  /// Marks queries as left out of the round (retrieval filtered them, the teacher did not confirm them), each with
  /// its reason, in their metadata's "filtered".
  void markQueriesFiltered(const std::vector<std::pair<std::int64_t, std::string>>& reasons);
  /// The passages the run's rounds before beforeRound wrote queries from (duplicates possible).
  std::vector<std::int64_t> querySourcesBefore(std::int64_t runId, int beforeRound);
  /// The names of the corpus' imported query sets, oldest first.
  std::vector<std::string> importedQuerySets(std::int64_t corpusId);
  /// Records who judged a query set, and on what grade scale (its top grade).
  void setQuerySetJudging(std::int64_t querySetId, int gradeScale, const std::string& judgedBy);
  /// Raises each qrel to at least its grade (inserting the ones missing).
  void raiseQrels(const std::vector<QrelGrade>& grades);

  /// The run's evaluations of the rounds before beforeRound, by id.
  std::vector<RunEvaluation> evaluationsBefore(std::int64_t runId, int beforeRound);
  /// The run's evaluations of one round, by id.
  std::vector<RunEvaluation> roundEvaluations(std::int64_t runId, int roundIndex);
  /// Deletes the run's evaluations of one round (a step evaluated again writes them anew, never twice).
  void deleteRoundEvaluations(std::int64_t runId, int roundIndex);
  /// The run's status (see RunRecord); empty for an unknown run. Reads no config.
  std::optional<std::string> runStatus(std::int64_t runId);

  void replaceTrainingLog(std::int64_t roundId);
  void addTrainingStep(std::int64_t roundId, int step, int epoch, double loss, double learningRate,
                       std::optional<double> devMetric);

  std::string modelPath(std::int64_t modelId);
  /// Whether the query set has at least one query of the split (train | dev | test).
  bool querySetHasSplit(std::int64_t querySetId, const std::string& split);
  /// Who judged the run's latest student evaluation (judged_by, core/eval/Judges.h); empty before round 0 is scored.
  std::string evaluationJudges(std::int64_t runId);

private:
  store::Store& store_;
};

} // namespace distillery::pipeline
