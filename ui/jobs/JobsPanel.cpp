#include "ui/jobs/JobsPanel.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "core/pipeline/RunRepository.h"
#include "core/store/Store.h"
#include "ui/charts/TrainingLossFeed.h"
#include "ui/jobs/JobManager.h"
#include "ui/run/RunsModel.h"

namespace distillery::ui {
namespace {

/// Draws the progress column as a progress bar (busy style when the total is unknown, none for a job that stopped
/// without a known share).
class ProgressDelegate : public QStyledItemDelegate {
public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    if (!index.data().isValid()) { // a job that stopped without a known share: no bar at all
      QStyledItemDelegate::paint(painter, option, index);
      return;
    }
    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 3, -2, -3);
    bar.minimum = 0;
    const int value = index.data().toInt();
    bar.maximum = value < 0 ? 0 : 100;
    bar.progress = std::max(0, value);
    bar.text = value < 0 ? QString() : QStringLiteral("%1 %").arg(value);
    bar.textVisible = value >= 0;
    bar.state = option.state | QStyle::State_Horizontal;
    QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, painter);
  }
};

} // namespace

JobsPanel::JobsPanel(JobManager* jobs, QWidget* parent) : QWidget(parent), jobs_(jobs), runs_(new RunsModel(this)) {
  table_ = new QTableView(this);
  table_->setModel(jobs_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->hide();
  table_->setItemDelegateForColumn(JobManager::ProgressColumn, new ProgressDelegate(table_));
  table_->horizontalHeader()->setSectionResizeMode(JobManager::Title, QHeaderView::Stretch);
  table_->setColumnWidth(JobManager::Status, 160);
  table_->setColumnWidth(JobManager::ProgressColumn, 160);

  runsTable_ = new QTableView(this);
  runsTable_->setModel(runs_);
  runsTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
  runsTable_->setSelectionMode(QAbstractItemView::SingleSelection);
  runsTable_->verticalHeader()->hide();
  runsTable_->horizontalHeader()->setSectionResizeMode(RunsModel::NextStep, QHeaderView::Stretch);
  runsTable_->setColumnWidth(RunsModel::Id, 40);
  nextStep_ = new QPushButton(tr("Next step"), this);
  nextStep_->setToolTip(tr("Run only the selected run's next step, then pause it to inspect the results"));
  resumeRun_ = new QPushButton(tr("Resume run"), this);
  resumeRun_->setToolTip(tr("Run every step the selected run has left"));
  connect(nextStep_, &QPushButton::clicked, this, [this] {
    if (const std::int64_t run = selectedRunId())
      emit nextStepRequested(run);
  });
  connect(resumeRun_, &QPushButton::clicked, this, [this] {
    if (const std::int64_t run = selectedRunId())
      emit resumeRequested(run);
  });
  runsTable_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(runsTable_, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
    if (const QModelIndex index = runsTable_->indexAt(at); index.isValid()) {
      runsTable_->setCurrentIndex(index);
      runContextMenu()->popup(runsTable_->viewport()->mapToGlobal(at));
    }
  });
  auto* runButtons = new QHBoxLayout;
  runButtons->addWidget(new QLabel(tr("Runs"), this));
  runButtons->addStretch(1);
  runButtons->addWidget(nextStep_);
  runButtons->addWidget(resumeRun_);
  auto* runsBox = new QWidget(this);
  auto* runsLayout = new QVBoxLayout(runsBox);
  runsLayout->setContentsMargins(0, 0, 0, 0);
  runsLayout->addLayout(runButtons);
  runsLayout->addWidget(runsTable_, 1);

  auto* importButton = new QPushButton(tr("Import corpus..."), this);
  auto* demoButton = new QPushButton(tr("Import demo corpus"), this);
  auto* runButton = new QPushButton(tr("New run..."), this);
  auto* bm25Button = new QPushButton(tr("Evaluate BM25..."), this);
  auto* modelButton = new QPushButton(tr("Evaluate model..."), this);
  pause_ = new QPushButton(tr("Pause"), this);
  cancel_ = new QPushButton(tr("Cancel"), this);
  connect(importButton, &QPushButton::clicked, this, &JobsPanel::importRequested);
  connect(demoButton, &QPushButton::clicked, this, &JobsPanel::demoRequested);
  connect(runButton, &QPushButton::clicked, this, &JobsPanel::runRequested);
  connect(bm25Button, &QPushButton::clicked, this, &JobsPanel::bm25Requested);
  connect(modelButton, &QPushButton::clicked, this, &JobsPanel::modelEvaluationRequested);
  connect(pause_, &QPushButton::clicked, this, [this] {
    if (JobRunner* job = selectedJob())
      job->state() == JobRunner::State::Paused ? job->resume() : job->pause();
  });
  connect(cancel_, &QPushButton::clicked, this, [this] {
    if (JobRunner* job = selectedJob())
      job->cancel();
  });
  auto* buttons = new QHBoxLayout;
  for (QPushButton* b : {importButton, demoButton, runButton, bm25Button, modelButton})
    buttons->addWidget(b);
  buttons->addStretch(1);
  buttons->addWidget(pause_);
  buttons->addWidget(cancel_);

  log_ = new QPlainTextEdit(this);
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);
  log_->setPlaceholderText(tr("The selected job's log appears here."));
  loss_ = new QCustomPlot(this);
  loss_->setMinimumHeight(160);
  loss_->addGraph();
  loss_->graph(0)->setPen(QPen(QColor(0xd7, 0x30, 0x27), 1.5));
  loss_->xAxis->setLabel(tr("training step"));
  loss_->yAxis->setLabel(tr("loss"));

  auto* top = new QSplitter(Qt::Horizontal, this);
  top->addWidget(runsBox);
  top->addWidget(table_);
  top->setStretchFactor(0, 2);
  top->setStretchFactor(1, 3);
  auto* bottom = new QSplitter(Qt::Horizontal, this);
  bottom->addWidget(log_);
  bottom->addWidget(loss_);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(top);
  splitter->addWidget(bottom);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(splitter, 1);

  // Live points arrive at the trainer's pace; the curve is redrawn at most every 40 ms.
  lossRedrawTimer_ = new QTimer(this);
  lossRedrawTimer_->setSingleShot(true);
  lossRedrawTimer_->setInterval(40);
  connect(lossRedrawTimer_, &QTimer::timeout, this, &JobsPanel::drawFeed);
  connect(jobs_, &JobManager::activeCountChanged, this, &JobsPanel::updateButtons);
  connect(jobs_, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex&, int, int last) {
    table_->selectRow(last); // follow the newest job
  });
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { showJob(jobs_->jobAt(current.row())); });
  connect(jobs_, &QAbstractItemModel::dataChanged, this, &JobsPanel::updateButtons);
  // A run job's progress moves its run on step by step: the run list follows, at most once a second.
  runsRefreshTimer_ = new QTimer(this);
  runsRefreshTimer_->setSingleShot(true);
  runsRefreshTimer_->setInterval(1000);
  connect(runsRefreshTimer_, &QTimer::timeout, this, &JobsPanel::refreshRuns);
  connect(jobs_, &QAbstractItemModel::dataChanged, this, [this] {
    if (!runsRefreshTimer_->isActive())
      runsRefreshTimer_->start();
  });
  connect(runsTable_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &JobsPanel::updateRunButtons);
  connect(runs_, &QAbstractItemModel::modelReset, this, &JobsPanel::updateRunButtons);
  connect(runs_, &QAbstractItemModel::dataChanged, this, &JobsPanel::updateRunButtons);
  updateButtons();
  updateRunButtons();
}

