#include "core/index/IndexedText.h"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store/Store.h"

namespace distillery::index {

std::string passageTitle(const PassageHeading& heading) {
  std::vector<std::string> parts;
  for (const std::string* part :
       {&heading.documentTitle, &heading.company, &heading.filingType, &heading.period, &heading.section}) {
    if (part->empty() || (part == &heading.filingType && *part == "unknown"))
      continue;
    if (std::find(parts.begin(), parts.end(), *part) == parts.end())
      parts.push_back(*part);
  }
  std::string title;
  for (const std::string& part : parts)
    title += (title.empty() ? "" : " | ") + part;
  return title;
}

std::string indexedText(const std::string& title, const std::string& text) {
  return title.empty() ? text : title + "\n" + text;
}

bool corpusIndexesTitles(store::Store& store, std::int64_t corpusId) {
  auto statement = store.prepare("SELECT settings_json FROM corpora WHERE id = ?1");
  statement.bind(1, corpusId);
  if (!statement.step())
    return true;
  const auto settings = nlohmann::json::parse(statement.columnText(0), nullptr, false);
  if (!settings.is_object() || !settings.contains("index_title") || !settings["index_title"].is_boolean())
    return true;
  return settings["index_title"].get<bool>();
}

} // namespace distillery::index
