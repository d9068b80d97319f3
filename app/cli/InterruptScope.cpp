#include "app/cli/InterruptScope.h"

#include <csignal>

namespace distillery::cli {
namespace {
std::stop_source* activeStop = nullptr; // one long command runs per process
extern "C" void onInterrupt(int) {
  if (activeStop)
    activeStop->request_stop();
}
} // namespace

InterruptScope::InterruptScope() {
  activeStop = &source_;
  previous_ = std::signal(SIGINT, onInterrupt);
}

InterruptScope::~InterruptScope() {
  std::signal(SIGINT, previous_);
  activeStop = nullptr;
}

} // namespace distillery::cli
