#pragma once
// Text that core's long work writes for people (progress stages and messages, a run's log lines), written once: each is
// an id with its English template in one table (kMessages), and arguments that fill %1, %2, ... The CLI prints the
// English (english()), exactly as before; the workbench translates the template by id and fills in the arguments
// itself, numbers in the user's locale (ui/jobs/ProgressText.h). A message without an id is free text, shown as it is.
//
// The templates are marked with DISTILLERY_TRANSLATE_NOOP, which translations/update-ts.py tells lupdate to read
// as QT_TRANSLATE_NOOP (context "distillery::Message"); a template without the mark ("%1: %2") is the same in
// every language. Stage names are entries too (.stage = true): their English is the key progress reports carry
// in Progress::stage, so a stage reported as a plain string is still found (findStage).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

/// Marks a template for lupdate (translations/update-ts.py: -tr-function-alias QT_TRANSLATE_NOOP+=...).
#define DISTILLERY_TRANSLATE_NOOP(context, text) text

namespace distillery {

enum class MessageId : std::uint16_t {
  None, // free text: Progress::message as it is
  // Stages (Progress::stage)
  StageDownload,
  StageDetect,
  StageDemo,
  StageImport,
  StageTrainDefaultStudent,
  StageDefaultStudent,
  StageEmbed,
  StageSynthesise,
  StageRetrieve,
  StageJudge,
  StageMine,
  StageTrain,
  StageEvaluate,
  StageJudgeHeldOutPool,
  StageTuneHybrid,
  StageEncodePassages,
  StageEncodeQueries,
  StageIndex,
  StageLoad,
  StageSearch,
  StageStore,
  StageBm25,
  StageRound0,
  StageRoundOf, // round %1/%2
  StageEmbedCorpus,
  StageBm25Index,
  // Messages (Progress::message)
  StageName,   // %1: a stage name as the message
  StageDetail, // %1: %2: a sub-task's stage and its message
  Bm25RanksPseudoQueries,
  Loss,
  FromTheCache,
  BuildingDenseIndex,
  QueriesAndJudgments,
  IndexingPassages,
  Indexed,
  HeldOutQueries,
  DroppedQuery,
  // A run's log lines (RunCallbacks::log)
  RunHeader,
  RunSyntheticEvaluation,
  RunStepTook,
  RunPausedAfter,
  RoundKept,
  RoundJudged,
  RoundLabelsReplacedGrades,
  RoundTrainOnDevOnly,
  RoundTrainingReadsLabels,
  RoundTrainingOn,
  RoundHeldOutPool,
  RoundNoHybrid,
  RoundStudentScores,
  RoundBm25Score,
  RoundWritten,
  RoundWrittenFirstFailure,
  RoundWrittenDuplicates,
  RoundMined,
  RoundRescored,
  RoundHybrid,
  RoundTrained,
  RoundTrainedDev,
  RoundTrainedNoEpochImproved,
  RoundTrainedDataParallel,
  CorpusImportedQuerySets,
  PendingStep,        // round %1: %2 (the next step of a paused run)
  BaselineEvaluation, // round 0's evaluation step
  MinedCount,         // %1 %2: a number of pairs and their mined kind
  ListJoin,           // %1, %2: a list's items so far and the next
  Count               // not a message: the number of ids
};

struct MessageText {
  MessageId id;
  std::string_view english; // the template: %1, %2, ... are the arguments
  bool stage = false;       // a stage name: english is the key reported in Progress::stage
};

// One message a line.
// clang-format off
inline constexpr MessageText kMessages[] = {
    {.id = MessageId::StageDownload, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "download"), .stage = true},
    {.id = MessageId::StageDetect, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "detect"), .stage = true},
    {.id = MessageId::StageDemo, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "demo"), .stage = true},
    {.id = MessageId::StageImport, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "import"), .stage = true},
    {.id = MessageId::StageTrainDefaultStudent, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "train default student"), .stage = true},
    {.id = MessageId::StageDefaultStudent, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "default student"), .stage = true},
    {.id = MessageId::StageEmbed, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "embed"), .stage = true},
    {.id = MessageId::StageSynthesise, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "synthesise"), .stage = true},
    {.id = MessageId::StageRetrieve, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "retrieve"), .stage = true},
    {.id = MessageId::StageJudge, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "judge"), .stage = true},
    {.id = MessageId::StageMine, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "mine"), .stage = true},
    {.id = MessageId::StageTrain, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "train"), .stage = true},
    {.id = MessageId::StageEvaluate, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "evaluate"), .stage = true},
    {.id = MessageId::StageJudgeHeldOutPool, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "judge held-out pool"), .stage = true},
    {.id = MessageId::StageTuneHybrid, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "tune hybrid on dev"), .stage = true},
    {.id = MessageId::StageEncodePassages, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "encode passages"), .stage = true},
    {.id = MessageId::StageEncodeQueries, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "encode queries"), .stage = true},
    {.id = MessageId::StageIndex, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "index"), .stage = true},
    {.id = MessageId::StageLoad, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "load"), .stage = true},
    {.id = MessageId::StageSearch, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "search"), .stage = true},
    {.id = MessageId::StageStore, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "store"), .stage = true},
    {.id = MessageId::StageBm25, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "bm25"), .stage = true},
    {.id = MessageId::StageRound0, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round 0"), .stage = true},
    {.id = MessageId::StageRoundOf, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1/%2")},
    {.id = MessageId::StageEmbedCorpus, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "embed corpus"), .stage = true},
    {.id = MessageId::StageBm25Index, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "bm25 index"), .stage = true},
    {.id = MessageId::StageName, .english = "%1"},
    {.id = MessageId::StageDetail, .english = "%1: %2"},
    {.id = MessageId::Bm25RanksPseudoQueries, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "BM25 ranks the pseudo-queries")},
    {.id = MessageId::Loss, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "loss %1")},
    {.id = MessageId::FromTheCache, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "%1 from the cache")},
    {.id = MessageId::BuildingDenseIndex, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "building dense index")},
    {.id = MessageId::QueriesAndJudgments, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "queries and judgments")},
    {.id = MessageId::IndexingPassages, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "indexing passages")},
    {.id = MessageId::Indexed, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "indexed")},
    {.id = MessageId::HeldOutQueries, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "held-out queries")},
    {.id = MessageId::DroppedQuery, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "dropped query of passage %1 (%2) '%3': %4")},
    {.id = MessageId::RunHeader, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "run %1 on corpus '%2' (%3 passages), teacher %4/%5, student %6")},
    {.id = MessageId::RunSyntheticEvaluation, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "no human query set: evaluating on %1 held-out teacher queries (never trained on), judged by the teacher")},
    {.id = MessageId::RunStepTook, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: %2 took %3 s")},
    {.id = MessageId::RunPausedAfter, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "run %1 paused after %2 step(s); next: %3")},
    {.id = MessageId::RoundKept, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: kept %2 of %3 queries (source passage in the student's top %4), %5 candidates")},
    {.id = MessageId::RoundJudged, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: %2 pairs: %3 judged, %4 from the cache, %5 failed; %6 calls, %7 tokens")},
    {.id = MessageId::RoundLabelsReplacedGrades, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: people's labels replaced the teacher's grade on %2 pairs")},
    {.id = MessageId::RoundTrainOnDevOnly, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: every kept query is in the dev split; training on them, without early stopping")},
    {.id = MessageId::RoundTrainingReadsLabels, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: training reads people's grades on %2 pairs")},
    {.id = MessageId::RoundTrainingOn, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: training on %2 queries (%3 dev), loss %4")},
    {.id = MessageId::RoundHeldOutPool, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: held-out pool %2 pairs (%3 newly judged, %4 cached, %5 failed)")},
    {.id = MessageId::RoundNoHybrid, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: no hybrid: the evaluation queries have no dev split to choose its fusion weight on")},
    {.id = MessageId::RoundStudentScores, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: student MRR@%2 %3, NDCG@%2 %4 over %5 held-out queries")},
    {.id = MessageId::RoundBm25Score, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round 0: BM25 MRR@%1 %2")},
    {.id = MessageId::RoundWritten, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: %2 %3 queries written, %4 already there, %5 failed%6%7")},
    {.id = MessageId::RoundWrittenFirstFailure, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", " (first: %1)")},
    {.id = MessageId::RoundWrittenDuplicates, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", ", %1 dropped as duplicates")},
    {.id = MessageId::RoundMined, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: mined %2; %3 queries dropped (the teacher did not grade their source passage relevant), the false-negative guard fired %4 times")},
    {.id = MessageId::RoundRescored, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: round %2's %3 scored again against the grown held-out pool: NDCG@%4 %5 -> %6")},
    {.id = MessageId::RoundHybrid, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: hybrid (student weight %2, chosen on %3 dev queries: NDCG@%4 %5) MRR@%4 %6, NDCG@%4 %7")},
    {.id = MessageId::RoundTrained, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: %2 steps, loss %3 -> %4%5")},
    {.id = MessageId::RoundTrainedDev, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", ", dev retrieval NDCG@5 %1 -> %2%3")},
    {.id = MessageId::RoundTrainedNoEpochImproved, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", " (no epoch improved dev: the round keeps its starting weights)")},
    {.id = MessageId::RoundTrainedDataParallel, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: trained data-parallel on %2 ranks, %3 ms per step exchanging batches, embeddings and gradients")},
    {.id = MessageId::CorpusImportedQuerySets, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "corpus has %1 imported query sets; evaluating on the first, '%2' (set evaluation.query_set to choose)")},
    {.id = MessageId::PendingStep, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "round %1: %2")},
    {.id = MessageId::BaselineEvaluation, .english = DISTILLERY_TRANSLATE_NOOP("distillery::Message", "baseline evaluation")},
    {.id = MessageId::MinedCount, .english = "%1 %2"},
    {.id = MessageId::ListJoin, .english = "%1, %2"},
};
// clang-format on

/// One argument of a message: its English rendering (what the CLI prints) and, for numbers, the value, so that
/// the workbench can write it in the user's locale; a stage argument is translated as a stage name, a mined kind
/// ("hard_positive") and a query split ("test", "dev") as the workbench names them.
struct Message;
struct MessageArg {
  enum class Kind { Text, Integer, Real, Stage, Nested, MinedKind, Split };
  Kind kind = Kind::Text;
  std::string english;
  double number = 0;
  int decimals = 6;                      // Real: digits after the point
  std::shared_ptr<const Message> nested; // Nested: a message inside this one, translated as such

  MessageArg(std::string text) : english(std::move(text)) {}
  MessageArg(const char* text) : english(text) {}
  MessageArg(std::string_view text) : english(text) {}
  template <typename N>
  requires std::is_integral_v<N> MessageArg(N value)
      : kind(Kind::Integer), english(std::to_string(value)), number(static_cast<double>(value)) {}

  /// value with decimals digits after the point (6: as std::to_string writes it).
  static MessageArg real(double value, int decimals = 6);
  /// A stage name (a key of kMessages with .stage), translated as such.
  static MessageArg stage(std::string key);
  /// A message inside this one (a sub-task's, say).
  static MessageArg inner(Message message);
  /// A mined kind's stored name (pipeline::kMinedKindNames).
  static MessageArg minedKind(std::string name);
  /// A query split's name ("train", "dev", "test").
  static MessageArg split(std::string name);
};

/// A message: an id of kMessages and its arguments. id None: no message.
struct Message {
  MessageId id = MessageId::None;
  std::vector<MessageArg> args = {};
};

/// The entry of id; nullptr for None or an id outside the table.
const MessageText* findMessage(MessageId id);
/// The stage entry whose English is key, or nullopt.
std::optional<MessageId> findStage(std::string_view key);
/// The English template of id; empty for None.
std::string_view englishTemplate(MessageId id);
/// Fills %1..%9 of a template with args in one pass (an argument's own "%1" stays as it is); a % not followed by
/// the number of an argument stays.
std::string fillTemplate(std::string_view pattern, const std::vector<std::string>& args);
/// The English text of message: its template filled with the arguments' English.
std::string english(const Message& message);

} // namespace distillery
