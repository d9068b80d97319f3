#include "core/teacher/JudgmentCache.h"

#include <unordered_map>

#include "core/util/Error.h"
#include "core/util/Hash.h"
#include "core/util/Time.h"

namespace distillery::teacher {

JudgmentCache::JudgmentCache(store::Store& store) : store_(store) {}

std::optional<Judgment> JudgmentCache::lookup(const Teacher& teacher, const std::string& queryText,
                                              const std::string& passageHash) {
  store::Statement select = store_.prepare(
      "SELECT grade, score, rationale, raw_response, attempts, latency_ms, input_tokens, output_tokens, cost "
      "FROM judgments WHERE teacher_model = ?1 AND prompt_version = ?2 AND query_text = ?3 AND passage_hash = ?4 "
      "AND status = 'ok'");
  select.bind(1, teacher.model()).bind(2, teacher.promptVersion()).bind(3, queryText).bind(4, passageHash);
  if (!select.step())
    return std::nullopt;
  Judgment judgment;
  judgment.ok = true;
  judgment.fromCache = true;
  judgment.grade = static_cast<int>(select.columnInt64(0));
  if (!select.columnIsNull(1))
    judgment.score = select.columnDouble(1);
  judgment.rationale = select.columnOptionalText(2).value_or("");
  judgment.rawResponse = select.columnOptionalText(3).value_or("");
  judgment.attempts = static_cast<int>(select.columnInt64(4));
  judgment.latencyMs = select.columnIsNull(5) ? 0.0 : select.columnDouble(5);
  judgment.usage.inputTokens = select.columnOptionalInt64(6).value_or(0);
  judgment.usage.outputTokens = select.columnOptionalInt64(7).value_or(0);
  judgment.usage.cost = select.columnIsNull(8) ? 0.0 : select.columnDouble(8);
  return judgment;
}

void JudgmentCache::put(const Teacher& teacher, const JudgeRequest& request, const std::string& passageHash,
                        const Judgment& judgment) {
  store::Statement upsert = store_.prepare(
      "INSERT INTO judgments(teacher_kind, teacher_model, prompt_version, query_text, passage_hash, query_id, "
      "passage_id, status, grade, score, rationale, raw_response, failure_reason, attempts, latency_ms, input_tokens, "
      "output_tokens, cost, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
      "?16, ?17, ?18, ?19) "
      "ON CONFLICT(teacher_model, prompt_version, query_text, passage_hash) DO UPDATE SET "
      "teacher_kind = excluded.teacher_kind, query_id = coalesce(excluded.query_id, query_id), "
      "passage_id = coalesce(excluded.passage_id, passage_id), status = excluded.status, grade = excluded.grade, "
      "score = excluded.score, rationale = excluded.rationale, raw_response = excluded.raw_response, "
      "failure_reason = excluded.failure_reason, attempts = judgments.attempts + excluded.attempts, "
      "latency_ms = excluded.latency_ms, input_tokens = excluded.input_tokens, "
      "output_tokens = excluded.output_tokens, cost = excluded.cost, created_at = excluded.created_at "
      "WHERE judgments.status <> 'ok'");
  upsert.bind(1, teacher.kind())
      .bind(2, teacher.model())
      .bind(3, teacher.promptVersion())
      .bind(4, request.queryText)
      .bind(5, passageHash)
      .bind(6, request.queryId)
      .bind(7, request.passageId)
      .bind(8, judgment.ok ? "ok" : "failed");
  if (judgment.ok) {
    upsert.bind(9, judgment.grade).bind(10, judgment.score).bind(11, judgment.rationale).bindNull(13);
  } else {
    upsert.bindNull(9).bindNull(10).bindNull(11).bind(13, judgment.failureReason);
  }
  upsert.bind(12, judgment.rawResponse)
      .bind(14, judgment.attempts)
      .bind(15, judgment.latencyMs)
      .bind(16, judgment.usage.inputTokens)
      .bind(17, judgment.usage.outputTokens)
      .bind(18, judgment.usage.cost)
      .bind(19, nowIso8601());
  upsert.run();
}

JudgeBatchResult JudgmentCache::judge(Teacher& teacher, const std::vector<JudgeRequest>& requests,
                                      const ProgressCallback& progress, std::stop_token stop,
                                      const JudgmentSink& sink) {
  const double started = monotonicSeconds();
  JudgeBatchResult result;
  result.judgments.resize(requests.size());

  std::vector<std::string> hashes(requests.size());
  std::vector<JudgeRequest> toJudge;
  std::vector<std::vector<std::size_t>> owners; // toJudge index -> request indices sharing that key
  std::unordered_map<std::string, std::size_t> pendingByKey;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    throwIfStopped(stop);
    hashes[i] = contentHash(requests[i].passageText);
    if (auto cached = lookup(teacher, requests[i].queryText, hashes[i])) {
      result.judgments[i] = std::move(*cached);
      ++result.cached;
      if (sink)
        sink(i, result.judgments[i]);
      continue;
    }
    // The query text may hold any byte, so the key separates its parts by length, not by a delimiter.
    const std::string key = std::to_string(requests[i].queryText.size()) + ":" + requests[i].queryText + hashes[i];
    if (const auto it = pendingByKey.find(key); it != pendingByKey.end()) {
      owners[it->second].push_back(i);
      continue;
    }
    pendingByKey.emplace(key, toJudge.size());
    toJudge.push_back(requests[i]);
    owners.push_back({i});
  }
  const auto total = static_cast<std::int64_t>(requests.size());
  report(progress, {"judge", result.cached, total}, {MessageId::FromTheCache, {result.cached}});

