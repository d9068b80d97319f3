#pragma once
// The pipeline's long work as background jobs: a distillation run (to its end or a few steps at a time), an
// evaluation (BM25 or a stored student) of a corpus's query set, and the teacher judging one query's passages. Each job
// opens its own store connection on the worker thread; log lines and progress reach the JobRunner through the progress
// callback.
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/teacher/TeacherConfig.h"
#include "ui/jobs/JobRunner.h"

namespace distillery::ui {

class TrainingLossFeed;

struct RunJobRequest {
  QString experimentPath;
  std::int64_t runId = 0;                 // a stored run (new ones are created before they are launched)
  int maxSteps = 0;                       // 0: to the end; else stop, paused, after this many steps
  std::optional<std::string> apiKey;      // from the keychain; handed to the teacher in memory, never stored or logged
  std::shared_ptr<TrainingLossFeed> loss; // receives every optimiser step's loss while the run trains
};
/// Executes (or resumes) the run; Cancel leaves it paused, resumable with the same job.
JobFunction runPipelineJob(RunJobRequest request);

struct EvaluationJobRequest {
  QString experimentPath;
  std::int64_t corpusId = 0;
  std::int64_t querySetId = 0;
  std::optional<std::int64_t> modelId; // a stored student (dense retrieval); none: BM25
  /// Only the queries of this split ("" = every split); none: the test split when the set has one, else all.
  std::optional<std::string> split;
};
/// Stores one evaluation outside any run; its metrics appear in the dashboard.
JobFunction evaluationJob(EvaluationJobRequest request);

struct JudgeJobRequest {
  QString experimentPath;
  teacher::TeacherConfig teacher; // its API key, if any, only in memory
  std::string query;
  std::vector<std::int64_t> passageIds;
  /// Called on the worker thread with each passage's grade as it arrives (nothing for a failed judgment).
  std::function<void(std::int64_t passageId, int grade)> graded;
};
/// Judges the query against the passages through the judgment cache (answers already stored are not paid for again).
JobFunction judgeJob(JudgeJobRequest request);

} // namespace distillery::ui
