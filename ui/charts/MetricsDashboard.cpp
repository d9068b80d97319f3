#include "ui/charts/MetricsDashboard.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "core/eval/Judges.h"
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/RunRepository.h"
#include "core/store/Store.h"

namespace distillery::ui {
namespace {

// Beside a run box entry's run id (0 outside runs): which corpus (query set, split) its evaluations outside runs were
// on.
constexpr int kScopeRole = Qt::UserRole + 1;

reporting::MetricTable::Scope scopeOf(const QComboBox* box) {
  return box->currentData(kScopeRole).toString().toStdString();
}

int indexOf(const QComboBox* box, qlonglong runId, const QString& scope) {
  for (int i = 0; i < box->count(); ++i)
    if (box->itemData(i).toLongLong() == runId && box->itemData(i, kScopeRole).toString() == scope)
      return i;
  return box->findData(runId);
}

} // namespace

MetricsDashboard::MetricsDashboard(QWidget* parent) : QWidget(parent) {
  run_ = new QComboBox(this);
  round_ = new QComboBox(this);
  metric_ = new QComboBox(this);
  metric_->addItem(tr("MRR"), QStringLiteral("mrr"));
  metric_->addItem(tr("DCG"), QStringLiteral("dcg"));
  metric_->addItem(tr("NDCG"), QStringLiteral("ndcg"));
  k_ = new QComboBox(this);
  compare_ = new QComboBox(this);
  auto* exportButton = new QPushButton(tr("Export chart..."), this);
  auto* copyButton = new QPushButton(tr("Copy table"), this);
  status_ = new QLabel(this);

  auto* controls = new QHBoxLayout;
  const auto add = [&](const QString& label, QWidget* w) {
    auto* l = new QLabel(label, this);
    l->setBuddy(w);
    controls->addWidget(l);
    controls->addWidget(w);
  };
  add(tr("R&un:"), run_);
  add(tr("Ro&und:"), round_);
  add(tr("&Metric:"), metric_);
  add(tr("@k:"), k_);
  add(tr("Compare &with:"), compare_);
  controls->addStretch(1);
  controls->addWidget(copyButton);
  controls->addWidget(exportButton);

  bars_ = new QCustomPlot(this);
  comparisonBars_ = new QCustomPlot(this);
  lines_ = new QCustomPlot(this);
  for (QCustomPlot* plot : {bars_, comparisonBars_, lines_})
    charts::preparePlot(plot);
  for (QCustomPlot* plot : {bars_, comparisonBars_})
    connect(plot, &QCustomPlot::mouseMove, this, [this, plot](QMouseEvent* e) { showTooltip(plot, e); });
  comparisonBars_->hide();

  table_ = new QTableWidget(0, 10, this);
  table_->setHorizontalHeaderLabels({tr("Run"), tr("Round"), tr("Retriever"), tr("Filing type"), tr("Metric"), tr("k"),
                                     tr("Value"), tr("Queries"), tr("95% interval"), tr("Judged by")});
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSortingEnabled(true);
  table_->horizontalHeader()->setStretchLastSection(true);
  auto* copyShortcut = new QShortcut(QKeySequence::Copy, table_);
  copyShortcut->setContext(Qt::WidgetShortcut);
  connect(copyShortcut, &QShortcut::activated, this, &MetricsDashboard::copyTable);

  auto* barRow = new QSplitter(Qt::Horizontal, this);
  barRow->addWidget(bars_);
  barRow->addWidget(comparisonBars_);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(barRow);
  splitter->addWidget(lines_);
  splitter->addWidget(table_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  splitter->setStretchFactor(2, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(splitter, 1);
  layout->addWidget(status_);

  redrawTimer_ = new QTimer(this);
  redrawTimer_->setSingleShot(true);
  redrawTimer_->setInterval(40);
  connect(redrawTimer_, &QTimer::timeout, this, &MetricsDashboard::redrawNow);
  connect(run_, &QComboBox::currentIndexChanged, this, &MetricsDashboard::fillRounds);
  for (QComboBox* box : {round_, metric_, k_, compare_})
    connect(box, &QComboBox::currentIndexChanged, this, &MetricsDashboard::scheduleRedraw);
  connect(copyButton, &QPushButton::clicked, this, &MetricsDashboard::copyTable);
  connect(exportButton, &QPushButton::clicked, this, &MetricsDashboard::exportChartDialog);
  setStore(nullptr);
}

void MetricsDashboard::setStore(store::Store* store) {
  store_ = store;
  refresh();
}

void MetricsDashboard::refresh() {
  metrics_ = reporting::MetricTable();
  comparisons_.clear();
  if (store_) {
    try {
      metrics_ = reporting::MetricTable::load(*store_);
    } catch (const std::exception& e) {
      emit errorOccurred(QString::fromStdString(e.what()));
    }
  }
  fillRunBoxes();
}

void MetricsDashboard::fillRunBoxes() {
  const qlonglong currentRun = run_->currentData().toLongLong();
  const QString currentScope = run_->currentData(kScopeRole).toString();
  const qlonglong currentCompare = compare_->currentData().toLongLong();
  const QString currentCompareScope = compare_->currentData(kScopeRole).toString();
  const int currentK = k_->currentData().isValid() ? k_->currentData().toInt() : 5;
  {
    const QSignalBlocker b1(run_), b2(compare_), b3(k_);
    run_->clear();
    compare_->clear();
    compare_->addItem(tr("no second run"), -1LL);
    // Evaluations outside any run (baselines from the CLI or the Run menu) are listed as their own entries, one per
    // corpus (and query set and split): figures on different corpora are not comparable, so they never share a chart.
    for (const reporting::MetricScope& scope : metrics_.scopes()) {
      QString label = scope.corpus.empty()
                          ? tr("evaluations outside runs")
                          : tr("evaluations outside runs: %1").arg(QString::fromStdString(scope.corpus));
      if (!scope.querySet.empty())
        label = tr("%1, queries %2").arg(label, QFileInfo(QString::fromStdString(scope.querySet)).fileName());
      if (!scope.split.empty())
        label = tr("%1 (%2 split)").arg(label, QString::fromStdString(scope.split));
      const QString key = QString::fromStdString(scope.key);
      for (QComboBox* box : {run_, compare_}) {
        box->addItem(label, 0LL);
        box->setItemData(box->count() - 1, key, kScopeRole);
      }
    }
    if (store_) {
      for (const auto& run : pipeline::listRuns(*store_)) {
        const QString label = tr("#%1 %2").arg(run.id).arg(QString::fromStdString(run.name));
        run_->addItem(label, qlonglong(run.id));
        compare_->addItem(label, qlonglong(run.id));
      }
    }
    const int runIndex = indexOf(run_, currentRun, currentScope);
    run_->setCurrentIndex(runIndex >= 0 ? runIndex : run_->count() - 1);
    compare_->setCurrentIndex(std::max(0, indexOf(compare_, currentCompare, currentCompareScope)));
    k_->clear();
    for (int k : metrics_.ks())
      k_->addItem(QString::number(k), k);
    if (k_->count() == 0)
      k_->addItem(QStringLiteral("5"), 5);
    k_->setCurrentIndex(std::max(0, k_->findData(currentK)));
  }
  fillRounds();
}

void MetricsDashboard::fillRounds() {
  const int current = round_->currentData().isValid() ? round_->currentData().toInt() : -1;
  // Whoever watched the latest round keeps watching the latest one as a run evaluates new rounds.
  const bool followLatest = round_->currentIndex() < 0 || round_->currentIndex() == round_->count() - 1;
  {
    const QSignalBlocker block(round_);
    round_->clear();
    for (int r : metrics_.rounds(run_->currentData().toLongLong(), "dense", scopeOf(run_)))
      round_->addItem(tr("round %1").arg(r), r);
    const int index = followLatest ? -1 : round_->findData(current);
    round_->setCurrentIndex(index >= 0 ? index : round_->count() - 1); // latest round by default
  }
  scheduleRedraw();
}

void MetricsDashboard::scheduleRedraw() {
  if (!redrawTimer_->isActive())
    redrawTimer_->start();
}

void MetricsDashboard::redrawNow() {
  redrawTimer_->stop();
  ++redrawCount_;
  barInfo_.clear();
  const std::int64_t runId = run_->currentData().toLongLong();
  const int round = round_->currentData().isValid() ? round_->currentData().toInt() : 0;
  drawBars(bars_, runId, round, run_->currentText(), scopeOf(run_));
  const std::int64_t compareId = compare_->currentData().toLongLong();
  comparisonBars_->setVisible(compareId >= 0);
  if (compareId >= 0) {
    const std::vector<int> rounds = metrics_.rounds(compareId, "dense", scopeOf(compare_));
    // The same round index when the other run has it, else its latest round.
    const int other = std::find(rounds.begin(), rounds.end(), round) != rounds.end() ? round
                      : rounds.empty()                                               ? 0
                                                                                     : rounds.back();
    drawBars(comparisonBars_, compareId, other, compare_->currentText(), scopeOf(compare_));
  }
  drawLines();
  fillTable();
  status_->setText(metrics_.records().empty() ? tr("No metrics stored yet: run an evaluation or a pipeline run.")
                                              : tr("%1 stored metric values").arg(metrics_.records().size()));
}

void MetricsDashboard::drawBars(QCustomPlot* plot, std::int64_t runId, int round, const QString& title,
                                const reporting::MetricTable::Scope& scope) {
  const charts::MetricSpec metric{metric_->currentData().toString().toStdString(), k_->currentData().toInt(),
                                  metric_->currentText()};
  const auto& comparisons = vsRound0(runId);
  const auto significance = [&comparisons, round, name = metric.name](const std::string& type) -> std::optional<bool> {
    const auto r = comparisons.find(round);
    if (r == comparisons.end() || !r->second.count(type) || !r->second.at(type).count(name))
      return std::nullopt;
    const eval::PairedDifference& d = r->second.at(type).at(name);
    return d.p ? std::optional<bool>(d.significant()) : std::nullopt;
  };
  const charts::BarPoints points =
      charts::drawRoundComparisonBars(plot, metrics_, runId, round, metric, title, significance, scope);
  for (auto it = points.begin(); it != points.end(); ++it)
    barInfo_.insert(it.key(), it.value());
}

const std::map<int, eval::ByGroupAndMetric<eval::PairedDifference>>&
MetricsDashboard::vsRound0(std::int64_t runId) const {
  auto cached = comparisons_.find(runId);
  if (cached != comparisons_.end())
    return cached->second;
  auto& rounds = comparisons_[runId];
  if (store_ && runId > 0) {
    try {
      for (const pipeline::RoundMetrics& round : pipeline::loadRunOutcome(*store_, runId).rounds)
        if (round.vsRound0)
          rounds[round.round] = *round.vsRound0;
    } catch (const std::exception&) {
      // A run without stored per-query figures has nothing to compare: the bars show no significance marks.
    }
  }
  return rounds;
}

void MetricsDashboard::drawLines() {
  const std::string metric = metric_->currentData().toString().toStdString();
  const int k = k_->currentData().toInt();
  const std::int64_t runId = run_->currentData().toLongLong();
  std::vector<charts::RoundLine> lines;
  const reporting::MetricTable::Scope scope = scopeOf(run_);
  for (const std::string& type : metrics_.filingTypes(runId, scope))
    lines.push_back({charts::filingTypeLabel(type), runId, type, metric, Qt::SolidLine, scope});
  const std::int64_t compareId = compare_->currentData().toLongLong();
  if (compareId >= 0)
    lines.push_back(
        {tr("%1, all").arg(compare_->currentText()), compareId, "ALL", metric, Qt::DashLine, scopeOf(compare_)});
  charts::drawRoundLines(lines_, metrics_, lines, k, tr("%1@%2").arg(metric_->currentText()).arg(k),
                         tr("Across rounds"));
}

void MetricsDashboard::fillTable() {
  const std::string metric = metric_->currentData().toString().toStdString();
  const int k = k_->currentData().toInt();
  const std::int64_t runId = run_->currentData().toLongLong();
  const std::int64_t compareId = compare_->currentData().toLongLong();
  const std::string scope = *scopeOf(run_), compareScope = *scopeOf(compare_);
  // Outside runs: the shown entries' evaluations, and beside a run the baselines on its corpus.
  const std::string runCorpus = runId > 0 ? metrics_.corpusOf(runId) : std::string();
  const auto shown = [&](const reporting::MetricRecord& r) {
    if (r.runId != 0)
      return r.runId == runId || r.runId == compareId;
    return (runId == 0 && r.scope == scope) || (compareId == 0 && r.scope == compareScope) ||
           (runId > 0 && (runCorpus.empty() || r.corpus == runCorpus));
  };
  table_->setSortingEnabled(false);
  table_->setRowCount(0);
  for (const reporting::MetricRecord& r : metrics_.records()) {
    if (r.name != metric || r.k != k || !shown(r))
      continue;
    const int row = table_->rowCount();
    table_->insertRow(row);
    const auto set = [&](int column, const QVariant& value) {
      auto* item = new QTableWidgetItem;
      item->setData(Qt::DisplayRole, value);
      table_->setItem(row, column, item);
    };
    set(0, qlonglong(r.runId));
    set(1, r.roundIndex);
    set(2, QString::fromStdString(r.retriever));
    set(3, QString::fromStdString(r.filingType));
    set(4, QString::fromStdString(r.name));
    set(5, r.k);
    set(6, QString::number(r.value, 'f', 4));
    set(7, r.queryCount);
    set(8, r.ci95 ? QStringLiteral("%1-%2").arg(r.ci95->low, 0, 'f', 4).arg(r.ci95->high, 0, 'f', 4)
                  : QStringLiteral("\u2014"));
    set(9, QString::fromStdString(eval::describeJudges(r.judgedBy)));
  }
  table_->setSortingEnabled(true);
}

QString MetricsDashboard::tooltipAt(QCustomPlot* plot, const QPointF& pixel) const {
  for (int i = 0; i < plot->plottableCount(); ++i) {
    auto* bars = qobject_cast<QCPBars*>(plot->plottable(i));
    if (!bars)
      continue;
    QVariant details;
    const double distance = bars->selectTest(pixel, false, &details);
    if (distance < 0 || distance >= plot->selectionTolerance())
      continue;
    const QCPDataSelection selection = details.value<QCPDataSelection>();
    if (selection.isEmpty())
      continue;
    const int index = selection.dataRange().begin();
    const QVector<charts::BarPoint> info = barInfo_.value(bars);
    if (index < 0 || index >= info.size())
      continue;
    const charts::BarPoint& b = info[index];
    QString text = tr("%1, %2: %3 = %4 over %5 queries")
                       .arg(b.series, b.filingType, plot->yAxis->label())
                       .arg(b.value, 0, 'f', 4)
                       .arg(b.queries);
    if (b.ciLow && b.ciHigh)
      text += tr("; 95% interval %1-%2").arg(*b.ciLow, 0, 'f', 4).arg(*b.ciHigh, 0, 'f', 4);
    if (b.round && *b.round > 0) {
      const auto& comparisons =
          vsRound0(plot == comparisonBars_ ? compare_->currentData().toLongLong() : run_->currentData().toLongLong());
      const std::string metric = metric_->currentData().toString().toStdString();
      if (auto r = comparisons.find(*b.round);
          r != comparisons.end() && r->second.count(b.filingTypeKey) && r->second.at(b.filingTypeKey).count(metric)) {
        const eval::PairedDifference& d = r->second.at(b.filingTypeKey).at(metric);
        if (d.p)
          text += (d.significant() ? tr("; vs round 0: %1%2, significant (p = %3)")
                                   : tr("; vs round 0: %1%2, not significant: could be noise (p = %3)"))
                      .arg(d.diff >= 0 ? QStringLiteral("+") : QString())
                      .arg(d.diff, 0, 'f', 4)
                      .arg(*d.p, 0, 'g', 2);
      }
    }
    text += tr("; judgments: %1").arg(b.judgedBy);
    return text;
  }
  return {};
}

void MetricsDashboard::showTooltip(QCustomPlot* plot, QMouseEvent* event) {
  const QString text = tooltipAt(plot, event->position());
  if (text.isEmpty())
    QToolTip::hideText();
  else
    QToolTip::showText(event->globalPosition().toPoint(), text, plot);
}

QString MetricsDashboard::tableAsTsv() const {
  QStringList lines;
  QStringList header;
  for (int c = 0; c < table_->columnCount(); ++c)
    header << table_->horizontalHeaderItem(c)->text();
  lines << header.join(QLatin1Char('\t'));
  for (int r = 0; r < table_->rowCount(); ++r) {
    QStringList cells;
    for (int c = 0; c < table_->columnCount(); ++c)
      cells << (table_->item(r, c) ? table_->item(r, c)->text() : QString());
    lines << cells.join(QLatin1Char('\t'));
  }
  return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void MetricsDashboard::copyTable() {
  QApplication::clipboard()->setText(tableAsTsv());
}

bool MetricsDashboard::exportChart(const QString& path) {
  if (redrawTimer_->isActive())
    redrawNow();
  const bool pdf = path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive);
  // Both formats hold the same charts: the bars, the second run's bars when one is chosen, the lines across rounds.
  QList<QCustomPlot*> barPlots{bars_};
  if (!comparisonBars_->isHidden())
    barPlots << comparisonBars_;
  if (!pdf) {
    // Bars (and the second run) above, lines below, in one image.
    const int width = 900, height = 380;
    QImage image(width * int(barPlots.size()), height * 2, QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    for (int i = 0; i < barPlots.size(); ++i)
      painter.drawPixmap(i * width, 0, barPlots[i]->toPixmap(width, height));
    painter.drawPixmap(0, height, lines_->toPixmap(width * int(barPlots.size()), height));
    painter.end();
    return image.save(path, "PNG");
  }
  QPdfWriter writer(path);
  writer.setPageSize(QPageSize(QPageSize::A4));
  writer.setPageOrientation(QPageLayout::Landscape);
  writer.setResolution(96);
  writer.setTitle(tr("Metrics: %1").arg(run_->currentText()));
  // Vector output, one chart per page (the PNG's order): the plots paint themselves through QCPPainter.
  QCPPainter painter;
  if (!painter.begin(&writer))
    return false;
  painter.setMode(QCPPainter::pmVectorized);
  painter.setMode(QCPPainter::pmNoCaching);
  const QRect page = painter.viewport();
  const QList<QCustomPlot*> pages = barPlots + QList<QCustomPlot*>{lines_};
  for (int i = 0; i < pages.size(); ++i) {
    if (i > 0 && !writer.newPage())
      return false;
    pages[i]->toPainter(&painter, page.width(), page.height());
  }
  return painter.end();
}

void MetricsDashboard::exportChartDialog() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"), QStringLiteral("metrics.png"),
                                                    tr("PNG image (*.png);;PDF document (*.pdf)"));
  if (!path.isEmpty() && !exportChart(path))
    emit errorOccurred(tr("Could not write the chart to %1").arg(path));
}

} // namespace distillery::ui
