#pragma once
// A distillation run end to end (docs/ARCHITECTURE.md, "The data walk of a round"): round 0 evaluates the base student
// and BM25; each later round synthesises queries with the teacher, keeps those whose source passage the student finds
// in its top filter_top_k, retrieves K candidates, has the teacher judge them, mines hard positives and negatives,
// trains the student and evaluates it on the held-out queries. Each step commits its results together with the
// round's last_completed_step, so a killed process resumes at the step in flight, and teacher calls already
// made are read back from the judgment cache instead of being paid for twice. A caller may also advance a run
// one step (or a few) at a time: the run is left paused after them and the next call goes on from there, so an
// analyst can inspect the queries before they are judged, the judgments before they are mined, and so on.
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/eval/Metrics.h"
#include "core/eval/Statistics.h"
#include "core/pipeline/RunConfig.h"
#include "core/pipeline/RunRepository.h"
#include "core/util/Progress.h"

namespace distillery::store {
class Store;
}

namespace distillery::pipeline {

class RunWorkers;

struct RunCallbacks {
  ProgressCallback progress;                        // the step in flight: items done / total
  std::function<void(const std::string& line)> log; // what happened, one line at a time
  // The same lines as message ids and arguments (core/util/Message.h), for a caller that translates them: when set,
  // a line with an id comes here instead of to log.
  std::function<void(const Message& line)> logText;
  std::function<void(int round, int step, double loss)> trainingLoss; // every optimiser step, for live curves
  std::function<void(int round, const std::string& step, double seconds)> stepFinished; // wall time of each step
};

/// What the caller supplies beyond the stored config; never stored.
struct RunEnvironment {
  std::optional<std::string> apiKey; // e.g. from the GUI's keychain; else the teacher's api_key_env variable
  int maxSteps = 0; // stop after this many steps have completed (0: run to the end); the run is left 'paused'
  // WORLD_SIZE > 1: this is rank 0, and the other ranks serve it (DataParallelRun.h): they embed the corpus with it
  // and train data-parallel. Null: one process.
  RunWorkers* workers = nullptr;
};

/// The step a run executes next: the first step not yet completed of its first unfinished round.
struct PendingStep {
  int round = 0;                    // 0 (baseline) .. config.rounds
  RoundStep step = RoundStep::None; // the step of that round not yet completed
};
/// "round 1: judge", "round 0: baseline evaluation" (round 0 synthesises only a held-out set, then evaluates).
std::string describe(const PendingStep& step);
/// The same as a message (core/util/Message.h), for a caller that translates it.
Message describeText(const PendingStep& step);

struct RoundMetrics {
  int round = 0;                            // 0 (baseline) .. config.rounds
  std::optional<std::int64_t> modelId;      // models.id of this round's student; none when the round stored none
  eval::MetricsTable dense;                 // the student's evaluation on the held-out queries
  std::int64_t denseEvaluationId = 0;       // its evaluations.id (per-query rows and rankings, e.g. QueryChanges.h)
  std::optional<eval::MetricsTable> bm25;   // round 0 only
  std::optional<eval::MetricsTable> hybrid; // the student fused with BM25, its weight chosen on the dev split
  // The student against round 0's student (rounds after 0) and against BM25, paired over the same held-out queries.
  std::optional<eval::ByGroupAndMetric<eval::PairedDifference>> vsRound0;
  std::optional<eval::ByGroupAndMetric<eval::PairedDifference>> vsBm25;
};

struct RunOutcome {
  std::int64_t runId = 0;           // runs.id
  std::string status;               // completed | paused | failed | running
  std::vector<RoundMetrics> rounds; // one per evaluated round, by round number
  std::optional<PendingStep> next;  // what a resumed call does first; none when the run is complete
};

/// Records a new run of corpus with config (its software version and seed too). InputError for an unknown corpus.
std::int64_t createRun(store::Store& store, const std::string& corpus, const RunConfig& config,
                       const std::string& name = {});

/// Executes the run, resuming after the last completed step of each round. On stop the run is left 'paused'
/// and Cancelled is thrown; on an error it is left 'failed' and the error rethrown. Both resume with this call.
/// With environment.maxSteps it returns (status 'paused', `next` set) once that many steps have completed.
RunOutcome executeRun(store::Store& store, std::int64_t runId, const RunCallbacks& callbacks, std::stop_token stop,
                      const RunEnvironment& environment = {});

/// The stored metrics of every evaluated round, and the step the run would execute next.
RunOutcome loadRunOutcome(store::Store& store, std::int64_t runId);

/// loadRunOutcome's rounds alone: needs no valid run config (a report of an old run whose config today's parser
/// rejects still gets them). Throws InputError for an unknown run.
std::vector<RoundMetrics> loadRoundMetrics(store::Store& store, std::int64_t runId);

/// The step the run executes next, from its stored rounds; none when every round is evaluated.
std::optional<PendingStep> nextStep(store::Store& store, std::int64_t runId);

/// The config used when the user gives none: the stored experiment defaults do not exist yet, so RunConfig{}.
RunConfig defaultRunConfig();

} // namespace distillery::pipeline
