#pragma once
// Paints a cell's kHtmlRole rich text (highlighted search hits) when present, else the plain text.
#include <QStyledItemDelegate>

namespace distillery::ui {

class HtmlDelegate : public QStyledItemDelegate {
  Q_OBJECT
public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace distillery::ui
