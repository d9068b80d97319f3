// Running out of memory, as `embed --model default` (the default student's build) and `run` meet it (issue 24): the
// command fails with exit code 1 and one error that names the phase, says memory ran out and how to go on; nothing
// stored before is lost, and once the limit is gone the same command (or `run --resume`) completes. The shortage is
// an address-space limit (RLIMIT_AS, as `prlimit --as` sets) in the child, set just above what the program needs
// to start and open the experiment, so the phase's own allocations fail. A full disk is test_store_faults'.
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/store/Store.h"
#include "tests/reliability/ExperimentContent.h"
#include "tests/support/ExperimentFixtures.h"
#include "tests/support/TestSupport.h"

using namespace distillery::test;

namespace {

// Runs distillery-cli with its address space limited to `bytes` (what `prlimit --as=BYTES` sets), for at most
// `timeoutMs`: a process that hangs under the limit (OpenBLAS retries its start-up buffer for ever when it cannot
// map it) is killed and counts as failed (exit code -1).
CliResult runCliWithMemoryLimit(const QStringList& arguments, rlim_t bytes, qint64 timeoutMs = 120000) {
  QElapsedTimer started;
  started.start();
  return runCliAndKill(
             arguments, [&](const QByteArray&) { return started.elapsed() > timeoutMs; }, 0,
             [bytes] {
               const rlimit limit{bytes, bytes};
               ::setrlimit(RLIMIT_AS, &limit);
             })
      .result;
}

// The smallest address-space limit (to 32 MB) under which `info` on the experiment succeeds: what the program
// needs to start (libtorch and its libraries mapped) and open the store, before any phase allocates. 0 when even
// 4 GB is too little (a sanitizer build reserves terabytes for its shadow memory).
rlim_t startupAddressSpace(const QString& store) {
  const auto starts = [&](rlim_t bytes) {
    return runCliWithMemoryLimit({"info", "--store", store}, bytes, 5000).exitCode == 0;
  };
  rlim_t low = 256u << 20, high = 4ull << 30; // fails, succeeds
  if (!starts(high))
    return 0;
  while (high - low > (32u << 20)) {
    const rlim_t middle = low + (high - low) / 2;
    (starts(middle) ? high : low) = middle;
  }
  return high;
}

// The last error line distillery-cli printed.
QByteArray errorLine(const CliResult& result) {
  return result.err.mid(result.err.lastIndexOf("distillery-cli: error:")).trimmed();
}

QStringList entries(const QString& folder) {
  return QDir(folder).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
}

} // namespace

class ResourceLimitsTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString demo_, imported_, probe_, config_;
  rlim_t limit_ = 0;

  QString path(const QString& name) const { return dir_.filePath(name); }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    demo_ = path("demo");
    QCOMPARE(runCli({"demo-corpus", "--out", demo_, "--companies", "6", "--queries", "20"}).exitCode, 0);
    imported_ = importedExperiment(path("imported.distillery"), demo_);
    probe_ = path("probe.jsonl");
    std::ofstream(probe_.toStdString()) << R"({"text": "capital expenditures"})"
                                        << "\n";
    config_ = writeSmallRunConfig(path("run.json"), "default", {{"kind", "heuristic"}}, {{"query_set", "demo"}}, 1, 20,
                                  10, 1);
    // Room to start and open the experiment, and 32 MB more: far less than the default student's build needs, and
    // below what OpenBLAS needs for its first sgemm buffer (128 MB), for which it waits for ever instead of failing.
    limit_ = startupAddressSpace(imported_);
    if (limit_ == 0)
      QSKIP("distillery-cli does not start under a 4 GB address-space limit (RLIMIT_AS, prlimit --as): a sanitizer "
            "build reserves more; this test needs an ordinary build");
    limit_ += 32u << 20;
    qInfo("address-space limit for the phases: %llu MB", static_cast<unsigned long long>(limit_ >> 20));
  }

  void defaultStudentBuildOutOfMemoryIsNamedAndTheRerunCompletes() {
    const QString store = copyOfExperiment(imported_, path("embed.distillery"));
    const QString output = path("probe.npy");
    const QStringList embed = {"embed",   "--model", "default",  "--store", store,       "--corpus", "demo",
                               "--input", probe_,    "--output", output,    "--threads", "1"};
    const auto failed = runCliWithMemoryLimit(embed, limit_);
    QCOMPARE(failed.exitCode, 1);
    const QByteArray error = errorLine(failed);
    qInfo().noquote() << error;
    QVERIFY2(error.contains("building the default student") && error.contains("ran out of memory") &&
                 error.contains("run the command again"),
             failed.err.right(1500).constData());
    QVERIFY2(!error.contains("\n"), "one line, no libtorch backtrace");
    QVERIFY2(entries(store + ".models").isEmpty(), qPrintable(entries(store + ".models").join(", ")));
    QVERIFY(!QFileInfo::exists(output));
    {
      auto s = distillery::store::Store::open(store.toStdString());
      QCOMPARE(rows(s, "PRAGMA integrity_check"), QStringList{"ok"});
    }
    // Without the limit the same command builds the student and embeds.
    const auto again = runCli(embed);
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QVERIFY(QFileInfo(output).size() > 0);
  }

  void runOutOfMemoryNamesTheStepAndResumes() {
    const QString reference = copyOfExperiment(imported_, path("run-reference.distillery"));
    const auto straight = runCli({"run", "--store", reference, "--corpus", "demo", "--config", config_, "--json"});
    QVERIFY2(straight.exitCode == 0, straight.err.constData());

    const QString store = copyOfExperiment(imported_, path("run-limited.distillery"));
    const auto failed =
        runCliWithMemoryLimit({"run", "--store", store, "--corpus", "demo", "--config", config_}, limit_);
    QCOMPARE(failed.exitCode, 1);
    const QByteArray error = errorLine(failed);
    qInfo().noquote() << error;
    QVERIFY2(error.contains("round 0") && error.contains("ran out of memory"), failed.err.right(1500).constData());
    QVERIFY2(failed.err.contains("--resume 1"), failed.err.right(1500).constData());
    {
      auto s = distillery::store::Store::open(store.toStdString());
      QCOMPARE(rows(s, "PRAGMA integrity_check"), QStringList{"ok"});
      QCOMPARE(rows(s, "SELECT status FROM runs WHERE id = 1"), QStringList{"failed"});
    }
    const auto resumed = runCli({"run", "--store", store, "--resume", "1", "--json"});
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    QCOMPARE(resumed.json()["status"].toString(), QStringLiteral("completed"));
    QCOMPARE(resumed.json()["rounds"].toArray(), straight.json()["rounds"].toArray());
  }
};

QTEST_GUILESS_MAIN(ResourceLimitsTest)
#include "test_resource_limits.moc"
