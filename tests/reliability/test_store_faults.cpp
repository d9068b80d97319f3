// A full disk and a read-only experiment, as `import` and `run` meet them: the command fails with an error that
// names the file and the cause, nothing stored before is lost or changed, and once the fault is gone the same
// command finishes with exactly what an undisturbed one writes. The full disk is RLIMIT_FSIZE in the child (no
// loop device or tmpfs needed); a read-only folder is tested as an unprivileged user, since root may write anyway.
#include <QCryptographicHash>
#include <QJsonArray>
#include <QTemporaryDir>

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/store/Store.h"
#include "tests/reliability/ExperimentContent.h"
#include "tests/support/ExperimentFixtures.h"
#include "tests/support/TestSupport.h"

using namespace distillery::test;

namespace {

constexpr uid_t kNobody = 65534;

// Runs distillery-cli with no file it writes allowed past `bytes`, as when the disk fills up. SIGXFSZ is ignored
// (the disposition survives exec), so a write past the limit fails with EFBIG instead of killing the process.
CliResult runCliWithFileLimit(const QStringList& arguments, rlim_t bytes) {
  return runCliAndKill(
             arguments, [](const QByteArray&) { return false; }, 0,
             [bytes] {
               ::signal(SIGXFSZ, SIG_IGN);
               const rlimit limit{bytes, bytes};
               ::setrlimit(RLIMIT_FSIZE, &limit);
             })
      .result;
}

// Runs distillery-cli as the unprivileged user `nobody`, for whom file permissions hold.
CliResult runCliAsNobody(const QStringList& arguments) {
  return runCliAndKill(
             arguments, [](const QByteArray&) { return false; }, 0,
             [] {
               if (::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)
                 ::_exit(126);
             })
      .result;
}

QByteArray fileDigest(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly))
    return {};
  return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

qint64 fileSize(const QString& path) {
  return QFileInfo(path).size();
}

} // namespace

class StoreFaultsTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString imported_; // the demo corpus, imported once and copied for each case
  QString demo_, more_, student_, config_;

  QString path(const QString& name) const { return dir_.filePath(name); }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    const SmallDistillation prepared = prepareSmallDistillation(dir_.path());
    demo_ = prepared.corpus;
    imported_ = prepared.experiment;
    student_ = prepared.student;
    more_ = path("more");
    QCOMPARE(runCli({"demo-corpus", "--out", more_, "--companies", "6", "--queries", "20", "--seed", "7"}).exitCode, 0);
    config_ =
        writeSmallRunConfig(path("run.json"), student_, {{"kind", "heuristic"}}, {{"query_set", "demo"}}, 1, 20, 10, 2);
  }

  void fullDiskDuringImportKeepsTheCorpusAndResumes() {
    // What two imports write undisturbed.
    const QString reference = copyOfExperiment(imported_, path("import-reference.distillery"));
    QCOMPARE(runCli({"import", "--store", reference, "--corpus", "more", more_}).exitCode, 0);

    const QString store = copyOfExperiment(imported_, path("import-full.distillery"));
    QStringList before;
    {
      auto s = distillery::store::Store::open(store.toStdString());
      before = rows(s, kCorpusContent[1].second); // the passages
    }
    // Room for a little more journal than the file holds now: the second corpus does not fit.
    const auto full = runCliWithFileLimit({"import", "--store", store, "--corpus", "more", more_},
                                          static_cast<rlim_t>(fileSize(store) + 64 * 1024));
    QCOMPARE(full.exitCode, 1);
    QVERIFY2(full.err.contains(store.toUtf8()) && full.err.contains("disk is full") && full.err.contains("intact"),
             full.err.right(800).constData());
    qInfo().noquote() << full.err.mid(full.err.lastIndexOf("distillery-cli: error:")).trimmed();
    {
      auto s = distillery::store::Store::open(store.toStdString());
      QCOMPARE(rows(s, "PRAGMA integrity_check"), QStringList{"ok"});
      const QStringList after = rows(s, kCorpusContent[1].second);
      for (const QString& passage : before) // nothing of the first corpus lost or changed
        QVERIFY2(after.contains(passage), qPrintable(passage));
    }
    // With space again the same command completes the corpus, as if the disk had never filled.
    const auto again = runCli({"import", "--store", store, "--corpus", "more", more_});
    QVERIFY2(again.exitCode == 0, again.err.constData());
    verifySameContent(reference, store, kCorpusContent, QStringLiteral("import after a full disk"));
  }

  void fullDiskDuringRunFailsClearlyAndResumes() {
    const QString reference = copyOfExperiment(imported_, path("run-reference.distillery"));
    const auto straight = runCli({"run", "--store", reference, "--corpus", "demo", "--config", config_, "--json"});
    QVERIFY2(straight.exitCode == 0, straight.err.constData());

    const QString store = copyOfExperiment(imported_, path("run-full.distillery"));
    const auto full = runCliWithFileLimit({"run", "--store", store, "--corpus", "demo", "--config", config_},
                                          static_cast<rlim_t>(fileSize(store) + 128 * 1024));
    QCOMPARE(full.exitCode, 1);
    const QByteArray error = full.err.mid(full.err.lastIndexOf("distillery-cli: error:"));
    QVERIFY2(error.contains(store.toUtf8()) && error.contains("disk is full"), full.err.right(800).constData());
    qInfo().noquote() << error.trimmed();
    const auto resumed = runCli({"run", "--store", store, "--resume", "1", "--json"});
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    QCOMPARE(resumed.json()["rounds"].toArray(), straight.json()["rounds"].toArray());
    verifySameContent(reference, store, kRunContent, QStringLiteral("run after a full disk"));
    QCOMPARE(leftovers(store), QStringList{});
  }

  void aModelThatDoesNotFitIsNamedAndLeavesNothingHalfWritten() {
    // The default student is built on first use and saved beside the experiment: its weights are larger than the
    // room left, so the save fails, naming the file and the reason, and no half-written model stays to be loaded.
    const QString store = copyOfExperiment(imported_, path("model-full.distillery"));
    const QString output = path("model-full.npy");
    const QStringList embed = {
        "embed",    "--model", "default", "--store", store, "--corpus", "demo", "--input", demo_ + "/corpus.jsonl",
        "--output", output};
    const auto full = runCliWithFileLimit(embed, static_cast<rlim_t>(fileSize(store) + 256 * 1024));
    QCOMPARE(full.exitCode, 1);
    const QByteArray error = full.err.mid(full.err.lastIndexOf("distillery-cli: error:")).trimmed();
    QVERIFY2(error.contains("cannot write ") && error.contains(".models/") && error.contains("File too large"),
             error.constData());
    qInfo().noquote() << error;
    QVERIFY2(QDir(store + ".models").entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty(),
             qPrintable(QDir(store + ".models").entryList(QDir::AllEntries | QDir::NoDotAndDotDot).join(", ")));
    // With room again the same command builds, saves and uses the model.
    const auto again = runCli(embed);
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QVERIFY(QFileInfo(output).size() > 0);
  }

  void readOnlyExperimentIsReadButNeverWritten() {
    // An experiment with a run in it, then write-protected: reading it works, writing to it is refused.
    const QString store = copyOfExperiment(imported_, path("read-only.distillery"));
    const auto run = runCli({"run", "--store", store, "--corpus", "demo", "--config", config_});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QByteArray digest = fileDigest(store);
    const auto counts = [&] {
      auto s = distillery::store::Store::open(store.toStdString());
      return s.tableCounts();
    }();
    QVERIFY(QFile::setPermissions(store, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));

    const auto info = runCli({"info", "--store", store, "--json"});
    QVERIFY2(info.exitCode == 0, info.err.constData());
    QCOMPARE(info.json()["counts"].toObject()["runs"].toInt(), 1);
    for (const QStringList& reading :
         {QStringList{"report", "--store", store, "--run", "1", "--out", path("read-only-report")},
          QStringList{"eval-export", "--store", store, "--evaluation", "1", "--run", path("read-only.trec")}}) {
      const auto read = runCli(reading);
      QVERIFY2(read.exitCode == 0, read.err.constData());
    }
    for (const QStringList& writing :
         {QStringList{"import", "--store", store, "--corpus", "more", more_},
          QStringList{"run", "--store", store, "--resume", "1"},
          QStringList{"run", "--store", store, "--corpus", "demo", "--config", config_},
          QStringList{"eval", "--store", store, "--corpus", "demo", "--query-set", "demo", "--retriever", "bm25"}}) {
      const auto refused = runCli(writing);
      QCOMPARE(refused.exitCode, 1);
      QVERIFY2(refused.err.contains(store.toUtf8()) && refused.err.contains("read-only"), refused.err.constData());
    }
    QCOMPARE(fileDigest(store), digest); // not a byte changed
    QVERIFY(QFile::setPermissions(store, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
    auto s = distillery::store::Store::open(store.toStdString());
    QCOMPARE(rows(s, "PRAGMA integrity_check"), QStringList{"ok"});
    QCOMPARE(s.tableCounts(), counts);
  }

  void experimentInAReadOnlyFolderIsNamed() {
    // SQLite keeps its -wal and -shm beside the experiment: a folder nobody may write to cannot host a writer.
    const QString folder = path("locked");
    QVERIFY(QDir().mkpath(folder));
    const QString store = copyOfExperiment(imported_, folder + "/exp.distillery");
    const QByteArray digest = fileDigest(store);
    const auto run = [&](const QStringList& arguments) {
      return ::geteuid() == 0 ? runCliAsNobody(arguments) : runCli(arguments);
    };
    if (::geteuid() == 0) {
      // Root ignores permissions: run as nobody, who must reach the files but may not write the folder.
      QVERIFY(QFile::setPermissions(dir_.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                     QFile::ReadOther | QFile::ExeOther));
      QVERIFY(
          QFile::setPermissions(store, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther | QFile::WriteOther));
      if (run({"--version"}).exitCode != 0)
        QSKIP("running as root, and user nobody cannot run distillery-cli from this build folder");
    }
    QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadOther | QFile::ExeOther));
    const auto refused = run({"import", "--store", store, "--corpus", "more", more_});
    QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(store.toUtf8()) && refused.err.contains("folder"), refused.err.constData());
    QCOMPARE(fileDigest(store), digest);
  }
};

QTEST_GUILESS_MAIN(StoreFaultsTest)
#include "test_store_faults.moc"
