#include "core/pipeline/RunEstimate.h"
#include "core/pipeline/RoundSizes.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/teacher/OpenAiTeacher.h"
#include "core/teacher/PromptLibrary.h"
#include "core/teacher/Teacher.h"
#include "core/util/NumberText.h"

namespace distillery::pipeline {
namespace {

// Assumed lengths of what the teacher reads and writes beyond the corpus's own passages (characters).
constexpr std::size_t kQueryChars = 60;             // a synthetic query ("What was 3M's FY2018 capital expenditure?")
constexpr std::int64_t kSynthesisAnswerTokens = 20; // {"query": "<a query of ~60 characters>"}
constexpr std::int64_t kJudgmentAnswerTokens = 45;  // {"grade": 2, "rationale": "<one sentence>"}

// Time, rough: an OpenAI-compatible endpoint's latency is assumed; the local figures are the README's benchmarks on
// the project's 2-core build machine (bench_pipeline, bench_model, bench_teacher), so a faster machine is faster.
constexpr double kEndpointCallSeconds = 2.0;     // one chat completion of a few dozen tokens, hosted model
constexpr double kHeuristicCallSeconds = 0.0002; // heuristic grading: 1.3 s for ~10,000 pairs
constexpr double kDefaultEmbedSeconds = 0.0005;  // default student: 19,123 passages re-embedded in ~10 s
constexpr double kDefaultTrainSeconds = 0.0027;  // default student: 73 s for 450 queries x 20 passages x 3 epochs
constexpr double kDirectoryEmbedSeconds = 0.012; // 6-layer 384-hidden BERT: 82 passages/s on 2 threads
constexpr double kDirectoryTrainSeconds = 0.036; // forward and backward: about three forward passes

std::string duration(double seconds) {
  if (seconds < 90)
    return fixed(seconds, 0) + " s";
  if (seconds < 5400)
    return fixed(seconds / 60, 0) + " min";
  return fixed(seconds / 3600, 1) + " h";
}

// A price per 1,000 tokens, however small: 0.00015, not 0.0001.
std::string price(double value) {
  std::string text = fixed(value, 8);
  while (text.back() == '0' && text[text.size() - 2] != '.')
    text.pop_back();
  return text;
}

std::string tokenCount(std::int64_t tokens) {
  return tokens >= 1000000 ? fixed(static_cast<double>(tokens) / 1e6, 1) + " M" : withCommas(tokens);
}

// Prompt tokens of one grading and one query-writing call, rendered from the teacher's own templates.
void measurePrompts(RunEstimate& estimate, const RunConfig& config, const corpus::PassageStatistics& corpus,
                    const teacher::TeacherConfig& teacherConfig) {
  const teacher::PromptLibrary prompts = teacher::PromptLibrary::load(teacherConfig.promptDirectory);
  const std::string passage(static_cast<std::size_t>(std::lround(corpus.meanTextChars)), 'x');
  const std::string details(static_cast<std::size_t>(std::lround(corpus.meanDetailChars)), 'x');
  teacher::JudgeRequest judge;
  judge.queryText = std::string(kQueryChars, 'x');
  judge.passageText = passage;
  judge.company = details; // the details' total length in one field: the others read "unknown"
  estimate.promptTokensPerJudgment = teacher::promptTokenEstimate(teacher::judgeMessages(prompts, judge));
  std::int64_t synthesis = 0;
  for (const std::string& type : config.queryTypes) {
    teacher::SynthesisRequest request;
    request.passageText = passage;
    request.company = details;
    request.type = teacher::parseQueryType(type);
    synthesis += teacher::promptTokenEstimate(teacher::synthesisMessages(prompts, request));
  }
  estimate.promptTokensPerSynthesis =
      synthesis / static_cast<std::int64_t>(std::max<std::size_t>(1, config.queryTypes.size()));
}

} // namespace

void RoundEstimate::add(const RoundEstimate& other) {
  queries += other.queries;
  devQueries += other.devQueries;
  synthesisCalls += other.synthesisCalls;
  judgmentCalls += other.judgmentCalls;
  promptTokens += other.promptTokens;
  completionTokens += other.completionTokens;
  cost += other.cost;
  teacherSeconds += other.teacherSeconds;
  passagesEmbedded += other.passagesEmbedded;
  trainingPassages += other.trainingPassages;
  computeSeconds += other.computeSeconds;
}

const RoundEstimate& RunEstimate::typicalRound() const {
  return rounds.size() > 1 ? rounds[1] : rounds.front();
}

RunEstimate estimateRun(const RunConfig& config, const corpus::PassageStatistics& corpus,
                        const teacher::TeacherConfig& teacherConfig) {
  RunEstimate e;
  e.teacherKind = teacherConfig.kind;
  e.teacherModel = teacherConfig.kind == "heuristic" ? std::string() : teacherConfig.model;
  e.teacherIsLocal = teacherConfig.kind == "heuristic";
  e.inputPricePer1k = teacherConfig.inputPricePer1k;
  e.outputPricePer1k = teacherConfig.outputPricePer1k;
  e.priced = !e.teacherIsLocal && (e.inputPricePer1k > 0 || e.outputPricePer1k > 0);
  e.passages = corpus.passages;
  e.querySources = corpus.querySources;
  e.meanPassageChars = corpus.meanTextChars;
  const EvaluationConfig& evaluation = config.evaluation;
  e.syntheticHoldout = evaluation.queriesPath.empty() && (evaluation.querySet == "synthetic" ||
                                                          (evaluation.querySet.empty() && !corpus.hasImportedQuerySet));
  if (!e.teacherIsLocal)
    measurePrompts(e, config, corpus, teacherConfig);

  const bool defaultStudent = config.student == "default";
  const double embedSeconds = defaultStudent ? kDefaultEmbedSeconds : kDirectoryEmbedSeconds;
  const double trainSeconds = defaultStudent ? kDefaultTrainSeconds : kDirectoryTrainSeconds;
  const std::int64_t synthesisAnswer = std::min<std::int64_t>(kSynthesisAnswerTokens, teacherConfig.maxTokens);
  const std::int64_t judgmentAnswer = std::min<std::int64_t>(kJudgmentAnswerTokens, teacherConfig.maxTokens);
  const auto finish = [&](RoundEstimate& round) {
    if (!e.teacherIsLocal) {
      round.promptTokens =
          round.synthesisCalls * e.promptTokensPerSynthesis + round.judgmentCalls * e.promptTokensPerJudgment;
      round.completionTokens = round.synthesisCalls * synthesisAnswer + round.judgmentCalls * judgmentAnswer;
      round.cost = static_cast<double>(round.promptTokens) / 1000.0 * e.inputPricePer1k +
                   static_cast<double>(round.completionTokens) / 1000.0 * e.outputPricePer1k;
      const auto calls = static_cast<double>(round.teacherCalls());
      double seconds = calls * kEndpointCallSeconds / std::max(1, teacherConfig.concurrency);
      if (teacherConfig.requestsPerMinute > 0)
        seconds = std::max(seconds, calls / teacherConfig.requestsPerMinute * 60.0);
      if (teacherConfig.tokensPerMinute > 0)
        seconds = std::max(seconds, static_cast<double>(round.tokens()) / teacherConfig.tokensPerMinute * 60.0);
      round.teacherSeconds = seconds;
    } else {
      round.teacherSeconds = static_cast<double>(round.teacherCalls()) * kHeuristicCallSeconds;
    }
    round.computeSeconds = static_cast<double>(round.passagesEmbedded) * embedSeconds +
                           static_cast<double>(round.trainingPassages) * trainSeconds;
  };

  // Round 0: the held-out queries (when the teacher writes them), their judged pool, the base student's corpus pass.
  std::int64_t sourcesLeft = corpus.querySources;
  RoundEstimate baseline;
  baseline.round = 0;
  const std::int64_t holdout = e.syntheticHoldout ? std::min<std::int64_t>(evaluation.holdoutQueries, sourcesLeft) : 0;
  baseline.queries = holdout;
  baseline.synthesisCalls = holdout;
  baseline.judgmentCalls = holdout * std::min<std::int64_t>(2 * kHoldoutPoolDepth, corpus.passages);
  baseline.passagesEmbedded = corpus.passages;
  sourcesLeft -= holdout;
  finish(baseline);
  e.rounds.push_back(baseline);

  // Each round, as DistillationRun's synthesise, retrieve and judge steps size it.
  const std::int64_t k = config.candidatesK;
  const std::int64_t perTrainQuery = std::min(k + (config.filterTopK > k ? 1 : 0), corpus.passages);
  const std::int64_t perDevQuery = std::min(2 * k + 1, corpus.passages); // student's k, BM25's k, the source
  for (int index = 1; index <= config.rounds; ++index) {
    RoundEstimate round;
    round.round = index;
    const std::int64_t wanted = std::min<std::int64_t>(config.queriesPerRound, sourcesLeft);
    const auto devAsked =
        static_cast<std::int64_t>(config.training.devFraction * static_cast<double>(config.queriesPerRound) + 0.5);
    const std::int64_t dev = std::min(devAsked, wanted / 2);
    const std::int64_t train = wanted - dev;
    sourcesLeft -= wanted;
    round.queries = wanted;
    round.devQueries = dev;
    round.synthesisCalls = wanted;
    round.judgmentCalls = train * perTrainQuery + dev * perDevQuery;
    if (e.syntheticHoldout) // the new student's top k of every held-out query joins the judged pool
      round.judgmentCalls += holdout * std::min<std::int64_t>(evaluation.k, corpus.passages);
    const std::int64_t devPool =
        dev > 0 ? std::min<std::int64_t>(kDevDistractors, corpus.passages) + dev * kDevBm25Depth : 0;
    round.passagesEmbedded = corpus.passages + devPool * (config.training.epochs + 1);
    round.trainingPassages =
        train * std::min<std::int64_t>(config.training.listSize, perTrainQuery) * config.training.epochs;
    finish(round);
    e.rounds.push_back(round);
  }
  e.total.round = config.rounds;
  for (const RoundEstimate& round : e.rounds)
    e.total.add(round);

  auto& a = e.assumptions;
  for (const RoundEstimate& round : e.rounds)
    if (round.round > 0 && round.queries < config.queriesPerRound) {
      a.push_back("Warning: the corpus has " + withCommas(corpus.querySources) + " passages of at least " +
                  std::to_string(kMinQuerySourceTokens) + " tokens to write queries for; round " +
                  std::to_string(round.round) + " gets " + withCommas(round.queries) + " of its " +
                  withCommas(config.queriesPerRound) + " queries" +
                  (round.queries == 0 ? " and the run stops there." : "."));
      break;
    }
  a.push_back("Teacher calls are an upper bound: one call per query written and per (query, passage) pair judged, "
              "first attempts only; pairs judged before come from the judgment cache at no cost, and training "
              "queries whose source passage the student does not rank in its top filter_top_k are not judged.");
  a.push_back("Judged per query: training " + std::to_string(perTrainQuery) + " (k" +
              (config.filterTopK > k ? " and the source passage" : std::string()) + "), dev " +
              std::to_string(perDevQuery) + " (the student's k, BM25's k and the source passage)" +
              (e.syntheticHoldout
                   ? ", held-out " + std::to_string(std::min<std::int64_t>(2 * kHoldoutPoolDepth, corpus.passages)) +
                         " in round 0 (student and BM25 top " + std::to_string(kHoldoutPoolDepth) +
                         ") and the new student's top " + std::to_string(evaluation.k) + " in every later round"
                   : std::string()) +
              ".");
  if (e.teacherIsLocal) {
    a.push_back("The heuristic teacher runs here: it calls no server, uses no tokens and costs nothing.");
  } else {
    a.push_back("Tokens by the rule of about 4 characters per token: the teacher's prompt templates rendered with a "
                "passage of the corpus's mean length (" +
                fixed(corpus.meanTextChars, 0) + " characters) and a query of " + std::to_string(kQueryChars) +
                " characters give " + std::to_string(e.promptTokensPerJudgment) + " prompt tokens per judgment and " +
                std::to_string(e.promptTokensPerSynthesis) + " per query written; answers are assumed to be " +
                std::to_string(judgmentAnswer) + " and " + std::to_string(synthesisAnswer) + " tokens.");
    a.push_back(e.priced
                    ? "Cost from the teacher config's prices: " + price(e.inputPricePer1k) +
                          " per 1,000 prompt tokens, " + price(e.outputPricePer1k) + " per 1,000 completion tokens."
                    : "No prices set in the teacher config (input_price_per_1k, output_price_per_1k): the "
                      "cost shows as 0.");
    a.push_back("Teacher time: " + fixed(kEndpointCallSeconds, 0) + " s per call (assumed), " +
                std::to_string(std::max(1, teacherConfig.concurrency)) +
                " in flight (the config's concurrency), no faster than its requests and tokens per minute limits.");
  }
  a.push_back(std::string("Local time, rough, from the README's benchmarks on a 2-core machine: ") +
              (defaultStudent ? "the default student embeds a passage in 0.5 ms and trains on one in 2.7 ms"
                              : "a model directory (6-layer, 384-hidden BERT) embeds a passage in 12 ms and trains on "
                                "one in 36 ms; larger models take longer") +
              "; a pass over the corpus per round, dev pools every epoch, every epoch trained (early stopping may "
              "end sooner). Not counted: the default student's one-off warm start, BM25 indexes, evaluation scoring.");
  return e;
}

corpus::PassageStatistics estimateStatistics(store::Store& store, std::int64_t corpusId) {
  return corpus::passageStatistics(store, corpusId, kMinQuerySourceTokens);
}

RunEstimate estimateRun(store::Store& store, std::int64_t corpusId, const RunConfig& config) {
  return estimateRun(config, estimateStatistics(store, corpusId), teacher::TeacherConfig::fromJson(config.teacher));
}

namespace {

nlohmann::json roundJson(const RoundEstimate& r) {
  return {{"round", r.round},
          {"queries", r.queries},
          {"dev_queries", r.devQueries},
          {"synthesis_calls", r.synthesisCalls},
          {"judgment_calls", r.judgmentCalls},
          {"teacher_calls", r.teacherCalls()},
          {"prompt_tokens", r.promptTokens},
          {"completion_tokens", r.completionTokens},
          {"tokens", r.tokens()},
          {"cost", r.cost},
          {"teacher_seconds", r.teacherSeconds},
          {"passages_embedded", r.passagesEmbedded},
          {"training_passages", r.trainingPassages},
          {"compute_seconds", r.computeSeconds},
          {"seconds", r.seconds()}};
}

std::string roundLine(const RunEstimate& e, const RoundEstimate& r) {
  std::string line = withCommas(r.teacherCalls()) + " teacher calls (" + withCommas(r.synthesisCalls) + " to write " +
                     "queries, " + withCommas(r.judgmentCalls) + " to judge)";
  if (!e.teacherIsLocal)
    line += ", ~" + tokenCount(r.tokens()) + " tokens, ~" + (e.priced ? fixed(r.cost, 2) : "0 (no prices set)");
  return line + ", ~" + duration(r.seconds());
}

} // namespace

nlohmann::json toJson(const RunEstimate& e) {
  nlohmann::json rounds = nlohmann::json::array();
  for (const RoundEstimate& round : e.rounds)
    rounds.push_back(roundJson(round));
  nlohmann::json total = roundJson(e.total);
  total.erase("round");
  return {{"teacher", {{"kind", e.teacherKind}, {"model", e.teacherModel}, {"local", e.teacherIsLocal}}},
          {"priced", e.priced},
          {"input_price_per_1k", e.inputPricePer1k},
          {"output_price_per_1k", e.outputPricePer1k},
          {"passages", e.passages},
          {"query_sources", e.querySources},
          {"mean_passage_chars", e.meanPassageChars},
          {"synthetic_holdout", e.syntheticHoldout},
          {"prompt_tokens_per_judgment", e.promptTokensPerJudgment},
          {"prompt_tokens_per_synthesis", e.promptTokensPerSynthesis},
          {"token_rule", "characters / 4 of the rendered prompts"},
          {"upper_bound", true},
          {"rounds", rounds},
          {"per_round", roundJson(e.typicalRound())},
          {"total", total},
          {"assumptions", e.assumptions}};
}

std::string describe(const RunEstimate& e) {
  std::ostringstream text;
  text << "estimate (rough; teacher calls are an upper bound), teacher " << e.teacherKind
       << (e.teacherModel.empty() ? "" : "/" + e.teacherModel) << ", " << withCommas(e.passages) << " passages\n";
  for (const RoundEstimate& round : e.rounds)
    text << "  round " << round.round << ": " << roundLine(e, round) << "\n";
  text << "  total: " << roundLine(e, e.total) << "\n";
  for (const std::string& line : e.assumptions)
    text << "  - " << line << "\n";
  return text.str();
}

} // namespace distillery::pipeline
