#pragma once
// Reading what an LLM answers: the chat-completions envelope, JSON found in prose or code fences,
// grades and queries, and the probability-weighted grade from logprobs. Pure functions, unit-tested.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace distillery::teacher {

/// The parts of a chat-completions response body the teacher uses.
struct ChatCompletion {
  bool ok = false;
  std::string content;          // choices[0].message.content
  std::string problem;          // why the envelope could not be read, when !ok
  std::int64_t inputTokens = 0; // usage.prompt_tokens
  std::int64_t outputTokens = 0;
  nlohmann::json logprobs; // choices[0].logprobs, or null
};
ChatCompletion parseChatCompletion(std::string_view body);

/// The first JSON object in text: the whole text, a ```json fenced block, or a balanced {...} in prose.
std::optional<nlohmann::json> extractJsonObject(std::string_view text);

struct ParsedGrade {
  bool ok = false;
  int grade = 0;
  std::string rationale;
  std::string problem; // e.g. "no JSON object found", "grade 7 is outside 0-3"
};
ParsedGrade parseGradeAnswer(std::string_view content, int maxGrade);

struct ParsedQuery {
  bool ok = false;
  std::string query;
  std::string problem;
};
/// Accepts {"query": "..."} or, failing that, a single plain line of text.
ParsedQuery parseQueryAnswer(std::string_view content);

/// Expected grade sum(p(g) * g) from the top logprobs at the token that carries the grade, renormalised
/// over 0..maxGrade; nullopt when the logprobs do not show the grade token.
std::optional<double> expectedGradeFromLogprobs(const nlohmann::json& logprobs, int grade, int maxGrade);

} // namespace distillery::teacher
