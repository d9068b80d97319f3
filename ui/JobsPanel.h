#pragma once
// The jobs panel: every background job with a progress bar and ETA, pause/resume and cancel, the
// selected job's live log, and the training loss curve read from training_log while work runs.
#include <QWidget>

class QCustomPlot;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace distillery::store {
class Store;
}

namespace distillery::ui {

class JobManager;
class JobRunner;

class JobsPanel : public QWidget {
  Q_OBJECT
public:
  explicit JobsPanel(JobManager* jobs, QWidget* parent = nullptr);

  void setStore(store::Store* store);
  QTableView* table() const { return table_; }
  QPlainTextEdit* logView() const { return log_; }
  QCustomPlot* lossPlot() const { return loss_; }
  QPushButton* pauseButton() const { return pause_; }
  QPushButton* cancelButton() const { return cancel_; }
  /// Points of the loss curve now drawn (round id, count).
  int lossPointCount() const;

public slots:
  /// Re-reads the newest round's training log and redraws the loss curve.
  void refreshLoss();

signals:
  void importRequested();
  void demoRequested();
  void runRequested();

private:
  JobRunner* selectedJob() const;
  void showJob(JobRunner* job);
  void updateButtons();

  store::Store* store_ = nullptr;
  JobManager* jobs_;
  QTableView* table_;
  QPlainTextEdit* log_;
  QCustomPlot* loss_;
  QPushButton* pause_;
  QPushButton* cancel_;
  QTimer* lossTimer_;
  JobRunner* shown_ = nullptr;
  std::int64_t lossRound_ = 0;
  std::int64_t lossLastStep_ = -1;
};

} // namespace distillery::ui
