// A pool of teacher endpoints: the config form and its validation (errors name the field), the single-endpoint form
// unchanged, and judging against three local servers of which one dies mid-run and comes back and one answers 429
// half the time: every pair judged exactly once, the dead endpoint's share moving to the others, the log naming the
// endpoint taken out and its return, and a call failing only when every endpoint failed it.
#include <QTest>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/teacher/Teacher.h"
#include "core/teacher/TeacherConfig.h"
#include "core/util/Error.h"
#include "tests/teacher/FakeChatServer.h"
#include "tests/teacher/TeacherTestSupport.h"

using distillery::InputError;
using distillery::teacher::JudgeRequest;
using distillery::teacher::TeacherConfig;
using distillery::test::FakeChatServer;
using distillery::test::FakeReply;
using distillery::test::FakeRequest;
using nlohmann::json;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// The message fromJson (and, for what it checks, makeTeacher) gives for a config, or "" when it is accepted.
std::string refusal(const json& config) {
  try {
    distillery::teacher::makeTeacher(TeacherConfig::fromJson(config));
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

json poolOf(const std::vector<std::string>& urls) {
  json endpoints = json::array();
  for (const auto& url : urls)
    endpoints.push_back({{"base_url", url}, {"model", "fake-model"}});
  return {{"kind", "openai"}, {"endpoints", endpoints}};
}

/// A fast-retrying pool config over the servers, with short back-offs for taken-out endpoints.
TeacherConfig fastPool(const std::vector<const FakeChatServer*>& servers, int concurrency = 4) {
  json config = {{"kind", "openai"},
                 {"model", "fake-model"},
                 {"api_key_env", distillery::test::kPlantedKeyVariable},
                 {"timeout_seconds", 5},
                 {"concurrency", concurrency},
                 {"retry",
                  {{"max_attempts", 3},
                   {"initial_backoff_seconds", 0.01},
                   {"max_backoff_seconds", 0.05},
                   {"jitter_fraction", 0.2}}},
                 {"pool", {{"failures_to_take_out", 3}, {"backoff_seconds", 0.1}, {"max_backoff_seconds", 0.4}}},
                 {"endpoints", json::array()}};
  for (const FakeChatServer* server : servers)
    config["endpoints"].push_back({{"base_url", server->baseUrl()}});
  return TeacherConfig::fromJson(config);
}

std::vector<JudgeRequest> pairs(int count) {
  std::vector<JudgeRequest> requests;
  for (int i = 0; i < count; ++i)
    requests.push_back({"pair " + std::to_string(i) + " grade " + std::to_string(i % 4),
                        "Passage " + std::to_string(i) + " on revenue.", std::nullopt, std::nullopt});
  return requests;
}

/// The pair a judging request is about ("pair 17 grade 1" -> 17), or -1.
int pairOf(const FakeRequest& request) {
  const std::string content = request.lastUserContent();
  const auto at = content.find("pair ");
  return at == std::string::npos ? -1 : std::stoi(content.substr(at + 5));
}

/// Counts the 200 answers a server gave per pair (and when), so the test can tell who judged what.
struct Answers {
  std::mutex mutex;
  std::map<int, int> perPair;
  std::vector<double> times;
  void add(int pair) {
    std::lock_guard lock(mutex);
    ++perPair[pair];
    times.push_back(now());
  }
  int of(int pair) {
    std::lock_guard lock(mutex);
    const auto it = perPair.find(pair);
    return it == perPair.end() ? 0 : it->second;
  }
  int total() {
    std::lock_guard lock(mutex);
    return static_cast<int>(times.size());
  }
  int between(double from, double to) {
    std::lock_guard lock(mutex);
    return static_cast<int>(std::count_if(times.begin(), times.end(), [&](double t) { return t >= from && t < to; }));
  }
};

} // namespace

class TeacherPoolTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase() { distillery::test::plantApiKey(); }

  void singleEndpointConfigIsUnchanged() {
    const json single = {{"kind", "openai"}, {"base_url", "http://127.0.0.1:8080/v1"},
                         {"model", "m"},     {"api_key_env", "MY_KEY"},
                         {"concurrency", 3}, {"requests_per_minute", 60}};
    const TeacherConfig config = TeacherConfig::fromJson(single);
    QVERIFY(!config.isPool());
    QCOMPARE(config.concurrency, 3);
    // Exactly the fields the single-endpoint form has always stored, and no pool fields.
    const json expected = {{"kind", "openai"},
                           {"base_url", "http://127.0.0.1:8080/v1"},
                           {"model", "m"},
                           {"api_key_env", "MY_KEY"},
                           {"temperature", 0.0},
                           {"synthesis_temperature", 0.8},
                           {"max_tokens", 256},
                           {"timeout_seconds", 60.0},
                           {"concurrency", 3},
                           {"requests_per_minute", 60.0},
                           {"tokens_per_minute", 0.0},
                           {"json_mode", true},
                           {"logprobs", true},
                           {"input_price_per_1k", 0.0},
                           {"output_price_per_1k", 0.0},
                           {"retry",
                            {{"max_attempts", 5},
                             {"initial_backoff_seconds", 1.0},
                             {"max_backoff_seconds", 30.0},
                             {"jitter_fraction", 0.25},
                             {"max_retry_after_seconds", 120.0}}}};
    QCOMPARE(QString::fromStdString(config.toJson().dump()), QString::fromStdString(expected.dump()));
    const auto serving = config.servingEndpoints();
    QCOMPARE(serving.size(), std::size_t(1));
    QCOMPARE(serving[0].baseUrl, std::string("http://127.0.0.1:8080/v1"));
    QCOMPARE(serving[0].concurrency, 3);
  }

  void poolConfigRoundTripsWithoutSecrets() {
    ::setenv("POOL_KEY_B", "sk-pool-SECRET-b", 1);
    const json pool = {
        {"kind", "openai"},
        {"model", "llama"},
        {"api_key_env", ""},
        {"concurrency", 2},
        {"pool", {{"failures_to_take_out", 4}, {"backoff_seconds", 10}, {"max_backoff_seconds", 100}}},
        {"endpoints",
         {{{"base_url", "http://gpu-1:8000/v1"}},
          {{"base_url", "https://api.example.com/v1"},
           {"api_key_env", "POOL_KEY_B"},
           {"concurrency", 16},
           {"requests_per_minute", 500}},
          {{"base_url", "https://api.example.com/v1"}, {"model", "llama"}, {"api_key_env", "POOL_KEY_C"}}}}};
    const TeacherConfig config = TeacherConfig::fromJson(pool);
    QVERIFY(config.isPool());
    QCOMPARE(config.endpoints.size(), std::size_t(3));
    QCOMPARE(config.model, std::string("llama"));
    // Entries inherit the top level's model, key variable and limits unless they set their own.
    QCOMPARE(config.endpoints[0].concurrency, 2);
    QCOMPARE(config.endpoints[0].apiKeyEnv, std::string());
    QCOMPARE(config.endpoints[1].concurrency, 16);
    QCOMPARE(config.endpoints[2].apiKeyEnv, std::string("POOL_KEY_C"));
    // The totals the run estimate reads; a requests limit only when every endpoint has one.
    QCOMPARE(config.concurrency, 20);
    QCOMPARE(config.requestsPerMinute, 0.0);
    QCOMPARE(config.pool.failuresToTakeOut, 4);
    QCOMPARE(config.resolveApiKey(config.endpoints[1]), std::string("sk-pool-SECRET-b"));

    // What a run stores (RunConfig keeps fromJson(...).toJson()) reads back as the same pool, byte for byte.
    const json stored = config.toJson();
    QCOMPARE(QString::fromStdString(TeacherConfig::fromJson(stored).toJson().dump()),
             QString::fromStdString(stored.dump()));
    QCOMPARE(stored["endpoints"].size(), std::size_t(3));
    QCOMPARE(stored["endpoints"][1]["concurrency"].get<int>(), 16);
    QCOMPARE(stored["endpoints"][1]["requests_per_minute"].get<double>(), 500.0);
    QCOMPARE(stored["endpoints"][2]["api_key_env"].get<std::string>(), std::string("POOL_KEY_C"));
    QVERIFY(!stored.contains("base_url"));
    QVERIFY(stored.dump().find("sk-pool-SECRET-b") == std::string::npos);

    // The workbench's keychain key belongs to its single endpoint: never sent to a pool's endpoints.
    TeacherConfig withKey = config;
    withKey.apiKey = "sk-keychain-key";
    QCOMPARE(withKey.resolveApiKey(withKey.endpoints[0]), std::string());
    QVERIFY(!withKey.forEndpoint(0).apiKey.has_value());
    QCOMPARE(withKey.forEndpoint(1).baseUrl, std::string("https://api.example.com/v1"));
    QCOMPARE(withKey.forEndpoint(1).resolveApiKey(), std::string("sk-pool-SECRET-b"));
  }

  void poolValidationNamesTheField() {
    const auto refused = [](json config, const std::string& expected) {
      const std::string message = refusal(config);
      if (message.find(expected) == std::string::npos)
        QFAIL(("expected an error naming '" + expected + "', got '" + message + "' for " + config.dump()).c_str());
    };
    json models = poolOf({"http://a:1/v1", "http://b:1/v1", "http://c:1/v1"});
    models["endpoints"][2]["model"] = "other-model";
    refused(models, "'endpoints[2].model' is 'other-model' but endpoints[0].model is 'fake-model'");
    json topModel = poolOf({"http://a:1/v1", "http://b:1/v1"});
    topModel["model"] = "fake-model";
    topModel["endpoints"][1]["model"] = "bigger-model";
    refused(topModel, "'endpoints[1].model' is 'bigger-model' but model is 'fake-model'");
    json key = poolOf({"http://a:1/v1", "http://b:1/v1"});
    key["endpoints"][0]["api_key"] = "sk-inline";
    refused(key, "'endpoints[0].api_key' is not accepted");
    json credentials = poolOf({"http://a:1/v1", "http://user:pw@b:1/v1"});
    refused(credentials, "'endpoints[1].base_url' must be the API's root");
    json noUrl = poolOf({"http://a:1/v1", "http://b:1/v1"});
    noUrl["endpoints"][1].erase("base_url");
    refused(noUrl, "'endpoints[1].base_url' is required");
    json typo = poolOf({"http://a:1/v1", "http://b:1/v1"});
    typo["endpoints"][0]["concurency"] = 4;
    refused(typo, "'endpoints[0].concurency' is not known");
    json badConcurrency = poolOf({"http://a:1/v1", "http://b:1/v1"});
    badConcurrency["endpoints"][1]["concurrency"] = 0;
    refused(badConcurrency, "'endpoints[1].concurrency' must be between 1 and 256");
    json wrongType = poolOf({"http://a:1/v1", "http://b:1/v1"});
    wrongType["endpoints"][1]["requests_per_minute"] = "fast";
    refused(wrongType, "'endpoints[1].requests_per_minute' has the wrong type");
    json both = poolOf({"http://a:1/v1"});
    both["base_url"] = "http://a:1/v1";
    refused(both, "either 'base_url' (one endpoint) or 'endpoints' (a pool), not both");
    refused({{"kind", "openai"}, {"endpoints", json::array()}}, "'endpoints' lists no endpoint");
    refused({{"kind", "openai"}, {"endpoints", "http://a:1/v1"}}, "'endpoints' must be a list");
    refused({{"kind", "heuristic"}, {"endpoints", poolOf({"http://a:1/v1"})["endpoints"]}},
            "'endpoints' is for an openai teacher");
    json repeated = poolOf({"http://a:1/v1", "http://a:1/v1/"});
    refused(repeated, "'endpoints[1]' repeats endpoints[0]");
    json prompts = poolOf({"http://a:1/v1", "http://b:1/v1"});
    prompts["endpoints"][1]["prompt_directory"] = "/elsewhere/prompts";
    refused(prompts, "'endpoints[1].prompt_directory' is '/elsewhere/prompts'");
    json version = poolOf({"http://a:1/v1", "http://b:1/v1", "http://c:1/v1"});
    version["endpoints"][2]["prompt_version"] = "judge-relevance/v0";
    refused(version, "'endpoints[2].prompt_version' is 'judge-relevance/v0' but the pool grades with prompt version");
    json backoff = poolOf({"http://a:1/v1", "http://b:1/v1"});
    backoff["pool"] = {{"backoff_seconds", 0}};
    refused(backoff, "'pool.backoff_seconds' must be positive");

    // Two keys of one paid API are two endpoints; the same key twice is not.
    json twoKeys = poolOf({"https://api.example.com/v1", "https://api.example.com/v1"});
    twoKeys["endpoints"][0]["api_key_env"] = "KEY_ONE";
    twoKeys["endpoints"][1]["api_key_env"] = "KEY_TWO";
    QCOMPARE(QString::fromStdString(refusal(twoKeys)), QString());
    // A prompt_version that is the pool's own is accepted.
    json sameVersion = poolOf({"http://a:1/v1", "http://b:1/v1"});
    const auto teacher = distillery::teacher::makeTeacher(TeacherConfig::fromJson(sameVersion));
    sameVersion["endpoints"][1]["prompt_version"] = teacher->promptVersion();
    QCOMPARE(QString::fromStdString(refusal(sameVersion)), QString());
  }

  void judgesEveryPairOnceWhileAnEndpointDiesAndComesBack() {
    constexpr int kPairs = 600;
    constexpr int kAnswersBeforeDeath = 20;
    constexpr double kDeathSeconds = 0.6;
    Answers healthy, limited, dying;
    std::atomic<int> tooMany{0}, dropped{0};
    std::atomic<double> diedAt{0}, cameBackAt{0};
    std::mutex deathMutex;

    FakeChatServer a([&](const FakeRequest& r) {
      healthy.add(pairOf(r));
      FakeReply reply = distillery::test::gradeReply(distillery::test::scriptedGrade(r));
      reply.delayMs = 40;
      return reply;
    });
    FakeChatServer b([&](const FakeRequest& r) {
      if (r.index % 2 == 1) { // half of its answers: rate limited
        ++tooMany;
        return FakeReply{429, R"({"error": "rate limited"})", {}, 5, false};
      }
      limited.add(pairOf(r));
      FakeReply reply = distillery::test::gradeReply(distillery::test::scriptedGrade(r));
      reply.delayMs = 40;
      return reply;
    });
    FakeChatServer c([&](const FakeRequest& r) {
      {
        // Dead (every connection dropped unanswered) from its 21st answer for kDeathSeconds, then alive again.
        std::lock_guard lock(deathMutex);
        if (diedAt == 0 && dying.total() >= kAnswersBeforeDeath)
          diedAt = now();
        if (diedAt > 0 && now() < diedAt + kDeathSeconds) {
          ++dropped;
          return FakeReply{0, {}, {}, 0, true};
        }
        if (diedAt > 0 && cameBackAt == 0)
          cameBackAt = now();
      }
      dying.add(pairOf(r));
      FakeReply reply = distillery::test::gradeReply(distillery::test::scriptedGrade(r));
      reply.delayMs = 40;
      return reply;
    });

    auto teacher = distillery::teacher::makeTeacher(fastPool({&a, &b, &c}));
    std::vector<std::string> log;
    teacher->setLog([&](const std::string& line) { log.push_back(line); });
    const auto requests = pairs(kPairs);
    const auto judgments = teacher->judge(requests, {}, {});

    // Every pair judged, with its grade, and no call failed: the outage rule of a run sees nothing.
    QCOMPARE(judgments.size(), std::size_t(kPairs));
    for (int i = 0; i < kPairs; ++i) {
      QVERIFY2(judgments[i].ok, judgments[i].failureReason.c_str());
      QCOMPARE(judgments[i].grade, i % 4);
    }
    // Exactly once: one answer per pair over the three servers together.
    for (int i = 0; i < kPairs; ++i) {
      const int answers = healthy.of(i) + limited.of(i) + dying.of(i);
      if (answers != 1)
        QFAIL(("pair " + std::to_string(i) + " was answered " + std::to_string(answers) + " times").c_str());
    }
    QCOMPARE(healthy.total() + limited.total() + dying.total(), kPairs);

    // The dying endpoint died and came back; while it was dead the others took its share.
    QVERIFY(diedAt > 0);
    QVERIFY2(cameBackAt > 0, "the dead endpoint was never tried again after it came back");
    QVERIFY(dropped.load() >= 3);
    QVERIFY(dying.total() > kAnswersBeforeDeath);
    QVERIFY(healthy.between(diedAt, cameBackAt) + limited.between(diedAt, cameBackAt) > 0);
    QCOMPARE(dying.between(diedAt, cameBackAt), 0);
    // The rate-limited endpoint kept its share of what it could answer.
    QVERIFY(tooMany.load() > 0);
    QVERIFY(limited.total() > 0);
    QVERIFY(healthy.total() > 0);

    // The log names the endpoint taken out and says when it came back.
    const std::string name = "endpoints[2] (" + c.baseUrl() + ")";
    const auto logged = [&](const std::string& part) {
      return std::any_of(log.begin(), log.end(), [&](const std::string& line) {
        return line.find(name) != std::string::npos && line.find(part) != std::string::npos;
      });
    };
    std::string all;
    for (const auto& line : log)
      all += line + "\n";
    qInfo("answered: healthy %d, rate-limited %d (429 x %d), dying %d (dropped %d)\n%s", healthy.total(),
          limited.total(), tooMany.load(), dying.total(), dropped.load(), all.c_str());
    QVERIFY2(logged("taken out of service for 0.1 s"), all.c_str());
    QVERIFY2(logged("is back in service"), all.c_str());
    QVERIFY2(all.find(distillery::test::kPlantedKey) == std::string::npos, all.c_str());
  }

  void aBrokenEndpointsShareGoesToTheOthers() {
    FakeChatServer broken([](const FakeRequest&) {
      return FakeReply{503, R"({"error": "overloaded"})", {}, 0, false};
    });
    FakeChatServer working(
        [](const FakeRequest& r) { return distillery::test::gradeReply(distillery::test::scriptedGrade(r)); });
    auto teacher = distillery::teacher::makeTeacher(fastPool({&broken, &working}, 2));
    std::vector<std::string> log;
    teacher->setLog([&](const std::string& line) { log.push_back(line); });
    const auto judgments = teacher->judge(pairs(40), {}, {});
    for (const auto& judgment : judgments)
      QVERIFY2(judgment.ok, judgment.failureReason.c_str());
    QCOMPARE(working.requestCount(), 40);
    // Taken out after three failures in a row: it saw a handful of calls, not one per pair.
    QVERIFY2(broken.requestCount() >= 3 && broken.requestCount() < 20, std::to_string(broken.requestCount()).c_str());
    QVERIFY(!log.empty());
    QVERIFY2(log.front().find("endpoints[0] (" + broken.baseUrl() + ") failed 3 times in a row; taken out") !=
                 std::string::npos,
             log.front().c_str());
    QVERIFY(log.front().find("HTTP 503") != std::string::npos);
  }

  void aCallFailsOnlyWhenEveryEndpointFailedIt() {
    FakeChatServer first([](const FakeRequest&) { return FakeReply{503, R"({"error": "down"})", {}, 30, false}; });
    FakeChatServer second([](const FakeRequest& r) {
      return FakeReply{500, std::string("{\"error\": \"echo ") + r.authorization + "\"}", {}, 0, false};
    });
    auto teacher = distillery::teacher::makeTeacher(fastPool({&first, &second}, 2));
    std::string log; // the take-out line quotes the echoing server's answer
    teacher->setLog([&](const std::string& line) { log += line + "\n"; });
    const auto judgments = teacher->judge(pairs(6), {}, {});
    QVERIFY2(log.find("taken out of service") != std::string::npos, log.c_str());
    QVERIFY2(log.find("echo Bearer ***") != std::string::npos, log.c_str()); // quoted, with the key scrubbed
    QVERIFY2(log.find(distillery::test::kPlantedKey) == std::string::npos, log.c_str());
    for (const auto& judgment : judgments) {
      QVERIFY(!judgment.ok);
      QVERIFY(judgment.transientFailure); // what the outage rule of a run counts
      QVERIFY2(judgment.failureReason.find("failed on every endpoint of the pool") != std::string::npos,
               judgment.failureReason.c_str());
      QVERIFY(judgment.failureReason.find("endpoints[0] (" + first.baseUrl() + ")") != std::string::npos);
      QVERIFY(judgment.failureReason.find("endpoints[1] (" + second.baseUrl() + ")") != std::string::npos);
      QVERIFY(judgment.failureReason.find(distillery::test::kPlantedKey) == std::string::npos);
      QVERIFY(judgment.rawResponse.find(distillery::test::kPlantedKey) == std::string::npos);
    }
    QVERIFY(second.requestCount() > 0 && first.requestCount() > 0);
  }

  void aKeyOnlyGoesToItsOwnEndpoint() {
    ::setenv("POOL_KEY_ONE", "sk-one-SECRET", 1);
    ::unsetenv("POOL_KEY_NONE");
    FakeChatServer one([](const FakeRequest&) { return distillery::test::gradeReply(1); });
    FakeChatServer none([](const FakeRequest&) { return distillery::test::gradeReply(1); });
    json config = poolOf({one.baseUrl(), none.baseUrl()});
    config["endpoints"][0]["api_key_env"] = "POOL_KEY_ONE";
    config["endpoints"][1]["api_key_env"] = "POOL_KEY_NONE";
    TeacherConfig parsed = TeacherConfig::fromJson(config);
    parsed.apiKey = "sk-keychain-SECRET"; // as the workbench passes its keychain key
    const auto judgments = distillery::teacher::makeTeacher(parsed)->judge(pairs(20), {}, {});
    for (const auto& judgment : judgments)
      QVERIFY(judgment.ok);
    QVERIFY(one.requestCount() > 0 && none.requestCount() > 0);
    for (const auto& r : one.requests())
      QCOMPARE(r.authorization, std::string("Bearer sk-one-SECRET"));
    for (const auto& r : none.requests())
      QCOMPARE(r.authorization, std::string());
  }
};

QTEST_GUILESS_MAIN(TeacherPoolTest)
#include "test_teacher_pool.moc"
