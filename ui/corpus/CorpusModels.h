#pragma once
// Lazy table models of a corpus: documents and passages under a corpus::BrowseFilter (corpus, filing type, company,
// periods, sections, and for passages a full-text search whose hits come back highlighted). The rows come from
// core/corpus/CorpusBrowsing.
#include <QString>

#include "core/corpus/CorpusBrowsing.h"
#include "ui/widgets/KeysetTableModel.h"

namespace distillery::ui {

/// Wraps hits marked with \x02...\x03 (as FTS5 highlight()/snippet() return them) in <b> after escaping.
QString markedTextToHtml(const QString& marked);

/// Role with the cell as rich text (highlighted hits) for HtmlDelegate.
inline constexpr int kHtmlRole = Qt::UserRole + 1;

class PassageTableModel : public KeysetTableModel {
  Q_OBJECT
public:
  enum Column { Id, FilingType, Company, Period, Section, Ordinal, Text, ColumnCount };
  explicit PassageTableModel(QObject* parent = nullptr);

  void setFilter(const corpus::BrowseFilter& filter);
  const corpus::BrowseFilter& filter() const { return filter_; }

protected:
  std::vector<KeysetRow> fetchPage(store::Store& store, std::int64_t afterKey, int limit) const override;
  QVariant extraData(const KeysetRow& row, int column, int role) const override;

private:
  corpus::BrowseFilter filter_;
};

class DocumentTableModel : public KeysetTableModel {
  Q_OBJECT
public:
  enum Column { Id, FilingType, Company, Period, FilingDate, Title, Passages, ColumnCount };
  explicit DocumentTableModel(QObject* parent = nullptr);

  void setFilter(const corpus::BrowseFilter& filter);
  const corpus::BrowseFilter& filter() const { return filter_; }

protected:
  std::vector<KeysetRow> fetchPage(store::Store& store, std::int64_t afterKey, int limit) const override;

private:
  corpus::BrowseFilter filter_;
};

} // namespace distillery::ui
