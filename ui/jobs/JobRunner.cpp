#include "ui/jobs/JobRunner.h"

#include <algorithm>

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QLocale>
#include <QMetaObject>
#include <QThread>

#include "ui/jobs/ProgressText.h"

namespace distillery::ui {
namespace {
constexpr int kMaxLogLines = 5000; // keep the newest; a long job's log must not grow without bound
}

JobRunner::JobRunner(QString kind, QString title, JobFunction work, QObject* parent)
    : QObject(parent), kind_(std::move(kind)), title_(std::move(title)), work_(std::move(work)) {}

JobRunner::~JobRunner() {
  cancel();
  if (thread_.joinable())
    thread_.join();
}

QString JobRunner::stateName(State state) {
  switch (state) {
  case State::Queued:
    return tr("queued");
  case State::Running:
    return tr("running");
  case State::Paused:
    return tr("paused");
  case State::Completed:
    return tr("completed");
  case State::Failed:
    return tr("failed");
  case State::Cancelled:
    return tr("cancelled");
  }
  return {};
}

void JobRunner::start() {
  if (state_ != State::Queued)
    return;
  clock_.start();
  setState(State::Running);
  log_ << tr("%1 started %2").arg(title_, QDateTime::currentDateTime().toString(Qt::ISODate));
  emit logged(log_.back());
  thread_ = std::jthread([this, stop = stop_.get_token()] {
    State outcome = State::Completed;
    QString error;
    try {
      work_([this](const Progress& p) { reportFromWorker(p); }, stop);
      if (stop.stop_requested())
        outcome = State::Cancelled; // work that returns early on a stop (instead of throwing) was cancelled too
    } catch (const Cancelled&) {
      outcome = State::Cancelled;
    } catch (const std::exception& e) {
      outcome = State::Failed;
      error = QString::fromUtf8(e.what());
    } catch (...) {
      outcome = State::Failed;
      error = tr("unknown error");
    }
    finishFromWorker(outcome, error);
  });
}

void JobRunner::reportFromWorker(const Progress& progress) {
  std::unique_lock lock(mutex_);
  // A report without stage and counts only carries a log line: the progress shown stays.
  if (!progress.stage.empty() || progress.done != 0 || progress.total != 0)
    latest_ = progress;
  if (!progress.message.empty() && progress.message != lastMessage_) {
    lastMessage_ = progress.message;
    pendingLog_ << progressMessage(progress); // in the user's language
  }
  if (!deliveryPending_) {
    deliveryPending_ = true;
    // Coalesced: however fast the worker reports, the GUI gets one queued delivery at a time.
    QMetaObject::invokeMethod(this, &JobRunner::deliver, Qt::QueuedConnection);
  }
  // Pause: the worker waits here, between items, until resumed or cancelled.
  const std::stop_token stop = stop_.get_token();
  resumed_.wait(lock, stop, [this] { return !paused_; });
  lock.unlock();
  throwIfStopped(stop);
}

void JobRunner::deliver() {
  Progress latest;
  QStringList lines;
  {
    std::lock_guard lock(mutex_);
    deliveryPending_ = false;
    latest = latest_;
    lines.swap(pendingLog_);
  }
  const QString stage = progressStage(latest);
  if (stage != stage_ || latest.total != total_ || !stageClock_.isValid()) {
    // A new stage (a run's next step, say) has its own pace: the ETA is measured from its start.
    stageClock_.start();
    stageStartDone_ = latest.done;
    stageStartPausedMs_ = pausedMs_;
  }
  done_ = latest.done;
  total_ = latest.total;
  stage_ = stage;
  stepsDone_ = latest.stepsDone;
  stepsTotal_ = latest.stepsTotal;
  for (const QString& line : lines) {
    log_ << line;
    emit logged(line);
  }
  while (log_.size() > kMaxLogLines)
    log_.removeFirst();
  emit progressChanged(done_, total_, stage_);
}

void JobRunner::finishFromWorker(State state, const QString& error) {
  QMetaObject::invokeMethod(
      this,
      [this, state, error] {
        deliver();
        if (thread_.joinable())
          thread_.join(); // the worker has returned from its function; joining is immediate
        error_ = error;
        finishedSeconds_ = elapsedSeconds(); // the clock stops with the job
        const QString line =
            state == State::Failed
                ? tr("failed: %1").arg(error)
                : tr("%1 after %2 s").arg(stateName(state), QLocale().toString(elapsedSeconds(), 'f', 1));
        log_ << line;
        emit logged(line);
        setState(state);
        emit finished(state, error);
      },
      Qt::QueuedConnection);
}

void JobRunner::pause() {
  if (state_ != State::Running)
    return;
  {
    std::lock_guard lock(mutex_);
    paused_ = true;
  }
  pausedClock_.start();
  setState(State::Paused);
}

void JobRunner::resume() {
  if (state_ != State::Paused)
    return;
  {
    std::lock_guard lock(mutex_);
    paused_ = false;
  }
  resumed_.notify_all();
  pausedMs_ += pausedClock_.elapsed();
  setState(State::Running);
}

void JobRunner::cancel() {
  if (state_ == State::Queued) {
    setState(State::Cancelled);
    emit finished(State::Cancelled, {});
    return;
  }
  if (!isActive())
    return;
  stop_.request_stop(); // also wakes a paused worker (the wait watches the stop token)
  if (state_ == State::Paused) {
    pausedMs_ += pausedClock_.elapsed();
    setState(State::Running);
  }
}

void JobRunner::setState(State state) {
  if (state_ == state)
    return;
  state_ = state;
  emit stateChanged(state);
}

double JobRunner::elapsedSeconds() const {
  if (finishedSeconds_ >= 0)
    return finishedSeconds_;
  if (!clock_.isValid())
    return 0;
  qint64 paused = pausedMs_;
  if (state_ == State::Paused)
    paused += pausedClock_.elapsed();
  return double(clock_.elapsed() - paused) / 1000.0;
}

double JobRunner::fractionDone() const {
  const double stage = total_ > 0 ? std::clamp(double(done_) / double(total_), 0.0, 1.0) : 0.0;
  if (stepsTotal_ > 0)
    return std::min(1.0, (double(stepsDone_) + stage) / double(stepsTotal_));
  return total_ > 0 ? stage : -1;
}

double JobRunner::etaSeconds() const {
  if (stepsTotal_ > 0) { // the whole job at its pace so far: steps differ, but a run's rounds repeat them
    const double fraction = fractionDone();
    const double seconds = elapsedSeconds();
    if (!isActive() || fraction <= 0 || seconds <= 0)
      return -1;
    return seconds * (1 - fraction) / fraction;
  }
  if (total_ <= 0 || done_ <= stageStartDone_ || !isActive() || !stageClock_.isValid())
    return -1;
  qint64 paused = pausedMs_ - stageStartPausedMs_;
  if (state_ == State::Paused)
    paused += pausedClock_.elapsed();
  const double seconds = double(stageClock_.elapsed() - paused) / 1000.0;
  if (seconds <= 0)
    return -1;
  return seconds * double(total_ - done_) / double(done_ - stageStartDone_);
}

bool JobRunner::waitForFinished(int timeoutMs) {
  QDeadlineTimer deadline(timeoutMs);
  while (isActive()) {
    if (deadline.hasExpired())
      return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(5);
  }
  return true;
}

} // namespace distillery::ui
