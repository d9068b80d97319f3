// A pool of teacher endpoints from the command line: `teacher check` checks every endpoint and names the one that
// fails, a pool that mixes models is refused naming the field and the file, and a small `run` against a pool of
// two scripted teachers (one of which stops answering mid-run) completes, logs the endpoint taken out, stores the
// pool in the run's config and no key anywhere.
#include <QTemporaryDir>
#include <QTest>

#include <QJsonArray>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>

#include "core/pipeline/RunConfig.h"
#include "core/store/Store.h"
#include "tests/reliability/ScriptedTeacher.h"
#include "tests/support/ExperimentFixtures.h"
#include "tests/support/TestSupport.h"
#include "tests/teacher/FakeChatServer.h"
#include "tests/teacher/TeacherTestSupport.h"

using distillery::test::FakeChatServer;
using distillery::test::FakeReply;
using distillery::test::FakeRequest;
using distillery::test::runCli;
using nlohmann::json;

class CliTeacherPoolTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  QString writeJson(const QString& name, const json& value) {
    const QString path = dir_.filePath(name);
    std::ofstream(path.toStdString()) << value.dump(2);
    return path;
  }

  static json pool(const std::vector<const FakeChatServer*>& servers) {
    json endpoints = json::array();
    for (const FakeChatServer* server : servers)
      endpoints.push_back({{"base_url", server->baseUrl()}, {"api_key_env", distillery::test::kPlantedKeyVariable}});
    return {{"kind", "openai"},
            {"model", "fake-model"},
            {"concurrency", 2},
            {"timeout_seconds", 20},
            {"retry", {{"max_attempts", 2}, {"initial_backoff_seconds", 0.01}, {"max_backoff_seconds", 0.05}}},
            {"pool", {{"failures_to_take_out", 2}, {"backoff_seconds", 0.2}, {"max_backoff_seconds", 1}}},
            {"endpoints", endpoints}};
  }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    distillery::test::plantApiKey();
  }

  void checkChecksEveryEndpoint() {
    FakeChatServer first([](const FakeRequest&) { return distillery::test::gradeReply(3, "States the revenue."); });
    FakeChatServer refusing([](const FakeRequest& r) {
      return FakeReply{401, std::string("{\"error\": \"bad key ") + r.authorization + "\"}", {}, 0, false};
    });
    FakeChatServer third([](const FakeRequest&) { return distillery::test::gradeReply(3, "States the revenue."); });
    const QString config = writeJson("pool.json", pool({&first, &refusing, &third}));
    auto r = runCli({"teacher", "check", "--teacher-config", config, "--json"});
    QCOMPARE(r.exitCode, 1);
    QJsonObject result = r.json();
    QCOMPARE(result["ok"].toBool(), false);
    QCOMPARE(result["teacher"].toObject()["model"].toString(), QStringLiteral("fake-model"));
    const QJsonArray endpoints = result["endpoints"].toArray();
    QCOMPARE(endpoints.size(), 3);
    QCOMPARE(endpoints[0].toObject()["ok"].toBool(), true);
    QCOMPARE(endpoints[0].toObject()["grade"].toInt(), 3);
    QCOMPARE(endpoints[1].toObject()["ok"].toBool(), false);
    QCOMPARE(endpoints[1].toObject()["endpoint"].toString(),
             QString::fromStdString("endpoints[1] (" + refusing.baseUrl() + ")"));
    QVERIFY(endpoints[1].toObject()["failure_reason"].toString().contains("HTTP 401"));
    QCOMPARE(endpoints[2].toObject()["ok"].toBool(), true);
    // Each endpoint on its own, once (a refused key is not retried).
    QCOMPARE(first.requestCount(), 1);
    QCOMPARE(refusing.requestCount(), 1);
    QCOMPARE(third.requestCount(), 1);
    QVERIFY(!r.out.contains(distillery::test::kPlantedKey));
    QVERIFY(!r.err.contains(distillery::test::kPlantedKey));

    // The text names every endpoint; all answering is a success.
    FakeChatServer second([](const FakeRequest&) { return distillery::test::gradeReply(3, "States the revenue."); });
    const QString healthy = writeJson("healthy.json", pool({&first, &second}));
    r = runCli({"teacher", "check", "--teacher-config", healthy});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("a pool of 2 endpoints"), r.out.constData());
    QVERIFY(r.out.contains(QByteArray::fromStdString("endpoints[0] (" + first.baseUrl() + "): ok in")));
    QVERIFY(r.out.contains(QByteArray::fromStdString("endpoints[1] (" + second.baseUrl() + "): ok in")));
  }

  void aPoolThatMixesModelsIsRefused() {
    json mixed = pool({});
    mixed.erase("model");
    mixed["endpoints"] = json::array({{{"base_url", "http://127.0.0.1:9/v1"}, {"model", "llama-8b"}},
                                      {{"base_url", "http://127.0.0.2:9/v1"}, {"model", "llama-8b"}},
                                      {{"base_url", "http://127.0.0.3:9/v1"}, {"model", "llama-70b"}}});
    const QString config = writeJson("mixed.json", mixed);
    auto r = runCli({"teacher", "check", "--teacher-config", config});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(config.toUtf8()) && r.err.contains("'endpoints[2].model' is 'llama-70b'"),
             r.err.constData());
    // --endpoint names one endpoint: it cannot quietly replace a pool.
    r = runCli({"teacher", "check", "--teacher-config", writeJson("pool2.json", pool({})), "--endpoint",
                "http://127.0.0.1:9/v1"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("lists a pool in 'endpoints'"), r.err.constData());
    // A run config with such a pool is refused before anything is created.
    const QString store = dir_.filePath("refused.distillery");
    QCOMPARE(runCli({"init", "--store", store}).exitCode, 0);
    const QString runConfig = writeJson("run-mixed.json", {{"teacher", mixed}});
    r = runCli({"run", "--store", store, "--corpus", "demo", "--config", runConfig});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("endpoints[2].model"), r.err.constData());
  }

  void aRunConfigKeepsItsPool() {
    // What a run stores is parseRunConfig's normalised form, read back on --resume (also by the workbench, which
    // never rewrites a stored config): a pool survives any number of such round trips unchanged.
    FakeChatServer a([](const FakeRequest&) { return distillery::test::gradeReply(1); });
    FakeChatServer b([](const FakeRequest&) { return distillery::test::gradeReply(1); });
    json teacher = pool({&a, &b});
    teacher["endpoints"][1]["concurrency"] = 7;
    const json once = distillery::pipeline::toJson(distillery::pipeline::parseRunConfig({{"teacher", teacher}}));
    const json twice = distillery::pipeline::toJson(distillery::pipeline::parseRunConfig(once));
    QCOMPARE(QString::fromStdString(twice.dump()), QString::fromStdString(once.dump()));
    QCOMPARE(once["teacher"]["endpoints"].size(), std::size_t(2));
    QCOMPARE(once["teacher"]["endpoints"][0]["base_url"].get<std::string>(), a.baseUrl());
    QCOMPARE(once["teacher"]["endpoints"][0]["concurrency"].get<int>(), 2);
    QCOMPARE(once["teacher"]["endpoints"][1]["concurrency"].get<int>(), 7);
    QCOMPARE(once["teacher"]["pool"]["failures_to_take_out"].get<int>(), 2);
    QCOMPARE(once["teacher"]["model"].get<std::string>(), std::string("fake-model"));
    QVERIFY(!once["teacher"].contains("base_url"));
  }

  void aSmallRunWithAPoolSurvivesAnEndpointThatStops() {
    const auto prepared = distillery::test::prepareSmallDistillation(dir_.filePath("small"), 10);
    std::atomic<int> steadyAnswers{0}, stoppingAnswers{0}, stoppingArrivals{0};
    // Every paid call (a judgment of one pair, a query for one passage and type) answered, over both servers.
    std::mutex mutex;
    std::map<std::string, int> answered;
    const auto answer = [&](const FakeRequest& r) {
      std::lock_guard lock(mutex);
      ++answered[distillery::test::parseTeacherCall(r).key()];
      return distillery::test::scriptedTeacherReply(r);
    };
    FakeChatServer steady([&](const FakeRequest& r) {
      ++steadyAnswers;
      return answer(r);
    });
    FakeChatServer stopping([&](const FakeRequest& r) {
      if (stoppingArrivals.fetch_add(1) >= 10) // stops answering after ten answers, for good
        return FakeReply{0, {}, {}, 0, true};
      ++stoppingAnswers;
      return answer(r);
    });
    const QString config =
        distillery::test::writeSmallRunConfig(dir_.filePath("run-pool.json"), prepared.student,
                                              pool({&steady, &stopping}), {{"query_set", "demo"}}, 1, 12, 5, 1);
    const QString store = distillery::test::copyOfExperiment(prepared.experiment, dir_.filePath("run.distillery"));
    const auto r = runCli({"run", "--store", store, "--corpus", "demo", "--config", config, "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(stoppingAnswers.load(), 10);
    QVERIFY(steadyAnswers.load() > 10);
    QVERIFY2(r.err.contains(QByteArray::fromStdString("teacher endpoint endpoints[1] (" + stopping.baseUrl() +
                                                      ") failed 2 times in a row; taken out of service")),
             r.err.constData());

    auto s = distillery::store::Store::open(store.toStdString());
    // Every candidate pair judged, none failed, and each paid call answered exactly once over the two servers.
    QVERIFY(s.queryInt64("SELECT count(*) FROM judgments WHERE status = 'ok'") > 0);
    QCOMPARE(s.queryInt64("SELECT count(*) FROM judgments WHERE status != 'ok'"), std::int64_t(0));
    QCOMPARE(static_cast<int>(answered.size()), steadyAnswers.load() + stoppingAnswers.load());
    for (const auto& [key, count] : answered)
      QCOMPARE(count, 1);
    // The run keeps its pool (for --resume) and no key.
    auto select = s.prepare("SELECT config_json FROM runs");
    QVERIFY(select.step());
    const json stored = json::parse(select.columnText(0));
    QCOMPARE(stored["teacher"]["endpoints"].size(), std::size_t(2));
    QCOMPARE(stored["teacher"]["endpoints"][1]["base_url"].get<std::string>(), stopping.baseUrl());
    QVERIFY(!distillery::test::storeBytes(store).contains(distillery::test::kPlantedKey));
    QVERIFY(!r.out.contains(distillery::test::kPlantedKey));
    QVERIFY(!r.err.contains(distillery::test::kPlantedKey));
  }
};

QTEST_GUILESS_MAIN(CliTeacherPoolTest)
#include "test_cli_teacher_pool.moc"