void JobsPanel::refreshRuns() {
  const std::int64_t run = selectedRunId();
  runs_->refresh();
  selectRun(run);
}

void JobsPanel::setStore(store::Store* store) {
  const std::int64_t run = selectedRunId();
  store_ = store;
  runs_->setStore(store);
  selectRun(run);
  lossRound_ = 0;
  lossLastStep_ = -1;
  if (!feed_) {
    loss_->graph(0)->data()->clear();
    refreshLoss();
  }
}

std::int64_t JobsPanel::selectedRunId() const {
  const QModelIndex current = runsTable_->currentIndex();
  return current.isValid() ? runs_->runIdAt(current.row()) : 0;
}

void JobsPanel::selectRun(std::int64_t runId) {
  const int row = runs_->rowOf(runId);
  if (row >= 0)
    runsTable_->selectRow(row);
  updateRunButtons();
}

void JobsPanel::updateRunButtons() {
  const QModelIndex current = runsTable_->currentIndex();
  const bool can = current.isValid() && runs_->canContinue(current.row());
  nextStep_->setEnabled(can);
  resumeRun_->setEnabled(can);
}

JobRunner* JobsPanel::selectedJob() const {
  const QModelIndex current = table_->currentIndex();
  return current.isValid() ? jobs_->jobAt(current.row()) : nullptr;
}

