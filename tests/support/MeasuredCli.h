#pragma once
// distillery-cli in a child process of its own, so that wait4() reports its peak RSS (QProcess would mix it with
// every other child's), with an optional time limit after which it is SIGKILLed.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

namespace distillery::test {

struct MeasuredCli {
  int exitCode = -1; // -1: killed by a signal (a crash) or by the time limit
  bool timedOut = false;
  QByteArray out;
  QByteArray err;
  long maxRssKb = 0;
  double seconds = 0;
  QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
  QString describe() const {
    return QStringLiteral("exit %1%2, %3 MB peak RSS, %4 s; stderr: %5")
        .arg(exitCode)
        .arg(timedOut ? QStringLiteral(" (timed out)") : QString())
        .arg(maxRssKb / 1024)
        .arg(seconds, 0, 'f', 1)
        .arg(QString::fromUtf8(err.left(600)));
  }
};

/// Runs distillery-cli with `arguments` (stdin /dev/null; stdout and stderr through files in `scratch`), killing it
/// after `timeoutSeconds` when that is positive.
inline MeasuredCli runCliMeasured(const QStringList& arguments, const QString& scratch, double timeoutSeconds = 0) {
  const QByteArray outPath = QDir(scratch).filePath("cli.out").toLocal8Bit();
  const QByteArray errPath = QDir(scratch).filePath("cli.err").toLocal8Bit();
  std::vector<QByteArray> storage = {QByteArray(DISTILLERY_CLI_PATH)};
  for (const QString& argument : arguments)
    storage.push_back(argument.toLocal8Bit());
  std::vector<char*> argv;
  for (QByteArray& s : storage)
    argv.push_back(s.data());
  argv.push_back(nullptr);

  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(outPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  MeasuredCli result;
  int status = 0;
  rusage usage{};
  while (true) {
    const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid || (done < 0 && errno != EINTR))
      break;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (timeoutSeconds > 0 && elapsed > timeoutSeconds && !result.timedOut) {
      result.timedOut = true;
      ::kill(pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.maxRssKb = usage.ru_maxrss;
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  QFile out(QString::fromLocal8Bit(outPath));
  if (out.open(QIODevice::ReadOnly))
    result.out = out.readAll();
  QFile err(QString::fromLocal8Bit(errPath));
  if (err.open(QIODevice::ReadOnly))
    result.err = err.readAll();
  return result;
}

} // namespace distillery::test
