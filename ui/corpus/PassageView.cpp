#include "ui/corpus/PassageView.h"

#include <QUrl>

#include <functional>

#include "core/store/Store.h"
#include "ui/corpus/CorpusModels.h"

namespace distillery::ui {
namespace {

constexpr int kListLimit = 200; // rows per related list; a passage in thousands of candidate lists stays readable

QString q(const std::string& s) {
  return QString::fromStdString(s).toHtmlEscaped();
}

QString gradeText(const store::Statement& st, int column) {
  return st.columnIsNull(column) ? QStringLiteral("–") : QString::number(st.columnInt64(column));
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
  store::Store& store = *store_;
  store::Statement p = store.prepare(
      "SELECT p.id, p.document_id, p.ordinal, p.section, p.text, p.token_count, p.record_key, d.filing_type, "
      "d.company, d.period, coalesce(d.title, d.external_id, ''), d.filing_date "
      "FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id = ?1");
  p.bind(1, passageId);
  if (!p.step())
    return QStringLiteral("<p>%1</p>").arg(tr("Passage %1 does not exist.").arg(passageId));
  passageId_ = passageId;
  const std::int64_t documentId = p.columnInt64(1);
  const std::int64_t ordinal = p.columnInt64(2);
  const std::string recordKey = p.columnText(6);
  QString text = q(p.columnText(4));
  const QString fts = ftsQueryFromUserText(search);
  if (!fts.isEmpty()) {
    store::Statement h = store.prepare(
        "SELECT highlight(passages_fts, 0, char(2), char(3)) FROM passages_fts WHERE passages_fts MATCH ?1 AND "
        "rowid = ?2");
    h.bind(1, fts.toStdString()).bind(2, passageId);
    if (h.step())
      text = markedTextToHtml(QString::fromStdString(h.columnText(0)));
  }

  QString html;
  html += QStringLiteral("<h3>%1</h3>")
              .arg(q(p.columnText(10)).isEmpty() ? tr("Document %1").arg(documentId) : q(p.columnText(10)));
  html += QStringLiteral("<p><b>%1</b> · %2 · %3 · %4<br/>%5</p>")
              .arg(q(p.columnText(7)), q(p.columnText(8)), q(p.columnText(9)), q(p.columnText(11)),
                   tr("Passage %1, position %2, section \"%3\", %4 tokens, record key %5")
                       .arg(passageId)
                       .arg(ordinal)
                       .arg(q(p.columnText(3)))
                       .arg(p.columnInt64(5))
                       .arg(q(recordKey)));

  const auto neighbour = [&](std::int64_t at, std::int64_t& id) {
    store::Statement n = store.prepare("SELECT id, text FROM passages WHERE document_id = ?1 AND ordinal = ?2");
    n.bind(1, documentId).bind(2, at);
    if (!n.step())
      return QString();
    id = n.columnInt64(0);
    return QString::fromStdString(n.columnText(1));
  };
  const QString previous = neighbour(ordinal - 1, previousId_);
  const QString next = neighbour(ordinal + 1, nextId_);
  if (previousId_)
    html += QStringLiteral("<p style=\"color:#777\"><a href=\"passage:%1\">%2</a> %3</p>")
                .arg(previousId_)
                .arg(tr("◀ previous"), previous.right(400).toHtmlEscaped());
  html += QStringLiteral("<p style=\"border-left:3px solid #3a7; padding-left:6px\">%1</p>").arg(text);
  if (nextId_)
    html += QStringLiteral("<p style=\"color:#777\">%1 <a href=\"passage:%2\">%3</a></p>")
                .arg(next.left(400).toHtmlEscaped())
                .arg(nextId_)
                .arg(tr("next ▶"));

  const auto table = [&](const QString& title, const QStringList& headers, store::Statement& st, int columns,
                         const std::function<QString(store::Statement&, int)>& cell) {
    QString rows;
    int count = 0;
    while (st.step() && count < kListLimit) {
      ++count;
      rows += QStringLiteral("<tr>");
      for (int c = 0; c < columns; ++c)
        rows += QStringLiteral("<td>%1</td>").arg(cell(st, c));
      rows += QStringLiteral("</tr>");
    }
    html += QStringLiteral("<h4>%1 (%2)</h4>").arg(title).arg(count);
    if (count == 0)
      return;
    html += QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr>");
    for (const QString& h : headers)
      html += QStringLiteral("<th>%1</th>").arg(h);
    html += QStringLiteral("</tr>") + rows + QStringLiteral("</table>");
  };
  const auto textCell = [](store::Statement& st, int c) { return q(st.columnText(c)); };

  store::Statement queries = store.prepare(
      "SELECT q.id, q.text, q.query_type, 'source', q.split FROM queries q WHERE q.source_passage_id = ?1 "
      "UNION SELECT q.id, q.text, q.query_type, 'qrel grade ' || r.grade, q.split FROM qrels r "
      "JOIN queries q ON q.id = r.query_id JOIN passages p ON p.id = ?1 AND p.record_key = r.record_key "
      "JOIN query_sets s ON s.id = q.query_set_id AND s.corpus_id = p.corpus_id ORDER BY 1");
  queries.bind(1, passageId);
  table(tr("Queries"), {tr("ID"), tr("Query"), tr("Type"), tr("Relation"), tr("Split")}, queries, 5, textCell);

  store::Statement judgments = store.prepare(
      "SELECT query_text, grade, teacher_model, prompt_version, coalesce(rationale, failure_reason, ''), status "
      "FROM judgments WHERE passage_id = ?1 ORDER BY id");
  judgments.bind(1, passageId);
  table(tr("Judgments"), {tr("Query"), tr("Grade"), tr("Teacher"), tr("Prompt"), tr("Rationale"), tr("Status")},
        judgments, 6, [](store::Statement& st, int c) { return c == 1 ? gradeText(st, c) : q(st.columnText(c)); });

  store::Statement mined = store.prepare(
      "SELECT r.run_id, r.round_index, q.text, m.kind, m.grade, m.student_rank, m.rank_after FROM mined_examples m "
      "JOIN rounds r ON r.id = m.round_id JOIN queries q ON q.id = m.query_id WHERE m.passage_id = ?1 "
      "ORDER BY r.run_id, r.round_index, m.id");
  mined.bind(1, passageId);
  table(tr("Mined pairs"),
        {tr("Run"), tr("Round"), tr("Query"), tr("Kind"), tr("Grade"), tr("Rank before"), tr("Rank after")}, mined, 7,
        [](store::Statement& st, int c) { return c >= 4 ? gradeText(st, c) : q(st.columnText(c)); });

  store::Statement labels = store.prepare("SELECT q.text, h.grade, h.note, h.labelled_at FROM human_labels h "
                                          "JOIN queries q ON q.id = h.query_id WHERE h.passage_id = ?1");
  labels.bind(1, passageId);
  table(tr("Human labels"), {tr("Query"), tr("Grade"), tr("Note"), tr("Labelled")}, labels, 4, textCell);
  return html;
}

} // namespace distillery::ui
