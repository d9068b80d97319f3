#include "core/index/PassageFilter.h"

#include "core/index/IndexedText.h"

#include "core/store/Store.h"
#include "core/util/Error.h"

namespace distillery::index {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos)
    return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// The WHERE clause for a filter; parameters ?2.. follow the corpus id in ?1.
std::string filterSql(const PassageFilter& filter) {
  std::string sql;
  int parameter = 2;
  auto add = [&](const std::optional<std::string>& value, const char* column) {
    if (value)
      sql += std::string(" AND d.") + column + " = ?" + std::to_string(parameter++);
  };
  add(filter.filingType, "filing_type");
  add(filter.company, "company");
  add(filter.document, "external_id");
  return sql;
}

void bindFilter(store::Statement& statement, const PassageFilter& filter) {
  int parameter = 2;
  for (const auto* value : {&filter.filingType, &filter.company, &filter.document})
    if (*value)
      statement.bind(parameter++, **value);
}

} // namespace

std::string PassageFilter::toString() const {
  std::string text;
  auto add = [&](const std::optional<std::string>& value, const char* name) {
    if (!value)
      return;
    if (!text.empty())
      text += ",";
    text += std::string(name) + "=" + *value;
  };
  add(filingType, "filing_type");
  add(company, "company");
  add(document, "document");
  return text;
}

PassageFilter PassageFilter::parse(const std::string& text) {
  PassageFilter filter;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos)
      end = text.size();
    const std::string term = trim(text.substr(start, end - start));
    start = end + 1;
    if (term.empty())
      continue;
    const auto equals = term.find('=');
    if (equals == std::string::npos)
      throw InputError("--filter: '" + term + "' is not field=value (fields: filing_type, company, document)");
    const std::string field = trim(term.substr(0, equals));
    const std::string value = trim(term.substr(equals + 1));
    if (value.empty())
      throw InputError("--filter: empty value for field '" + field + "'");
    if (field == "filing_type")
      filter.filingType = value;
    else if (field == "company")
      filter.company = value;
    else if (field == "document")
      filter.document = value;
    else
      throw InputError("--filter: unknown field '" + field + "' (expected filing_type, company or document)");
  }
  return filter;
}

std::vector<PassageRecord> loadPassages(store::Store& store, std::int64_t corpusId, const PassageFilter& filter,
                                        PassageTexts texts) {
  const bool withTexts = texts == PassageTexts::Load;
  store::Statement statement = store.prepare(
      std::string("SELECT p.id, p.record_key, d.filing_type") +
      (withTexts ? ", p.text, COALESCE(d.title, ''), COALESCE(d.company, ''), COALESCE(d.period, ''), p.section" : "") +
      " FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.corpus_id = ?1" + filterSql(filter) +
      " ORDER BY p.id");
  statement.bind(1, corpusId);
  bindFilter(statement, filter);
  const bool titled = corpusIndexesTitles(store, corpusId);
  std::vector<PassageRecord> passages;
  while (statement.step()) {
    std::string text;
    if (withTexts) {
      text = statement.columnText(3);
      if (titled)
        text = indexedText(passageTitle({statement.columnText(4), statement.columnText(5), statement.columnText(2),
                                         statement.columnText(6), statement.columnText(7)}),
                           text);
    }
    passages.push_back({statement.columnInt64(0), statement.columnText(1), statement.columnText(2), std::move(text)});
  }
  return passages;
}

std::unordered_set<std::int64_t> passageIds(store::Store& store, std::int64_t corpusId, const PassageFilter& filter) {
  store::Statement statement =
      store.prepare("SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.corpus_id = ?1" +
                    filterSql(filter));
  statement.bind(1, corpusId);
  bindFilter(statement, filter);
  std::unordered_set<std::int64_t> ids;
  while (statement.step())
    ids.insert(statement.columnInt64(0));
  return ids;
}

std::int64_t corpusIdByName(store::Store& store, const std::string& name) {
  store::Statement statement = store.prepare("SELECT id FROM corpora WHERE name = ?1");
  statement.bind(1, name);
  if (!statement.step())
    throw InputError("no corpus named '" + name + "' in " + store.path().string());
  return statement.columnInt64(0);
}

} // namespace distillery::index
