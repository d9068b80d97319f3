#include "ui/jobs/JobManager.h"

#include <algorithm>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>

#include "core/store/JobLog.h"
#include "core/store/Store.h"
#include "core/util/Time.h"

namespace distillery::ui {

JobManager::JobManager(QObject* parent) : QAbstractTableModel(parent) {}

JobManager::~JobManager() {
  for (JobRunner* job : jobs_)
    job->cancel();
  qDeleteAll(jobs_); // each joins its worker
}

void JobManager::setStore(store::Store* store) {
  store_ = store;
  jobIds_.clear(); // ids belong to the previous experiment's jobs table
}

JobRunner* JobManager::launch(const QString& kind, const QString& title, JobFunction work, const QString& paramsJson,
                              std::shared_ptr<TrainingLossFeed> lossFeed) {
  auto* job = new JobRunner(kind, title, std::move(work), nullptr);
  job->setLossFeed(std::move(lossFeed));
  beginInsertRows({}, int(jobs_.size()), int(jobs_.size()));
  jobs_.append(job);
  endInsertRows();
  connect(job, &JobRunner::progressChanged, this, [this, job] { rowChanged(job); });
  connect(job, &JobRunner::stateChanged, this, [this, job] {
    rowChanged(job);
    emit activeCountChanged(activeCount());
  });
  connect(job, &JobRunner::finished, this, [this, job](JobRunner::State state) {
    record(job, true);
    emit jobFinished(job, state);
  });
  if (store_) {
    try {
      jobIds_.insert(job, store::startJob(*store_, kind.toStdString(), paramsJson.toStdString()));
    } catch (const std::exception&) {
      // Recording is a convenience; the job itself still runs.
    }
  }
  job->start();
  return job;
}

void JobManager::record(JobRunner* job, bool finished) {
  if (!store_ || !jobIds_.contains(job) || !finished)
    return;
  const std::int64_t id = jobIds_.value(job);
  const char* status = job->state() == JobRunner::State::Completed ? "completed"
                       : job->state() == JobRunner::State::Failed  ? "failed"
                                                                   : "cancelled";
  try {
    std::vector<store::JobLogLine> lines;
    const QStringList log = job->log();
    for (qsizetype i = 0; i < log.size(); ++i)
      lines.push_back(
          {i + 1 == log.size() && job->state() == JobRunner::State::Failed ? "error" : "info", log[i].toStdString()});
    store::finishJob(*store_, id, status, job->done(), job->total(),
                     job->error().isEmpty() ? std::optional<std::string>() : job->error().toStdString(), lines);
  } catch (const std::exception&) {
    // Recording is a convenience; the job itself has run.
  }
}

int JobManager::activeCount() const {
  return int(std::count_if(jobs_.begin(), jobs_.end(), [](JobRunner* j) { return j->isActive(); }));
}

bool JobManager::cancelAllAndWait(int timeoutMs) {
  for (JobRunner* job : jobs_)
    job->cancel();
  QDeadlineTimer deadline(timeoutMs);
  while (activeCount() > 0) {
    if (deadline.hasExpired())
      return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(5);
  }
  return true;
}

void JobManager::rowChanged(JobRunner* job) {
  const int row = int(jobs_.indexOf(job));
  if (row >= 0)
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int JobManager::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(jobs_.size());
}

int JobManager::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QString JobManager::formatDuration(double seconds) {
  if (seconds < 0)
    return QStringLiteral("–");
  const qint64 s = qint64(seconds + 0.5);
  if (s < 60)
    return tr("%1 s").arg(s);
  if (s < 3600)
    return tr("%1 min %2 s").arg(s / 60).arg(s % 60);
  return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QVariant JobManager::data(const QModelIndex& index, int role) const {
  const JobRunner* job = jobs_.value(index.row());
  if (!job)
    return {};
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
    case Title:
      return job->title();
    case Status:
      if (job->stage().isEmpty() || !job->isActive())
        return JobRunner::stateName(job->state());
      if (job->hasSteps())
        return tr("%1 (%2, step %3 of %4)")
            .arg(JobRunner::stateName(job->state()), job->stage())
            .arg(std::min(job->stepsDone() + 1, job->stepsTotal()))
            .arg(job->stepsTotal());
      return tr("%1 (%2)").arg(JobRunner::stateName(job->state()), job->stage());
    case ProgressColumn: {
      // A finished job shows 100 only when it completed; a failed or cancelled one shows how far it got, when that
      // is the whole job's share (a stage's 100 % would say it finished); nothing when unknown.
      const double fraction = job->fractionDone();
      switch (job->state()) {
      case JobRunner::State::Completed:
        return 100;
      case JobRunner::State::Failed:
      case JobRunner::State::Cancelled:
        return job->hasSteps() && fraction >= 0 ? QVariant(int(100 * fraction)) : QVariant();
      default:
        return fraction >= 0 ? QVariant(int(100 * fraction)) : QVariant(-1);
      }
    }
    case Eta:
      return formatDuration(job->etaSeconds());
    case Elapsed:
      return formatDuration(job->elapsedSeconds());
    }
  }
  if (role == Qt::ToolTipRole && !job->error().isEmpty())
    return job->error();
  return {};
}

QVariant JobManager::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
    return {};
  switch (section) {
  case Title:
    return tr("Job");
  case Status:
    return tr("Status");
  case ProgressColumn:
    return tr("Progress");
  case Eta:
    return tr("ETA");
  case Elapsed:
    return tr("Elapsed");
  }
  return {};
}

} // namespace distillery::ui
