#pragma once
// Training loss points on their way from a worker thread to the GUI. The trainer appends under a lock at every
// optimiser step; the GUI is told with at most one queued notification at a time (however fast the trainer
// steps) and reads what is new. Plots redraw from it on their own throttle, never on each point.
#include <QObject>

#include <cstddef>
#include <mutex>
#include <vector>

namespace distillery::ui {

class TrainingLossFeed : public QObject {
  Q_OBJECT
public:
  struct Point {
    int round = 0;
    int step = 0;
    double loss = 0;
  };
  using QObject::QObject;

  /// Any thread: records a point and, unless one is already on its way, queues pointsAvailable().
  void append(int round, int step, double loss);
  /// GUI thread: the points from index `from` on (all points ever appended are kept, so a panel that starts
  /// showing the feed late draws the whole curve).
  std::vector<Point> pointsSince(std::size_t from);
  std::size_t size() const;

signals:
  void pointsAvailable();

private:
  mutable std::mutex mutex_;
  std::vector<Point> points_;
  bool notificationPending_ = false;
};

} // namespace distillery::ui
