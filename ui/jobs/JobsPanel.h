#pragma once
// The jobs panel: the experiment's runs (resume one, or advance it by a single step), every background job with
// a progress bar and ETA, pause/resume and cancel, the selected job's live log, and the training loss curve: live
// from a run job's loss feed while it trains (redrawn at most every ~40 ms), else the newest stored training log.
#include <QPointer>
#include <QWidget>

#include <cstddef>
#include <cstdint>

class QCustomPlot;
class QPlainTextEdit;
class QPushButton;
class QMenu;
class QTableView;
class QTimer;

namespace distillery::store {
class Store;
}

namespace distillery::ui {

class JobManager;
class JobRunner;
class RunsModel;
class TrainingLossFeed;

class JobsPanel : public QWidget {
  Q_OBJECT
public:
  explicit JobsPanel(JobManager* jobs, QWidget* parent = nullptr);

  void setStore(store::Store* store);
  QTableView* table() const { return table_; }
  QTableView* runsTable() const { return runsTable_; }
  RunsModel* runsModel() const { return runs_; }
  QPlainTextEdit* logView() const { return log_; }
  QCustomPlot* lossPlot() const { return loss_; }
  QPushButton* pauseButton() const { return pause_; }
  QPushButton* cancelButton() const { return cancel_; }
  QPushButton* nextStepButton() const { return nextStep_; }
  QPushButton* resumeRunButton() const { return resumeRun_; }
  /// Points of the loss curve now drawn.
  int lossPointCount() const;
  /// Redraws of the loss curve so far (live points arrive faster than this).
  int lossRedrawCount() const { return lossRedraws_; }
  /// The run selected in the runs table (0 when none).
  std::int64_t selectedRunId() const;
  void selectRun(std::int64_t runId);

public slots:
  /// Shows the newest round's stored training log (when the selected job has no live feed), reading only rows
  /// after the last step drawn.
  void refreshLoss();
  /// Re-reads the run list, keeping the selected run.
  void refreshRuns();

signals:
  void importRequested();
  void demoRequested();
  void runRequested();
  void bm25Requested();
  void modelEvaluationRequested();
  void nextStepRequested(std::int64_t runId);
  void resumeRequested(std::int64_t runId);
  /// From the run list's context menu.
  void renameRunRequested(std::int64_t runId);
  void duplicateRunRequested(std::int64_t runId);
  void deleteRunRequested(std::int64_t runId);
  void runConfigRequested(std::int64_t runId);
  void runReportRequested(std::int64_t runId);

public:
  /// The run list's context menu for the selected run (built on request, so tests can trigger its actions).
  QMenu* runContextMenu();

private:
  JobRunner* selectedJob() const;
  void showJob(JobRunner* job);
  void updateButtons();
  void updateRunButtons();
  void followFeed(TrainingLossFeed* feed);
  void drawFeed();

  store::Store* store_ = nullptr;
  JobManager* jobs_;
  RunsModel* runs_;
  QTableView* runsTable_;
  QTableView* table_;
  QPlainTextEdit* log_;
  QCustomPlot* loss_;
  QPushButton* pause_;
  QPushButton* cancel_;
  QPushButton* nextStep_;
  QPushButton* resumeRun_;
  QTimer* lossRedrawTimer_;
  QTimer* runsRefreshTimer_;
  JobRunner* shown_ = nullptr;
  // Store mode: the newest round's training_log.
  std::int64_t lossRound_ = 0;
  std::int64_t lossLastStep_ = -1;
  // Live mode: a run job's feed.
  QPointer<TrainingLossFeed> feed_;
  std::size_t feedDrawn_ = 0;
  int feedRound_ = -1;
  int lossRedraws_ = 0;
};

} // namespace distillery::ui
