#pragma once
// Running out of memory or disk in a long phase (import, building the default student, embedding the corpus, a
// round's step): instead of "std::bad_alloc" or libtorch's allocator backtrace, one message that names the phase,
// what ran out, and how to go on once the user has freed it (issue 24).
#include <exception>
#include <string>

#include "core/util/Error.h"

namespace distillery {

/// A phase ran out of memory or disk space. What was stored before it is intact; the message says how to go on.
class ResourceExhausted : public Error {
public:
  using Error::Error;
};

/// What ran out in a failure, if it is one of these.
enum class ExhaustedResource { None, Memory, Disk };

/// Memory: std::bad_alloc, or libtorch's CPU allocator refusing ("can't allocate memory", "not enough memory").
/// Disk: a write refused for want of space or past a size limit (ENOSPC, EFBIG, EDQUOT, or SQLite's full disk),
/// as the messages of AtomicFile, writeWholeFile, the .npy writer and the store word it.
ExhaustedResource exhaustedResource(const std::exception& error);

/// "<phase> ran out of memory (...)" / "<phase> ran out of disk space: <cause>", then "; <kept>: free memory (disk
/// space) and <howToContinue>". Memory failures report the process's size and its address-space limit, and the
/// allocation that failed when libtorch names it.
std::string describeExhausted(ExhaustedResource resource, const std::string& phase, const std::string& cause,
                              const std::string& howToContinue);

/// Call from a catch block: throws ResourceExhausted naming phase when the exception in flight is an out-of-memory
/// or full-disk failure, otherwise rethrows it unchanged. A ResourceExhausted from an inner phase passes through
/// with phase put in front ("round 0, baseline evaluation: embedding the corpus ran out of memory ...").
[[noreturn]] void rethrowNamingPhase(const std::string& phase, const std::string& howToContinue);

/// Runs body; an out-of-memory or full-disk failure inside becomes ResourceExhausted naming phase.
template <typename Body>
decltype(auto) runPhase(const std::string& phase, const std::string& howToContinue, Body&& body) {
  try {
    return body();
  } catch (...) {
    rethrowNamingPhase(phase, howToContinue);
  }
}

} // namespace distillery
