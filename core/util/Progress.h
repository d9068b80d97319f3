#pragma once
// How long work in core reports progress and learns that it should stop. core has no Qt: the GUI
// wraps these in a QObject that turns callbacks into signals.
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>

#include "core/util/Error.h"
#include "core/util/Message.h"

namespace distillery {

struct Progress {
  std::string stage;        // what is running, e.g. "embed", "judge"
  std::int64_t done;        // items finished
  std::int64_t total;       // items in all; 0 when unknown
  std::string message = {}; // optional detail for logs
  // Work of several steps (a run's rounds): the steps finished before this stage, and all of them; 0 when the work
  // has one stage. Lets a progress bar and an ETA cover the whole work, not restart at each step.
  std::int64_t stepsDone = 0;
  std::int64_t stepsTotal = 0;
  // The same for people in other languages (core/util/Message.h): message as an id and its arguments (None: message
  // is free text), and the stage when it is more than a name (None: stage is a key of kMessages, or free text).
  Message text = {};
  Message stageText = {};
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

/// Reports progress whose message is text: message is its English, text the id and arguments to translate.
inline void report(const ProgressCallback& callback, Progress progress, Message text) {
  if (!callback)
    return;
  progress.message = english(text);
  progress.text = std::move(text);
  callback(progress);
}

} // namespace distillery
