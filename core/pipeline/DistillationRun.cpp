#include "core/pipeline/DistillationRun.h"

#include <iterator>

#include "core/corpus/CorpusRepository.h"
#include "core/eval/Evaluator.h"
#include "core/model/BlasRuntime.h"
#include "core/model/EncoderFactory.h"
#include "core/pipeline/RunContext.h"
#include "core/pipeline/RunPlan.h"
#include "core/pipeline/steps/Evaluate.h"
#include "core/pipeline/steps/Judge.h"
#include "core/pipeline/steps/Mine.h"
#include "core/pipeline/steps/Retrieve.h"
#include "core/pipeline/steps/Synthesise.h"
#include "core/pipeline/steps/Train.h"
#include "core/store/Store.h"
#include "core/teacher/Teacher.h"
#include "core/util/Error.h"
#include "core/util/ResourceFailure.h"
#include "core/util/Time.h"

namespace distillery::pipeline {
namespace {

// The student round 0 starts from: the config's, registered (and built or downloaded) when it is not stored yet.
std::int64_t baseModel(RunContext& context) {
  model::EncoderContext encoder;
  encoder.store = &context.store;
  encoder.corpus = context.run.corpusName;
  encoder.progress = context.forward("default student");
  encoder.stop = context.stop;
  encoder.seed = context.config.seed;
  encoder.indexedTexts = &context.indexedTexts; // the run holds them: the default student reads no second copy
  const std::string& student = context.config.student;
  const std::filesystem::path directory = model::resolveModelDirectory(student, encoder);
  if (student.rfind("model:", 0) == 0)
    return std::stoll(student.substr(6));
  const std::string kind = student == "default" ? "default" : "huggingface";
  return model::registerModel(context.store, directory, kind, directory.filename().string());
}

// How a failed step goes on: the run is resumed from it, its earlier steps are not repeated.
constexpr const char* kResumeRun = "resume the run (--resume): its completed steps are kept and not repeated";

// Executes one planned step of round with the student model (the one the round starts from); returns the student
// the round has after it (a new one after training).
std::int64_t executeStep(RunContext& context, const RoundRecord& round, RoundStep step, std::int64_t model) {
  switch (step) {
  case RoundStep::Synthesise:
    if (round.index == 0)
      steps::synthesiseHoldout(context, round);
    else
      steps::synthesiseRound(context, round);
    break;
  case RoundStep::Retrieve:
    steps::retrieve(context, round, model);
    break;
  case RoundStep::Judge:
    steps::judge(context, round);
    break;
  case RoundStep::Mine:
    steps::mine(context, round);
    break;
  case RoundStep::Train:
    // Training reads no corpus matrix: unmapped, its pages leave the run's resident memory while the optimiser's
    // tensors are there (3 GB at a million passages); evaluation maps it again from the page cache.
    context.releaseCorpusEmbeddings();
    return steps::train(context, round, model);
  case RoundStep::Evaluate:
    steps::evaluate(context, round, model, round.index == 0 && context.config.evaluation.bm25Baseline);
    break;
  case RoundStep::None:
    break;
  }
  return model;
}

// Walks the run's plan from its first step not yet completed.
class PlanWalk {
public:
  PlanWalk(RunContext& context, int maxSteps) : context_(context), maxSteps_(maxSteps) {}

  /// Runs to the end, or until maxSteps steps have completed; true when it stopped early (the run pauses).
  bool execute();
  const std::vector<PendingStep>& plan() const { return plan_; }

private:
  // Counts a completed step; true when the caller asked for no more in this call.
  bool stepLimitReached() {
    ++context_.stepsDone;
    return maxSteps_ > 0 && ++completedSteps_ >= maxSteps_;
  }
  // Opens the round of a planned step: its record, and the student it works with.
  void enterRound(int index);
  // Round 0's steps: the held-out queries, the baseline evaluation.
  void executeBaselineStep(RoundStep step);
  // A later round's steps, each reported and timed: the log (and the benchmark) show where a round's time goes.
  void executeRoundStep(RoundStep step);

