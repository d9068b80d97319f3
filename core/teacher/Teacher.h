#pragma once
// The teacher: writes queries for passages and grades (query, passage) pairs. Two kinds exist: an
// OpenAI-compatible chat endpoint ("openai") and the offline heuristic teacher ("heuristic"), which
// needs nothing and always says it is a heuristic. The pipeline and the GUI program against this file.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/teacher/TeacherConfig.h"
#include "core/util/EnumNames.h"
#include "core/util/Progress.h"

namespace distillery::teacher {

/// The four query types of the listwise-distillation paper.
enum class QueryType { Question, Claim, Keyword, Title };

inline constexpr EnumName<QueryType> kQueryTypeNames[] = {
    {.value = QueryType::Question, .name = "question", .description = "a natural-language question"},
    {.value = QueryType::Claim, .name = "claim", .description = "a statement the passage supports"},
    {.value = QueryType::Keyword, .name = "keyword", .description = "a few search terms"},
    {.value = QueryType::Title, .name = "title", .description = "a heading the passage could stand under"},
};
constexpr std::span<const EnumName<QueryType>> enumNames(QueryType) {
  return kQueryTypeNames;
}

const std::vector<QueryType>& allQueryTypes();
/// "question" | "claim" | "keyword" | "title".
inline std::string toString(QueryType type) {
  return std::string(enumName(type));
}
/// Parses a type name; throws InputError naming the value when it is unknown.
inline QueryType parseQueryType(const std::string& name) {
  return parseEnum<QueryType>(name, "query type");
}

/// Token usage and estimated cost of one call or summed over a job.
struct TeacherUsage {
  std::int64_t calls = 0;        // HTTP requests sent, retries included
  std::int64_t inputTokens = 0;  // prompt tokens reported by the endpoint
  std::int64_t outputTokens = 0; // completion tokens reported by the endpoint
  double cost = 0.0;             // from the configured prices; 0 when none are set
  void add(const TeacherUsage& other);
};

/// A passage to write a query for, with what only its document says: who filed it, for which period, in which
/// section. Analysts' queries name these ("What was 3M's FY2018 capital expenditure?"), so the teacher sees them
/// when it writes (and, in JudgeRequest, when it grades). Every metadata field may be empty (unknown).
struct SynthesisRequest {
  std::int64_t passageId = 0; // passages.id, carried through to the result
  std::string passageText;
  QueryType type = QueryType::Question;
  std::string filingType = {}; // 10-K, 8-K, ...; may be empty
  std::string company = {};    // the filer, e.g. "3M Co"; may be empty
  std::string period = {};     // the period reported on, e.g. "2018-12-31" or "FY2018"; may be empty
  std::string section = {};    // the section or item holding the passage, e.g. "Item 7"; may be empty
  std::string title = {};      // the document's or passage's title (TAT-QA: "table" for tables); may be empty
};

struct SynthesisResult {
  bool ok = false;
  std::int64_t passageId = 0;
  QueryType type = QueryType::Question;
  std::string query;             // the synthesised query when ok
  std::string rawResponse;       // the endpoint's answer text (or the heuristic's note)
  std::string failureReason;     // why it failed, when !ok
  bool transientFailure = false; // the endpoint failed (429, 5xx, timeouts), not the answer: may pass if asked again
  int attempts = 0;              // requests made, HTTP and parse retries included
  double latencyMs = 0.0;
  TeacherUsage usage;
};

struct JudgeRequest {
  std::string queryText;
  std::string passageText;
  std::optional<std::int64_t> queryId;   // queries.id, when the query is stored
  std::optional<std::int64_t> passageId; // passages.id, when the passage is stored
  // The passage's document, as in SynthesisRequest (all may be empty). The judgment cache keys on the query and
  // passage text only, so callers fill these the same way for a passage every time.
  std::string title = {};
  std::string company = {};
  std::string filingType = {};
  std::string period = {};
  std::string section = {};
};

struct Judgment {
  bool ok = false;
  int grade = 0;                 // 0 irrelevant, 1 related, 2 partially answers, 3 fully answers
  std::optional<double> score;   // probability-weighted grade from logprobs, or the heuristic's finer score
  std::string rationale;         // one sentence
  std::string rawResponse;       // the endpoint's answer text, for inspection
  std::string failureReason;     // why it failed, when !ok
  bool transientFailure = false; // the endpoint failed (429, 5xx, timeouts), not the answer: may pass if asked again
  int attempts = 0;
  double latencyMs = 0.0;
  TeacherUsage usage;
  bool fromCache = false; // set by JudgmentCache when no call was made
};

/// Called as each item completes (in the calling thread), so callers can store results immediately.
using JudgmentSink = std::function<void(std::size_t index, const Judgment&)>;
using SynthesisSink = std::function<void(std::size_t index, const SynthesisResult&)>;

class Teacher {
public:
  virtual ~Teacher() = default;
  virtual std::string kind() const = 0;          // "heuristic" | "openai"
  virtual std::string model() const = 0;         // model name, e.g. "gpt-4o-mini" or "heuristic-bm25"
  virtual std::string promptVersion() const = 0; // identifies the grading prompt: part of the cache key
  /// The prompt version of query synthesis (recorded with synthesised queries).
  virtual std::string synthesisPromptVersion() const = 0;
  /// Grades on 0..maxGrade().
  virtual int maxGrade() const { return 3; }
  /// Where the teacher writes what happens to its endpoints (a pool's endpoint taken out of service, back again);
  /// by default nowhere.
  virtual void setLog(std::function<void(const std::string& line)> log) { (void)log; }

  /// One result per request, in order. Failures are results with ok == false, never dropped.
  /// Throws Cancelled when stop is requested (results already passed to the sink stay valid).
  virtual std::vector<SynthesisResult> synthesizeQueries(const std::vector<SynthesisRequest>& requests,
                                                         const ProgressCallback& progress, std::stop_token stop,
                                                         const SynthesisSink& sink = {}) = 0;
  virtual std::vector<Judgment> judge(const std::vector<JudgeRequest>& requests, const ProgressCallback& progress,
                                      std::stop_token stop, const JudgmentSink& sink = {}) = 0;
};

/// Builds the teacher a config asks for. Throws InputError for a bad config (e.g. the API key variable unset).
std::unique_ptr<Teacher> makeTeacher(const TeacherConfig& config);

} // namespace distillery::teacher
