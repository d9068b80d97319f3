// Fuzz target for reading LLM replies: the chat-completions envelope, JSON in prose or fences, grades with
// rationales, synthesised queries and logprob-weighted grades. These are pure functions that report problems
// in their result, so any exception is a finding.
#include "tests/fuzz/FuzzSupport.h"

#include "core/teacher/ResponseParsing.h"
#include "core/util/Utf8.h"

namespace distillery::fuzz {
using namespace distillery::teacher;

namespace {

void checkContent(std::string_view content) {
  constexpr int kMaxGrade = 3;
  const ParsedGrade grade = parseGradeAnswer(content, kMaxGrade);
  if (grade.ok)
    DISTILLERY_FUZZ_CHECK(grade.grade >= 0 && grade.grade <= kMaxGrade);
  else
    DISTILLERY_FUZZ_CHECK(!grade.problem.empty());
  const ParsedQuery query = parseQueryAnswer(content);
  if (query.ok)
    DISTILLERY_FUZZ_CHECK(!query.query.empty());
  else
    DISTILLERY_FUZZ_CHECK(!query.problem.empty());
  if (const auto object = extractJsonObject(content))
    DISTILLERY_FUZZ_CHECK(object->is_object());
}

} // namespace

void fuzzLlmResponse(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = asText(data, size);
  const ChatCompletion completion = parseChatCompletion(body);
  if (!completion.ok) {
    DISTILLERY_FUZZ_CHECK(!completion.problem.empty());
    checkContent(body); // a reply that is only the message content, as some servers stream it
    return;
  }
  checkContent(completion.content);
  for (int grade = 0; grade <= 3; ++grade)
    if (const auto expected = expectedGradeFromLogprobs(completion.logprobs, grade, 3))
      DISTILLERY_FUZZ_CHECK(*expected >= 0.0 && *expected <= 3.0);
}

} // namespace distillery::fuzz
