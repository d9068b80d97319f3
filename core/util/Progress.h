#pragma once
// How long work in core reports progress and learns that it should stop. core has no Qt: the GUI
// wraps these in a QObject that turns callbacks into signals.
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>

#include "core/util/Error.h"

namespace distillery {

struct Progress {
  std::string stage;   // what is running, e.g. "embed", "judge"
  std::int64_t done;   // items finished
  std::int64_t total;  // items in all; 0 when unknown
  std::string message; // optional detail for logs
  // Work of several steps (a run's rounds): the steps finished before this stage, and all of them; 0 when the work
  // has one stage. Lets a progress bar and an ETA cover the whole work, not restart at each step.
  std::int64_t stepsDone = 0;
  std::int64_t stepsTotal = 0;
};

using ProgressCallback = std::function<void(const Progress&)>;

/// Throws Cancelled when a stop was requested; call between items of long work.
inline void throwIfStopped(const std::stop_token& stop) {
  if (stop.stop_requested())
    throw Cancelled();
}

inline void report(const ProgressCallback& callback, Progress progress) {
  if (callback)
    callback(progress);
}

} // namespace distillery
