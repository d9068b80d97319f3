#pragma once
// A distillation run end to end (see ../shared/DESIGN.md): round 0 evaluates the base student and BM25; each
// later round synthesises queries with the teacher, keeps those whose source passage the student finds in its
// top filter_top_k, retrieves K candidates, has the teacher judge them, mines hard positives and negatives,
// trains the student and evaluates it on the held-out queries. Each step commits its results together with the
// round's last_completed_step, so a killed process resumes at the step in flight, and teacher calls already
// made are read back from the judgment cache instead of being paid for twice.
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/eval/Metrics.h"
#include "core/pipeline/RunConfig.h"
#include "core/util/Progress.h"

namespace distillery::store {
class Store;
}

namespace distillery::pipeline {

struct RunCallbacks {
  ProgressCallback progress;                                          // the step in flight: items done / total
  std::function<void(const std::string& line)> log;                   // what happened, one line at a time
  std::function<void(int round, int step, double loss)> trainingLoss; // every optimiser step, for live curves
  std::function<void(int round, const std::string& step, double seconds)> stepFinished; // wall time of each step
};

/// What the caller supplies beyond the stored config; never stored.
struct RunEnvironment {
  std::optional<std::string> apiKey; // e.g. from the GUI's keychain; else the teacher's api_key_env variable
};

struct RoundMetrics {
  int round = 0;
  std::optional<std::int64_t> modelId;
  eval::MetricsTable dense;               // the student's evaluation on the held-out queries
  std::optional<eval::MetricsTable> bm25; // round 0 only
};

struct RunOutcome {
  std::int64_t runId = 0;
  std::string status; // completed | paused | failed | running
  std::vector<RoundMetrics> rounds;
};

/// Records a new run of corpus with config (its software version and seed too). InputError for an unknown corpus.
std::int64_t createRun(store::Store& store, const std::string& corpus, const RunConfig& config,
                       const std::string& name = {});

/// Executes the run, resuming after the last completed step of each round. On stop the run is left 'paused'
/// and Cancelled is thrown; on an error it is left 'failed' and the error rethrown. Both resume with this call.
RunOutcome executeRun(store::Store& store, std::int64_t runId, const RunCallbacks& callbacks, std::stop_token stop,
                      const RunEnvironment& environment = {});

/// The stored metrics of every evaluated round.
RunOutcome loadRunOutcome(store::Store& store, std::int64_t runId);

/// The config used when the user gives none: the stored experiment defaults do not exist yet, so RunConfig{}.
RunConfig defaultRunConfig();

} // namespace distillery::pipeline
