#include "core/corpus/readers/QrelsReader.h"

#include "core/corpus/readers/FilingReaders.h"
#include "core/corpus/readers/LineReader.h"
#include "core/util/Error.h"

#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

namespace distillery::corpus {
namespace {

std::vector<std::string_view> splitColumns(std::string_view line) {
  std::vector<std::string_view> columns;
  std::size_t at = 0;
  while (true) {
    at = line.find_first_not_of(" \t", at);
    if (at == std::string_view::npos)
      return columns;
    const std::size_t end = std::min(line.find_first_of(" \t", at), line.size());
    columns.push_back(line.substr(at, end - at));
    at = end;
  }
}

// An integer, or a number with an integral value ("1.0", as some qrels write grades), within int's range.
std::optional<int> parseGrade(std::string_view text) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  long long value = 0;
  if (auto [ptr, ec] = std::from_chars(begin, end, value); ec != std::errc() || ptr != end) {
    double real = 0;
    auto [realEnd, realError] = std::from_chars(begin, end, real);
    if (realError != std::errc() || realEnd != end || real < std::numeric_limits<int>::min() ||
        real > std::numeric_limits<int>::max() || real != static_cast<double>(static_cast<long long>(real)))
      return std::nullopt;
    value = static_cast<long long>(real);
  }
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max())
    return std::nullopt;
  return static_cast<int>(value);
}

bool isNumber(std::string_view text) {
  double ignored = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ignored);
  return error == std::errc() && end == text.data() + text.size();
}

} // namespace

std::vector<QrelLine> readQrelsFile(const std::filesystem::path& path, std::uint64_t maxLineBytes) {
  std::optional<LineReader> lines;
  try {
    lines.emplace(path, static_cast<std::size_t>(maxLineBytes));
  } catch (const UnreadableInput&) {
    throw InputError("cannot read qrels file " + path.string());
  }
  std::vector<QrelLine> qrels;
  bool seenLine = false;
  while (lines->next()) {
    const std::string where = path.string() + ":" + std::to_string(lines->lineNumber()) + ": ";
    if (lines->tooLong())
      throw InputError(where + "line of " + std::to_string(lines->lineBytes()) + " bytes is longer than the " +
                       std::to_string(maxLineBytes) + "-byte limit");
    std::string_view line = lines->line();
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    const std::vector<std::string_view> columns = splitColumns(line);
    if (columns.empty())
      continue;
    const bool first = !seenLine;
    seenLine = true;
    if (columns.size() != 3 && columns.size() != 4)
      throw InputError(where + "expected 3 columns (query-id corpus-id score) or 4 (qid 0 docid grade), found " +
                       std::to_string(columns.size()));
    const std::string_view gradeText = columns.back();
    const std::optional<int> grade = parseGrade(gradeText);
    if (!grade) {
      if (first && !isNumber(gradeText))
        continue; // the header: query-id corpus-id score
      throw InputError(where + "grade '" + std::string(gradeText) + "' is not an integer");
    }
    if (*grade < 0 || *grade > kTopKnownGrade)
      throw InputError(where + "grade " + std::to_string(*grade) +
                       " is outside the scales Distillery knows (binary 0-1, graded 0-3)");
    qrels.push_back({std::string(columns[0]), std::string(columns.size() == 3 ? columns[1] : columns[2]), *grade,
                     lines->lineNumber()});
  }
  return qrels;
}

} // namespace distillery::corpus
