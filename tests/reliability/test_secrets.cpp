// Secrets: an API key planted in the environment variable the teacher config names must reach the endpoint and
// nothing else. Every command that talks to an endpoint runs against a fake one that echoes the Authorization
// header back in every answer (raw, and JSON-escaped as a hostile endpoint might), refuses with the key in a 401
// body, fails with it in 500 bodies, or hangs until the process is killed; then every byte Distillery wrote
// (experiments with their -wal/-shm, models, index caches, reports, TREC exports) and printed is searched for it.
#include <QDirIterator>
#include <QJsonArray>
#include <QTemporaryDir>

#include <atomic>
#include <fstream>

#include "core/store/Store.h"
#include "tests/reliability/ScriptedTeacher.h"
#include "tests/support/ExperimentFixtures.h"
#include "tests/support/TestSupport.h"
#include "tests/teacher/TeacherTestSupport.h"

using namespace distillery::test;

namespace {

// The Authorization header with the key's first character JSON-escaped, behind `backslashes` backslashes: one
// decodes to the key when the HTTP body is parsed, two when the JSON answer inside it is.
std::string escapedEcho(const std::string& authorization, int backslashes = 1) {
  char code[8];
  std::snprintf(code, sizeof code, "u%04x", static_cast<unsigned char>(authorization.at(7)));
  return authorization.substr(0, 7) + std::string(static_cast<std::size_t>(backslashes), '\\') + code +
         authorization.substr(8);
}

// The scripted teacher's answer with the request's Authorization header echoed in the rationale (or query) three
// ways: as sent, escaped in the body's JSON, and escaped in the answer's JSON.
FakeReply echoingReply(const FakeRequest& request) {
  FakeReply reply = scriptedTeacherReply(request, " " + request.authorization + " ECHO-BODY ECHO-ANSWER");
  for (const auto& [placeholder, backslashes] : {std::pair{"ECHO-BODY", 1}, std::pair{"ECHO-ANSWER", 2}})
    if (const auto at = reply.body.find(placeholder); at != std::string::npos)
      reply.body.replace(at, std::string(placeholder).size(), escapedEcho(request.authorization, backslashes));
  return reply;
}

// What a leak looks like: the key itself, or its tail after an escaped first character.
bool leaks(const QByteArray& bytes) {
  return bytes.contains(kPlantedKey) || bytes.contains(QByteArray(kPlantedKey).mid(1));
}

} // namespace

class SecretsTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString imported_; // the demo corpus, imported once and copied for each case
  QString demo_, student_;
  QList<QPair<QString, QByteArray>> printed_; // what each command printed, by command

  QString path(const QString& name) const { return dir_.filePath(name); }

  CliResult cli(const QString& label, const QStringList& arguments) {
    const CliResult result = runCli(arguments);
    printed_ << qMakePair(label, result.out + result.err);
    return result;
  }

  QString runConfig(const QString& name, const std::string& baseUrl) {
    const nlohmann::json teacher = {
        {"kind", "openai"},
        {"base_url", baseUrl},
        {"model", "fake-model"},
        {"api_key_env", kPlantedKeyVariable},
        {"concurrency", 4},
        {"timeout_seconds", 20},
        {"retry", {{"max_attempts", 2}, {"initial_backoff_seconds", 0.01}, {"max_backoff_seconds", 0.02}}}};
    return writeSmallRunConfig(path(name), student_, teacher, {{"query_set", "synthetic"}, {"holdout_queries", 10}}, 1,
                               30, 8, 1);
  }

  static void writePairs(const QString& file, const std::string& query, const std::string& text) {
    std::ofstream(file.toStdString()) << nlohmann::json{{"query", query}, {"text", text}} << "\n";
  }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    plantApiKey();
    const SmallDistillation prepared = prepareSmallDistillation(dir_.path(), 10);
    demo_ = prepared.corpus;
    imported_ = prepared.experiment;
    student_ = prepared.student;
  }

  void anEchoingEndpointNeverGetsTheKeyStored() {
    // Every answer carries the Authorization header back in its rationale or query, raw and escaped.
    std::atomic<int> keyed{0};
    FakeChatServer server([&](const FakeRequest& request) {
      keyed += request.authorization == std::string("Bearer ") + kPlantedKey;
      return echoingReply(request);
    });
    const QString store = copyOfExperiment(imported_, path("echo.distillery"));
    const auto run = cli("run", {"run", "--store", store, "--corpus", "demo", "--config",
                                 runConfig("echo.json", server.baseUrl()), "--json"});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(keyed.load(), server.requestCount()); // the key did reach the endpoint, with every request
    QVERIFY(server.requestCount() > 50);
    auto s = distillery::store::Store::open(store.toStdString());
    QVERIFY(s.queryInt64("SELECT COUNT(*) FROM judgments WHERE rationale LIKE 'Word overlap. Bearer %'") > 0);

    const QString report = path("echo-report");
    QVERIFY(cli("report", {"report", "--store", store, "--run", "1", "--out", report}).exitCode == 0);
    QVERIFY(cli("info", {"info", "--store", store, "--json"}).exitCode == 0);
    auto evaluations = s.prepare("SELECT id FROM evaluations ORDER BY id");
    while (evaluations.step()) {
      const QString id = QString::number(evaluations.columnInt64(0));
      const auto exported = cli("eval-export", {"eval-export", "--store", store, "--evaluation", id, "--run",
                                                path("run-" + id + ".trec"), "--qrels", path("qrels-" + id + ".trec")});
      QVERIFY2(exported.exitCode == 0, exported.err.constData());
    }

    // The teacher commands on their own.
    const QStringList endpoint = {"--endpoint",    QString::fromStdString(server.baseUrl()),
                                  "--model",       "fake-model",
                                  "--api-key-env", kPlantedKeyVariable};
    QVERIFY(cli("teacher check", QStringList{"teacher", "check", "--json"} + endpoint).exitCode == 0);
    QVERIFY(cli("queries generate", QStringList{"queries", "generate", "--store", store, "--corpus", "demo", "--count",
                                                "4", "--query-set", "echoed"} +
                                        endpoint)
                .exitCode == 0);
    const QString pairs = path("pairs.jsonl");
    writePairs(pairs, "cash position", "Cash was $5 million.");
    QVERIFY(cli("judge", QStringList{"judge", "--store", store, "--pairs", pairs, "--json"} + endpoint).exitCode == 0);
  }

  void refusalsAndFailuresDoNotCarryTheKey() {
    // 401 with the key in the body, as some proxies answer a key they do not accept.
    FakeChatServer refusing([](const FakeRequest& request) {
      // Written by hand: a JSON library would escape the backslash of the escaped echo again.
      return FakeReply{401,
                       "{\"error\": {\"message\": \"Incorrect API key provided: " + request.authorization + " " +
                           escapedEcho(request.authorization) + "\"}}",
                       {},
                       0,
                       false};
    });
    const QString refused = copyOfExperiment(imported_, path("refused.distillery"));
    auto result = cli("run against 401", {"run", "--store", refused, "--corpus", "demo", "--config",
                                          runConfig("refused.json", refusing.baseUrl())});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("HTTP 401"), result.err.constData());
    result =
        cli("teacher check against 401", {"teacher", "check", "--endpoint", QString::fromStdString(refusing.baseUrl()),
                                          "--model", "m", "--api-key-env", kPlantedKeyVariable, "--json"});
    QCOMPARE(result.exitCode, 1);

    // 500s that quote the request's headers, retried and given up on.
    FakeChatServer failing([](const FakeRequest& request) {
      return FakeReply{500, "upstream error; request headers: Authorization: " + request.authorization, {}, 0, false};
    });
    const QString pairs = path("failing.jsonl");
    writePairs(pairs, "debt maturity", "Notes mature in 2030.");
    result = cli("judge against 500", {"judge", "--store", refused, "--pairs", pairs, "--endpoint",
                                       QString::fromStdString(failing.baseUrl()), "--model", "fake-model",
                                       "--api-key-env", kPlantedKeyVariable, "--json"});
    QVERIFY2(result.json()["failed"].toInt() == 1, result.out.constData());
    auto s = distillery::store::Store::open(refused.toStdString());
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM judgments WHERE status = 'failed' AND failure_reason LIKE "
                          "'%Authorization: Bearer ***%'"),
             1);
  }

  void aRunKilledMidRequestLeavesNoKey() {
    // The endpoint answers a few calls, then hangs: the process dies with requests (and the key) in flight.
    std::atomic<int> answered{0};
    FakeChatServer hanging([&](const FakeRequest& request) {
      FakeReply reply = echoingReply(request);
      reply.delayMs = ++answered <= 6 ? 0 : 60000;
      return reply;
    });
    const QString store = copyOfExperiment(imported_, path("killed.distillery"));
    const auto killed = runCliAndKill(
        {"run", "--store", store, "--corpus", "demo", "--config", runConfig("killed.json", hanging.baseUrl())},
        [&](const QByteArray&) { return answered.load() >= 8; });
    QVERIFY(killed.killed);
    printed_ << qMakePair(QStringLiteral("killed run"), killed.result.out + killed.result.err);
  }

  void aKeyWrittenIntoTheUrlIsRefusedAndNeverStored() {
    // A key pasted into base_url, as a password or a query parameter, is refused before anything is stored; the
    // configs holding it live outside the folder the last case searches, as a user's own files would.
    QTemporaryDir inputs;
    const QString store = path("url-key.distillery");
    QVERIFY(QFile::copy(imported_, store));
    const std::string key = kPlantedKey;
    int index = 0;
    for (const std::string& url : {"http://analyst:" + key + "@127.0.0.1:9/v1", "http://127.0.0.1:9/v1?api_key=" + key,
                                   "http://127.0.0.1:9/v1#" + key}) {
      const QString config = inputs.filePath(QStringLiteral("url-key-%1.json").arg(++index));
      const nlohmann::json teacher = {{"kind", "openai"}, {"base_url", url}, {"model", "m"}, {"api_key_env", ""}};
      writeSmallRunConfig(config, student_, teacher, {{"query_set", "demo"}}, 1, 12, 8, 1);
      const auto run = cli("run with the key in base_url",
                           {"run", "--store", store, "--corpus", "demo", "--config", config, "--json"});
      QCOMPARE(run.exitCode, 1);
      QVERIFY2(run.err.contains("base_url") && run.err.contains("api_key_env"), run.err.constData());
      const auto check = cli("teacher check with the key in --endpoint",
                             {"teacher", "check", "--endpoint", QString::fromStdString(url), "--model", "m"});
      QVERIFY2(check.exitCode != 0 && check.err.contains("base_url"), check.err.constData());
    }
    auto s = distillery::store::Store::open(store.toStdString(), distillery::store::OpenMode::MustExist);
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM runs"), 0);
  }

  void nothingWrittenOrPrintedHoldsTheKey() {
    for (const auto& [label, bytes] : printed_)
      QVERIFY2(!leaks(bytes), qPrintable(label + " printed the key: " + QString::fromUtf8(bytes).left(2000)));
    // Everything in the test's folder is Distillery's output, or input without the key.
    int files = 0;
    QDirIterator it(dir_.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
      const QString file = it.next();
      QFile f(file);
      QVERIFY(f.open(QIODevice::ReadOnly));
      QVERIFY2(!leaks(f.readAll()), qPrintable(file + " holds the key"));
      ++files;
    }
    // The stores (with -wal and -shm while a writer was killed), models, indexes, reports and exports were there.
    for (const char* written :
         {"echo.distillery", "echo.distillery.models", "echo.distillery.indexes", "echo-report/report.html",
          "run-1.trec", "qrels-1.trec", "killed.distillery-wal", "killed.distillery-shm"})
      QVERIFY2(QFileInfo::exists(path(written)), written);
    qInfo() << files << "files and" << printed_.size() << "commands' output searched";
  }
};

QTEST_GUILESS_MAIN(SecretsTest)
#include "test_secrets.moc"