  std::int64_t done = result.cached;
  const auto store = [&](std::size_t index, const Judgment& judgment) {
    const std::size_t first = owners[index].front();
    put(teacher, requests[first], hashes[first], judgment);
    result.usage.add(judgment.usage);
    for (std::size_t owner : owners[index]) {
      result.judgments[owner] = judgment;
      if (sink)
        sink(owner, judgment);
      if (judgment.ok) {
        ++result.judged;
      } else {
        ++result.failed;
        result.failures.push_back({owner, judgment.failureReason, judgment.transientFailure});
      }
      ++done;
    }
    report(progress, {"judge", done, total, ""});
  };
  if (!toJudge.empty())
    teacher.judge(toJudge, {}, stop, store);
  result.seconds = monotonicSeconds() - started;
  return result;
}

JudgeRequest judgeRequestFor(const std::string& queryText, const corpus::PassageRecord& passage,
                             std::optional<std::int64_t> queryId) {
  JudgeRequest request{queryText, passage.text, queryId, passage.id};
  request.title = passage.title;
  request.company = passage.company;
  request.filingType = passage.filingType;
  request.period = passage.period;
  request.section = passage.section;
  return request;
}

JudgeBatchResult judgeStoredPassages(store::Store& store, Teacher& teacher, const std::string& queryText,
                                     const std::vector<std::int64_t>& passageIds, const ProgressCallback& progress,
                                     std::stop_token stop, const JudgmentSink& sink) {
  if (queryText.empty())
    throw InputError("nothing to judge: the query is empty");
  std::vector<JudgeRequest> requests;
  requests.reserve(passageIds.size());
  for (const std::int64_t id : passageIds) {
    const auto passage = corpus::loadPassage(store, id);
    if (!passage)
      throw InputError("no passage with id " + std::to_string(id) + " in " + store.path().string());
    requests.push_back(judgeRequestFor(queryText, *passage));
  }
  return JudgmentCache(store).judge(teacher, requests, progress, stop, sink);
}

std::optional<PairJudgment> findPairJudgment(store::Store& store, std::int64_t queryId, std::int64_t passageId) {
  store::Statement select = store.prepare(
      "SELECT j.teacher_kind, j.teacher_model, j.prompt_version, j.status, j.grade, coalesce(j.rationale, ''), "
      "coalesce(j.raw_response, ''), coalesce(j.failure_reason, '') FROM judgments j, queries q, passages p "
      "WHERE q.id = ?1 AND p.id = ?2 AND j.query_text = q.text AND j.passage_hash = p.content_hash "
      "ORDER BY j.status = 'ok' DESC, j.id DESC LIMIT 1");
  select.bind(1, queryId).bind(2, passageId);
  if (!select.step())
    return std::nullopt;
  PairJudgment judgment{select.columnText(0), select.columnText(1), select.columnText(2), select.columnText(3),
                        std::nullopt,         select.columnText(5), select.columnText(6), select.columnText(7)};
  if (!select.columnIsNull(4))
    judgment.grade = static_cast<int>(select.columnInt64(4));
  return judgment;
}

std::string teacherGradeSql(const std::string& alias) {
  return "(SELECT j.grade FROM judgments j, queries jq, passages jp WHERE jq.id = " + alias +
         ".query_id AND jp.id = " + alias +
         ".passage_id AND j.query_text = jq.text AND j.passage_hash = jp.content_hash AND j.status = 'ok' "
         "ORDER BY j.id DESC LIMIT 1)";
}

} // namespace distillery::teacher
