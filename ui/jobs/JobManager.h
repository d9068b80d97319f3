#pragma once
// The experiment's background jobs as a table model: launches JobRunners, records each job in the
// store's jobs and job_log tables (before it starts and after it ends, so the GUI never waits on a
// worker's write lock), and cancels and waits for all of them on close.
#include <QAbstractTableModel>
#include <QList>

#include <memory>

#include "ui/jobs/JobRunner.h"

namespace distillery::store {
class Store;
}

namespace distillery::ui {

class TrainingLossFeed;

class JobManager : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { Title, Status, ProgressColumn, Eta, Elapsed, ColumnCount };
  explicit JobManager(QObject* parent = nullptr);
  ~JobManager() override;

  void setStore(store::Store* store);

  /// Starts work in the background now; the runner belongs to the manager. A run job passes the feed its worker
  /// appends training losses to, so the jobs panel finds it when the job appears.
  JobRunner* launch(const QString& kind, const QString& title, JobFunction work, const QString& paramsJson = {},
                    std::shared_ptr<TrainingLossFeed> lossFeed = {});
  JobRunner* jobAt(int row) const { return jobs_.value(row); }
  int activeCount() const;
  /// Requests a stop of every active job and waits (processing events) until all stopped.
  bool cancelAllAndWait(int timeoutMs = 60000);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  static QString formatDuration(double seconds);

signals:
  void activeCountChanged(int active);
  void jobFinished(distillery::ui::JobRunner* job, distillery::ui::JobRunner::State state);

private:
  void rowChanged(JobRunner* job);
  void record(JobRunner* job, bool finished);

  store::Store* store_ = nullptr;
  QList<JobRunner*> jobs_;
  QHash<JobRunner*, std::int64_t> jobIds_; // jobs.id in the store
};

} // namespace distillery::ui
