#pragma once
// The experiment's record of long work (jobs, job_log): what ran, with which parameters, how far it got, how it ended
// and its log. The workbench records its background jobs here and the CLI its long commands (run, import, eval), so
// the experiment says what was done to it from either. Parameters must hold no secrets (API keys stay out of them).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace distillery::store {

class Store;

struct JobLogLine {
  std::string level; // info | error
  std::string message;
};

/// Records a job as running; returns its id (jobs.id). paramsJson: a JSON object.
std::int64_t startJob(Store& store, const std::string& kind, const std::string& paramsJson,
                      std::optional<std::int64_t> runId = std::nullopt);

/// Records how a job ended: status completed | failed | cancelled | paused, its progress (units of its own), the
/// error when it failed, and its last log lines (at most the last 500 are kept).
void finishJob(Store& store, std::int64_t jobId, const std::string& status, std::int64_t done, std::int64_t total,
               const std::optional<std::string>& error, const std::vector<JobLogLine>& log);

/// A recorded job, as lists of recent work show it.
struct JobRecord {
  std::int64_t id = 0;               // jobs.id
  std::string kind;                  // import | synthesise | judge | mine | train | evaluate | run | ...
  std::string status;                // queued | running | paused | completed | failed | cancelled
  std::optional<std::int64_t> runId; // the run it executed: jobs.run_id, else its parameters' run_id
  std::string corpus;                // the corpus its parameters name ("corpus"); "" when none
  std::int64_t progressDone = 0;     // units of its own
  std::int64_t progressTotal = 0;
  std::string error;      // "" unless it failed
  std::string createdAt;  // ISO 8601 UTC
  std::string finishedAt; // "" while not finished (or when the process recording it died)
};

/// The newest `limit` jobs, newest first.
std::vector<JobRecord> recentJobs(Store& store, int limit);

} // namespace distillery::store