  RunContext& context_;
  const int maxSteps_;
  int completedSteps_ = 0;
  std::vector<PendingStep> plan_;
  int currentRound_ = -1; // the round round_ holds; none before the first step
  RoundRecord round_;
  std::int64_t model_ = 0; // the student the round works with: the previous round's until it trains
};

void PlanWalk::enterRound(int index) {
  if (index > 0)
    throwIfStopped(context_.stop);
  round_ = context_.repository.ensureRound(context_.run.id, index);
  currentRound_ = index;
  if (index == 0) {
    model_ = round_.modelId ? *round_.modelId
                            : runPhase("round 0: the base student", kResumeRun, [&] { return baseModel(context_); });
    if (!round_.modelId)
      context_.repository.setRoundModel(round_.id, model_);
  } else if (completed(round_, RoundStep::Train)) {
    model_ = *round_.modelId; // trained before a pause or crash; otherwise the previous round's model
  }
}

void PlanWalk::executeBaselineStep(RoundStep step) {
  if (step == RoundStep::Synthesise)
    context_.progress("round 0", 0, 0, {MessageId::HeldOutQueries});
  model_ = runPhase(describe(PendingStep{round_.index, step}), kResumeRun,
                    [&] { return executeStep(context_, round_, step, model_); });
}

void PlanWalk::executeRoundStep(RoundStep step) {
  throwIfStopped(context_.stop);
  const std::string name(enumName(step));
  const auto position = std::distance(std::begin(kRoundSteps), std::ranges::find(kRoundSteps, step));
  context_.progress("round " + std::to_string(round_.index) + "/" + std::to_string(context_.config.rounds), position,
                    static_cast<std::int64_t>(std::size(kRoundSteps)),
                    {MessageId::StageName, {MessageArg::stage(name)}},
                    {MessageId::StageRoundOf, {round_.index, context_.config.rounds}});
  const double started = monotonicSeconds();
  model_ = runPhase(describe(PendingStep{round_.index, step}), kResumeRun,
                    [&] { return executeStep(context_, round_, step, model_); });
  const double seconds = monotonicSeconds() - started;
  context_.log({MessageId::RunStepTook, {round_.index, MessageArg::stage(name), MessageArg::real(seconds)}});
  if (context_.callbacks.stepFinished)
    context_.callbacks.stepFinished(round_.index, name, seconds);
}

bool PlanWalk::execute() {
  const RunConfig& config = context_.config;
  context_.log({MessageId::RunHeader,
                {std::to_string(context_.run.id), context_.run.corpusName, context_.passages.size(),
                 context_.teacher->kind(), context_.teacher->model(), config.student}});
  if (const auto warning = model::blasThreadingWarning(model::blasRuntime()); !warning.empty())
    context_.log(warning);
  context_.evaluation = evaluationTarget(context_);
  if (context_.evaluation.synthetic)
    context_.log({MessageId::RunSyntheticEvaluation, {config.evaluation.holdoutQueries}});

  plan_ = runPlan(config.rounds, context_.evaluation.synthetic);
  context_.stepsTotal = static_cast<std::int64_t>(plan_.size());
  for (const PendingStep& planned : plan_) {
    if (planned.round != currentRound_)
      enterRound(planned.round);
    if (completed(round_, planned.step)) {
      ++context_.stepsDone; // done before this call
      continue;
    }
    if (planned.round == 0)
      executeBaselineStep(planned.step);
    else
      executeRoundStep(planned.step);
    if (stepLimitReached())
      return true;
  }
  return false;
}

RunOutcome outcomeOf(store::Store& store, std::int64_t runId, std::string status, std::optional<PendingStep> next) {
  RunOutcome outcome;
  outcome.runId = runId;
  outcome.status = std::move(status);
  outcome.rounds = loadRoundMetrics(store, runId);
  outcome.next = std::move(next);
  return outcome;
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
  RunContext context(store, runId, callbacks, stop, environment);
  repository.setRunStatus(runId, "running");
  try {
    PlanWalk walk(context, environment.maxSteps);
    const bool stoppedEarly = walk.execute();
    // Stopped at the step limit with steps left: paused. The limit reached with the run's last step: completed.
    std::optional<PendingStep> next = firstPending(walk.plan(), repository.rounds(runId));
    const bool paused = stoppedEarly && next.has_value();
    const std::string status = paused ? "paused" : "completed";
    repository.setRunStatus(runId, status);
    RunOutcome outcome = outcomeOf(store, runId, status, std::move(next));
    if (paused && outcome.next) {
      const Message line{MessageId::RunPausedAfter,
                         {std::to_string(runId), environment.maxSteps, MessageArg::inner(describeText(*outcome.next))}};
      if (callbacks.logText)
        callbacks.logText(line);
      else if (callbacks.log)
        callbacks.log(english(line));
    }
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
  return english(describeText(step));
}

Message describeText(const PendingStep& step) {
  if (step.round == 0)
    return {MessageId::PendingStep,
            {step.round, MessageArg::inner({step.step == RoundStep::Synthesise ? MessageId::HeldOutQueries
                                                                               : MessageId::BaselineEvaluation})}};
  return {MessageId::PendingStep, {step.round, MessageArg::stage(toString(step.step))}};
}

std::optional<PendingStep> nextStep(store::Store& store, std::int64_t runId) {
  RunRepository repository(store);
  const RunRecord run = repository.loadRun(runId);
  return firstPending(runPlan(run.config.rounds, evaluatesOnSyntheticHoldout(repository, run)),
                      repository.rounds(runId));
}

RunOutcome loadRunOutcome(store::Store& store, std::int64_t runId) {
  const std::optional<std::string> status = RunRepository(store).runStatus(runId);
  if (!status)
    throw InputError("no run with id " + std::to_string(runId) + " in '" + store.path().string() + "'");
  return outcomeOf(store, runId, *status, nextStep(store, runId));
}

std::vector<RoundMetrics> loadRoundMetrics(store::Store& store, std::int64_t runId) {
  RunRepository repository(store);
  if (!repository.runStatus(runId))
    throw InputError("no run with id " + std::to_string(runId) + " in '" + store.path().string() + "'");
  std::vector<RoundMetrics> rounds;
  std::vector<eval::QueryMetrics> round0Queries, bm25Queries; // per query, for the paired comparisons
  for (const RoundRecord& round : repository.rounds(runId)) {
    if (round.lastCompleted != RoundStep::Evaluate)
      continue;
    RoundMetrics metrics;
    metrics.round = round.index;
    metrics.modelId = round.modelId;
    std::vector<eval::QueryMetrics> student;
    for (const RunEvaluation& evaluation : repository.roundEvaluations(runId, round.index)) {
      const std::optional<eval::RetrieverKind> retriever = findEnum<eval::RetrieverKind>(evaluation.retriever);
      if (retriever == eval::RetrieverKind::Dense) {
        metrics.dense = eval::loadMetrics(store, evaluation.id);
        metrics.denseEvaluationId = evaluation.id;
        student = eval::loadQueryMetrics(store, evaluation.id);
      } else if (retriever == eval::RetrieverKind::Bm25) {
        metrics.bm25 = eval::loadMetrics(store, evaluation.id);
        bm25Queries = eval::loadQueryMetrics(store, evaluation.id);
      } else if (retriever == eval::RetrieverKind::Hybrid) {
        metrics.hybrid = eval::loadMetrics(store, evaluation.id);
      }
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
