#include "core/store/JobLog.h"

#include <algorithm>

#include "core/store/Store.h"
#include "core/util/Time.h"

namespace distillery::store {

namespace {
constexpr std::size_t kKeptLogLines = 500;
}

std::int64_t startJob(Store& store, const std::string& kind, const std::string& paramsJson,
                      std::optional<std::int64_t> runId) {
  const std::string now = nowIso8601();
  store
      .prepare("INSERT INTO jobs(kind, status, params_json, run_id, created_at, started_at) VALUES (?1, 'running', ?2, "
               "?3, ?4, ?4)")
      .bind(1, kind)
      .bind(2, paramsJson.empty() ? std::string("{}") : paramsJson)
      .bind(3, runId)
      .bind(4, now)
      .run();
  return store.lastInsertId();
}

void finishJob(Store& store, std::int64_t jobId, const std::string& status, std::int64_t done, std::int64_t total,
               const std::optional<std::string>& error, const std::vector<JobLogLine>& log) {
  store.transaction([&] {
    const std::string now = nowIso8601();
    store
        .prepare("UPDATE jobs SET status = ?2, progress_done = ?3, progress_total = ?4, error = ?5, finished_at = ?6 "
                 "WHERE id = ?1")
        .bind(1, jobId)
        .bind(2, status)
        .bind(3, done)
        .bind(4, total)
        .bind(5, error)
        .bind(6, now)
        .run();
    Statement line = store.prepare("INSERT INTO job_log(job_id, logged_at, level, message) VALUES (?1, ?2, ?3, ?4)");
    for (std::size_t i = log.size() - std::min(log.size(), kKeptLogLines); i < log.size(); ++i)
      line.bind(1, jobId).bind(2, now).bind(3, log[i].level).bind(4, log[i].message).run();
  });
}

std::vector<JobRecord> recentJobs(Store& store, int limit) {
  // Parameters are JSON written by the workbench and the CLI; an unreadable one only loses its run and corpus.
  Statement select = store.prepare(
      "SELECT id, kind, status, coalesce(run_id, CASE WHEN json_valid(params_json) THEN "
      "json_extract(params_json, '$.run_id') END), CASE WHEN json_valid(params_json) THEN "
      "json_extract(params_json, '$.corpus') END, progress_done, progress_total, error, created_at, finished_at "
      "FROM jobs ORDER BY id DESC LIMIT ?1");
  select.bind(1, limit);
  std::vector<JobRecord> jobs;
  while (select.step())
    jobs.push_back({.id = select.columnInt64(0),
                    .kind = select.columnText(1),
                    .status = select.columnText(2),
                    .runId = select.columnOptionalInt64(3),
                    .corpus = select.columnOptionalText(4).value_or(""),
                    .progressDone = select.columnInt64(5),
                    .progressTotal = select.columnInt64(6),
                    .error = select.columnOptionalText(7).value_or(""),
                    .createdAt = select.columnText(8),
                    .finishedAt = select.columnOptionalText(9).value_or("")});
  return jobs;
}

} // namespace distillery::store
