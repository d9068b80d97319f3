#include "core/eval/TrecFormat.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

#include "core/corpus/readers/QrelsReader.h"
#include "core/util/Error.h"

namespace distillery::eval {
namespace {

std::ifstream openInput(const std::filesystem::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError("cannot read " + std::string(what) + " file " + path.string());
  return in;
}

std::vector<std::string> splitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream stream(line);
  std::string field;
  while (stream >> field)
    fields.push_back(field);
  return fields;
}

std::string where(const std::filesystem::path& path, std::size_t line) {
  return path.string() + ":" + std::to_string(line);
}

std::optional<long long> parseInteger(const std::string& text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    // Some qrels write grades as "1.0".
    double d = 0;
    auto [p2, ec2] = std::from_chars(text.data(), end, d);
    if (ec2 != std::errc() || p2 != end || d != static_cast<double>(static_cast<long long>(d)))
      return std::nullopt;
    return static_cast<long long>(d);
  }
  return value;
}

std::optional<double> parseReal(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end)
    return std::nullopt;
  return value;
}

std::string jsonString(const nlohmann::json& value) {
  if (value.is_string())
    return value.get<std::string>();
  if (value.is_number_integer())
    return std::to_string(value.get<long long>());
  return value.dump();
}

} // namespace

std::vector<QueryRecord> readQueriesJsonl(const std::filesystem::path& path) {
  std::ifstream in = openInput(path, "queries");
  std::vector<QueryRecord> queries;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) { // parse_error, or out_of_range for a number like 1e999
      throw InputError(where(path, number) + ": not valid JSON (" + e.what() + ")");
    }
    if (!object.is_object() || !object.contains("_id"))
      throw InputError(where(path, number) + ": missing field \"_id\"");
    if (!object.contains("text") || !object["text"].is_string())
      throw InputError(where(path, number) + ": missing or non-string field \"text\"");
    QueryRecord query{jsonString(object["_id"]), object["text"].get<std::string>(), std::nullopt};
    if (object.contains("filing_type") && object["filing_type"].is_string())
      query.filingType = object["filing_type"].get<std::string>();
    else if (object.contains("metadata") && object["metadata"].is_object() &&
             object["metadata"].contains("filing_type") && object["metadata"]["filing_type"].is_string())
      query.filingType = object["metadata"]["filing_type"].get<std::string>();
    queries.push_back(std::move(query));
  }
  return queries;
}

Qrels readQrels(const std::filesystem::path& path) {
  Qrels qrels;
  for (const corpus::QrelLine& qrel : corpus::readQrelsFile(path))
    qrels[qrel.queryKey][qrel.recordKey] = qrel.grade; // a repeated pair: the last line counts
  return qrels;
}

Run readTrecRun(const std::filesystem::path& path) {
  std::ifstream in = openInput(path, "run");
  Run run;
  std::map<std::string, std::set<std::string>> seen;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto fields = splitFields(line);
    if (fields.empty())
      continue;
    if (fields.size() != 6)
      throw InputError(where(path, number) + ": expected 6 columns (qid Q0 docid rank score tag), found " +
                       std::to_string(fields.size()));
    const auto rank = parseInteger(fields[3]);
    if (!rank)
      throw InputError(where(path, number) + ": rank '" + fields[3] + "' is not an integer");
    const auto score = parseReal(fields[4]);
    if (!score)
      throw InputError(where(path, number) + ": score '" + fields[4] + "' is not a number");
    if (seen[fields[0]].insert(fields[2]).second)
      run[fields[0]].push_back({fields[2], *score, *rank});
  }
  for (auto& [query, entries] : run)
    std::stable_sort(entries.begin(), entries.end(), [](const RunEntry& a, const RunEntry& b) {
      if (a.score != b.score)
        return a.score > b.score;
      return a.rank != b.rank ? a.rank < b.rank : a.docKey < b.docKey;
    });
  return run;
}

void writeTrecRun(std::ostream& out, const Run& run, const std::string& tag) {
  const std::string safeTag = tag.empty() ? std::string("distillery") : tag;
  out << std::setprecision(9);
  for (const auto& [query, entries] : run)
    for (std::size_t i = 0; i < entries.size(); ++i)
      out << query << " Q0 " << entries[i].docKey << ' ' << (i + 1) << ' ' << entries[i].score << ' ' << safeTag
          << '\n';
}

void writeTrecQrels(std::ostream& out, const Qrels& qrels) {
  for (const auto& [query, judgments] : qrels)
    for (const auto& [doc, grade] : judgments)
      out << query << " 0 " << doc << ' ' << grade << '\n';
}

} // namespace distillery::eval
