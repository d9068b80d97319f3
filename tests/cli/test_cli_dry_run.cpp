// run --dry-run (issue 25): validates the config and prints what the run would cost - teacher calls, tokens, cost and
// time per round - without creating the run or writing anything to the experiment.
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include "core/store/Store.h"
#include "tests/support/TestSupport.h"

using namespace distillery;
using distillery::test::runCli;

namespace {

// Rows of the tables a run (or its job record) would write.
std::int64_t rowsWritten(const QString& path) {
  auto s = store::Store::open(path.toStdString(), store::OpenMode::MustExist);
  return s.queryInt64("SELECT (SELECT COUNT(*) FROM runs) + (SELECT COUNT(*) FROM rounds) + "
                      "(SELECT COUNT(*) FROM jobs) + (SELECT COUNT(*) FROM query_sets) + (SELECT COUNT(*) FROM "
                      "queries) + (SELECT COUNT(*) FROM judgments) + (SELECT COUNT(*) FROM models)");
}

} // namespace

class CliDryRunTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString store_;

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    const QString demo = dir_.filePath("demo");
    store_ = dir_.filePath("dry.distillery");
    QCOMPARE_EQ(runCli({"demo-corpus", "--out", demo, "--companies", "2", "--queries", "10"}).exitCode, 0);
    const auto imported = runCli({"import", "--store", store_, "--corpus", "demo", demo});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
  }

  void heuristicDryRunPrintsTheEstimateAndWritesNothing() {
    const std::int64_t before = rowsWritten(store_);
    const auto result = runCli({"run", "--store", store_, "--corpus", "demo", "--dry-run", "--json"});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject json = result.json();
    QVERIFY2(json.value("dry_run").toBool(), result.out.constData());
    QCOMPARE_EQ(json.value("corpus").toString(), QStringLiteral("demo"));
    const QJsonObject estimate = json.value("estimate").toObject();
    QCOMPARE_EQ(estimate.value("teacher").toObject().value("kind").toString(), QStringLiteral("heuristic"));
    QVERIFY(estimate.value("teacher").toObject().value("local").toBool());
    QVERIFY(estimate.value("passages").toInteger() > 0);
    QVERIFY(estimate.value("upper_bound").toBool());
    const QJsonArray rounds = estimate.value("rounds").toArray();
    QCOMPARE_EQ(rounds.size(), 3); // round 0 and the default 2 rounds
    const QJsonObject perRound = estimate.value("per_round").toObject();
    for (const char* field : {"synthesis_calls", "judgment_calls", "teacher_calls", "prompt_tokens",
                              "completion_tokens", "cost", "teacher_seconds", "compute_seconds", "seconds"})
      QVERIFY2(perRound.contains(QLatin1String(field)), field);
    // The default 300 queries per round, or as many as the small corpus has passages to write them for.
    const qint64 queries = std::min<qint64>(300, estimate.value("query_sources").toInteger());
    QCOMPARE_EQ(perRound.value("synthesis_calls").toInteger(), queries);
    const qint64 dev = perRound.value("dev_queries").toInteger();
    QCOMPARE_EQ(dev, 30); // training.dev_fraction 0.1 of 300
    QCOMPARE_EQ(perRound.value("judgment_calls").toInteger(), (queries - dev) * 20 + dev * 41); // k 20; 2k + 1
    QCOMPARE_EQ(perRound.value("cost").toDouble(), 0.0);
    QVERIFY(estimate.value("total").toObject().value("seconds").toDouble() > 0);
    QVERIFY(!estimate.value("assumptions").toArray().isEmpty());
    QCOMPARE_EQ(rowsWritten(store_), before); // no run, no job, no query, no judgment
  }

  void pricedTeacherDryRunCostsMoney() {
    const QString config = dir_.filePath("priced.json");
    QFile out(config);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write("{\"rounds\": 1, \"queries_per_round\": 50, \"teacher\": {\"kind\": \"openai\", \"base_url\": "
              "\"http://127.0.0.1:9/v1\", \"model\": \"m\", \"input_price_per_1k\": 0.5, "
              "\"output_price_per_1k\": 1.5}}");
    out.close();
    const std::int64_t before = rowsWritten(store_);
    const auto result =
        runCli({"run", "--store", store_, "--corpus", "demo", "--config", config, "--dry-run", "--json"});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject estimate = result.json().value("estimate").toObject();
    QVERIFY(estimate.value("priced").toBool());
    QVERIFY(!estimate.value("teacher").toObject().value("local").toBool());
    const QJsonObject perRound = estimate.value("per_round").toObject();
    QCOMPARE_EQ(perRound.value("synthesis_calls").toInteger(), 50);
    QVERIFY(perRound.value("prompt_tokens").toInteger() > 0);
    const double cost =
        (perRound.value("prompt_tokens").toDouble() * 0.5 + perRound.value("completion_tokens").toDouble() * 1.5) /
        1000.0;
    QVERIFY(qAbs(perRound.value("cost").toDouble() - cost) < 1e-6);
    QCOMPARE_EQ(rowsWritten(store_), before);

    // Without --json: said in words, the config checked.
    const auto text = runCli({"run", "--store", store_, "--corpus", "demo", "--config", config, "--dry-run"});
    QVERIFY2(text.exitCode == 0, text.err.constData());
    QVERIFY2(text.out.contains("no run was created") && text.out.contains("teacher calls"), text.out.constData());
  }

  void dryRunRefusesABadConfigAndResume() {
    const QString config = dir_.filePath("bad.json");
    QFile out(config);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write("{\"queries_per_round\": 0}");
    out.close();
    const auto bad = runCli({"run", "--store", store_, "--corpus", "demo", "--config", config, "--dry-run"});
    QVERIFY(bad.exitCode != 0);
    QVERIFY2(bad.err.contains("queries_per_round"), bad.err.constData());
    const auto resume = runCli({"run", "--store", store_, "--resume", "1", "--dry-run"});
    QVERIFY(resume.exitCode != 0);
    QVERIFY2(resume.err.contains("--dry-run"), resume.err.constData());
  }
};

QTEST_GUILESS_MAIN(CliDryRunTest)
#include "test_cli_dry_run.moc"
