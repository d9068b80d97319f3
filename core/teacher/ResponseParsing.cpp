#include "core/teacher/ResponseParsing.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace distillery::teacher {
namespace {

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
    ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  return std::string(text.substr(begin, end - begin));
}

std::optional<nlohmann::json> parseObject(std::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object())
    return std::nullopt;
  return json;
}

/// End of the balanced object starting at text[open] == '{', skipping braces inside strings.
std::size_t matchingBrace(std::string_view text, std::size_t open) {
  int depth = 0;
  bool inString = false;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::optional<int> integerGrade(const nlohmann::json& value) {
  if (value.is_number_integer())
    return value.get<int>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::floor(d) == d && std::abs(d) < 1e6)
      return static_cast<int>(d);
    return std::nullopt;
  }
  if (value.is_string()) {
    const std::string text = trim(value.get<std::string>());
    if (!text.empty() && text.size() < 6 &&
        std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return std::stoi(text);
  }
  return std::nullopt;
}

} // namespace

ChatCompletion parseChatCompletion(std::string_view body) {
  ChatCompletion result;
  const auto json = parseObject(body);
  if (!json) {
    result.problem = "response body is not a JSON object";
    return result;
  }
  if (const auto usage = json->find("usage"); usage != json->end() && usage->is_object()) {
    result.inputTokens = usage->value("prompt_tokens", std::int64_t{0});
    result.outputTokens = usage->value("completion_tokens", std::int64_t{0});
  }
  const auto choices = json->find("choices");
  if (choices == json->end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    result.problem = "response has no choices";
    return result;
  }
  const nlohmann::json& choice = (*choices)[0];
  const auto message = choice.find("message");
  if (message == choice.end() || !message->is_object() || !message->contains("content") ||
      !(*message)["content"].is_string()) {
    result.problem = "response choice has no message content";
    return result;
  }
  result.content = (*message)["content"].get<std::string>();
  if (const auto logprobs = choice.find("logprobs"); logprobs != choice.end())
    result.logprobs = *logprobs;
  result.ok = true;
  return result;
}

std::optional<nlohmann::json> extractJsonObject(std::string_view text) {
  if (auto whole = parseObject(text))
    return whole;
  // A fenced block (```json ... ``` or ``` ... ```) first, since prose around it may hold other braces.
  if (const std::size_t fence = text.find("```"); fence != std::string_view::npos) {
    std::size_t start = text.find('\n', fence);
    const std::size_t close = start == std::string_view::npos ? start : text.find("```", start);
    if (close != std::string_view::npos)
      if (auto fenced = parseObject(text.substr(start, close - start)))
        return fenced;
  }
  for (std::size_t open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
    const std::size_t close = matchingBrace(text, open);
    if (close == std::string_view::npos)
      break;
    if (auto object = parseObject(text.substr(open, close - open + 1)))
      return object;
  }
  return std::nullopt;
}

ParsedGrade parseGradeAnswer(std::string_view content, int maxGrade) {
  ParsedGrade result;
  const auto json = extractJsonObject(content);
  if (!json) {
    result.problem = "no JSON object found in the answer";
    return result;
  }
  const auto gradeField = json->find("grade");
  if (gradeField == json->end()) {
    result.problem = "the JSON answer has no 'grade' field";
    return result;
  }
  const auto grade = integerGrade(*gradeField);
  if (!grade) {
    result.problem = "'grade' is not an integer (" + gradeField->dump() + ")";
    return result;
  }
  if (*grade < 0 || *grade > maxGrade) {
    result.problem = "grade " + std::to_string(*grade) + " is outside 0-" + std::to_string(maxGrade);
    return result;
  }
  for (const char* field : {"rationale", "reason", "explanation"}) {
    if (const auto it = json->find(field); it != json->end() && it->is_string()) {
      result.rationale = trim(it->get<std::string>());
      break;
    }
  }
  result.grade = *grade;
  result.ok = true;
  return result;
}

ParsedQuery parseQueryAnswer(std::string_view content) {
  ParsedQuery result;
  if (const auto json = extractJsonObject(content)) {
    const auto it = json->find("query");
    if (it == json->end() || !it->is_string() || trim(it->get<std::string>()).empty()) {
      result.problem = "the JSON answer has no non-empty 'query' field";
      return result;
    }
    result.query = trim(it->get<std::string>());
    result.ok = true;
    return result;
  }
  // No JSON: accept a single line of plain text (small local models often answer that way).
  std::string text = trim(content);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
    text = trim(text.substr(1, text.size() - 2));
  if (text.empty() || text.find('\n') != std::string::npos || text.size() > 400 ||
      text.find('{') != std::string::npos) {
    result.problem = "no JSON object with a 'query' field found in the answer";
    return result;
  }
  result.query = text;
  result.ok = true;
  return result;
}

std::optional<double> expectedGradeFromLogprobs(const nlohmann::json& logprobs, int grade, int maxGrade) {
  if (!logprobs.is_object())
    return std::nullopt;
  const auto content = logprobs.find("content");
  if (content == logprobs.end() || !content->is_array())
    return std::nullopt;
  const std::string gradeText = std::to_string(grade);
  for (const auto& token : *content) {
    if (!token.is_object() || trim(token.value("token", std::string())) != gradeText)
      continue;
    const auto top = token.find("top_logprobs");
    if (top == token.end() || !top->is_array())
      return std::nullopt;
    double mass = 0;
    double weighted = 0;
    for (const auto& alternative : *top) {
      if (!alternative.is_object() || !alternative.contains("logprob") || !alternative["logprob"].is_number())
        continue;
      const std::string text = trim(alternative.value("token", std::string()));
      if (text.size() != 1 || !std::isdigit(static_cast<unsigned char>(text[0])))
        continue;
      const int value = text[0] - '0';
      if (value > maxGrade)
        continue;
      const double p = std::exp(alternative["logprob"].get<double>());
      mass += p;
      weighted += p * value;
    }
    if (mass <= 0)
      return std::nullopt;
    return weighted / mass;
  }
  return std::nullopt;
}

} // namespace distillery::teacher
