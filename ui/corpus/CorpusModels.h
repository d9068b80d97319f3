#pragma once
// Lazy table models of a corpus: documents and passages, filtered by corpus, filing type, company,
// period and section, and for passages by an FTS5 full-text search whose hits come back highlighted.
#include <QString>
#include <QStringList>

#include "ui/widgets/KeysetTableModel.h"

namespace distillery::ui {

/// What the corpus browser shows; empty strings and 0 mean "any".
struct CorpusFilter {
  std::int64_t corpusId = 0;
  QString filingType;
  QString company;
  QString period;
  QString section; // passages only
  QString search;  // user text, turned into a safe FTS5 query; passages only
};

/// Turns what a user types into an FTS5 query that cannot be a syntax error: every word becomes a quoted
/// phrase (all must match); a trailing * keeps prefix search. Empty when there is nothing to search.
QString ftsQueryFromUserText(const QString& text);

/// Wraps hits marked with \x02...\x03 (as FTS5 highlight()/snippet() return them) in <b> after escaping.
QString markedTextToHtml(const QString& marked);

/// Role with the cell as rich text (highlighted hits) for HtmlDelegate.
inline constexpr int kHtmlRole = Qt::UserRole + 1;

class PassageTableModel : public KeysetTableModel {
  Q_OBJECT
public:
  enum Column { Id, FilingType, Company, Period, Section, Ordinal, Text, ColumnCount };
  explicit PassageTableModel(QObject* parent = nullptr);

  void setFilter(const CorpusFilter& filter);
  const CorpusFilter& filter() const { return filter_; }

protected:
  std::vector<KeysetRow> fetchPage(store::Store& store, std::int64_t afterKey, int limit) const override;
  QVariant extraData(const KeysetRow& row, int column, int role) const override;

private:
  CorpusFilter filter_;
  QString ftsQuery_;
};

class DocumentTableModel : public KeysetTableModel {
  Q_OBJECT
public:
  enum Column { Id, FilingType, Company, Period, FilingDate, Title, Passages, ColumnCount };
  explicit DocumentTableModel(QObject* parent = nullptr);

  void setFilter(const CorpusFilter& filter);

protected:
  std::vector<KeysetRow> fetchPage(store::Store& store, std::int64_t afterKey, int limit) const override;

private:
  CorpusFilter filter_;
};

/// Distinct values for the filter boxes (sorted, at most limit of each).
struct CorpusFacets {
  QList<QPair<std::int64_t, QString>> corpora;
  QStringList filingTypes, companies, periods, sections;
};
/// The corpus's filing types, and the companies, periods and sections left by the choices in `chosen` (type narrows
/// companies, type and company narrow periods, all three narrow sections).
CorpusFacets loadCorpusFacets(store::Store& store, std::int64_t corpusId, const CorpusFilter& chosen = {},
                              int limit = 500);

} // namespace distillery::ui
