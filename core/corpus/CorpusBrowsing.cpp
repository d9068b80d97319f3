#include "core/corpus/CorpusBrowsing.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>
#include <variant>

#include "core/corpus/FilingRules.h"
#include "core/store/Store.h"

namespace distillery::corpus {
namespace {

/// A WHERE clause built from the active filters, with its values bound in order (?1, ?2, ...).
class FilterSql {
public:
  void equals(const char* column, const std::string& value) {
    if (value.empty())
      return;
    where_ += std::string(" AND ") + column + " = " + placeholder(value);
  }
  void anyOf(const char* column, const std::vector<std::string>& values) {
    if (values.empty())
      return;
    where_ += std::string(" AND ") + column + " IN (";
    for (std::size_t i = 0; i < values.size(); ++i)
      where_ += (i ? ", " : "") + placeholder(values[i]);
    where_ += ")";
  }
  void text(const std::string& sql) { where_ += sql; }
  std::string placeholder(std::variant<std::string, std::int64_t> value) {
    values_.push_back(std::move(value));
    return "?" + std::to_string(values_.size());
  }
  const std::string& where() const { return where_; }
  store::Statement prepare(store::Store& store, const std::string& sql) const {
    store::Statement statement = store.prepare(sql);
    for (std::size_t i = 0; i < values_.size(); ++i)
      std::visit([&](const auto& value) { statement.bind(static_cast<int>(i + 1), value); }, values_[i]);
    return statement;
  }

private:
  std::string where_;
  std::vector<std::variant<std::string, std::int64_t>> values_; // bound as ?1, ?2, ... in this order
};

void addDocumentFilters(FilterSql& sql, const BrowseFilter& f) {
  sql.equals("d.filing_type", f.filingType);
  sql.equals("d.company", f.company);
  sql.anyOf("d.period", f.periods);
}

/// The passages under the filter, as FROM ... WHERE ... (without ORDER BY), and whether the full-text index drives it.
std::string passageSource(FilterSql& sql, const BrowseFilter& f, std::int64_t afterId, const std::string& fts,
                          const char* columns) {
  std::string from = fts.empty()
                         ? std::string(" FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id > ") +
                               sql.placeholder(afterId)
                         : std::string(" FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid "
                                       "JOIN documents d ON d.id = p.document_id WHERE passages_fts MATCH ") +
                               sql.placeholder(fts) + " AND passages_fts.rowid > " + sql.placeholder(afterId);
  if (f.corpusId > 0)
    sql.text(" AND p.corpus_id = " + sql.placeholder(f.corpusId));
  addDocumentFilters(sql, f);
  sql.anyOf("p.section", f.sections);
  return std::string("SELECT ") + columns + from + sql.where();
}

std::string documentSource(FilterSql& sql, const BrowseFilter& f, std::int64_t afterId, const char* columns) {
  const std::string from = " FROM documents d WHERE d.id > " + sql.placeholder(afterId);
  if (f.corpusId > 0)
    sql.text(" AND d.corpus_id = " + sql.placeholder(f.corpusId));
  addDocumentFilters(sql, f);
  return std::string("SELECT ") + columns + from + sql.where();
}

CappedCount countUpTo(store::Store& store, const FilterSql& sql, const std::string& select, std::int64_t cap) {
  auto statement = sql.prepare(store, "SELECT count(*) FROM (" + select + " LIMIT " + std::to_string(cap + 1) + ")");
  statement.step();
  const std::int64_t n = statement.columnInt64(0);
  return n > cap ? CappedCount{cap, true} : CappedCount{n, false};
}

/// Sort key of an item label: "Item 1A" -> (1, 0, 'A'), "Item 2.02" -> (2, 2, 0).
std::tuple<int, int, char> itemOrder(const std::string& label) {
  int major = 0, minor = 0;
  char letter = 0;
  std::size_t i = 5; // after "Item "
  while (i < label.size() && std::isdigit(static_cast<unsigned char>(label[i])))
    major = major * 10 + (label[i++] - '0');
  if (i < label.size() && label[i] == '.')
    for (++i; i < label.size() && std::isdigit(static_cast<unsigned char>(label[i])); ++i)
      minor = minor * 10 + (label[i] - '0');
  if (i < label.size())
    letter = label[i];
  return {major, minor, letter};
}

std::vector<FacetGroup> groupBy(const std::vector<std::string>& values, std::string (*groupOf)(std::string_view)) {
  std::map<std::string, std::vector<std::string>> groups;
  std::vector<FacetGroup> alone;
  for (const std::string& value : values) {
    const std::string group = groupOf(value);
    if (group.empty())
      alone.push_back({value, {value}});
    else
      groups[group].push_back(value);
  }
  std::vector<FacetGroup> out;
  for (auto& [name, members] : groups) {
    std::sort(members.begin(), members.end());
    out.push_back({name, std::move(members)});
  }
  out.insert(out.end(), alone.begin(), alone.end());
  return out;
}

} // namespace

std::string periodYear(std::string_view period) {
  // The first run of exactly four digits that starts with 19 or 20.
  for (std::size_t i = 0; i + 4 <= period.size(); ++i) {
    if (i > 0 && std::isdigit(static_cast<unsigned char>(period[i - 1])))
      continue;
    const std::string_view four = period.substr(i, 4);
    const bool digits =
        std::all_of(four.begin(), four.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    const bool ends = i + 4 == period.size() || !std::isdigit(static_cast<unsigned char>(period[i + 4]));
    if (digits && ends && (four.starts_with("19") || four.starts_with("20")))
      return std::string(four);
  }
  return {};
}

std::string sectionItem(std::string_view section) {
  std::string label, title;
  return parseItemHeading(section, label, title) ? label : std::string();
}

std::string ftsQueryFromUserText(std::string_view text) {
  std::string query;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto separator = [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '"'; };
    while (i < text.size() && separator(text[i]))
      ++i;
    std::size_t end = i;
    while (end < text.size() && !separator(text[end]))
      ++end;
    std::string_view word = text.substr(i, end - i);
    i = end;
    const bool prefix = word.ends_with('*');
    while (word.ends_with('*'))
      word.remove_suffix(1);
    if (word.empty())
      continue;
    query += (query.empty() ? "\"" : " \"") + std::string(word) + "\"" + (prefix ? "*" : "");
  }
  return query;
}

std::vector<PassageListRow> listPassages(store::Store& store, const BrowseFilter& filter, std::int64_t afterId,
                                         int limit) {
  const std::string fts = ftsQueryFromUserText(filter.search);
  FilterSql sql;
  const std::string select = passageSource(
      sql, filter, afterId, fts,
      fts.empty() ? "p.id, d.filing_type, d.company, d.period, p.section, p.ordinal, substr(p.text, 1, 300)"
                  : "p.id, d.filing_type, d.company, d.period, p.section, p.ordinal, "
                    "snippet(passages_fts, 0, char(2), char(3), '…', 40)");
  // With a search the full-text index drives the scan in rowid order; otherwise the passages' primary key.
  auto statement = sql.prepare(store, select + (fts.empty() ? " ORDER BY p.id" : " ORDER BY passages_fts.rowid") +
                                          " LIMIT " + std::to_string(limit));
  std::vector<PassageListRow> rows;
  while (statement.step()) {
    PassageListRow row{
        statement.columnInt64(0), statement.columnText(1),  statement.columnText(2), statement.columnText(3),
        statement.columnText(4),  statement.columnInt64(5), statement.columnText(6), {}};
    if (!fts.empty()) {
      row.marked = row.text;
      std::erase_if(row.text, [](char c) { return c == '\x02' || c == '\x03'; });
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<DocumentListRow> listDocuments(store::Store& store, const BrowseFilter& filter, std::int64_t afterId,
                                           int limit) {
  FilterSql sql;
  const std::string select =
      documentSource(sql, filter, afterId,
                     "d.id, d.filing_type, d.company, d.period, d.filing_date, coalesce(d.title, d.external_id, ''), "
                     "(SELECT count(*) FROM passages p WHERE p.document_id = d.id)");
  auto statement = sql.prepare(store, select + " ORDER BY d.id LIMIT " + std::to_string(limit));
  std::vector<DocumentListRow> rows;
  while (statement.step())
    rows.push_back({statement.columnInt64(0), statement.columnText(1), statement.columnText(2), statement.columnText(3),
                    statement.columnText(4), statement.columnText(5), statement.columnInt64(6)});
  return rows;
}

CappedCount countPassages(store::Store& store, const BrowseFilter& filter, std::int64_t cap) {
  FilterSql sql;
  const std::string select = passageSource(sql, filter, 0, ftsQueryFromUserText(filter.search), "1");
  return countUpTo(store, sql, select, cap);
}

CappedCount countDocuments(store::Store& store, const BrowseFilter& filter, std::int64_t cap) {
  FilterSql sql;
  const std::string select = documentSource(sql, filter, 0, "1");
  return countUpTo(store, sql, select, cap);
}

BrowseFacets loadBrowseFacets(store::Store& store, std::int64_t corpusId, const BrowseFilter& chosen, int limit) {
  BrowseFacets facets;
  {
    auto statement = store.prepare("SELECT id, name FROM corpora ORDER BY id");
    while (statement.step())
      facets.corpora.emplace_back(statement.columnInt64(0), statement.columnText(1));
  }
  // Each list narrowed by the choices before it (type -> company -> period -> section), so a box never offers a value
  // that would show nothing.
  BrowseFilter narrowing;
  const auto distinct = [&](const char* column, int atMost) {
    const bool ofPassages = std::string_view(column).starts_with("p.");
    FilterSql sql;
    std::string select = std::string("SELECT DISTINCT ") + column + " FROM " +
                         (ofPassages ? "passages p JOIN documents d ON d.id = p.document_id" : "documents d") +
                         " WHERE " + column + " IS NOT NULL AND " + column + " != ''";
    if (corpusId > 0)
      sql.text(std::string(" AND ") + (ofPassages ? "p" : "d") + ".corpus_id = " + sql.placeholder(corpusId));
    addDocumentFilters(sql, narrowing);
    auto statement =
        sql.prepare(store, select + sql.where() + " ORDER BY " + column + " LIMIT " + std::to_string(atMost));
    std::vector<std::string> values;
    while (statement.step())
      values.push_back(statement.columnText(0));
    return values;
  };
  // Periods and headings are grouped, so read more of them than the box would show one by one.
  const int grouped = limit * 20;
  facets.filingTypes = distinct("d.filing_type", limit);
  narrowing.filingType = chosen.filingType;
  facets.companies = distinct("d.company", limit);
  narrowing.company = chosen.company;
  facets.periods = groupBy(distinct("d.period", grouped), periodYear);
  std::stable_sort(facets.periods.begin(), facets.periods.end(),
                   [](const FacetGroup& a, const FacetGroup& b) { return periodYear(a.name) > periodYear(b.name); });
  narrowing.periods = chosen.periods;
  facets.sections = groupBy(distinct("p.section", grouped), sectionItem);
  std::stable_sort(facets.sections.begin(), facets.sections.end(), [](const FacetGroup& a, const FacetGroup& b) {
    const bool aItem = !sectionItem(a.members.front()).empty();
    const bool bItem = !sectionItem(b.members.front()).empty();
    if (aItem != bItem)
      return aItem;
    return aItem && itemOrder(a.name) < itemOrder(b.name);
  });
  return facets;
}

} // namespace distillery::corpus
