// `teacher check`, `queries generate` and `judge` as a user runs them: the JSON they print, what they
// store, clear errors for bad input that store nothing, and no API key in any output or the store.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <QProcess>

#include <atomic>
#include <fstream>
#include <memory>

#include "core/store/Store.h"
#include "tests/support/TestSupport.h"
#include "tests/teacher/FakeChatServer.h"
#include "tests/teacher/TeacherTestSupport.h"

using distillery::test::FakeChatServer;
using distillery::test::FakeReply;
using distillery::test::FakeRequest;
using distillery::test::runCli;

namespace {

void writeLines(const QString& path, const std::vector<std::string>& lines) {
  std::ofstream out(path.toStdString());
  for (const auto& line : lines)
    out << line << "\n";
}

} // namespace

class CliTeacherTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString store_;
  std::vector<std::int64_t> passageIds_;

  std::int64_t judgmentCount() {
    auto s = distillery::store::Store::open(store_.toStdString());
    return s.queryInt64("SELECT count(*) FROM judgments");
  }

private slots:
  void initTestCase() {
    distillery::test::plantApiKey();
    store_ = dir_.filePath("exp.db");
    const QString demo = dir_.filePath("demo");
    auto r = runCli({"demo-corpus", "--out", demo, "--companies", "2", "--queries", "10"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    r = runCli({"import", "--store", store_, "--corpus", "demo", demo});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    auto s = distillery::store::Store::open(store_.toStdString());
    auto select = s.prepare("SELECT id FROM passages ORDER BY id LIMIT 6");
    while (select.step())
      passageIds_.push_back(select.columnInt64(0));
    QCOMPARE(passageIds_.size(), std::size_t(6));
  }

  void generatesQueriesWithTheHeuristicTeacher() {
    auto r = runCli({"queries", "generate", "--store", store_, "--corpus", "demo", "--count", "8", "--types",
                     "question,keyword", "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject json = r.json();
    QCOMPARE(json["generated"].toInt(), 8);
    QCOMPARE(json["failed"].toInt(), 0);
    QCOMPARE(json["by_type"].toObject()["question"].toInt(), 4);
    QCOMPARE(json["by_type"].toObject()["keyword"].toInt(), 4);
    QCOMPARE(json["teacher"].toObject()["kind"].toString(), QStringLiteral("heuristic"));
    r = runCli({"queries", "generate", "--store", store_, "--corpus", "demo", "--count", "8", "--types",
                "question,keyword", "--json"});
    QCOMPARE(r.json()["generated"].toInt(), 0);
    QCOMPARE(r.json()["existing"].toInt(), 8);

    r = runCli({"queries", "generate", "--store", store_, "--corpus", "demo", "--types", "question,poem"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("poem"));
  }

  void generatesQueriesThroughAnEndpoint() {
    // A different year per call: the same query twice would be dropped as a duplicate.
    auto calls = std::make_shared<std::atomic<int>>(0);
    FakeChatServer server([calls](const FakeRequest& r) {
      const bool keyword = r.lastUserContent().find("keyword search query") != std::string::npos;
      const std::string year = std::to_string(2020 + calls->fetch_add(1));
      const std::string query = keyword ? "segment revenue " + year : "What was segment revenue in " + year + "?";
      return FakeReply{
          200, distillery::test::chatCompletionBody(nlohmann::json{{"query", query}}.dump()), {}, 0, false};
    });
    auto r = runCli({"queries", "generate", "--store", store_, "--corpus", "demo", "--count", "4", "--types",
                     "keyword,question", "--endpoint", QString::fromStdString(server.baseUrl()), "--model",
                     "writer-model", "--query-set", "llm-queries", "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.json()["generated"].toInt(), 4);
    QCOMPARE(r.json()["usage"].toObject()["calls"].toInt(), 4);
    QCOMPARE(server.requestCount(), 4);
    auto s = distillery::store::Store::open(store_.toStdString());
    QCOMPARE(s.queryInt64("SELECT count(*) FROM queries q JOIN query_sets qs ON qs.id = q.query_set_id WHERE "
                          "qs.name = 'llm-queries' AND q.origin = 'teacher:writer-model' AND "
                          "((q.query_type = 'keyword' AND q.text LIKE 'segment revenue 202_') OR "
                          "(q.query_type = 'question' AND q.text LIKE 'What was segment revenue in 202_?'))"),
             4);
  }

  void judgesPairsAndCachesThem() {
    const QString pairs = dir_.filePath("pairs.jsonl");
    writeLines(pairs,
               {nlohmann::json{{"query", "revenue growth"}, {"passage_id", passageIds_[0]}}.dump(),
                nlohmann::json{{"query", "revenue growth"}, {"passage_id", std::to_string(passageIds_[1])}}.dump(),
                nlohmann::json{{"query", "net income"}, {"text", "Net income rose to $5 million."}}.dump()});
    auto r = runCli({"judge", "--store", store_, "--pairs", pairs, "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.json()["judged"].toInt(), 3);
    QCOMPARE(r.json()["cached"].toInt(), 0);
    QCOMPARE(r.json()["failed"].toInt(), 0);
    QVERIFY(r.json()["failures"].toArray().isEmpty());
    QVERIFY(r.json().contains("seconds"));
    QCOMPARE(judgmentCount(), 3);
    r = runCli({"judge", "--store", store_, "--pairs", pairs, "--json"});
    QCOMPARE(r.json()["judged"].toInt(), 0);
    QCOMPARE(r.json()["cached"].toInt(), 3);
    QCOMPARE(judgmentCount(), 3);
  }

  void badPairsLineIsNamedAndNothingIsStored() {
    const QString pairs = dir_.filePath("bad.jsonl");
    const std::int64_t before = judgmentCount();
    writeLines(pairs, {nlohmann::json{{"query", "fresh query"}, {"passage_id", passageIds_[2]}}.dump(),
                       nlohmann::json{{"query", "q"}, {"passage_id", 987654321}}.dump()});
    auto r = runCli({"judge", "--store", store_, "--pairs", pairs});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("line 2") && r.err.contains("987654321"), r.err.constData());
    writeLines(pairs, {"{\"query\": \"x\"}"});
    r = runCli({"judge", "--store", store_, "--pairs", pairs});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("line 1") && r.err.contains("passage_id"), r.err.constData());
    QCOMPARE(judgmentCount(), before);
  }

  void judgesThroughAnEndpointAndRecordsFailuresWithoutTheKey() {
    FakeChatServer server([](const FakeRequest& r) {
      if (r.lastUserContent().find("unlucky") != std::string::npos)
        return FakeReply{500, "{\"error\": \"auth was " + r.authorization + "\"}", {}, 0, false};
      return distillery::test::gradeReply(2, "It partly answers.");
    });
    const QString pairs = dir_.filePath("llm.jsonl");
    writeLines(pairs, {nlohmann::json{{"query", "cash position"}, {"passage_id", passageIds_[3]}}.dump(),
                       nlohmann::json{{"query", "unlucky query"}, {"passage_id", passageIds_[4]}}.dump(),
                       nlohmann::json{{"query", "debt maturity"}, {"text", "Notes mature in 2030."}}.dump()});
    const QString config = dir_.filePath("teacher.json");
    writeLines(config, {R"({"retry": {"max_attempts": 2, "initial_backoff_seconds": 0.01}})"});
    auto r = runCli({"judge", "--store", store_, "--pairs", pairs, "--endpoint",
                     QString::fromStdString(server.baseUrl()), "--model", "fake-model", "--api-key-env",
                     distillery::test::kPlantedKeyVariable, "--teacher-config", config, "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject json = r.json();
    QCOMPARE(json["judged"].toInt(), 2);
    QCOMPARE(json["failed"].toInt(), 1);
    const QJsonObject failure = json["failures"].toArray().first().toObject();
    QCOMPARE(failure["line"].toInt(), 2);
    QVERIFY(failure["reason"].toString().contains("HTTP 500"));
    QCOMPARE(json["teacher"].toObject()["kind"].toString(), QStringLiteral("openai"));
    QCOMPARE(json["usage"].toObject()["calls"].toInt(), 4);
    QCOMPARE(server.requestCount(), 4);
    QVERIFY(!r.out.contains(distillery::test::kPlantedKey));
    QVERIFY(!r.err.contains(distillery::test::kPlantedKey));
    QVERIFY(!distillery::test::storeBytes(store_).contains(distillery::test::kPlantedKey));
    auto s = distillery::store::Store::open(store_.toStdString());
    QCOMPARE(s.queryInt64("SELECT count(*) FROM judgments WHERE teacher_model = 'fake-model' AND status = 'failed'"),
             1);
    QCOMPARE(s.queryInt64("SELECT count(*) FROM judgments WHERE teacher_model = 'fake-model' AND grade = 2 AND "
                          "rationale = 'It partly answers.'"),
             2);
  }

  void killedJudgeRunKeepsFinishedJudgmentsAndResumes() {
    std::atomic<int> answered{0};
    FakeChatServer server([&](const FakeRequest& r) {
      FakeReply reply = distillery::test::gradeReply(1);
      reply.delayMs = ++answered <= 5 ? 0 : 60000; // five answers, then the endpoint hangs
      return reply;
    });
    const QString pairs = dir_.filePath("crash.jsonl");
    std::vector<std::string> lines;
    for (int i = 0; i < 12; ++i)
      lines.push_back(
          nlohmann::json{{"query", "crash query " + std::to_string(i)}, {"text", "passage " + std::to_string(i)}}
              .dump());
    writeLines(pairs, lines);
    const QStringList arguments = {"judge",
                                   "--store",
                                   store_,
                                   "--pairs",
                                   pairs,
                                   "--endpoint",
                                   QString::fromStdString(server.baseUrl()),
                                   "--model",
                                   "crash-model",
                                   "--concurrency",
                                   "2",
                                   "--json"};
    QProcess process;
    process.start(QStringLiteral(DISTILLERY_CLI_PATH), arguments);
    QVERIFY(process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(answered.load() >= 7, 20000); // five answered, two hanging in flight
    QTest::qWait(300);
    process.kill(); // no chance to clean up, as in a crash
    process.waitForFinished();
    {
      auto s = distillery::store::Store::open(store_.toStdString());
      QCOMPARE(s.queryInt64("SELECT count(*) FROM judgments WHERE teacher_model = 'crash-model' AND status = 'ok'"), 5);
    }
    answered = -1000; // the endpoint recovers
    const auto r = runCli(arguments);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.json()["cached"].toInt(), 5);
    QCOMPARE(r.json()["judged"].toInt(), 7);
  }

  void checkReportsLatencyAndTheParsedAnswer() {
    FakeChatServer server([](const FakeRequest&) {
      FakeReply reply = distillery::test::gradeReply(3, "The passage states the revenue.");
      reply.delayMs = 50;
      return reply;
    });
    auto r = runCli({"teacher", "check", "--endpoint", QString::fromStdString(server.baseUrl()), "--model", "m",
                     "--api-key-env", distillery::test::kPlantedKeyVariable, "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.json()["ok"].toBool(), true);
    QCOMPARE(r.json()["grade"].toInt(), 3);
    QVERIFY(r.json()["latency_ms"].toDouble() >= 50);
    QCOMPARE(r.json()["rationale"].toString(), QStringLiteral("The passage states the revenue."));

    FakeChatServer refusing([](const FakeRequest&) { return FakeReply{401, R"({"error": "bad key"})", {}, 0, false}; });
    r = runCli({"teacher", "check", "--endpoint", QString::fromStdString(refusing.baseUrl()), "--model", "m"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.contains("HTTP 401"), r.out.constData());
    QCOMPARE(refusing.requestCount(), 1);
  }
};

QTEST_GUILESS_MAIN(CliTeacherTest)
#include "test_cli_teacher.moc"
