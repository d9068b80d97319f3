#include "core/util/ResourceFailure.h"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string_view>

namespace distillery {
namespace {

bool mentions(std::string_view text, std::initializer_list<std::string_view> needles) {
  for (const std::string_view needle : needles)
    if (text.find(needle) != std::string_view::npos)
      return true;
  return false;
}

// "1.4 GB" / "312 MB": sizes as a user frees them.
std::string sizeText(double bytes) {
  char text[32];
  if (bytes >= 1e9)
    std::snprintf(text, sizeof text, "%.1f GB", bytes / 1e9);
  else
    std::snprintf(text, sizeof text, "%.0f MB", bytes / 1e6);
  return text;
}

// The process's address space (VmSize) in bytes, or 0 when /proc cannot tell.
double addressSpaceBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmSize:", 0) == 0)
      return std::stod(line.substr(7)) * 1024.0; // "VmSize:   123456 kB"
  return 0;
}

// What the failure says about itself, the process's size and its limit: "an allocation of 2.1 GB failed with 3.0 GB
// in use; the address-space limit (ulimit -v) is 4.0 GB".
std::string memoryDetail(const std::string& cause) {
  std::string detail;
  const std::string tried = "tried to allocate ";
  if (const auto at = cause.find(tried); at != std::string::npos)
    detail = "an allocation of " + sizeText(std::strtod(cause.c_str() + at + tried.size(), nullptr)) + " failed";
  else
    detail = "an allocation failed";
  if (const double used = addressSpaceBytes(); used > 0)
    detail += " with " + sizeText(used) + " of address space in use";
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    detail += "; the address-space limit (ulimit -v) is " + sizeText(static_cast<double>(limit.rlim_cur));
  return detail;
}

// libtorch's error text runs on with a C++ backtrace; its first line says what happened.
std::string firstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

} // namespace

ExhaustedResource exhaustedResource(const std::exception& error) {
  if (dynamic_cast<const std::bad_alloc*>(&error) != nullptr)
    return ExhaustedResource::Memory;
  const std::string_view what = error.what();
  // c10's CPU allocator ("DefaultCPUAllocator: can't allocate memory: you tried to allocate N bytes"), SQLite's
  // SQLITE_NOMEM ("out of memory").
  if (mentions(what, {"can't allocate memory", "not enough memory", "Cannot allocate memory", "out of memory"}))
    return ExhaustedResource::Memory;
  // systemError's strerror texts and the store's wording of SQLITE_FULL and refused writes.
  if (mentions(what, {"No space left on device", "File too large", "Disk quota exceeded", "the disk is full"}))
    return ExhaustedResource::Disk;
  return ExhaustedResource::None;
}

std::string describeExhausted(ExhaustedResource resource, const std::string& phase, const std::string& cause,
                              const std::string& howToContinue) {
  const std::string kept = "; what was stored before is kept";
  if (resource == ExhaustedResource::Memory)
    return phase + " ran out of memory (" + memoryDetail(cause) + "; " + firstLine(cause) + ")" + kept +
           ": free memory (close other programs, or raise the limit) and " + howToContinue;
  return phase + " ran out of disk space: " + firstLine(cause) + kept + ": free disk space and " + howToContinue;
}

void rethrowNamingPhase(const std::string& phase, const std::string& howToContinue) {
  try {
    throw;
  } catch (const ResourceExhausted& inner) {
    throw ResourceExhausted(phase + ", " + inner.what());
  } catch (const Cancelled&) {
    throw;
  } catch (const std::exception& error) {
    const ExhaustedResource resource = exhaustedResource(error);
    if (resource == ExhaustedResource::None)
      throw;
    std::string message;
    try {
      message = describeExhausted(resource, phase, error.what(), howToContinue);
    } catch (const std::bad_alloc&) { // too little memory left even for the whole sentence
      message = phase + " ran out of memory: free memory and " + howToContinue;
    }
    throw ResourceExhausted(message);
  }
}

} // namespace distillery
