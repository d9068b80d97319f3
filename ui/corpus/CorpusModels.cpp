#include "ui/corpus/CorpusModels.h"

namespace distillery::ui {
namespace {

QString qstr(const std::string& s) {
  return QString::fromStdString(s);
}

} // namespace

QString markedTextToHtml(const QString& marked) {
  QString html = marked.toHtmlEscaped();
  html.replace(QChar(0x02), QStringLiteral("<b style=\"background:#ffe680\">"));
  html.replace(QChar(0x03), QStringLiteral("</b>"));
  return html;
}

PassageTableModel::PassageTableModel(QObject* parent)
    : KeysetTableModel({tr("ID"), tr("Filing type"), tr("Company"), tr("Period"), tr("Section"), tr("#"), tr("Text")},
                       parent) {}

void PassageTableModel::setFilter(const corpus::BrowseFilter& filter) {
  filter_ = filter;
  reload();
}

std::vector<KeysetRow> PassageTableModel::fetchPage(store::Store& store, std::int64_t afterKey, int limit) const {
  std::vector<KeysetRow> rows;
  for (const corpus::PassageListRow& passage : corpus::listPassages(store, filter_, afterKey, limit)) {
    KeysetRow row;
    row.key = passage.id;
    row.cells = {QVariant::fromValue(passage.id), qstr(passage.filingType),
                 qstr(passage.company),           qstr(passage.period),
                 qstr(passage.section),           QVariant::fromValue(passage.ordinal),
                 qstr(passage.text).simplified()};
    if (!passage.marked.empty())
      row.cells.append(qstr(passage.marked).simplified()); // hidden cell: the snippet with hit markers, for kHtmlRole
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

void DocumentTableModel::setFilter(const corpus::BrowseFilter& filter) {
  filter_ = filter;
  reload();
}

std::vector<KeysetRow> DocumentTableModel::fetchPage(store::Store& store, std::int64_t afterKey, int limit) const {
  std::vector<KeysetRow> rows;
  for (const corpus::DocumentListRow& document : corpus::listDocuments(store, filter_, afterKey, limit)) {
    KeysetRow row;
    row.key = document.id;
    row.cells = {QVariant::fromValue(document.id),
                 qstr(document.filingType),
                 qstr(document.company),
                 qstr(document.period),
                 qstr(document.filingDate),
                 qstr(document.title),
                 QVariant::fromValue(document.passages)};
    rows.push_back(std::move(row));
  }
  return rows;
}

} // namespace distillery::ui
