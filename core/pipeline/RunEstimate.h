#pragma once
// What a run will cost before it starts (issue 25): teacher calls, tokens, money and a rough time, per round, from
// the run config, the corpus's size and the teacher config, so that nobody launches a paid run blind. Every figure is
// an estimate and the teacher figures are upper bounds: the judgment cache answers pairs judged before at no cost, and
// training queries the student filters out are never judged. RunEstimate::assumptions lists, one sentence each, the
// rules and measured figures the estimate rests on, so that whoever reads it can tell how rough it is.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/corpus/CorpusRepository.h"
#include "core/pipeline/RoundSizes.h"
#include "core/pipeline/RunConfig.h"
#include "core/teacher/TeacherConfig.h"

namespace distillery::store {
class Store;
}

namespace distillery::pipeline {

/// One round's share of the run.
struct RoundEstimate {
  int round = 0;                     // 0: the baseline (and its held-out teacher queries), then 1..rounds
  std::int64_t queries = 0;          // queries the teacher writes this round (train and dev; round 0: held-out)
  std::int64_t devQueries = 0;       // of those, held back for early stopping (judged with a wider pool)
  std::int64_t synthesisCalls = 0;   // teacher calls writing one query each (first attempts; retries not counted)
  std::int64_t judgmentCalls = 0;    // teacher calls grading one (query, passage) pair each: an upper bound
  std::int64_t promptTokens = 0;     // tokens sent to the teacher (characters / 4 of the rendered prompts)
  std::int64_t completionTokens = 0; // tokens the teacher writes back (assumed answer lengths, capped by max_tokens)
  double cost = 0;                   // in the prices' currency: tokens / 1,000 x the price per 1,000 tokens
  double teacherSeconds = 0;         // wall time of the teacher calls
  std::int64_t passagesEmbedded = 0; // passages the student encodes: a pass over the corpus, dev pools
  std::int64_t trainingPassages = 0; // passages through training steps (forward and backward), every epoch
  double computeSeconds = 0;         // local wall time of those encodings and training steps

  std::int64_t teacherCalls() const { return synthesisCalls + judgmentCalls; }
  std::int64_t tokens() const { return promptTokens + completionTokens; }
  double seconds() const { return teacherSeconds + computeSeconds; }
  void add(const RoundEstimate& other);
};

struct RunEstimate {
  std::string teacherKind;       // heuristic | openai
  std::string teacherModel;      // the model the endpoint is asked for; empty for the heuristic teacher
  bool teacherIsLocal = false;   // the heuristic teacher: computed here, no server, no tokens, no cost
  bool priced = false;           // the teacher config sets a price; without one every cost is 0 ("no prices set")
  double inputPricePer1k = 0;    // per 1,000 prompt tokens, from the teacher config
  double outputPricePer1k = 0;   // per 1,000 completion tokens, from the teacher config
  std::int64_t passages = 0;     // of the corpus
  std::int64_t querySources = 0; // passages long enough to write a query for (and no near-duplicate)
  double meanPassageChars = 0;   // characters of a passage's text, mean over the corpus
  bool syntheticHoldout = false; // round 0 writes held-out queries and the teacher judges their pool
  std::int64_t promptTokensPerJudgment = 0;  // one grading prompt with a passage of mean length
  std::int64_t promptTokensPerSynthesis = 0; // one query-writing prompt (few-shot examples included), mean over types
  std::vector<RoundEstimate> rounds;         // round 0 first, then 1..config.rounds
  RoundEstimate total;                       // every round summed (its `round` is the number of rounds)
  std::vector<std::string> assumptions;      // the rules and figures the estimate rests on, one sentence each

  /// A training round (round 1): what "per round" means when the estimate is summarised.
  const RoundEstimate& typicalRound() const;
};

/// The estimate from what is known of the corpus. Throws InputError when the teacher's prompt templates are invalid.
RunEstimate estimateRun(const RunConfig& config, const corpus::PassageStatistics& corpus,
                        const teacher::TeacherConfig& teacher);
/// The same for a stored corpus, reading only its statistics (nothing is written).
RunEstimate estimateRun(store::Store& store, std::int64_t corpusId, const RunConfig& config);
/// The corpus statistics estimateRun reads.
corpus::PassageStatistics estimateStatistics(store::Store& store, std::int64_t corpusId);

/// Every field, named with its unit (e.g. "teacher_seconds"), as `run --dry-run --json` prints it.
nlohmann::json toJson(const RunEstimate& estimate);
/// A few lines for people: per round, the total, then the assumptions.
std::string describe(const RunEstimate& estimate);

} // namespace distillery::pipeline
