#include "ui/overview/OverviewPage.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLocale>
#include <QScrollBar>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>

#include "core/eval/Judges.h"
#include "core/pipeline/ExperimentOverview.h"
#include "core/store/Store.h"

namespace distillery::ui {
namespace {

// Typography: a sans text column, compact tables with right-aligned figures, muted notes, coloured states.
const char* const kStyle = R"css(
h2 { font-size: x-large; margin-bottom: 2px; }
h3 { font-size: large; margin-top: 18px; margin-bottom: 6px; border-bottom: 1px solid #c8ccd2; }
table.grid { border-collapse: collapse; margin-bottom: 6px; }
table.grid th { background-color: #eef1f5; font-weight: 600; padding: 3px 8px; }
table.grid td { padding: 2px 8px; }
td.n { text-align: right; }
tr.group td { font-weight: 600; background-color: #f7f8fa; }
tr.total td { font-weight: 600; border-top: 1px solid #c8ccd2; }
.muted { color: #5f6670; }
.note { color: #5f6670; font-size: small; }
.up { color: #1b7a2e; font-weight: 600; }
.down { color: #b3261e; font-weight: 600; }
.error { color: #b3261e; }
a { color: #1f5fbf; text-decoration: none; }
)css";

constexpr double kSignificance = 0.05; // paired tests below this are shown as real changes
constexpr int kDecimals = 3;

QString esc(const std::string& text) {
  return QString::fromStdString(text).toHtmlEscaped();
}

QString count(std::int64_t value) {
  return QLocale().toString(static_cast<qlonglong>(value));
}

QString number(const std::optional<double>& value) {
  return value ? QString::number(*value, 'f', kDecimals) : QStringLiteral("\u2014");
}

/// "2026-01-02 14:05" in local time; the stored text when it is no ISO time, "" for none.
QString when(const std::string& iso) {
  const QString text = QString::fromStdString(iso);
  const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
  return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : text.toHtmlEscaped();
}

QString cell(const QString& text, bool numeric = true) {
  return numeric ? QStringLiteral("<td class=\"n\" align=\"right\">%1</td>").arg(text)
                 : QStringLiteral("<td>%1</td>").arg(text);
}

QString headerRow(const QStringList& titles) {
  QString row = QStringLiteral("<tr>");
  for (const QString& title : titles)
    row += QStringLiteral("<th>%1</th>").arg(title);
  return row + QStringLiteral("</tr>");
}

QString statusColour(const std::string& status) {
  if (status == "completed")
    return QStringLiteral("#1b7a2e");
  if (status == "running" || status == "queued")
    return QStringLiteral("#1f5fbf");
  if (status == "paused")
    return QStringLiteral("#a05a00");
  if (status == "failed")
    return QStringLiteral("#b3261e");
  return QStringLiteral("#5f6670"); // pending, cancelled
}

QString runTitle(const pipeline::RunOverview& run) {
  return run.name.empty() ? OverviewPage::tr("Run %1").arg(run.id)
                          : OverviewPage::tr("Run %1 \u00b7 %2").arg(run.id).arg(esc(run.name));
}

} // namespace

OverviewPage::OverviewPage(QWidget* parent) : QWidget(parent), view_(new QTextBrowser(this)) {
  view_->setOpenLinks(false);
  view_->setFrameShape(QFrame::NoFrame);
  view_->document()->setDefaultStyleSheet(QString::fromLatin1(kStyle));
  view_->document()->setDocumentMargin(14);
  connect(view_, &QTextBrowser::anchorClicked, this, &OverviewPage::openLink);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);
  setMinimumHeight(120);
  refresh();
}

void OverviewPage::setStore(store::Store* store) {
  store_ = store;
  refresh();
}

QString OverviewPage::text() {
  if (stale_)
    read();
  return view_->toPlainText();
}

void OverviewPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_)
    read();
}

void OverviewPage::refresh() {
  stale_ = true;
  if (isVisible())
    read();
}

void OverviewPage::read() {
  stale_ = false;
  if (!store_) {
    view_->setHtml(
        QStringLiteral("<h2>%1</h2><p>%2</p>")
            .arg(tr("No experiment open"), tr("Use File &gt; New experiment or File &gt; Open experiment.")));
    return;
  }
  const int scroll = view_->verticalScrollBar() ? view_->verticalScrollBar()->value() : 0;
  try {
    const pipeline::ExperimentOverview overview = pipeline::loadExperimentOverview(*store_);
    const QString path = QString::fromStdString(store_->path().string());
    view_->setHtml(
        html(overview, QFileInfo(path).fileName(), tr("%1, schema version %2").arg(path).arg(store_->schemaVersion())));
    view_->verticalScrollBar()->setValue(scroll); // a refresh after a job keeps the reader's place
  } catch (const std::exception& e) {
    view_->setHtml(QStringLiteral("<h2>%1</h2><p class=\"error\">%2</p>")
                       .arg(tr("Cannot read the experiment"), QString::fromUtf8(e.what()).toHtmlEscaped()));
    emit errorOccurred(QString::fromUtf8(e.what()));
  }
}

void OverviewPage::openLink(const QUrl& url) {
  if (url.scheme() == QLatin1String("run"))
    emit runActivated(url.path().toLongLong());
  else if (url.toString() == QLatin1String("action:import"))
    emit importRequested();
  else if (url.toString() == QLatin1String("action:demo"))
    emit demoRequested();
  else if (url.toString() == QLatin1String("action:run"))
    emit runRequested();
}

namespace {

QString firstSteps() {
  return QStringLiteral("<h2>%1</h2><p>%2</p><ol><li>%3</li><li>%4</li><li>%5</li></ol>")
      .arg(OverviewPage::tr("An empty experiment"),
           OverviewPage::tr("Nothing has been imported or run here yet. To begin:"),
           OverviewPage::tr("<a href=\"action:import\">Import a corpus</a>: EDGAR filings, a BEIR folder or plain text "
                            "files; or try the <a href=\"action:demo\">built-in demo corpus</a>."),
           OverviewPage::tr("<a href=\"action:run\">Start a distillation run</a>: the teacher judges what the student "
                            "retrieves, and the student learns from its grades, round after round."),
           OverviewPage::tr("Follow it in the Jobs panel. This page then shows each run's last round against the "
                            "student it started from and against BM25, per filing type."));
}

QString corporaSection(const std::vector<pipeline::CorpusOverview>& corpora) {
  QString html = QStringLiteral("<h3>%1</h3>").arg(OverviewPage::tr("Corpora"));
  if (corpora.empty())
    return html + QStringLiteral("<p>%1</p>")
                      .arg(OverviewPage::tr("No corpus yet: <a href=\"action:import\">import one</a>."));
  html +=
      QStringLiteral("<table class=\"grid\">") +
      headerRow({OverviewPage::tr("Corpus / filing type"), OverviewPage::tr("Documents"), OverviewPage::tr("Companies"),
                 OverviewPage::tr("Passages"), OverviewPage::tr("Query sets"), OverviewPage::tr("Queries")});
  for (const pipeline::CorpusOverview& corpus : corpora) {
    html += QStringLiteral("<tr class=\"group\">") + cell(esc(corpus.name), false) + cell(count(corpus.documents)) +
            cell(count(corpus.companies)) + cell(count(corpus.passages)) + cell(count(corpus.querySets)) +
            cell(count(corpus.queries)) + QStringLiteral("</tr>");
    for (const pipeline::FilingTypeCount& type : corpus.filingTypes)
      html += QStringLiteral("<tr>") + cell(QStringLiteral("&nbsp;&nbsp;&nbsp;&nbsp;") + esc(type.filingType), false) +
              cell(count(type.documents)) + cell({}) + cell(count(type.passages)) + cell({}) + cell({}) +
              QStringLiteral("</tr>");
  }
  return html + QStringLiteral("</table>");
}

/// b - a as it reads once rounded ("+0.150", "\u22120.050", "\u00b10.000"): the difference of the two means shown,
/// coloured and starred when the paired test over the same queries says it is real.
QString change(const std::optional<double>& a, const std::optional<double>& b,
               const std::optional<eval::PairedDifference>& paired) {
  if (!a || !b)
    return QStringLiteral("\u2014");
  const double diff = *b - *a;
  const QString magnitude = QString::number(std::abs(diff), 'f', kDecimals);
  if (magnitude.toDouble() == 0.0)
    return QStringLiteral("\u00b1") + magnitude;
  const QString text = (diff > 0 ? QStringLiteral("+") : QStringLiteral("\u2212")) + magnitude;
  if (!paired || !paired->significant(kSignificance) || (paired->diff > 0) != (diff > 0))
    return text;
  return QStringLiteral("<span class=\"%1\">%2*</span>")
      .arg(diff > 0 ? QStringLiteral("up") : QStringLiteral("down"), text);
}

QString metricName(const std::string& metric, int k) {
  const QString name = metric == "ndcg"  ? QStringLiteral("NDCG")
                       : metric == "mrr" ? QStringLiteral("MRR")
                                         : QString::fromStdString(metric);
  return QStringLiteral("%1@%2").arg(name).arg(k);
}

QString figuresTable(const pipeline::RunOverview& run) {
  const QString last = OverviewPage::tr("Round %1").arg(*run.lastRound);
  const QString first = OverviewPage::tr("Round %1").arg(run.firstRound.value_or(0));
  const bool changed = run.lastRound != run.firstRound;
  QString html = QStringLiteral("<table class=\"grid\"><tr><th rowspan=\"2\">%1</th><th rowspan=\"2\">%2</th>")
                     .arg(OverviewPage::tr("Filing type"), OverviewPage::tr("Queries"));
  QString sub = QStringLiteral("<tr>");
  const int columns = changed ? 5 : 3;
  for (const char* metric : pipeline::kHeadlineMetrics) {
    html += QStringLiteral("<th colspan=\"%1\">%2</th>").arg(columns).arg(metricName(metric, run.k));
    sub += QStringLiteral("<th>BM25</th><th>%1</th>").arg(first);
    if (changed)
      sub += QStringLiteral("<th>%1</th><th>%2</th><th>%3</th>")
                 .arg(last, OverviewPage::tr("vs round %1").arg(*run.firstRound), OverviewPage::tr("vs BM25"));
    else
      sub += QStringLiteral("<th>%1</th>").arg(OverviewPage::tr("vs BM25"));
  }
  html += QStringLiteral("</tr>") + sub + QStringLiteral("</tr>");
  for (const pipeline::FilingTypeFigures& figures : run.figures) {
    const bool all = figures.filingType == eval::kAllFilingTypes;
    html += all ? QStringLiteral("<tr class=\"group\">") : QStringLiteral("<tr>");
    html += cell(all ? OverviewPage::tr("All") : esc(figures.filingType), false) + cell(count(figures.queries));
    for (const char* metric : pipeline::kHeadlineMetrics) {
      const auto found = figures.metrics.find(metric);
      const pipeline::HeadlineFigure figure =
          found == figures.metrics.end() ? pipeline::HeadlineFigure{} : found->second;
      html += cell(number(figure.bm25)) + cell(number(figure.round0));
      if (changed)
        html += cell(number(figure.last)) + cell(change(figure.round0, figure.last, figure.vsRound0));
      html += cell(change(figure.bm25, figure.last, figure.vsBm25));
    }
    html += QStringLiteral("</tr>");
  }
  html += QStringLiteral("</table>");
  QString note = changed ? OverviewPage::tr("Changes are the last round's student minus round %1's and minus BM25, "
                                            "paired over the same held-out queries.")
                               .arg(*run.firstRound)
                         : OverviewPage::tr("Only round %1 has been evaluated: the student the run starts from. "
                                            "Changes are against BM25, paired over the same held-out queries.")
                               .arg(*run.firstRound);
  note += QLatin1Char(' ') + OverviewPage::tr("* the paired test says the change is real (p < %1).").arg(kSignificance);
  if (!run.judgedBy.empty())
    note += QLatin1Char(' ') + OverviewPage::tr("Judged by: %1.").arg(esc(eval::describeJudges(run.judgedBy)));
  return html + QStringLiteral("<p class=\"note\">%1</p>").arg(note);
}

QString runsSection(const std::vector<pipeline::RunOverview>& runs, bool hasCorpus) {
  QString html = QStringLiteral("<h3>%1</h3>").arg(OverviewPage::tr("Runs"));
  if (runs.empty())
    return html + QStringLiteral("<p>%1</p>")
                      .arg(hasCorpus ? OverviewPage::tr("No run yet: <a href=\"action:run\">start one</a>.")
                                     : OverviewPage::tr("No run yet: import a corpus first."));
  for (const pipeline::RunOverview& run : runs) {
    QStringList facts;
    facts << OverviewPage::tr("on %1").arg(esc(run.corpusName));
    facts << QStringLiteral("<span style=\"color:%1; font-weight:600\">%2</span>")
                 .arg(statusColour(run.status), OverviewPage::statusName(run.status));
    if (run.roundsPlanned > 0)
      facts << OverviewPage::tr("rounds done: %1 of %2").arg(run.roundsDone).arg(run.roundsPlanned);
    facts << (run.finishedAt.empty() ? OverviewPage::tr("created %1").arg(when(run.createdAt))
                                     : OverviewPage::tr("finished %1").arg(when(run.finishedAt)));
    html += QStringLiteral("<p><a href=\"run:%1\"><b>%2</b></a> &nbsp;%3</p>")
                .arg(run.id)
                .arg(runTitle(run), facts.join(QStringLiteral(" \u00b7 ")));
    html += run.lastRound ? figuresTable(run)
                          : QStringLiteral("<p class=\"muted\">%1</p>").arg(OverviewPage::tr("Not evaluated yet."));
  }
  return html;
}

QString labellingSection(const pipeline::ExperimentOverview& overview) {
  QString html = QStringLiteral("<h3>%1</h3><p>%2</p>")
                     .arg(OverviewPage::tr("Labelling"),
                          OverviewPage::tr("Spot-check labels given in all: %1.").arg(count(overview.humanLabels)));
  bool anyMined = false;
  for (const pipeline::RunOverview& run : overview.runs)
    anyMined = anyMined || run.labels.minedPairs > 0;
  if (!anyMined)
    return html +
           QStringLiteral("<p class=\"muted\">%1</p>").arg(OverviewPage::tr("No run has mined pairs to label yet."));
  html += QStringLiteral("<table class=\"grid\">") +
          headerRow({OverviewPage::tr("Run"), OverviewPage::tr("Mined pairs"), OverviewPage::tr("Labelled"),
                     OverviewPage::tr("Progress"), OverviewPage::tr("Label overruled the teacher")});
  for (const pipeline::RunOverview& run : overview.runs) {
    if (run.labels.minedPairs == 0)
      continue;
    const double share = 100.0 * double(run.labels.labelledPairs) / double(run.labels.minedPairs);
    html += QStringLiteral("<tr>") +
            cell(QStringLiteral("<a href=\"run:%1\">%2</a>").arg(run.id).arg(runTitle(run)), false) +
            cell(count(run.labels.minedPairs)) + cell(count(run.labels.labelledPairs)) +
            cell(QStringLiteral("%1 %").arg(share, 0, 'f', 1)) + cell(count(run.labels.overruled)) +
            QStringLiteral("</tr>");
  }
  return html + QStringLiteral("</table>");
}

QString teacherSection(const std::vector<pipeline::TeacherUsageRow>& rows) {
  QString html = QStringLiteral("<h3>%1</h3>").arg(OverviewPage::tr("Teacher usage"));
  if (rows.empty())
    return html + QStringLiteral("<p class=\"muted\">%1</p>")
                      .arg(OverviewPage::tr("The teacher has not been asked anything yet."));
  html += QStringLiteral("<table class=\"grid\">") +
          headerRow({OverviewPage::tr("Work"), OverviewPage::tr("Teacher"), OverviewPage::tr("Items"),
                     OverviewPage::tr("Failed"), OverviewPage::tr("Calls"), OverviewPage::tr("Input tokens"),
                     OverviewPage::tr("Output tokens"), OverviewPage::tr("Est. cost")});
  pipeline::TeacherUsageRow total;
  for (const pipeline::TeacherUsageRow& row : rows) {
    const QString work = row.work == "judge" ? OverviewPage::tr("judgments") : OverviewPage::tr("queries written");
    html += QStringLiteral("<tr>") + cell(work, false) + cell(esc(row.teacherKind + " " + row.teacherModel), false) +
            cell(count(row.items)) + cell(count(row.failed)) + cell(count(row.calls)) + cell(count(row.inputTokens)) +
            cell(count(row.outputTokens)) + cell(QString::number(row.cost, 'f', 4)) + QStringLiteral("</tr>");
    total.calls += row.calls;
    total.inputTokens += row.inputTokens;
    total.outputTokens += row.outputTokens;
    total.cost += row.cost;
  }
  if (rows.size() > 1)
    html += QStringLiteral("<tr class=\"total\">") + cell(OverviewPage::tr("Total"), false) + cell({}, false) +
            cell({}) + cell({}) + cell(count(total.calls)) + cell(count(total.inputTokens)) +
            cell(count(total.outputTokens)) + cell(QString::number(total.cost, 'f', 4)) + QStringLiteral("</tr>");
  return html + QStringLiteral("</table><p class=\"note\">%1</p>")
                    .arg(OverviewPage::tr("Cost is estimated from the prices set in the teacher's settings at the "
                                          "time (0 when none were set). Cached judgments were paid for once."));
}

QString jobsSection(const std::vector<store::JobRecord>& jobs) {
  QString html = QStringLiteral("<h3>%1</h3>").arg(OverviewPage::tr("Recent jobs"));
  if (jobs.empty())
    return html + QStringLiteral("<p class=\"muted\">%1</p>").arg(OverviewPage::tr("No job has run yet."));
  html += QStringLiteral("<table class=\"grid\">") +
          headerRow({OverviewPage::tr("Job"), OverviewPage::tr("Kind"), OverviewPage::tr("For"),
                     OverviewPage::tr("Status"), OverviewPage::tr("Started"), OverviewPage::tr("Ended")});
  for (const store::JobRecord& job : jobs) {
    const QString subject = job.runId ? QStringLiteral("<a href=\"run:%1\">%2</a>")
                                            .arg(*job.runId)
                                            .arg(OverviewPage::tr("run %1").arg(*job.runId))
                                      : esc(job.corpus);
    QString status = QStringLiteral("<span style=\"color:%1\">%2</span>")
                         .arg(statusColour(job.status), OverviewPage::statusName(job.status));
    if (!job.error.empty())
      status += QStringLiteral(": <span class=\"error\">%1</span>").arg(esc(job.error.substr(0, 160)));
    html += QStringLiteral("<tr>") + cell(QString::number(job.id)) + cell(esc(job.kind), false) + cell(subject, false) +
            cell(status, false) + cell(when(job.createdAt), false) + cell(when(job.finishedAt), false) +
            QStringLiteral("</tr>");
  }
  return html + QStringLiteral("</table>");
}

} // namespace

QString OverviewPage::statusName(const std::string& status) {
  if (status == "pending")
    return tr("pending");
  if (status == "queued")
    return tr("queued");
  if (status == "running")
    return tr("running");
  if (status == "paused")
    return tr("paused");
  if (status == "completed")
    return tr("completed");
  if (status == "failed")
    return tr("failed");
  if (status == "cancelled")
    return tr("cancelled");
  return esc(status);
}

QString OverviewPage::html(const pipeline::ExperimentOverview& overview, const QString& experimentName,
                           const QString& details) {
  if (overview.empty())
    return firstSteps();
  QString html = QStringLiteral("<h2>%1</h2><p class=\"muted\">%2</p>")
                     .arg(experimentName.toHtmlEscaped(), tr("Corpora: %1 \u00b7 runs: %2 \u00b7 %3")
                                                              .arg(overview.corpora.size())
                                                              .arg(overview.runs.size())
                                                              .arg(details.toHtmlEscaped()));
  html += corporaSection(overview.corpora);
  html += runsSection(overview.runs, !overview.corpora.empty());
  html += labellingSection(overview);
  html += teacherSection(overview.teacherUsage);
  html += jobsSection(overview.recentJobs);
  return html;
}

} // namespace distillery::ui
