// Crash safety: `import` and `run` are SIGKILLed at seeded random points many times over (the harness in
// CrashHarness.h) and resumed, with the heuristic teacher and with an OpenAI-compatible endpoint on 127.0.0.1.
// Afterwards the experiment must pass SQLite's integrity checks, hold no row twice, hold exactly the rows an
// uninterrupted run writes (compared by natural keys, not row ids), end with the same metrics, and the endpoint
// must never have been asked again for a judgment or a query the experiment already held.
// DISTILLERY_CRASH_SEED=N repeats the kill points of an earlier run; every run prints its seed.
#include <QDirIterator>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <random>
#include <set>

#include "core/store/Store.h"
#include "tests/reliability/CrashHarness.h"
#include "tests/reliability/ExperimentContent.h"
#include "tests/reliability/ScriptedTeacher.h"
#include "tests/support/ExperimentFixtures.h"
#include "tests/support/TestSupport.h"

using namespace distillery::test;
using distillery::store::OpenMode;
using distillery::store::Store;

namespace {

QString seedText(std::uint64_t seed) {
  return QStringLiteral("DISTILLERY_CRASH_SEED=%1").arg(seed);
}

std::uint64_t crashSeed() {
  bool ok = false;
  const std::uint64_t given = qEnvironmentVariable("DISTILLERY_CRASH_SEED").toULongLong(&ok);
  return ok ? given : std::random_device{}();
}

} // namespace

class CrashResumeTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString imported_; // the demo corpus, imported once and copied for each case
  QString demo_, student_;
  std::uint64_t seed_ = 0;

  // Each case draws its own kill points from the seed, so one case run alone repeats them too.
  std::mt19937_64 randomFor(const char* scenario) const {
    std::uint64_t hash = 1469598103934665603ULL; // FNV-1a
    for (const char* c = scenario; *c; ++c)
      hash = (hash ^ static_cast<unsigned char>(*c)) * 1099511628211ULL;
    return std::mt19937_64(seed_ ^ hash);
  }

  QString path(const QString& name) const { return dir_.filePath(name); }

  QString writeRunConfig(const QString& name, const nlohmann::json& teacher, const nlohmann::json& evaluation) {
    return writeSmallRunConfig(path(name), student_, teacher, evaluation, 2, 20, 10, 2);
  }

  // Kills `start` (then `resume`) at each point in turn and finally lets `resume` finish; `afterKill` inspects
  // the experiment between two processes. Returns the last process's output and each kill's record.
  CliResult runWithKills(const QStringList& start, const QStringList& resume, const StageTimeline& timeline,
                         const std::vector<KillPoint>& points, QList<KillRecord>& records,
                         const std::function<void()>& afterKill = {}, const std::function<int()>& receivedCalls = {}) {
    CliResult last;
    bool started = false;
    for (const KillPoint& point : points) {
      const KillRecord record = killAt(started ? resume : start, timeline, point, &last, receivedCalls);
      started = true;
      records << record;
      qInfo().noquote() << describe(timeline, record);
      if (!record.killed)
        return last; // it finished before this point: the remaining points are past its end
      if (afterKill)
        afterKill();
    }
    return runCli(started ? resume : start);
  }

  static QStringList stepsKilledIn(const QList<KillRecord>& records) {
    QStringList steps;
    for (const KillRecord& record : records)
      if (record.killed && !steps.contains(record.step))
        steps << record.step;
    return steps;
  }

  static int killCount(const QList<KillRecord>& records) {
    return int(std::count_if(records.begin(), records.end(), [](const KillRecord& r) { return r.killed; }));
  }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    seed_ = crashSeed();
    qInfo().noquote() << "kill points from" << seedText(seed_);
    const SmallDistillation prepared = prepareSmallDistillation(dir_.path());
    demo_ = prepared.corpus;
    imported_ = prepared.experiment;
    student_ = prepared.student;
  }

  void queriesAreStoredInTheOrderTheyWereAskedFor() {
    // The endpoint answers eight calls in reverse order. Query ids must follow the requests all the same: a run
    // seeds the miner and orders training by query id, so arrival order would make every run (and every resumed
    // run) a different one.
    FakeChatServer server([](const FakeRequest& request) {
      FakeReply reply = scriptedTeacherReply(request);
      reply.delayMs = 40 * std::max(0, 7 - request.index);
      return reply;
    });
    const QString store = copyOfExperiment(imported_, path("order.distillery"));
    const auto generated =
        runCli({"queries", "generate", "--store", store, "--corpus", "demo", "--count", "8", "--types", "keyword",
                "--query-set", "order", "--endpoint", QString::fromStdString(server.baseUrl()), "--model", "fake-model",
                "--concurrency", "8", "--json"});
    QVERIFY2(generated.exitCode == 0, generated.err.constData());
    QCOMPARE(generated.json()["generated"].toInt(), 8);
    auto s = Store::open(store.toStdString(), OpenMode::MustExist);
    const QStringList byId = rows(s, "SELECT printf('%08d', q.source_passage_id) FROM queries q JOIN query_sets qs "
                                     "ON qs.id = q.query_set_id WHERE qs.name = 'order' ORDER BY q.id");
    QStringList asked = byId; // the passages are asked about in the order of their ids
    asked.sort();
    QCOMPARE(byId, asked);
  }

  void killedImportsEndWithTheCorpusOfOneImport() {
    // A corpus big enough that an import takes a while, into a file the first (killed) import creates.
    const QString corpus = path("import-corpus");
    QCOMPARE(runCli({"demo-corpus", "--out", corpus, "--companies", "8", "--queries", "40", "--seed", "7"}).exitCode,
             0);
    const QStringList reference = {"import",   "--store", path("import-reference.distillery"),
                                   "--corpus", "demo",    corpus};
    const StageTimeline timeline = recordTimeline(reference);
    QVERIFY2(timeline.result.exitCode == 0, timeline.result.err.constData());
    qInfo() << "uninterrupted import:" << timeline.totalMs << "ms from its first progress line to its end";

    // Imports resume by skipping what is there, so a point late in the reference may come after a resumed import
    // is done: three times over, an import into a new file is killed and resumed (and maybe killed again).
    auto random = randomFor("import");
    int kills = 0;
    for (int campaign = 1; campaign <= 3; ++campaign) {
      const QString store = path(QStringLiteral("import-killed-%1.distillery").arg(campaign));
      const QStringList import = {"import", "--store", store, "--corpus", "demo", corpus};
      QList<KillRecord> records;
      const CliResult last = runWithKills(import, import, timeline, drawKillPoints(timeline, random, 2, {}), records);
      QVERIFY2(last.exitCode == 0, last.err.constData());
      kills += killCount(records);
      verifySameContent(reference[2], store, kCorpusContent, seedText(seed_));
      // Importing again adds nothing.
      const auto again = runCli({"import", "--store", store, "--corpus", "demo", corpus, "--json"});
      QCOMPARE(again.json()["passages"].toInt(), 0);
    }
    QVERIFY2(kills >= 3, qPrintable(seedText(seed_)));
  }

  void killedHeuristicRunEndsWhereAnUninterruptedOneDoes() {
    const QString config = writeRunConfig("heuristic.json", {{"kind", "heuristic"}}, {{"query_set", "demo"}});
    const QString reference = copyOfExperiment(imported_, path("heuristic-reference.distillery"));
    const StageTimeline timeline =
        recordTimeline({"run", "--store", reference, "--corpus", "demo", "--config", config, "--json"});
    QVERIFY2(timeline.result.exitCode == 0, timeline.result.err.constData());

    const QString store = copyOfExperiment(imported_, path("heuristic-killed.distillery"));
    QList<KillRecord> records;
    // The heuristic teacher judges a round in milliseconds: judging is hit by the endpoint case below.
    auto random = randomFor("heuristic");
    const auto points = drawKillPoints(timeline, random, 4, {"round 0", "synthesise", "train", "evaluate"});
    const CliResult last =
        runWithKills({"run", "--store", store, "--corpus", "demo", "--config", config, "--json"},
                     {"run", "--store", store, "--resume", "1", "--json"}, timeline, points, records);
    QVERIFY2(last.exitCode == 0, last.err.constData());
    qInfo() << "killed in" << stepsKilledIn(records);
    QVERIFY2(killCount(records) >= 3 && stepsKilledIn(records).size() >= 2, qPrintable(seedText(seed_)));
    // Same seeds, same data: the resumed run ends with the uninterrupted run's figures, to the last bit.
    QCOMPARE(last.json()["rounds"].toArray(), timeline.result.json()["rounds"].toArray());
    verifySameContent(reference, store, kRunContent, seedText(seed_));
    QCOMPARE(leftovers(store), QStringList{});
  }

  void killedEndpointRunNeverPaysTwice() {
    std::mutex arrivalsMutex;
    std::vector<std::chrono::steady_clock::time_point> arrivals; // of every call, to place kill points at calls
    FakeChatServer server([&](const FakeRequest& request) {
      {
        std::lock_guard lock(arrivalsMutex);
        arrivals.push_back(std::chrono::steady_clock::now());
      }
      FakeReply reply = scriptedTeacherReply(request);
      reply.delayMs = 3; // a little latency, so requests are in flight when the process dies
      return reply;
    });
    const nlohmann::json teacher = scriptedEndpointTeacher(server);
    // Held-out queries written and judged by the teacher too, so round 0 pays for calls as well.
    const QString config =
        writeRunConfig("endpoint.json", teacher, {{"query_set", "synthetic"}, {"holdout_queries", 20}});

    const QString reference = copyOfExperiment(imported_, path("endpoint-reference.distillery"));
    const StageTimeline timeline =
        recordTimeline({"run", "--store", reference, "--corpus", "demo", "--config", config, "--json"});
    QVERIFY2(timeline.result.exitCode == 0, timeline.result.err.constData());
    const std::vector<FakeRequest> referenceRequests = server.requests();
    std::set<std::string> referenceKeys;
    for (const FakeRequest& request : referenceRequests)
      QVERIFY2(referenceKeys.insert(parseTeacherCall(request).key()).second,
               "an uninterrupted run asked the endpoint twice for the same thing");

    const QString store = copyOfExperiment(imported_, path("endpoint-killed.distillery"));
    // What the experiment held when each process started: the next process must not pay for any of it again.
    std::vector<std::pair<int, std::set<std::string>>> heldAtStart = {{server.requestCount(), {}}};
    const auto recordHeld = [&] {
      heldAtStart.emplace_back(server.requestCount(), paidWorkHeldIn(store.toStdString()));
    };
    QList<KillRecord> records;
    std::vector<qint64> callMomentsMs;
    {
      std::lock_guard lock(arrivalsMutex);
      for (const auto& arrival : arrivals)
        callMomentsMs.push_back(timeline.msSinceOrigin(arrival));
    }
    auto random = randomFor("endpoint");
    const auto points = drawKillPoints(timeline, random, 3, {"synthesise", "train", "evaluate"}, callMomentsMs, 4);
    const int callsBefore = server.requestCount();
    const CliResult last = runWithKills({"run", "--store", store, "--corpus", "demo", "--config", config, "--json"},
                                        {"run", "--store", store, "--resume", "1", "--json"}, timeline, points, records,
                                        recordHeld, [&] { return server.requestCount() - callsBefore; });
    QVERIFY2(last.exitCode == 0, last.err.constData());
    qInfo() << "killed in" << stepsKilledIn(records);
    QVERIFY2(killCount(records) >= 4 && stepsKilledIn(records).size() >= 3, qPrintable(seedText(seed_)));

    const std::vector<FakeRequest> requests = server.requests();
    int repeated = 0; // paid again because the answer was in flight when the process died: allowed
    std::set<std::string> seen;
    for (std::size_t i = heldAtStart.front().first; i < requests.size(); ++i) {
      const std::string key = parseTeacherCall(requests[i]).key();
      const auto& held =
          std::prev(std::upper_bound(heldAtStart.begin(), heldAtStart.end(), int(i), [](int index, const auto& entry) {
            return index < entry.first;
          }))->second;
      QVERIFY2(!held.count(key), qPrintable(QStringLiteral("request %1 paid again for an answer the experiment held "
                                                           "(%2): %3")
                                                .arg(i)
                                                .arg(seedText(seed_), QString::fromStdString(key).left(200))));
      repeated += seen.insert(key).second ? 0 : 1;
    }
    qInfo() << "endpoint calls: uninterrupted" << referenceRequests.size() << ", killed and resumed"
            << requests.size() - heldAtStart.front().first << "(" << repeated << "in flight at a kill, asked again)";
    QVERIFY(repeated <= records.size() * 4 * 2); // at most what was in flight (concurrency 4, with strict retries)

    QCOMPARE(last.json()["rounds"].toArray(), timeline.result.json()["rounds"].toArray());
    verifySameContent(reference, store, kRunContent, seedText(seed_));
    verifySameContent(reference, store, kCorpusContent, seedText(seed_));
  }

  void anEndpointOutageStopsTheRunAndTheResumeAsksOnlyForWhatFailed() {
    // A quarter of the judgments get 503s while the outage lasts; query synthesis keeps working.
    std::atomic<bool> outage{false};
    FakeChatServer server([&](const FakeRequest& request) {
      const TeacherCall call = parseTeacherCall(request);
      if (outage && call.kind == TeacherCall::Kind::Judgment && std::hash<std::string>{}(call.key()) % 4 == 0)
        return FakeReply{503, R"({"error": "upstream overloaded"})", {}, 0, false};
      return scriptedTeacherReply(request);
    });
    const nlohmann::json teacher = scriptedEndpointTeacher(server);
    const QString config = writeRunConfig("outage.json", teacher, {{"query_set", "demo"}});
    const QString reference = copyOfExperiment(imported_, path("outage-reference.distillery"));
    const auto straight = runCli({"run", "--store", reference, "--corpus", "demo", "--config", config, "--json"});
    QVERIFY2(straight.exitCode == 0, straight.err.constData());

    outage = true;
    const QString store = copyOfExperiment(imported_, path("outage.distillery"));
    const auto stopped = runCli({"run", "--store", store, "--corpus", "demo", "--config", config, "--json"});
    QVERIFY2(stopped.exitCode != 0, stopped.out.constData());
    qInfo().noquote() << "what the user reads:" << stopped.err.mid(stopped.err.lastIndexOf("run 1 failed"));
    QVERIFY2(stopped.err.contains("the teacher endpoint failed ") &&
                 stopped.err.contains(" judgments (first: HTTP 503") &&
                 stopped.err.contains("asks the teacher again for the failed ones only") &&
                 stopped.err.contains("run 1 failed; once the cause below is fixed, continue it with: distillery-cli "
                                      "run --store " +
                                      store.toUtf8() + " --resume 1"),
             stopped.err.constData());
    std::set<std::string> held, failed; // judgments as TeacherCall keys
    {
      auto s = Store::open(store.toStdString(), OpenMode::MustExist);
      QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM runs WHERE id = 1 AND status = 'failed'"), 1);
      QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM mined_examples"), 0); // nothing mined from a quarter missing
      auto judgments = s.prepare("SELECT DISTINCT j.status, j.query_text, p.text FROM judgments j JOIN passages p "
                                 "ON p.content_hash = j.passage_hash");
      while (judgments.step()) {
        TeacherCall call;
        call.query = judgments.columnText(1);
        call.passage = judgments.columnText(2);
        (judgments.columnText(0) == "ok" ? held : failed).insert(call.key());
      }
    }
    QVERIFY2(failed.size() * 20 > held.size() + failed.size(), "the outage did not fail enough judgments");

    outage = false;
    const int callsBefore = server.requestCount();
    const auto resumed = runCli({"run", "--store", store, "--resume", "1", "--json"});
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    std::set<std::string> askedAgain;
    const std::vector<FakeRequest> requests = server.requests();
    for (std::size_t i = std::size_t(callsBefore); i < requests.size(); ++i) {
      const TeacherCall call = parseTeacherCall(requests[i]);
      QVERIFY2(!held.count(call.key()), "the resumed run paid again for a judgment the experiment held");
      if (call.kind == TeacherCall::Kind::Judgment)
        askedAgain.insert(call.key());
    }
    for (const auto& key : failed)
      QVERIFY2(askedAgain.count(key), "a failed judgment was not asked for again");
    // With every judgment in, the run ends as one that never met the outage.
    QCOMPARE(resumed.json()["rounds"].toArray(), straight.json()["rounds"].toArray());
  }

  void answersTheModelCannotFormatAreLeftOutWithoutStopping() {
    // The endpoint works, but for a quarter of the pairs the model writes no usable grade, also when asked more
    // strictly. Asking again later would fail the same way, so the run goes on without those pairs.
    FakeChatServer server([&](const FakeRequest& request) {
      const TeacherCall call = parseTeacherCall(request);
      if (call.kind == TeacherCall::Kind::Judgment && std::hash<std::string>{}(call.key()) % 4 == 0)
        return FakeReply{200, chatCompletionBody("I would rather not grade this."), {}, 0, false};
      return scriptedTeacherReply(request);
    });
    const QString config = writeRunConfig("unusable.json", scriptedEndpointTeacher(server), {{"query_set", "demo"}});
    const QString store = copyOfExperiment(imported_, path("unusable.distillery"));
    const auto result = runCli({"run", "--store", store, "--corpus", "demo", "--config", config, "--json"});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QCOMPARE(result.json()["status"].toString(), QString("completed"));
    auto s = Store::open(store.toStdString(), OpenMode::MustExist);
    const auto failed = s.queryInt64("SELECT COUNT(*) FROM judgments WHERE status = 'failed'");
    QVERIFY2(failed * 20 > s.queryInt64("SELECT COUNT(*) FROM judgments"), "too few unusable answers to matter");
    // Each round's log line says how many of its judgments failed; together at least the stored failures (a pair
    // that failed in round 1 and again in round 2 is one stored row).
    qint64 logged = 0;
    const QRegularExpression judged(QStringLiteral("judged, \\d+ from the cache, (\\d+) failed;"));
    for (auto it = judged.globalMatch(QString::fromUtf8(result.err)); it.hasNext();)
      logged += it.next().captured(1).toLongLong();
    QVERIFY2(logged >= failed, qPrintable(QStringLiteral("%1 logged, %2 stored").arg(logged).arg(failed)));
  }
};

QTEST_GUILESS_MAIN(CrashResumeTest)
#include "test_crash_resume.moc"
