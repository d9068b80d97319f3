#pragma once
// The generic job adapter: runs a core function `void(ProgressCallback, std::stop_token)` on a worker
// thread and turns its progress into (throttled) signals on the GUI thread. Pause blocks the worker
// inside its next progress report; cancel requests a stop through the stop token and wakes it. A report with
// a message but no stage and no counts is a log line only.
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "core/util/Progress.h"

namespace distillery::ui {

class TrainingLossFeed;

using JobFunction = std::function<void(const ProgressCallback&, std::stop_token)>;

class JobRunner : public QObject {
  Q_OBJECT
public:
  enum class State { Queued, Running, Paused, Completed, Failed, Cancelled };
  Q_ENUM(State)

  JobRunner(QString kind, QString title, JobFunction work, QObject* parent = nullptr);
  ~JobRunner() override; // cancels and joins a job still running

  QString kind() const { return kind_; }
  QString title() const { return title_; }
  State state() const { return state_; }
  bool isActive() const { return state_ == State::Running || state_ == State::Paused; }
  std::int64_t done() const { return done_; }
  std::int64_t total() const { return total_; }
  QString stage() const { return stage_; }
  QString error() const { return error_; }
  QStringList log() const { return log_; }
  double elapsedSeconds() const;
  /// The share of the whole job done, 0..1: of its steps when it reports them (a run), else of its current stage;
  /// negative when unknown.
  double fractionDone() const;
  /// The job reports its steps (a run): fractionDone and etaSeconds are the whole job's.
  bool hasSteps() const { return stepsTotal_ > 0; }
  std::int64_t stepsDone() const { return stepsDone_; }
  std::int64_t stepsTotal() const { return stepsTotal_; }
  /// Seconds left: of the whole job at its pace so far when it reports steps, else of the current stage at the rate
  /// since that began; negative when unknown.
  double etaSeconds() const;
  static QString stateName(State state);
  /// Live training loss of a run job (shared with its worker); nullptr for other jobs.
  void setLossFeed(std::shared_ptr<TrainingLossFeed> feed) { lossFeed_ = std::move(feed); }
  TrainingLossFeed* lossFeed() const { return lossFeed_.get(); }

  /// Waits (processing events) until the job finished or timeoutMs passed; true when finished.
  bool waitForFinished(int timeoutMs = 30000);

public slots:
  void start();
  void pause();
  void resume();
  void cancel();

signals:
  void progressChanged(std::int64_t done, std::int64_t total, const QString& stage);
  void logged(const QString& line);
  void stateChanged(distillery::ui::JobRunner::State state);
  void finished(distillery::ui::JobRunner::State state, const QString& error);

private:
  void reportFromWorker(const Progress& progress); // worker thread
  void deliver();                                  // GUI thread: flushes what the worker left
  void finishFromWorker(State state, const QString& error);
  void setState(State state);

  const QString kind_;
  const QString title_;
  JobFunction work_;
  std::shared_ptr<TrainingLossFeed> lossFeed_;
  std::jthread thread_;
  std::stop_source stop_;

  // Shared with the worker.
  std::mutex mutex_;
  std::condition_variable_any resumed_;
  bool paused_ = false;
  bool deliveryPending_ = false;
  Progress latest_{};
  QStringList pendingLog_;
  std::string lastMessage_;

  // GUI thread only.
  State state_ = State::Queued;
  std::int64_t done_ = 0;
  std::int64_t total_ = 0;
  QString stage_;
  std::int64_t stepsDone_ = 0;  // a job of several steps: those finished before the current stage
  std::int64_t stepsTotal_ = 0; // and all of them (0: one stage)
  QString error_;
  QStringList log_;
  QElapsedTimer clock_;
  qint64 pausedMs_ = 0;
  double finishedSeconds_ = -1; // the elapsed time, frozen when the job ended
  QElapsedTimer stageClock_;    // since the current stage (or its total) began
  std::int64_t stageStartDone_ = 0;
  qint64 stageStartPausedMs_ = 0;
  QElapsedTimer pausedClock_;
};

} // namespace distillery::ui
