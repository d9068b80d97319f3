#include "ui/charts/TrainingLossFeed.h"

#include <QMetaObject>

namespace distillery::ui {

void TrainingLossFeed::append(int round, int step, double loss) {
  {
    std::lock_guard lock(mutex_);
    points_.push_back({round, step, loss});
    if (notificationPending_)
      return;
    notificationPending_ = true;
  }
  // Queued to the feed's (GUI) thread; dropped by Qt if the feed is gone by then.
  QMetaObject::invokeMethod(this, &TrainingLossFeed::pointsAvailable, Qt::QueuedConnection);
}

std::vector<TrainingLossFeed::Point> TrainingLossFeed::pointsSince(std::size_t from) {
  std::lock_guard lock(mutex_);
  notificationPending_ = false;
  if (from >= points_.size())
    return {};
  return {points_.begin() + static_cast<std::ptrdiff_t>(from), points_.end()};
}

std::size_t TrainingLossFeed::size() const {
  std::lock_guard lock(mutex_);
  return points_.size();
}

} // namespace distillery::ui
