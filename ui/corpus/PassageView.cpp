#include "ui/corpus/PassageView.h"

#include <QUrl>

#include <optional>
#include <vector>

#include "core/corpus/PassageDossier.h"
#include "core/store/Store.h"
#include "ui/corpus/CorpusModels.h"
#include "ui/widgets/MinedKindLabel.h"

namespace distillery::ui {
namespace {

constexpr int kListLimit = 200; // rows per related list; a passage in thousands of candidate lists stays readable

QString q(const std::string& s) {
  return QString::fromStdString(s).toHtmlEscaped();
}

template <typename Number> QString gradeText(const std::optional<Number>& value) {
  return value ? QString::number(*value) : QStringLiteral("–");
}

} // namespace

PassageView::PassageView(QWidget* parent) : QTextBrowser(parent) {
  setOpenLinks(false);
  connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
    if (url.scheme() == QLatin1String("passage"))
      showPassage(url.path().toLongLong(), search_);
  });
}

void PassageView::setStore(store::Store* store) {
  store_ = store;
  showPassage(0);
}

void PassageView::showPassage(std::int64_t passageId, const QString& search) {
  search_ = search;
  passageId_ = 0;
  previousId_ = nextId_ = 0;
  if (!store_ || passageId <= 0) {
    setHtml(QStringLiteral("<p style=\"color:gray\">%1</p>").arg(tr("Select a passage to see it in full.")));
    return;
  }
  setHtml(buildHtml(passageId, search));
  emit passageShown(passageId_);
}

QString PassageView::buildHtml(std::int64_t passageId, const QString& search) {
  const auto d =
      corpus::loadPassageDossier(*store_, passageId, corpus::ftsQueryFromUserText(search.toStdString()), kListLimit);
  if (!d)
    return QStringLiteral("<p>%1</p>").arg(tr("Passage %1 does not exist.").arg(passageId));
  passageId_ = passageId;
  const QString text = d->highlighted ? markedTextToHtml(QString::fromStdString(*d->highlighted)) : q(d->text);

  QString html;
  html += QStringLiteral("<h3>%1</h3>").arg(d->title.empty() ? tr("Document %1").arg(d->documentId) : q(d->title));
  html += QStringLiteral("<p><b>%1</b> · %2 · %3 · %4<br/>%5</p>")
              .arg(q(d->filingType), q(d->company), q(d->period), q(d->filingDate),
                   tr("Passage %1, position %2, section \"%3\", %4 tokens, record key %5")
                       .arg(passageId)
                       .arg(d->ordinal)
                       .arg(q(d->section))
                       .arg(d->tokenCount)
                       .arg(q(d->recordKey)));
  previousId_ = d->previous ? d->previous->id : 0;
  nextId_ = d->next ? d->next->id : 0;
  if (d->previous)
    html += QStringLiteral("<p style=\"color:#777\"><a href=\"passage:%1\">%2</a> %3</p>")
                .arg(previousId_)
                .arg(tr("◀ previous"), QString::fromStdString(d->previous->text).right(400).toHtmlEscaped());
  html += QStringLiteral("<p style=\"border-left:3px solid #3a7; padding-left:6px\">%1</p>").arg(text);
  if (d->next)
    html += QStringLiteral("<p style=\"color:#777\">%1 <a href=\"passage:%2\">%3</a></p>")
                .arg(QString::fromStdString(d->next->text).left(400).toHtmlEscaped())
                .arg(nextId_)
                .arg(tr("next ▶"));

  const auto table = [&](const QString& title, const QStringList& headers, const std::vector<QStringList>& rows) {
    html += QStringLiteral("<h4>%1 (%2)</h4>").arg(title).arg(rows.size());
    if (rows.empty())
      return;
    html += QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr>");
    for (const QString& h : headers)
      html += QStringLiteral("<th>%1</th>").arg(h);
    html += QStringLiteral("</tr>");
    for (const QStringList& row : rows) {
      html += QStringLiteral("<tr>");
      for (const QString& cell : row)
        html += QStringLiteral("<td>%1</td>").arg(cell);
      html += QStringLiteral("</tr>");
    }
    html += QStringLiteral("</table>");
  };

  std::vector<QStringList> rows;
  for (const auto& r : d->queries)
    rows.push_back({QString::number(r.id), q(r.text), q(r.type), q(r.relation), q(r.split)});
  table(tr("Queries"), {tr("ID"), tr("Query"), tr("Type"), tr("Relation"), tr("Split")}, rows);
  rows.clear();
  for (const auto& r : d->judgments)
    rows.push_back(
        {q(r.query), gradeText(r.grade), q(r.teacherModel), q(r.promptVersion), q(r.rationale), q(r.status)});
  table(tr("Judgments"), {tr("Query"), tr("Grade"), tr("Teacher"), tr("Prompt"), tr("Rationale"), tr("Status")}, rows);
  rows.clear();
  for (const auto& r : d->mined)
    rows.push_back({QString::number(r.runId), QString::number(r.round), q(r.query), minedKindLabel(r.kind),
                    gradeText(r.grade), gradeText(r.rankBefore), gradeText(r.rankAfter)});
  table(tr("Mined pairs"),
        {tr("Run"), tr("Round"), tr("Query"), tr("Kind"), tr("Grade"), tr("Rank before"), tr("Rank after")}, rows);
  rows.clear();
  for (const auto& r : d->labels)
    rows.push_back({q(r.query), QString::number(r.grade), q(r.note), q(r.labelledAt)});
  table(tr("Human labels"), {tr("Query"), tr("Grade"), tr("Note"), tr("Labelled")}, rows);
  return html;
}

} // namespace distillery::ui
