#include "ui/widgets/HtmlDelegate.h"

#include <QAbstractTextDocumentLayout>
#include <QPainter>
#include <QTextDocument>

#include "ui/corpus/CorpusModels.h"

namespace distillery::ui {

void HtmlDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
  const QVariant html = index.data(kHtmlRole);
  if (!html.isValid()) {
    QStyledItemDelegate::paint(painter, option, index);
    return;
  }
  QStyleOptionViewItem opt = option;
  initStyleOption(&opt, index);
  opt.text.clear();
  opt.widget->style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

  QTextDocument doc;
  doc.setDefaultFont(opt.font);
  doc.setDocumentMargin(2);
  doc.setHtml(QStringLiteral("<span style=\"white-space:nowrap\">%1</span>").arg(html.toString()));
  painter->save();
  painter->setClipRect(opt.rect);
  painter->translate(opt.rect.topLeft() + QPoint(0, (opt.rect.height() - int(doc.size().height())) / 2));
  QAbstractTextDocumentLayout::PaintContext context;
  context.palette = opt.palette;
  if (opt.state & QStyle::State_Selected)
    context.palette.setColor(QPalette::Text, opt.palette.color(QPalette::HighlightedText));
  doc.documentLayout()->draw(painter, context);
  painter->restore();
}

} // namespace distillery::ui
