#pragma once
// Ctrl-C (SIGINT) as a stop request for the long command in flight: work polls the token, stops at the next
// safe point and keeps what it has committed. The previous handler comes back when the scope ends.
#include <stop_token>

namespace distillery::cli {

class InterruptScope {
public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  std::stop_token token() const { return source_.get_token(); }
  std::stop_source& source() { return source_; }

private:
  std::stop_source source_;
  void (*previous_)(int) = nullptr;
};

} // namespace distillery::cli
