#pragma once
// Judging through the experiment store: a pair already judged by the same teacher model and prompt
// version (same query text, same passage text hash) is read back instead of paid for again, and every
// new result, ok or failed, is written as soon as it arrives, so a crash loses only the calls in flight.
// Failed results are stored for inspection but do not count as cached: the next run tries them again.
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/corpus/CorpusRepository.h"
#include "core/store/Store.h"
#include "core/teacher/Teacher.h"

namespace distillery::teacher {

struct JudgeFailure {
  std::size_t index = 0; // position in the request batch
  std::string reason;
  bool transient = false; // the endpoint failed, not the answer
};

struct JudgeBatchResult {
  std::vector<Judgment> judgments; // one per request, in order
  std::int64_t judged = 0;         // newly judged by the teacher (ok)
  std::int64_t cached = 0;         // answered from the store, no call made
  std::int64_t failed = 0;         // the teacher failed; stored with status 'failed'
  std::vector<JudgeFailure> failures;
  TeacherUsage usage; // of the new calls only
  double seconds = 0;
};

class JudgmentCache {
public:
  explicit JudgmentCache(store::Store& store);

  /// The stored ok judgment for this key, if any.
  std::optional<Judgment> lookup(const Teacher& teacher, const std::string& queryText, const std::string& passageHash);
  /// Writes one result (upsert: an ok row is never replaced, a failed one is).
  void put(const Teacher& teacher, const JudgeRequest& request, const std::string& passageHash,
           const Judgment& judgment);
  /// Judges a batch: cached pairs from the store, the rest (deduplicated) through the teacher. The sink (when given)
  /// hears each request's judgment as soon as it is known, cached ones first. Throws Cancelled on stop; everything
  /// finished before it stays stored.
  JudgeBatchResult judge(Teacher& teacher, const std::vector<JudgeRequest>& requests, const ProgressCallback& progress,
                         std::stop_token stop, const JudgmentSink& sink = {});

private:
  store::Store& store_;
};

/// What the teacher reads about a stored passage: its own text (which the cache keys on) and its document's title,
/// filer, filing type, period and section, filled the same way wherever the passage is judged.
JudgeRequest judgeRequestFor(const std::string& queryText, const corpus::PassageRecord& passage,
                             std::optional<std::int64_t> queryId = std::nullopt);

/// Judges one query text against stored passages through the cache (as the query playground's "Judge these" asks):
/// pairs already judged by this teacher model and prompt version are read back, the rest are asked. The sink hears
/// each passage's judgment (its index in passageIds) as it arrives. Throws InputError for an unknown passage id.
JudgeBatchResult judgeStoredPassages(store::Store& store, Teacher& teacher, const std::string& queryText,
                                     const std::vector<std::int64_t>& passageIds, const ProgressCallback& progress,
                                     std::stop_token stop, const JudgmentSink& sink = {});

/// A stored judgment as the inspector shows it.
struct PairJudgment {
  std::string teacherKind; // heuristic | openai
  std::string teacherModel;
  std::string promptVersion;
  std::string status;       // ok | failed
  std::optional<int> grade; // 0-3; none when failed
  std::string rationale;
  std::string rawResponse;
  std::string failureReason;
};

/// The judgment of one of the experiment's (query, passage) pairs, found as the cache keys it: the query's text and
/// the passage's content hash. A pair whose grade was read from the cache (asked again in a later round or run) finds
/// the judgment made for the first asking, whose ids are another query's. The latest when several teachers judged it.
std::optional<PairJudgment> findPairJudgment(store::Store& store, std::int64_t queryId, std::int64_t passageId);

/// SQL for the teacher's latest ok grade of a pair, keyed like the cache, for a query selecting rows that carry
/// query_id and passage_id under `alias` (e.g. "m" for mined_examples m).
std::string teacherGradeSql(const std::string& alias);

} // namespace distillery::teacher
