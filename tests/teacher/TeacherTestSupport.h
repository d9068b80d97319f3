#pragma once
// Shared by the teacher suites: a fast-retrying config pointing at a FakeChatServer, and a planted key.
#include <cstdlib>
#include <string>

#include "core/teacher/TeacherConfig.h"

namespace distillery::test {

inline constexpr const char* kPlantedKeyVariable = "DISTILLERY_TEST_API_KEY";
inline constexpr const char* kPlantedKey = "sk-planted-SECRET-8d1f2c7a";

inline void plantApiKey() {
  ::setenv(kPlantedKeyVariable, kPlantedKey, 1);
}

/// An openai teacher config with millisecond backoffs so retry tests run fast.
inline teacher::TeacherConfig fastOpenAiConfig(const std::string& baseUrl, int maxAttempts = 3) {
  teacher::TeacherConfig config;
  config.kind = "openai";
  config.baseUrl = baseUrl;
  config.model = "fake-model";
  config.apiKeyEnv = kPlantedKeyVariable;
  config.timeoutSeconds = 5;
  config.concurrency = 8;
  config.retry.maxAttempts = maxAttempts;
  config.retry.initialBackoffSeconds = 0.01;
  config.retry.maxBackoffSeconds = 0.05;
  config.retry.jitterFraction = 0.2;
  config.retry.maxRetryAfterSeconds = 3;
  return config;
}

} // namespace distillery::test
