#pragma once
// Helpers shared by the test suites: the real data folder, running distillery-cli as a user would.
#include <QByteArray>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>

namespace distillery::test {

/// ../shared/data beside the checkout; tests that need it QSKIP when it is absent.
inline QString sharedDataDir() {
  return QStringLiteral(DISTILLERY_SHARED_DATA);
}

#define DISTILLERY_REQUIRE_SHARED_DATA(relative)                                                                       \
  do {                                                                                                                 \
    if (!QFileInfo::exists(distillery::test::sharedDataDir() + QStringLiteral("/") + QStringLiteral(relative)))        \
      QSKIP(qPrintable(QStringLiteral("shared data not found: ") + distillery::test::sharedDataDir() +                 \
                       QStringLiteral("/") + QStringLiteral(relative)));                                               \
  } while (false)

struct CliResult {
  int exitCode = -1;
  QByteArray out;
  QByteArray err;
  QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

/// Runs distillery-cli with arguments, as a user would, and waits for it (timeout in ms).
inline CliResult runCli(const QStringList& arguments, int timeoutMs = 300000, const QByteArray& stdinData = {}) {
  QProcess process;
  process.start(QStringLiteral(DISTILLERY_CLI_PATH), arguments);
  if (!process.waitForStarted())
    return {};
  if (!stdinData.isEmpty())
    process.write(stdinData);
  process.closeWriteChannel();
  if (!process.waitForFinished(timeoutMs)) {
    process.kill();
    process.waitForFinished();
  }
  CliResult result;
  result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  result.out = process.readAllStandardOutput();
  result.err = process.readAllStandardError();
  return result;
}

} // namespace distillery::test
