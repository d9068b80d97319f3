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

// An answer's JSON is a flat object or nearly so; deeper nesting is refused while parsing, so that a hostile reply
// cannot build a tree a million levels deep (whose dump() would recurse that deep).
constexpr int kMaxJsonDepth = 32;
// Answers are scanned for candidate objects at most this many times their length: "{{{{...}}}}" would otherwise
// take quadratic time, one scan to the matching brace per '{'.
constexpr std::size_t kScanBudgetFactor = 8;

constexpr std::size_t kMaxQueryBytes = 1000;

struct TooDeep {};

std::optional<nlohmann::json> parseObject(std::string_view text) {
  const nlohmann::json::parser_callback_t depthLimit = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kMaxJsonDepth)
      throw TooDeep{};
    return true;
  };
  try {
    nlohmann::json json = nlohmann::json::parse(text.begin(), text.end(), depthLimit, false);
    if (json.is_discarded() || !json.is_object())
      return std::nullopt;
    return json;
  } catch (const TooDeep&) {
    return std::nullopt;
  }
}

/// A JSON value for a message, never longer than a line.
std::string shortDump(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() > 60 ? text.substr(0, 60) + "..." : text;
}

std::string stringValue(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// A token count as servers report it; anything but a plausible whole number counts as 0.
std::int64_t tokenCount(const nlohmann::json& usage, const char* key) {
  const auto it = usage.find(key);
  if (it == usage.end())
    return 0;
  constexpr double kMaxTokens = 1e12;
  if (it->is_number_unsigned())
    return it->get<std::uint64_t>() <= kMaxTokens ? static_cast<std::int64_t>(it->get<std::uint64_t>()) : 0;
  if (it->is_number()) { // signed or double: checked as a double before converting
    const double value = it->get<double>();
    return value >= 0 && value <= kMaxTokens ? static_cast<std::int64_t>(value) : 0;
  }
  return 0;
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
  if (value.is_number_unsigned()) // 2^32 + 2 must not pass for 2
    return value.get<std::uint64_t>() < 1'000'000 ? std::optional<int>(static_cast<int>(value.get<std::uint64_t>()))
                                                  : std::nullopt;
  if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    return std::abs(number) < 1'000'000 ? std::optional<int>(static_cast<int>(number)) : std::nullopt;
  }
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
    result.inputTokens = tokenCount(*usage, "prompt_tokens");
    result.outputTokens = tokenCount(*usage, "completion_tokens");
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
  const std::size_t budget = kScanBudgetFactor * text.size();
  std::size_t scanned = 0;
  for (std::size_t open = text.find('{'); open != std::string_view::npos && scanned < budget;
       open = text.find('{', open + 1)) {
    const std::size_t close = matchingBrace(text, open);
    if (close == std::string_view::npos)
      break;
    scanned += 2 * (close - open + 1); // the scan to the brace, and the parse of what lies between
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
    result.problem = "'grade' is not an integer (" + shortDump(*gradeField) + ")";
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
    if (result.query.size() > kMaxQueryBytes) {
      result.problem = "the 'query' is " + std::to_string(result.query.size()) +
                       " bytes long; a search query has at most " + std::to_string(kMaxQueryBytes);
      result.query.clear();
      return result;
    }
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
    if (!token.is_object() || trim(stringValue(token, "token")) != gradeText)
      continue;
    const auto top = token.find("top_logprobs");
    if (top == token.end() || !top->is_array())
      return std::nullopt;
    double mass = 0;
    double weighted = 0;
    for (const auto& alternative : *top) {
      if (!alternative.is_object() || !alternative.contains("logprob") || !alternative["logprob"].is_number())
        continue;
      const std::string text = trim(stringValue(alternative, "token"));
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
