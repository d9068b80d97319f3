#include "ui/corpus/CorpusModels.h"

#include <QRegularExpression>

#include "core/store/Store.h"

namespace distillery::ui {
namespace {

std::string utf8(const QString& s) {
  return s.toStdString();
}

QString qstr(const std::string& s) {
  return QString::fromStdString(s);
}

/// Appends "AND column = ?n" for each active filter and remembers the value to bind.
struct FilterSql {
  QString where;
  std::vector<std::string> values;
  void add(const char* column, const QString& value) {
    if (value.isEmpty())
      return;
    values.push_back(utf8(value));
    where += QStringLiteral(" AND %1 = ?%2").arg(QLatin1String(column)).arg(values.size() + 3);
  }
};

FilterSql documentFilterSql(const CorpusFilter& f) {
  FilterSql sql;
  sql.add("d.filing_type", f.filingType);
  sql.add("d.company", f.company);
  sql.add("d.period", f.period);
  return sql;
}

} // namespace

QString ftsQueryFromUserText(const QString& text) {
  static const QRegularExpression separators(QStringLiteral("[\\s\"]+"));
  QStringList terms;
  for (QString word : text.split(separators, Qt::SkipEmptyParts)) {
    const bool prefix = word.endsWith(QLatin1Char('*'));
    while (word.endsWith(QLatin1Char('*')))
      word.chop(1);
    if (word.isEmpty())
      continue;
    terms << QLatin1Char('"') + word + QLatin1Char('"') + (prefix ? QStringLiteral("*") : QString());
  }
  return terms.join(QLatin1Char(' '));
}

QString markedTextToHtml(const QString& marked) {
  QString html = marked.toHtmlEscaped();
  html.replace(QChar(0x02), QStringLiteral("<b style=\"background:#ffe680\">"));
  html.replace(QChar(0x03), QStringLiteral("</b>"));
  return html;
}

PassageTableModel::PassageTableModel(QObject* parent)
    : KeysetTableModel({tr("ID"), tr("Filing type"), tr("Company"), tr("Period"), tr("Section"), tr("#"), tr("Text")},
                       parent) {}

void PassageTableModel::setFilter(const CorpusFilter& filter) {
  filter_ = filter;
  ftsQuery_ = ftsQueryFromUserText(filter.search);
  reload();
}

std::vector<KeysetRow> PassageTableModel::fetchPage(store::Store& store, std::int64_t afterKey, int limit) const {
  FilterSql filters = documentFilterSql(filter_);
  filters.add("p.section", filter_.section);
  const bool searching = !ftsQuery_.isEmpty();
  // With a search the FTS index drives the scan in rowid order; otherwise the passages primary key.
  QString sql = searching ? QStringLiteral("SELECT p.id, d.filing_type, d.company, d.period, p.section, p.ordinal, "
                                           "snippet(passages_fts, 0, char(2), char(3), '…', 40) "
                                           "FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid "
                                           "JOIN documents d ON d.id = p.document_id "
                                           "WHERE passages_fts MATCH ?3 AND passages_fts.rowid > ?1")
                          : QStringLiteral("SELECT p.id, d.filing_type, d.company, d.period, p.section, p.ordinal, "
                                           "substr(p.text, 1, 300) FROM passages p "
                                           "JOIN documents d ON d.id = p.document_id WHERE p.id > ?1");
  if (filter_.corpusId > 0)
    sql += QStringLiteral(" AND p.corpus_id = ?2");
  sql += filters.where;
  sql += searching ? QStringLiteral(" ORDER BY passages_fts.rowid LIMIT %1").arg(limit)
                   : QStringLiteral(" ORDER BY p.id LIMIT %1").arg(limit);
  store::Statement st = store.prepare(utf8(sql));
  st.bind(1, afterKey);
  if (filter_.corpusId > 0)
    st.bind(2, filter_.corpusId);
  if (searching)
    st.bind(3, utf8(ftsQuery_));
  for (std::size_t i = 0; i < filters.values.size(); ++i)
    st.bind(static_cast<int>(i) + 4, filters.values[i]);
  std::vector<KeysetRow> rows;
  while (st.step()) {
    KeysetRow row;
    row.key = st.columnInt64(0);
    const QString marked = qstr(st.columnText(6)).simplified();
    QString plain = marked;
    plain.remove(QChar(0x02));
    plain.remove(QChar(0x03));
    row.cells = {QVariant::fromValue(row.key),
                 qstr(st.columnText(1)),
                 qstr(st.columnText(2)),
                 qstr(st.columnText(3)),
                 qstr(st.columnText(4)),
                 QVariant::fromValue(st.columnInt64(5)),
                 plain};
    if (searching)
      row.cells.append(marked); // hidden cell: the snippet with hit markers, for kHtmlRole
    rows.push_back(std::move(row));
  }
  return rows;
}

QVariant PassageTableModel::extraData(const KeysetRow& row, int column, int role) const {
  if (column == Text && role == kHtmlRole && row.cells.size() > ColumnCount)
    return markedTextToHtml(row.cells.at(ColumnCount).toString());
  return KeysetTableModel::extraData(row, column, role);
}

DocumentTableModel::DocumentTableModel(QObject* parent)
    : KeysetTableModel(
          {tr("ID"), tr("Filing type"), tr("Company"), tr("Period"), tr("Filed"), tr("Title"), tr("Passages")},
          parent) {}

void DocumentTableModel::setFilter(const CorpusFilter& filter) {
  filter_ = filter;
  reload();
}

std::vector<KeysetRow> DocumentTableModel::fetchPage(store::Store& store, std::int64_t afterKey, int limit) const {
  const FilterSql filters = documentFilterSql(filter_);
  QString sql = QStringLiteral("SELECT d.id, d.filing_type, d.company, d.period, d.filing_date, "
                               "coalesce(d.title, d.external_id, ''), "
                               "(SELECT count(*) FROM passages p WHERE p.document_id = d.id) "
                               "FROM documents d WHERE d.id > ?1");
  if (filter_.corpusId > 0)
    sql += QStringLiteral(" AND d.corpus_id = ?2");
  sql += filters.where + QStringLiteral(" ORDER BY d.id LIMIT %1").arg(limit);
  store::Statement st = store.prepare(utf8(sql));
  st.bind(1, afterKey);
  if (filter_.corpusId > 0)
    st.bind(2, filter_.corpusId);
  for (std::size_t i = 0; i < filters.values.size(); ++i)
    st.bind(static_cast<int>(i) + 4, filters.values[i]);
  std::vector<KeysetRow> rows;
  while (st.step()) {
    KeysetRow row;
    row.key = st.columnInt64(0);
    row.cells = {QVariant::fromValue(row.key),
                 qstr(st.columnText(1)),
                 qstr(st.columnText(2)),
                 qstr(st.columnText(3)),
                 qstr(st.columnText(4)),
                 qstr(st.columnText(5)),
                 QVariant::fromValue(st.columnInt64(6))};
    rows.push_back(std::move(row));
  }
  return rows;
}

CorpusFacets loadCorpusFacets(store::Store& store, std::int64_t corpusId, const CorpusFilter& chosen, int limit) {
  CorpusFacets facets;
  {
    store::Statement st = store.prepare("SELECT id, name FROM corpora ORDER BY id");
    while (st.step())
      facets.corpora.append({st.columnInt64(0), qstr(st.columnText(1))});
  }
  // Each list narrowed by the choices before it (type -> company -> period -> section), so a box never offers a
  // value that would show nothing.
  const auto distinct = [&](const QString& column, const FilterSql& narrowing, QStringList& out) {
    const bool ofPassages = column.startsWith(QLatin1String("p."));
    QString sql = QStringLiteral("SELECT DISTINCT %1 FROM %2 WHERE %1 IS NOT NULL AND %1 != '' AND "
                                 "(?1 = 0 OR %3.corpus_id = ?1)")
                      .arg(column,
                           ofPassages ? QStringLiteral("passages p JOIN documents d ON d.id = p.document_id")
                                      : QStringLiteral("documents d"),
                           ofPassages ? QStringLiteral("p") : QStringLiteral("d"));
    sql += narrowing.where + QStringLiteral(" ORDER BY %1 LIMIT %2").arg(column).arg(limit);
    store::Statement st = store.prepare(utf8(sql));
    st.bind(1, corpusId);
    for (std::size_t i = 0; i < narrowing.values.size(); ++i)
      st.bind(static_cast<int>(i) + 4, narrowing.values[i]);
    while (st.step())
      out << qstr(st.columnText(0));
  };
  FilterSql narrowing;
  distinct(QStringLiteral("d.filing_type"), narrowing, facets.filingTypes);
  narrowing.add("d.filing_type", chosen.filingType);
  distinct(QStringLiteral("d.company"), narrowing, facets.companies);
  narrowing.add("d.company", chosen.company);
  distinct(QStringLiteral("d.period"), narrowing, facets.periods);
  narrowing.add("d.period", chosen.period);
  distinct(QStringLiteral("p.section"), narrowing, facets.sections);
  return facets;
}

} // namespace distillery::ui
