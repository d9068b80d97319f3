// The CLI's long commands leave their record in the experiment's jobs, as the workbench's background jobs do (issue
// 18): an import completed, a run paused after --steps with its run id, an evaluation that failed with its error - and
// no secret among the recorded parameters.
#include <QTemporaryDir>
#include <QTest>

#include "core/store/Store.h"
#include "tests/support/TestSupport.h"

using namespace distillery;
using distillery::test::runCli;

class CliJobsTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

private slots:
  void longCommandsAreRecordedAsJobs() {
    QVERIFY(dir_.isValid());
    const QString demo = dir_.filePath("demo"), store = dir_.filePath("jobs.distillery");
    QCOMPARE(runCli({"demo-corpus", "--out", demo, "--companies", "2", "--queries", "10"}).exitCode, 0);
    const auto imported = runCli({"import", "--store", store, "--corpus", "demo", demo});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
    const auto paused = runCli({"run", "--store", store, "--corpus", "demo", "--steps", "1"});
    QVERIFY2(paused.exitCode == 0, paused.err.constData());
    const auto failed =
        runCli({"eval", "--store", store, "--corpus", "demo", "--query-set", "demo", "--split", "nope"});
    QVERIFY(failed.exitCode != 0);

    auto s = store::Store::open(store.toStdString(), store::OpenMode::MustExist);
    auto jobs = s.prepare("SELECT kind, status, run_id, coalesce(error, ''), params_json, finished_at IS NOT NULL, "
                          "(SELECT COUNT(*) FROM job_log l WHERE l.job_id = jobs.id) FROM jobs ORDER BY id");
    QVERIFY(jobs.step());
    QCOMPARE_EQ(jobs.columnText(0), std::string("import"));
    QCOMPARE_EQ(jobs.columnText(1), std::string("completed"));
    QVERIFY(jobs.columnText(4).find("\"corpus\":\"demo\"") != std::string::npos);
    QCOMPARE_EQ(jobs.columnInt64(5), 1);
    QVERIFY(jobs.columnInt64(6) >= 1);
    QVERIFY(jobs.step());
    QCOMPARE_EQ(jobs.columnText(0), std::string("run"));
    QCOMPARE_EQ(jobs.columnText(1), std::string("paused"));
    QCOMPARE_EQ(jobs.columnInt64(2), 1);
    QVERIFY(jobs.step());
    QCOMPARE_EQ(jobs.columnText(0), std::string("evaluate"));
    QCOMPARE_EQ(jobs.columnText(1), std::string("failed"));
    QVERIFY2(jobs.columnText(3).find("no judged query") != std::string::npos, jobs.columnText(3).c_str());
    QVERIFY(!jobs.step());
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM jobs WHERE params_json LIKE '%key%'"), 0);
  }
};

QTEST_GUILESS_MAIN(CliJobsTest)
#include "test_cli_jobs.moc"