void JobsPanel::showJob(JobRunner* job) {
  if (shown_)
    disconnect(shown_, &JobRunner::logged, log_, nullptr);
  shown_ = job;
  log_->clear();
  if (job) {
    log_->setPlainText(job->log().join(QLatin1Char('\n')));
    connect(job, &JobRunner::logged, log_, &QPlainTextEdit::appendPlainText);
  }
  followFeed(job ? job->lossFeed() : nullptr);
  updateButtons();
}

void JobsPanel::followFeed(TrainingLossFeed* feed) {
  if (feed_ == feed)
    return;
  if (feed_)
    disconnect(feed_, nullptr, this, nullptr);
  feed_ = feed;
  feedDrawn_ = 0;
  feedRound_ = -1;
  loss_->graph(0)->data()->clear();
  if (!feed_) {
    // Back to the store: draw the newest round's log from its start.
    lossRound_ = 0;
    lossLastStep_ = -1;
    refreshLoss();
    return;
  }
  loss_->xAxis->setLabel(tr("training step"));
  connect(feed_, &TrainingLossFeed::pointsAvailable, this, [this] {
    if (!lossRedrawTimer_->isActive())
      lossRedrawTimer_->start();
  });
  drawFeed(); // a job selected late shows its curve so far
}

void JobsPanel::drawFeed() {
  if (!feed_)
    return;
  const std::vector<TrainingLossFeed::Point> points = feed_->pointsSince(feedDrawn_);
  feedDrawn_ += points.size();
  for (const TrainingLossFeed::Point& p : points) {
    if (p.round != feedRound_) { // a new round starts its own curve
      feedRound_ = p.round;
      loss_->graph(0)->data()->clear();
      loss_->xAxis->setLabel(tr("training step (round %1, live)").arg(p.round));
    }
    loss_->graph(0)->addData(double(p.step), p.loss);
  }
  ++lossRedraws_;
  loss_->rescaleAxes();
  loss_->yAxis->setRangeLower(0);
  loss_->replot(QCustomPlot::rpQueuedReplot);
}

void JobsPanel::updateButtons() {
  const JobRunner* job = selectedJob();
  pause_->setEnabled(job && job->isActive());
  cancel_->setEnabled(job && job->isActive());
  pause_->setText(job && job->state() == JobRunner::State::Paused ? tr("Resume") : tr("Pause"));
}

void JobsPanel::refreshLoss() {
  if (feed_)
    return; // the live feed draws the curve
  if (!store_) {
    loss_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  try {
    // The newest round with a training log; only rows after the last step drawn are read.
    const auto latest = pipeline::latestTrainingRound(*store_);
    const std::int64_t round = latest ? latest->roundId : 0;
    if (round != lossRound_) {
      lossRound_ = round;
      lossLastStep_ = -1;
      loss_->graph(0)->data()->clear();
      loss_->xAxis->setLabel(latest ? tr("training step (run %1, round %2)").arg(latest->runId).arg(latest->roundIndex)
                                    : tr("training step"));
    }
    bool added = false;
    for (const auto& [step, loss] : pipeline::trainingLossAfter(*store_, lossRound_, lossLastStep_)) {
      lossLastStep_ = step;
      loss_->graph(0)->addData(double(step), loss);
      added = true;
    }
    if (added || lossRound_ == 0) {
      loss_->rescaleAxes();
      loss_->yAxis->setRangeLower(0);
      loss_->replot(QCustomPlot::rpQueuedReplot);
    }
  } catch (const std::exception&) {
    // A busy or migrating store: the next refresh (a job finishing, another experiment) reads it again.
  }
}

int JobsPanel::lossPointCount() const {
  return loss_->graph(0)->dataCount();
}

QMenu* JobsPanel::runContextMenu() {
  auto* menu = new QMenu(this);
  menu->setAttribute(Qt::WA_DeleteOnClose);
  const std::int64_t run = selectedRunId();
  const auto add = [&](const QString& text, void (JobsPanel::*signal)(std::int64_t)) {
    QAction* action = menu->addAction(text, this, [this, run, signal] { emit(this->*signal)(run); });
    action->setEnabled(run != 0);
  };
  add(tr("Show config..."), &JobsPanel::runConfigRequested);
  add(tr("Write report..."), &JobsPanel::runReportRequested);
  menu->addSeparator();
  add(tr("Rename..."), &JobsPanel::renameRunRequested);
  add(tr("Duplicate"), &JobsPanel::duplicateRunRequested);
  add(tr("Delete..."), &JobsPanel::deleteRunRequested);
  return menu;
}

} // namespace distillery::ui
