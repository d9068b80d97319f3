#include "ui/JobsPanel.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "core/store/Store.h"
#include "ui/JobManager.h"

namespace distillery::ui {
namespace {

/// Draws the progress column as a progress bar (busy style when the total is unknown).
class ProgressDelegate : public QStyledItemDelegate {
public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
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

JobsPanel::JobsPanel(JobManager* jobs, QWidget* parent) : QWidget(parent), jobs_(jobs) {
  table_ = new QTableView(this);
  table_->setModel(jobs_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->hide();
  table_->setItemDelegateForColumn(JobManager::ProgressColumn, new ProgressDelegate(table_));
  table_->horizontalHeader()->setSectionResizeMode(JobManager::Title, QHeaderView::Stretch);
  table_->setColumnWidth(JobManager::Status, 160);
  table_->setColumnWidth(JobManager::ProgressColumn, 160);

  auto* importButton = new QPushButton(tr("Import corpus..."), this);
  auto* demoButton = new QPushButton(tr("Import demo corpus"), this);
  auto* runButton = new QPushButton(tr("New run..."), this);
  pause_ = new QPushButton(tr("Pause"), this);
  cancel_ = new QPushButton(tr("Cancel"), this);
  connect(importButton, &QPushButton::clicked, this, &JobsPanel::importRequested);
  connect(demoButton, &QPushButton::clicked, this, &JobsPanel::demoRequested);
  connect(runButton, &QPushButton::clicked, this, &JobsPanel::runRequested);
  connect(pause_, &QPushButton::clicked, this, [this] {
    if (JobRunner* job = selectedJob())
      job->state() == JobRunner::State::Paused ? job->resume() : job->pause();
  });
  connect(cancel_, &QPushButton::clicked, this, [this] {
    if (JobRunner* job = selectedJob())
      job->cancel();
  });
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(importButton);
  buttons->addWidget(demoButton);
  buttons->addWidget(runButton);
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

  auto* bottom = new QSplitter(Qt::Horizontal, this);
  bottom->addWidget(log_);
  bottom->addWidget(loss_);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(table_);
  splitter->addWidget(bottom);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(splitter, 1);

  lossTimer_ = new QTimer(this);
  lossTimer_->setInterval(1000); // the trainer appends rows; poll while jobs run
  connect(lossTimer_, &QTimer::timeout, this, &JobsPanel::refreshLoss);
  connect(jobs_, &JobManager::activeCountChanged, this, [this](int active) {
    active > 0 ? lossTimer_->start() : lossTimer_->stop();
    refreshLoss();
    updateButtons();
  });
  connect(jobs_, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex&, int, int last) {
    table_->selectRow(last); // follow the newest job
  });
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { showJob(jobs_->jobAt(current.row())); });
  connect(jobs_, &QAbstractItemModel::dataChanged, this, &JobsPanel::updateButtons);
  updateButtons();
}

void JobsPanel::setStore(store::Store* store) {
  store_ = store;
  lossRound_ = 0;
  lossLastStep_ = -1;
  loss_->graph(0)->data()->clear();
  refreshLoss();
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
  updateButtons();
}

void JobsPanel::updateButtons() {
  const JobRunner* job = selectedJob();
  pause_->setEnabled(job && job->isActive());
  cancel_->setEnabled(job && job->isActive());
  pause_->setText(job && job->state() == JobRunner::State::Paused ? tr("Resume") : tr("Pause"));
}

void JobsPanel::refreshLoss() {
  if (!store_) {
    loss_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  try {
    // The newest round with a training log; only rows after the last step drawn are read.
    const std::int64_t round = store_->queryInt64("SELECT coalesce(max(round_id), 0) FROM training_log");
    if (round != lossRound_) {
      lossRound_ = round;
      lossLastStep_ = -1;
      loss_->graph(0)->data()->clear();
      store::Statement r = store_->prepare("SELECT run_id, round_index FROM rounds WHERE id = ?1");
      r.bind(1, round);
      loss_->xAxis->setLabel(r.step()
                                 ? tr("training step (run %1, round %2)").arg(r.columnInt64(0)).arg(r.columnInt64(1))
                                 : tr("training step"));
    }
    store::Statement st =
        store_->prepare("SELECT step, loss FROM training_log WHERE round_id = ?1 AND step > ?2 ORDER BY step");
    st.bind(1, lossRound_).bind(2, lossLastStep_);
    bool added = false;
    while (st.step()) {
      lossLastStep_ = st.columnInt64(0);
      loss_->graph(0)->addData(double(lossLastStep_), st.columnDouble(1));
      added = true;
    }
    if (added || lossRound_ == 0) {
      loss_->rescaleAxes();
      loss_->yAxis->setRangeLower(0);
      loss_->replot(QCustomPlot::rpQueuedReplot);
    }
  } catch (const std::exception&) {
    // A busy or migrating store: try again on the next tick.
  }
}

int JobsPanel::lossPointCount() const {
  return loss_->graph(0)->dataCount();
}

} // namespace distillery::ui
