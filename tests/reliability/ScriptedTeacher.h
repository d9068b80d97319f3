#pragma once
// A deterministic stand-in for an LLM behind the OpenAI-compatible FakeChatServer: it writes a query from the
// passage it is shown and grades a passage by how many of the query's words it contains, so a run against it
// is reproducible, and every call can be traced back to the (query, passage) or (passage, query type) it paid for.
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/store/Store.h"
#include "tests/teacher/FakeChatServer.h"

namespace distillery::test {

/// What a chat request asked the teacher, read back from the bundled prompt templates' wording.
struct TeacherCall {
  enum class Kind { Judgment, Synthesis, Unknown };
  Kind kind = Kind::Unknown;
  std::string query;     // judgments
  std::string passage;   // both
  std::string queryType; // syntheses: question | claim | keyword | title
  /// One string per paid unit of work: two calls with the same key paid for the same thing.
  std::string key() const { return queryType + "\x1f" + query + "\x1f" + passage; }
};

inline std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const auto start = text.find(open);
  if (start == std::string::npos)
    return {};
  const auto from = start + open.size();
  const auto end = text.find(close, from);
  return end == std::string::npos ? std::string() : text.substr(from, end - from);
}

inline TeacherCall parseTeacherCall(const FakeRequest& request) {
  const std::string content = request.lastUserContent();
  TeacherCall call;
  call.passage = between(content, "Passage:\n\"\"\"\n", "\n\"\"\"");
  if (content.rfind("Query: ", 0) == 0) {
    call.kind = TeacherCall::Kind::Judgment;
    call.query = content.substr(7, content.find("\n\n") - 7); // the document's details follow
  } else if (content.rfind("Document: ", 0) == 0) {
    call.kind = TeacherCall::Kind::Synthesis;
    // The bundled synthesis template's instruction for each query type.
    static const std::pair<const char*, const char*> kInstructions[] = {{"question", "natural-language question"},
                                                                        {"claim", "factual statement"},
                                                                        {"keyword", "keyword search query"},
                                                                        {"title", "short title"}};
    for (const auto& [type, words] : kInstructions)
      if (content.find(words) != std::string::npos)
        call.queryType = type;
  }
  return call;
}

inline std::vector<std::string> contentWords(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      if (word.size() >= 3)
        words.push_back(word);
      word.clear();
    }
  }
  return words;
}

/// The query a careful writer might give the passage: some of its words, shaped by the type asked for.
inline std::string extractedQuery(const TeacherCall& call) {
  const std::vector<std::string> words = contentWords(call.passage);
  std::ostringstream query;
  const std::size_t start = words.size() > 12 ? 3 : 0;
  const std::size_t count = call.queryType == "keyword" ? 4 : 7;
  for (std::size_t i = start; i < words.size() && i < start + count; ++i)
    query << (i == start ? "" : " ") << words[i];
  if (call.queryType == "question")
    return "What about " + query.str() + "?";
  return query.str();
}

/// 0-3 by the share of the query's words that the passage contains.
inline int overlapGrade(const TeacherCall& call) {
  const std::vector<std::string> queryWords = contentWords(call.query);
  const std::vector<std::string> passageList = contentWords(call.passage);
  const std::set<std::string> passageWords(passageList.begin(), passageList.end());
  if (queryWords.empty())
    return 0;
  std::size_t found = 0;
  for (const auto& word : queryWords)
    found += passageWords.count(word);
  const double share = static_cast<double>(found) / static_cast<double>(queryWords.size());
  return share >= 0.85 ? 3 : share >= 0.6 ? 2 : share >= 0.3 ? 1 : 0;
}

/// The reply of the scripted teacher; `echo` is appended to every rationale and query (the secrets test echoes the
/// request's Authorization header there, as a hostile or careless endpoint might).
inline FakeReply scriptedTeacherReply(const FakeRequest& request, const std::string& echo = {}) {
  TeacherCall call = parseTeacherCall(request);
  switch (call.kind) {
  case TeacherCall::Kind::Judgment:
    // A query it wrote is graded without what it echoed into it, as the query it meant.
    if (!echo.empty())
      call.query = call.query.substr(0, call.query.find(echo.substr(0, echo.find(' ', 1))));
    return gradeReply(overlapGrade(call), "Word overlap." + echo);
  case TeacherCall::Kind::Synthesis:
    return {200, chatCompletionBody(nlohmann::json{{"query", extractedQuery(call) + echo}}.dump()), {}, 0, false};
  case TeacherCall::Kind::Unknown:
    break;
  }
  return {400, R"({"error": "the scripted teacher does not know this prompt"})", {}, 0, false};
}

/// What the experiment in `storePath` holds of the teacher's paid work, as TeacherCall keys: judgments by query and
/// passage, written queries by type and source passage. A resumed run must not ask for any of it again.
inline std::set<std::string> paidWorkHeldIn(const std::string& storePath) {
  auto s = store::Store::open(storePath, store::OpenMode::MustExist);
  std::set<std::string> held;
  auto paid = s.prepare("SELECT DISTINCT '', j.query_text, p.text FROM judgments j JOIN passages p "
                        "ON p.content_hash = j.passage_hash WHERE j.status = 'ok' UNION ALL "
                        "SELECT q.query_type, '', p.text FROM queries q JOIN passages p "
                        "ON p.id = q.source_passage_id WHERE q.origin LIKE 'teacher:%'");
  while (paid.step()) {
    TeacherCall call;
    call.queryType = paid.columnText(0);
    call.query = paid.columnText(1);
    call.passage = paid.columnText(2);
    held.insert(call.key());
  }
  return held;
}

/// The teacher config of a run against `server` (answering with scriptedTeacherReply): four calls in flight, one
/// retry, no key.
inline nlohmann::json scriptedEndpointTeacher(const FakeChatServer& server) {
  return {{"kind", "openai"},
          {"base_url", server.baseUrl()},
          {"model", "fake-model"},
          {"api_key_env", ""},
          {"concurrency", 4},
          {"timeout_seconds", 20},
          {"retry", {{"max_attempts", 2}, {"initial_backoff_seconds", 0.01}}}};
}

} // namespace distillery::test
