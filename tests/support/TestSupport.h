#pragma once
// Helpers shared by the test suites: the real data folder, running distillery-cli as a user would.
#include <QByteArray>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTest>

#include <signal.h>

#include <functional>
#include <memory>
#include <utility>
#include <vector>

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

/// Variables set for a distillery-cli process on top of this process's environment (e.g. a distributed job's RANK).
using CliEnvironment = std::vector<std::pair<QString, QString>>;

/// Starts distillery-cli with arguments and returns at once, for several processes at a time (the ranks of a
/// distributed job); finishCli waits for it. Null when it could not start.
inline std::unique_ptr<QProcess> startCli(const QStringList& arguments, const CliEnvironment& environment = {}) {
  auto process = std::make_unique<QProcess>();
  if (!environment.empty()) {
    auto variables = QProcessEnvironment::systemEnvironment();
    for (const auto& [name, value] : environment)
      variables.insert(name, value);
    process->setProcessEnvironment(variables);
  }
  process->start(QStringLiteral(DISTILLERY_CLI_PATH), arguments);
  if (!process->waitForStarted())
    return nullptr;
  return process;
}

/// Waits for a process startCli started (killed after timeoutMs) and collects its exit code and output.
inline CliResult finishCli(QProcess& process, int timeoutMs = 300000) {
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

/// Runs distillery-cli with arguments, as a user would, and waits for it (timeout in ms).
inline CliResult runCli(const QStringList& arguments, int timeoutMs = 300000, const QByteArray& stdinData = {},
                        const CliEnvironment& environment = {}) {
  const auto process = startCli(arguments, environment);
  if (!process)
    return {};
  if (!stdinData.isEmpty())
    process->write(stdinData);
  process->closeWriteChannel();
  return finishCli(*process, timeoutMs);
}

/// What a run of distillery-cli that the test SIGKILLed printed until then.
struct KilledCli {
  bool killed = false; // false: the process finished before the kill condition held
  CliResult result;    // exitCode -1 when killed
};

/// Starts distillery-cli and SIGKILLs it, as a crash would (no handler runs), `delayMs` after its stderr so far first
/// satisfies `shouldKill`. `prepareChild` runs in the child before exec (resource limits, signal dispositions).
inline KilledCli runCliAndKill(const QStringList& arguments,
                               const std::function<bool(const QByteArray& err)>& shouldKill, int delayMs = 0,
                               std::function<void()> prepareChild = {}) {
  QProcess process;
  if (prepareChild)
    process.setChildProcessModifier(std::move(prepareChild));
  process.start(QStringLiteral(DISTILLERY_CLI_PATH), arguments);
  KilledCli outcome;
  if (!process.waitForStarted())
    return outcome;
  QElapsedTimer sinceCondition;
  while (process.state() == QProcess::Running) {
    process.waitForReadyRead(sinceCondition.isValid() ? 2 : 10);
    outcome.result.err += process.readAllStandardError();
    outcome.result.out += process.readAllStandardOutput();
    if (!sinceCondition.isValid() && shouldKill(outcome.result.err))
      sinceCondition.start();
    if (sinceCondition.isValid() && sinceCondition.elapsed() >= delayMs && process.state() == QProcess::Running) {
      ::kill(static_cast<pid_t>(process.processId()), SIGKILL);
      outcome.killed = true;
      break;
    }
  }
  process.waitForFinished();
  outcome.result.err += process.readAllStandardError();
  outcome.result.out += process.readAllStandardOutput();
  if (!outcome.killed && process.exitStatus() == QProcess::NormalExit)
    outcome.result.exitCode = process.exitCode();
  return outcome;
}

/// Starts a command and SIGKILLs it as soon as stderr shows `marker`; returns whether it was killed in time.
inline bool killWhen(const QStringList& arguments, const QByteArray& marker) {
  return runCliAndKill(arguments, [&](const QByteArray& err) { return err.contains(marker); }).killed;
}

} // namespace distillery::test
