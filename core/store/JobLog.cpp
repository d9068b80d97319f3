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

} // namespace distillery::store
