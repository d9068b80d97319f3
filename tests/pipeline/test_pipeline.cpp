// distillery-cli run as a user runs it: on a small demo corpus with a small student, checked through the
// JSON it prints and the rows it leaves in the experiment store; killed with SIGKILL mid-step and resumed.
#include <QJsonArray>
#include <QTemporaryDir>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/store/Store.h"
#include "tests/support/ExperimentFixtures.h"
#include "tests/support/TestSupport.h"

using distillery::test::killWhen;
using distillery::test::runCli;

namespace {

std::int64_t scalar(distillery::store::Store& store, const std::string& sql) {
  auto s = store.prepare(sql);
  return s.step() ? s.columnInt64(0) : -1;
}

QJsonObject allMetrics(const QJsonObject& round) {
  return round["metrics"].toObject()["ALL"].toObject();
}

} // namespace

class PipelineTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString demo_, studentDir_, config_;

  QString path(const QString& name) const { return dir_.filePath(name); }

  // A fresh experiment with the demo corpus imported.
  QString freshStore(const QString& name) { return distillery::test::importedExperiment(path(name), demo_); }

  void writeConfig(const QString& file, const std::string& json) { std::ofstream(file.toStdString()) << json; }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    demo_ = path("demo");
    QCOMPARE_EQ(runCli({"demo-corpus", "--out", demo_, "--companies", "4", "--queries", "60"}).exitCode, 0);
    studentDir_ = path("student");
    distillery::test::saveSmallStudent(freshStore("vocab.distillery"), "demo", studentDir_);
    config_ = path("run.json");
    // 120 queries a round: with 60, the random one-layer student took too few steps to move its dev score.
    writeConfig(config_, R"({"student": ")" + studentDir_.toStdString() +
                             R"(", "rounds": 2, "queries_per_round": 120, "k": 10, "filter_top_k": 50,
                             "training": {"epochs": 3, "learning_rate": 0.002}})");
  }

  void runImprovesAndRecordsEveryStep() {
    const QString store = freshStore("run.distillery");
    const auto result = runCli({"run", "--store", store, "--corpus", "demo", "--config", config_, "--json"});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject json = result.json();
    QCOMPARE_EQ(json["status"].toString(), QString("completed"));
    const QJsonArray rounds = json["rounds"].toArray();
    QCOMPARE_EQ(rounds.size(), 3);
    for (int i = 0; i < 3; ++i) {
      QCOMPARE_EQ(rounds[i].toObject()["round"].toInt(), i);
      for (const char* key : {"mrr@5", "ndcg@5", "dcg@5", "recall@5"})
        QVERIFY2(allMetrics(rounds[i].toObject()).contains(key), key);
      QCOMPARE_EQ(allMetrics(rounds[i].toObject())["queries"].toInt(), 60);
    }
    QVERIFY(rounds[0].toObject().contains("bm25"));
    // Distilling the teacher into an untrained student must help on the held-out human queries.
    const double base = allMetrics(rounds[0].toObject())["ndcg@5"].toDouble();
    const double final = allMetrics(rounds[2].toObject())["ndcg@5"].toDouble();
    QVERIFY2(final > base, qPrintable(QString("NDCG@5 %1 -> %2").arg(base).arg(final)));

    auto s = distillery::store::Store::open(store.toStdString(), distillery::store::OpenMode::MustExist);
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM rounds WHERE status = 'completed' AND last_completed_step = "
                          "'evaluate' AND model_id IS NOT NULL"),
                3);
    QVERIFY(scalar(s, "SELECT COUNT(*) FROM candidates") > 0);
    QVERIFY(scalar(s, "SELECT COUNT(*) FROM mined_examples WHERE kind IN ('hard_positive','hard_negative')") > 0);
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM mined_examples WHERE rank_after IS NULL"), 0);
    QVERIFY(scalar(s, "SELECT COUNT(*) FROM training_log") > 0);
    // Every candidate was judged, and the held-out human queries never entered training.
    // (judgments are cached by query text and passage content, so identical queries share one row)
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM candidates c JOIN queries q ON q.id = c.query_id "
                          "JOIN passages p ON p.id = c.passage_id WHERE NOT EXISTS (SELECT 1 FROM judgments j "
                          "WHERE j.query_text = q.text AND j.passage_hash = p.content_hash AND j.status = 'ok')"),
                0);
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM candidates c JOIN queries q ON q.id = c.query_id "
                          "JOIN query_sets qs ON qs.id = q.query_set_id WHERE qs.name = 'demo'"),
                0);
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM runs WHERE software_version <> '' AND seed = 42"), 1);

    // The report of the real run shows the final round's figures per filing type.
    const QString out = path("report");
    const auto report = runCli({"report", "--store", store, "--run", "1", "--out", out, "--json"}, 120000);
    QVERIFY2(report.exitCode == 0, report.err.constData());
    QFile html(out + "/report.html");
    QVERIFY(html.open(QIODevice::ReadOnly));
    const QByteArray text = html.readAll();
    QVERIFY2(text.contains("<td>" + QByteArray::number(final, 'f', 4) + "</td>"), QByteArray::number(final, 'f', 4));
    for (const QString& type : rounds[2].toObject()["metrics"].toObject().keys())
      QVERIFY2(text.contains("<th>" + type.toUtf8() + "</th>"), qPrintable(type));
  }

  void killedRunResumesWithoutPayingTwice() {
    // Reference: an uninterrupted run.
    const QString reference = freshStore("reference.distillery");
    const auto straight = runCli({"run", "--store", reference, "--corpus", "demo", "--config", config_, "--json"});
    QCOMPARE_EQ(straight.exitCode, 0);

    const QString store = freshStore("killed.distillery");
    const bool killedJudging = killWhen({"run", "--store", store, "--corpus", "demo", "--config", config_}, "(judge");
    QVERIFY2(killedJudging, "the run finished before it could be killed while judging");
    QVERIFY(killWhen({"run", "--store", store, "--resume", "1"}, "train ("));
    const auto resumed = runCli({"run", "--store", store, "--resume", "1", "--json"});
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());

    auto a = distillery::store::Store::open(reference.toStdString(), distillery::store::OpenMode::MustExist);
    auto b = distillery::store::Store::open(store.toStdString(), distillery::store::OpenMode::MustExist);
    QCOMPARE_EQ(scalar(b, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
    for (const char* sql :
         {"SELECT COUNT(*) FROM judgments", "SELECT COUNT(*) FROM queries", "SELECT COUNT(*) FROM candidates",
          "SELECT COUNT(*) FROM mined_examples", "SELECT COUNT(*) FROM evaluations", "SELECT COUNT(*) FROM metrics",
          "SELECT COUNT(*) FROM training_log"})
      QVERIFY2(scalar(a, sql) == scalar(b, sql), sql);
    // Same seeds, same data: the resumed run ends where the uninterrupted one does.
    const QJsonArray x = straight.json()["rounds"].toArray(), y = resumed.json()["rounds"].toArray();
    QCOMPARE_EQ(x.size(), y.size());
    for (int i = 0; i < x.size(); ++i)
      QCOMPARE(allMetrics(y[i].toObject())["ndcg@5"].toDouble(), allMetrics(x[i].toObject())["ndcg@5"].toDouble());
  }

  void stepByStepStopsAfterEachStepAndGoesOn() {
    // An analyst advancing a run one step at a time (--steps 1) to inspect each step's results.
    const QString store = freshStore("steps.distillery");
    const QString config = path("steps.json");
    writeConfig(config, R"({"student": ")" + studentDir_.toStdString() +
                            R"(", "rounds": 1, "queries_per_round": 30, "k": 10, "filter_top_k": 50,
                            "training": {"epochs": 1}})");
    auto first = runCli({"run", "--store", store, "--corpus", "demo", "--config", config, "--steps", "1", "--json"});
    QVERIFY2(first.exitCode == 0, first.err.constData());
    QCOMPARE_EQ(first.json()["status"].toString(), QString("paused"));
    QCOMPARE_EQ(first.json()["rounds"].toArray().size(), 1); // round 0 evaluated, nothing of round 1 yet
    QVERIFY2(first.err.contains("--resume 1"), first.err.constData());
    auto s = distillery::store::Store::open(store.toStdString(), distillery::store::OpenMode::MustExist);
    const std::string round1 = "(SELECT id FROM rounds WHERE run_id = 1 AND round_index = 1)";
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM queries WHERE round_id IN " + round1), 0);
    // What each step leaves in the store, checked before the next step runs.
    const std::vector<std::pair<QString, std::string>> steps = {
        {"synthesise", "SELECT COUNT(*) FROM queries WHERE round_id IN " + round1},
        {"retrieve", "SELECT COUNT(*) FROM candidates WHERE round_id IN " + round1},
        {"judge", "SELECT COUNT(*) FROM candidates c JOIN queries q ON q.id = c.query_id JOIN passages p ON "
                  "p.id = c.passage_id JOIN judgments j ON j.query_text = q.text AND j.passage_hash = p.content_hash "
                  "WHERE c.round_id IN " +
                      round1},
        {"mine", "SELECT COUNT(*) FROM mined_examples WHERE round_id IN " + round1},
        {"train", "SELECT COUNT(*) FROM training_log WHERE round_id IN " + round1},
        {"evaluate", "SELECT COUNT(*) FROM evaluations WHERE run_id = 1 AND round_index = 1"},
    };
    QCOMPARE_EQ(first.json()["next_step"].toObject()["step"].toString(), steps.front().first);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      QCOMPARE_EQ(scalar(s, steps[i].second), 0); // not done before its turn
      const auto result = runCli({"run", "--store", store, "--resume", "1", "--steps", "1", "--json"});
      QVERIFY2(result.exitCode == 0, result.err.constData());
      QVERIFY2(scalar(s, steps[i].second) > 0, qPrintable(steps[i].first));
      QVERIFY2(result.err.contains(steps[i].first.toUtf8() + " took"), result.err.constData());
      const bool last = i + 1 == steps.size();
      QCOMPARE_EQ(result.json()["status"].toString(), QString(last ? "completed" : "paused"));
      QCOMPARE_EQ(
          scalar(s, "SELECT COUNT(*) FROM runs WHERE status = '" + std::string(last ? "completed" : "paused") + "'"),
          1);
      if (!last)
        QCOMPARE_EQ(result.json()["next_step"].toObject()["step"].toString(), steps[i + 1].first);
      else
        QVERIFY(!result.json().contains("next_step"));
      if (i + 1 < steps.size()) // the next step's table is still empty
        QCOMPARE_EQ(scalar(s, steps[i + 1].second), 0);
    }
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM rounds WHERE run_id = 1 AND last_completed_step = 'evaluate'"), 2);
    const auto zero = runCli({"run", "--store", store, "--resume", "1", "--steps", "0"});
    QCOMPARE_EQ(zero.exitCode, 2); // bad usage, named
    QVERIFY2(zero.err.contains("--steps"), zero.err.constData());
  }

  void devQueriesAreNeverFilteredByTheStudent() {
    // Early stopping watches the dev queries: filtering them by the student (source in its top k) kept only those it
    // already did well on, so no epoch could improve dev. The random student filters many train queries here.
    const QString store = freshStore("dev.distillery");
    const QString config = path("dev.json");
    writeConfig(config, R"({"student": ")" + studentDir_.toStdString() +
                            R"(", "rounds": 1, "queries_per_round": 60, "k": 5, "filter_top_k": 5})");
    // Round 0's evaluation, synthesise, retrieve.
    const auto result = runCli({"run", "--store", store, "--corpus", "demo", "--config", config, "--steps", "3"});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    auto s = distillery::store::Store::open(store.toStdString(), distillery::store::OpenMode::MustExist);
    const std::string round1 = "(SELECT id FROM rounds WHERE run_id = 1 AND round_index = 1)";
    const std::string dev = "(SELECT id FROM queries WHERE round_id IN " + round1 + " AND split = 'dev')";
    QVERIFY(scalar(s, "SELECT COUNT(*) FROM queries WHERE round_id IN " + round1 +
                          " AND split = 'train' AND json_extract(metadata_json, '$.filtered') IS NOT NULL") > 0);
    QVERIFY(scalar(s, "SELECT COUNT(*) FROM queries WHERE id IN " + dev) > 0);
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM queries WHERE id IN " + dev +
                              " AND json_extract(metadata_json, '$.filtered') IS NOT NULL"),
                0);
    // Every dev query's judged list holds its source, and BM25's top k joins the student's (TREC-style pooling).
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM queries q WHERE q.id IN " + dev +
                              " AND NOT EXISTS (SELECT 1 FROM candidates c WHERE c.query_id = q.id "
                              "AND c.passage_id = q.source_passage_id)"),
                0);
    // (more than the student's top 5 and the source: passages BM25 ranks that the student does not)
    QVERIFY(scalar(s, "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM candidates WHERE query_id IN " + dev +
                          " GROUP BY query_id)") > 6);
  }

  void syntheticHoldoutIsNeverTrainedOn() {
    const QString store = freshStore("holdout.distillery");
    const QString config = path("holdout.json");
    writeConfig(config, R"({"student": ")" + studentDir_.toStdString() +
                            R"(", "rounds": 1, "queries_per_round": 40, "k": 10, "filter_top_k": 50,
                            "evaluation": {"query_set": "synthetic", "holdout_queries": 30}})");
    const auto result = runCli({"run", "--store", store, "--corpus", "demo", "--config", config, "--json"});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QCOMPARE_EQ(allMetrics(result.json()["rounds"].toArray()[0].toObject())["queries"].toInt(), 30);
    auto s = distillery::store::Store::open(store.toStdString(), distillery::store::OpenMode::MustExist);
    const std::string holdout = "(SELECT q.id FROM queries q JOIN query_sets qs ON qs.id = q.query_set_id "
                                "WHERE qs.name = 'run-1-holdout')";
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM queries WHERE id IN " + holdout + " AND split = 'test'"), 30);
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM candidates WHERE query_id IN " + holdout), 0);
    QVERIFY(scalar(s, "SELECT COUNT(*) FROM qrels WHERE query_id IN " + holdout) >= 30);
    // No training query was written from a held-out query's source passage.
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM queries t JOIN query_sets ts ON ts.id = t.query_set_id "
                          "WHERE ts.name = 'run-1' AND t.source_passage_id IN (SELECT source_passage_id FROM "
                          "queries WHERE id IN " +
                              holdout + ")"),
                0);

    // Round 1 grew the held-out pool with its top k. Round 0 (student and BM25) was scored again against the grown
    // pool, so every figure of the run uses the same judgments, on the teacher's 0-3 scale (relevant from grade 2):
    // round 0's stored figure is what a fresh evaluation of its model against the final pool gives.
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM (SELECT DISTINCT json_extract(config_json, "
                          "'$.judgments_fingerprint') FROM evaluations WHERE run_id = 1)"),
                1);
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM evaluations WHERE run_id = 1 AND round_index = 0 AND "
                          "json_extract(config_json, '$.rescored_at') IS NOT NULL"),
                2);
    const QJsonObject round0 = result.json()["rounds"].toArray()[0].toObject();
    QCOMPARE_EQ(round0["relevant_from"].toInt(), 2);
    // Graded by the run's teacher, and said so: the heuristic one here.
    QVERIFY2(round0["judged_by"].toString().startsWith("teacher:heuristic:"),
             qPrintable(round0["judged_by"].toString()));
    const auto fresh =
        runCli({"eval", "--store", store, "--corpus", "demo", "--query-set", "run-1-holdout", "--retriever", "dense",
                "--model", "model:" + QString::number(round0["model_id"].toInteger()), "--json"});
    QVERIFY2(fresh.exitCode == 0, fresh.err.constData());
    QCOMPARE_EQ(fresh.json()["relevant_from"].toInt(), 2);
    const QJsonObject freshAll = fresh.json()["metrics"].toObject()["ALL"].toObject();
    const auto reread = runCli({"run", "--store", store, "--resume", "1", "--json"});
    QVERIFY2(reread.exitCode == 0, reread.err.constData());
    const QJsonObject storedAll = allMetrics(reread.json()["rounds"].toArray()[0].toObject());
    for (const char* key : {"mrr@5", "ndcg@5", "recall@5"})
      QVERIFY2(std::abs(storedAll[key].toDouble() - freshAll[key].toDouble()) < 1e-9,
               qPrintable(QString("%1: stored %2, fresh %3")
                              .arg(key)
                              .arg(storedAll[key].toDouble())
                              .arg(freshAll[key].toDouble())));
    QCOMPARE_EQ(storedAll["ci95"].toObject()["ndcg@5"].toArray(), freshAll["ci95"].toObject()["ndcg@5"].toArray());
  }

  void badInputIsRefusedClearly() {
    const QString store = freshStore("bad.distillery");
    const QString config = path("bad.json");
    writeConfig(config, R"({"rounds": 2, "trainig": {}})");
    auto result = runCli({"run", "--store", store, "--corpus", "demo", "--config", config});
    QCOMPARE_EQ(result.exitCode, 1);
    QVERIFY2(result.err.contains("trainig") && result.err.contains("bad.json"), result.err.constData());
    writeConfig(config, R"({"training": {"loss": "hinge"}})");
    result = runCli({"run", "--store", store, "--corpus", "demo", "--config", config});
    QCOMPARE_EQ(result.exitCode, 1);
    QVERIFY2(result.err.contains("training.loss"), result.err.constData());
    // Numbers that do not fit an int (a fuzz finding: converting them was undefined) and fractions.
    writeConfig(config, R"({"queries_per_round": 2007777777777777777777777777777777})");
    result = runCli({"run", "--store", store, "--corpus", "demo", "--config", config});
    QCOMPARE_EQ(result.exitCode, 1);
    QVERIFY2(result.err.contains("'queries_per_round' must be between"), result.err.constData());
    writeConfig(config, R"({"rounds": 1.5})");
    result = runCli({"run", "--store", store, "--corpus", "demo", "--config", config});
    QCOMPARE_EQ(result.exitCode, 1);
    QVERIFY2(result.err.contains("'rounds' must be a whole number"), result.err.constData());
    result = runCli({"run", "--store", store, "--resume", "7"});
    QCOMPARE_EQ(result.exitCode, 1);
    QVERIFY2(result.err.contains("no run with id 7"), result.err.constData());
    result = runCli({"run", "--store", store, "--corpus", "nope"});
    QCOMPARE_EQ(result.exitCode, 1);
    QVERIFY2(result.err.contains("nope"), result.err.constData());
    auto s = distillery::store::Store::open(store.toStdString(), distillery::store::OpenMode::MustExist);
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM runs"), 0);
  }
};

QTEST_GUILESS_MAIN(PipelineTest)
#include "test_pipeline.moc"
