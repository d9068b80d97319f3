#pragma once
// Shared by the teacher suites: a fast-retrying config pointing at a FakeChatServer, and a planted key.
#include <QByteArray>
#include <QFile>
#include <QString>

#include <cstdlib>
#include <string>

#include "core/teacher/TeacherConfig.h"
#include "tests/teacher/FakeChatServer.h"

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

/// The grade scripted servers give: the digit after " grade " in the query ("query 7 grade 2" -> 2).
inline int scriptedGrade(const FakeRequest& request) {
  const std::string content = request.lastUserContent();
  const auto at = content.find(" grade ");
  return at == std::string::npos ? 0 : content[at + 7] - '0';
}

/// Every byte of an experiment (the database and its WAL), to search for what must never be stored.
inline QByteArray storeBytes(const QString& path) {
  QByteArray bytes;
  for (const QString& file : {path, path + "-wal"}) {
    QFile f(file);
    if (f.open(QIODevice::ReadOnly))
      bytes += f.readAll();
  }
  return bytes;
}

} // namespace distillery::test
