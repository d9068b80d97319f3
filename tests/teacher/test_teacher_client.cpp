// The LLM teacher against a scripted local endpoint: concurrency on one multi handle, retries and their
// limits, recorded failures, stricter re-asks, logprobs, cancellation, rate limits; plus the pure
// parsing, prompt and config code it rests on.
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "core/teacher/ChatClient.h"
#include "core/teacher/OpenAiTeacher.h"
#include "core/teacher/PromptLibrary.h"
#include "core/teacher/ResponseParsing.h"
#include "core/teacher/Teacher.h"
#include "core/util/Error.h"
#include "core/util/Time.h"
#include "tests/teacher/FakeChatServer.h"
#include "tests/teacher/TeacherTestSupport.h"

using namespace distillery;
using namespace distillery::teacher;
using distillery::test::FakeChatServer;
using distillery::test::FakeReply;
using distillery::test::FakeRequest;

namespace {

std::vector<JudgeRequest> pairs(int count) {
  std::vector<JudgeRequest> requests;
  for (int i = 0; i < count; ++i)
    requests.push_back({"query number " + std::to_string(i) + " grade " + std::to_string(i % 4),
                        "passage text " + std::to_string(i), std::nullopt, std::nullopt});
  return requests;
}

// An HTTPS chat-completions endpoint on 127.0.0.1 (port printed on the first line) that grades everything 2.
// Single quotes only: moc mis-reads raw strings holding an odd number of double quotes.
const char* const kTlsChatServer = R"(
import http.server, json, ssl, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        answer = json.dumps({'grade': 2, 'rationale': 'served over TLS'})
        body = json.dumps({'choices': [{'message': {'role': 'assistant', 'content': answer}}]}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *arguments):
        pass
server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
)";

std::string gzip(const std::string& data) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY); // 15 + 16: gzip framing
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::vector<Judgment> judgeWith(const TeacherConfig& config, const std::vector<JudgeRequest>& requests) {
  auto teacher = makeTeacher(config);
  return teacher->judge(requests, {}, std::stop_token());
}

} // namespace

class TeacherClientTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase() { test::plantApiKey(); }

  // ---- parsing ----
  void extractsJsonFromProseAndFences() {
    QCOMPARE(extractJsonObject(R"({"grade": 2})")->at("grade").get<int>(), 2);
    QCOMPARE(extractJsonObject("Sure! ```json\n{\"grade\": 3, \"rationale\": \"x\"}\n```\nHope it helps")
                 ->at("grade")
                 .get<int>(),
             3);
    QCOMPARE(extractJsonObject(R"(I think {"rationale": "uses {braces} inside", "grade": 1} is right)")
                 ->at("grade")
                 .get<int>(),
             1);
    QVERIFY(!extractJsonObject("grade: two").has_value());
  }

  void gradeParsingRejectsOutOfRangeAndMissing() {
    QVERIFY(parseGradeAnswer(R"({"grade": "2", "rationale": " ok "})", 3).ok);
    QCOMPARE(parseGradeAnswer(R"({"grade": "2", "rationale": " ok "})", 3).rationale, std::string("ok"));
    const ParsedGrade out = parseGradeAnswer(R"({"grade": 7})", 3);
    QVERIFY(!out.ok);
    QVERIFY(out.problem.find("outside 0-3") != std::string::npos);
    QVERIFY(!parseGradeAnswer(R"({"grade": 1.5})", 3).ok);
    QVERIFY(!parseGradeAnswer(R"({"grade": 4294967298})", 3).ok); // 2^32 + 2 must not pass for 2
    QVERIFY(!parseGradeAnswer(R"({"grade": -4294967294})", 3).ok);
    QVERIFY(!parseGradeAnswer(R"({"score": 1})", 3).ok);
    QVERIFY(!parseGradeAnswer("not json", 3).ok);
  }

  void queryParsingAcceptsJsonOrOneLine() {
    QCOMPARE(parseQueryAnswer(R"({"query": " revenue growth "})").query, std::string("revenue growth"));
    QCOMPARE(parseQueryAnswer("\"What drove revenue?\"").query, std::string("What drove revenue?"));
    QVERIFY(!parseQueryAnswer("line one\nline two").ok);
    QVERIFY(!parseQueryAnswer(R"({"q": "x"})").ok);
  }

  void expectedGradeFromLogprobs() {
    const nlohmann::json logprobs = {
        {"content",
         {{{"token", "{\""}, {"logprob", -0.01}, {"top_logprobs", nlohmann::json::array()}},
          {{"token", "2"},
           {"logprob", std::log(0.6)},
           {"top_logprobs",
            {{{"token", "2"}, {"logprob", std::log(0.6)}},
             {{"token", "3"}, {"logprob", std::log(0.3)}},
             {{"token", "1"}, {"logprob", std::log(0.1)}},
             {{"token", "x"}, {"logprob", std::log(0.001)}}}}}}}};
    const auto expected = teacher::expectedGradeFromLogprobs(logprobs, 2, 3);
    QVERIFY(expected.has_value());
    QVERIFY(std::abs(*expected - (0.6 * 2 + 0.3 * 3 + 0.1 * 1)) < 1e-6);
    QVERIFY(!teacher::expectedGradeFromLogprobs(nullptr, 2, 3).has_value());
  }

  // ---- prompts and config ----
  void bundledPromptsLoadAndRender() {
    const PromptLibrary library = PromptLibrary::load();
    QCOMPARE(library.judge().version, std::string("judge-relevance/v2"));
    QVERIFY(library.synthesis().spec["types"].contains("keyword"));
    QCOMPARE(PromptLibrary::render("Q: {{query}} / {{unknown}} / {{query}}", {{"query", "{{passage}}"}}),
             std::string("Q: {{passage}} / {{unknown}} / {{passage}}"));
  }

  void editedPromptGetsItsOwnVersionAndBadOneIsNamed() {
    QTemporaryDir dir;
    const PromptLibrary bundled = PromptLibrary::load();
    nlohmann::json edited = bundled.judge().spec;
    edited["system"] = edited["system"].get<std::string>() + " Be terse.";
    std::ofstream(dir.filePath("judge-relevance.v2.json").toStdString()) << edited.dump(2);
    const PromptLibrary library = PromptLibrary::load(dir.path().toStdString());
    QVERIFY(library.judge().version.starts_with("judge-relevance/v2+"));
    QVERIFY(library.judge().source.find(dir.path().toStdString()) != std::string::npos);
    QCOMPARE(library.synthesis().version, bundled.synthesis().version); // not overridden: falls through

    std::ofstream(dir.filePath("synthesize-queries.v2.json").toStdString()) << "{ broken";
    try {
      PromptLibrary::load(dir.path().toStdString());
      QFAIL("a broken template must be refused");
    } catch (const InputError& e) {
      QVERIFY(std::string(e.what()).find("synthesize-queries.v2.json") != std::string::npos);
    }
  }

  void configRefusesInlineKeysAndNeverSerialisesOne() {
    QVERIFY_THROWS_EXCEPTION(InputError, TeacherConfig::fromJson({{"kind", "openai"}, {"api_key", "sk-x"}}));
    QVERIFY_THROWS_EXCEPTION(InputError, TeacherConfig::fromJson({{"kind", "openai"}, {"model", "m"}}));
    QVERIFY_THROWS_EXCEPTION(InputError, TeacherConfig::fromJson({{"kind", "oracle"}}));
    QVERIFY_THROWS_EXCEPTION(InputError, TeacherConfig::fromJson({{"kind", "heuristic"}, {"concurrency", "many"}}));
    TeacherConfig config = test::fastOpenAiConfig("http://127.0.0.1:1/v1");
    config.apiKey = test::kPlantedKey;
    QCOMPARE(config.resolveApiKey(), std::string(test::kPlantedKey));
    QVERIFY(config.toJson().dump().find(test::kPlantedKey) == std::string::npos);
    const TeacherConfig back = TeacherConfig::fromJson(config.toJson());
    QCOMPARE(back.baseUrl, config.baseUrl);
    QCOMPARE(back.retry.maxAttempts, 3);
    QVERIFY(!back.apiKey.has_value());
  }

  // A value like 5e20 converted to int is undefined: every integer field is range-checked first.
  void configRefusesNumbersOutOfRangeNamingTheField() {
    for (const char* field : {"max_tokens", "concurrency"})
      try {
        TeacherConfig::fromJson({{"kind", "heuristic"}, {field, 5e20}});
        QFAIL(field);
      } catch (const InputError& e) {
        QVERIFY2(std::string(e.what()).find(std::string("'") + field + "'") != std::string::npos, e.what());
      }
    QVERIFY_THROWS_EXCEPTION(InputError,
                             TeacherConfig::fromJson({{"kind", "heuristic"}, {"retry", {{"max_attempts", 1e300}}}}));
    QVERIFY_THROWS_EXCEPTION(InputError, TeacherConfig::fromJson({{"kind", "heuristic"}, {"max_tokens", 2.5}}));
    QCOMPARE(TeacherConfig::fromJson({{"kind", "heuristic"}, {"max_tokens", 512.0}}).maxTokens, 512);
    QVERIFY_THROWS_EXCEPTION(InputError, TeacherConfig::fromJson({{"kind", "heuristic"}, {"max_response_bytes", 10}}));
    QCOMPARE(TeacherConfig::fromJson({{"kind", "heuristic"}, {"max_response_bytes", 65536}}).maxResponseBytes,
             std::size_t(65536));
  }

  // ---- TLS ----
  // Certificate checks are turned off only by naming a host, never for every host at once.
  void configTurnsCertificateChecksOffOnlyForNamedHosts() {
    const nlohmann::json base = {{"kind", "openai"}, {"base_url", "https://gpu-box.lab:8443/v1"}, {"model", "m"}};
    nlohmann::json json = base;
    json["verify_tls"] = false;
    try {
      TeacherConfig::fromJson(json);
      QFAIL("verify_tls false was accepted");
    } catch (const InputError& e) { // and the error shows what to write instead
      QVERIFY2(std::string(e.what()).find(R"("tls_insecure_hosts": ["gpu-box.lab"])") != std::string::npos, e.what());
    }
    json["verify_tls"] = true; // run configs stored before tls_insecure_hosts carry it
    QVERIFY(TeacherConfig::fromJson(json).tlsInsecureHosts.empty());
    for (const char* bad : {"https://gpu-box.lab", "gpu-box.lab:8443", "gpu-box.lab/v1", "user@gpu-box.lab", ""}) {
      json = base;
      json["tls_insecure_hosts"] = {bad};
      QVERIFY_THROWS_EXCEPTION(InputError, TeacherConfig::fromJson(json));
    }
    json = base;
    json["tls_insecure_hosts"] = "gpu-box.lab";
    QVERIFY_THROWS_EXCEPTION(InputError, TeacherConfig::fromJson(json)); // a list, not a string
    json["tls_insecure_hosts"] = {"gpu-box.lab", "::1"};
    const TeacherConfig config = TeacherConfig::fromJson(json);
    QCOMPARE(config.tlsInsecureHosts, (std::vector<std::string>{"gpu-box.lab", "::1"}));
    QCOMPARE(TeacherConfig::fromJson(config.toJson()).tlsInsecureHosts, config.tlsInsecureHosts);
    QVERIFY(!TeacherConfig::fromJson(base).toJson().contains("tls_insecure_hosts"));
  }

  void certificatesAreCheckedForEveryHostNotNamed() {
    const std::vector<std::string> named = {"gpu-box.lab", "[::1]"};
    QVERIFY(!verifiesCertificates("https://gpu-box.lab/v1/chat/completions", named));
    QVERIFY(!verifiesCertificates("https://GPU-Box.LAB:8443/v1", named)); // host names are case-insensitive
    QVERIFY(!verifiesCertificates("https://[::1]:8443/v1", named));
    QVERIFY(verifiesCertificates("https://api.gpu-box.lab/v1", named)); // no subdomains
    QVERIFY(verifiesCertificates("https://gpu-box.lab.evil.example/v1", named));
    QVERIFY(verifiesCertificates("https://gpu-box.lab@evil.example/v1", named)); // user info, not the host
    QVERIFY(verifiesCertificates("https://api.openai.com/v1", named));
    QVERIFY(verifiesCertificates("https://gpu-box.lab/v1", {}));
    QVERIFY(verifiesCertificates("not a url", named));
    QCOMPARE(hostOfUrl("https://user:pw@Example.COM:443/v1"), std::string("example.com"));
  }

  // A real TLS server with a self-signed certificate made here (openssl makes it, Python's ssl module serves it):
  // judged once the server's host is named, refused for any other list.
  void selfSignedServerIsRefusedUnlessItsHostIsNamed() {
    const QString openssl = QStandardPaths::findExecutable("openssl");
    const QString python = QStandardPaths::findExecutable("python3");
    if (openssl.isEmpty() || python.isEmpty())
      QSKIP("openssl or python3 not installed (packaging/setup-deps.sh installs both): no local TLS server");
    QTemporaryDir dir;
    QProcess make;
    make.start(openssl, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", dir.filePath("key.pem"),
                         "-out", dir.filePath("cert.pem")});
    QVERIFY(make.waitForFinished(60000) && make.exitCode() == 0);
    QProcess server;
    server.start(python, {"-c", kTlsChatServer, dir.filePath("cert.pem"), dir.filePath("key.pem")});
    QVERIFY(server.waitForStarted());
    QVERIFY2(server.waitForReadyRead(30000), server.readAllStandardError().constData());
    const QByteArray port = server.readLine().trimmed();
    QVERIFY2(port.toInt() > 0, port.constData());

    TeacherConfig config = test::fastOpenAiConfig("https://127.0.0.1:" + port.toStdString() + "/v1", 1);
    for (const auto& hosts : {std::vector<std::string>{}, std::vector<std::string>{"localhost", "gpu-box.lab"}}) {
      config.tlsInsecureHosts = hosts;
      const auto refused = judgeWith(config, pairs(1));
      QVERIFY(!refused[0].ok);
      QVERIFY2(refused[0].failureReason.find("certificate") != std::string::npos, refused[0].failureReason.c_str());
    }
    config.tlsInsecureHosts = {"127.0.0.1"};
    const auto judged = judgeWith(config, pairs(1));
    QVERIFY2(judged[0].ok, judged[0].failureReason.c_str());
    QCOMPARE(judged[0].rationale, std::string("served over TLS"));
    server.kill();
    server.waitForFinished();
  }

  // ---- against the local endpoint ----
  // An answer larger than max_response_bytes is cut off at the limit, also when it arrives compressed (a gzip bomb's
  // Content-Length is small), and it is not tried again.
  void refusesAnswersLargerThanTheLimit() {
    const std::string big =
        test::chatCompletionBody(nlohmann::json{{"grade", 1}, {"rationale", std::string(3u << 20, 'x')}}.dump());
    const std::string bomb = gzip(std::string(64u << 20, ' ') + big);
    FakeChatServer server([&](const FakeRequest& r) {
      if (r.lastUserContent().find("number 0 ") != std::string::npos)
        return FakeReply{200, big, {}, 0, false};
      if (r.lastUserContent().find("number 1 ") != std::string::npos)
        return FakeReply{200, bomb, {{"Content-Encoding", "gzip"}}, 0, false};
      return test::gradeReply(2);
    });
    TeacherConfig config = test::fastOpenAiConfig(server.baseUrl());
    config.maxResponseBytes = 1u << 20;
    const auto judgments = judgeWith(config, pairs(3));
    for (int i : {0, 1}) {
      QVERIFY(!judgments[i].ok);
      QCOMPARE(judgments[i].attempts, 1);
      QVERIFY2(judgments[i].failureReason.find("larger than the 1048576 bytes allowed") != std::string::npos,
               judgments[i].failureReason.c_str());
      QVERIFY(judgments[i].rawResponse.empty());
    }
    QVERIFY(judgments[2].ok);
    QCOMPARE(server.requestCount(), 3);
  }

  // What the model wrote is scrubbed of the key after each decoding, and kept only up to a bound.
  void keyEscapedInTheAnswerIsScrubbedAndLongAnswersAreClipped() {
    FakeChatServer server([](const FakeRequest& r) {
      const std::string key = r.authorization.substr(7);
      if (r.lastUserContent().find("number 0 ") != std::string::npos) // "\u0073k-..." decodes to "sk-..."
        return FakeReply{200,
                         test::chatCompletionBody("{\"grade\": 2, \"rationale\": \"key: \\u00" +
                                                  QByteArray(1, key[0]).toHex().toStdString() + key.substr(1) + "\"}"),
                         {},
                         0,
                         false};
      return test::gradeReply(1, std::string(200000, 'r'));
    });
    const auto judgments = judgeWith(test::fastOpenAiConfig(server.baseUrl()), pairs(2));
    QVERIFY(judgments[0].ok);
    QCOMPARE(judgments[0].rationale, std::string("key: ***"));
    // The raw answer held the key only escaped: the escaped key is replaced where it stands.
    const std::string keyTail = std::string(test::kPlantedKey).substr(1);
    QVERIFY2(judgments[0].rawResponse.find(keyTail) == std::string::npos, judgments[0].rawResponse.c_str());
    QVERIFY2(judgments[0].rawResponse.find("\"key: ***\"") != std::string::npos, judgments[0].rawResponse.c_str());
    QVERIFY(judgments[1].ok);
    QVERIFY2(judgments[1].rationale.size() < 5000 &&
                 judgments[1].rationale.find("more bytes not kept") != std::string::npos,
             std::to_string(judgments[1].rationale.size()).c_str());
    QVERIFY(judgments[1].rawResponse.size() < 70000);
  }

  void scrubsKeysHiddenInJsonEscapes() {
    const std::string key = "sk-a/b";
    QCOMPARE(scrubSecret("a sk-a/b b", key), std::string("a *** b"));
    // Escaped letters, at one and two depths of quoting, are replaced where they stand; other escapes keep their bytes.
    QCOMPARE(scrubSecret(R"({"r": "x \u0073k-a\/b \n y"})", key), std::string(R"({"r": "x *** \n y"})"));
    QCOMPARE(scrubSecret(R"(\\u0073\\u006B-a/b and \u0041)", key), std::string(R"(*** and \u0041)"));
    // Near misses and malformed escapes are copied as they are.
    QCOMPARE(scrubSecret(R"(\u0073k-a/c \u00 \q sk-)", key), std::string(R"(\u0073k-a/c \u00 \q sk-)"));
  }

  void judgesManyInFlightOnOneHandle() {
    FakeChatServer server([](const FakeRequest& r) {
      FakeReply reply = test::gradeReply(test::scriptedGrade(r));
      reply.delayMs = 100;
      return reply;
    });
    TeacherConfig config = test::fastOpenAiConfig(server.baseUrl());
    config.inputPricePer1k = 1.0;
    config.outputPricePer1k = 2.0;
    const double started = monotonicSeconds();
    const auto judgments = judgeWith(config, pairs(32));
    const double seconds = monotonicSeconds() - started;
    QCOMPARE(judgments.size(), std::size_t(32));
    for (std::size_t i = 0; i < judgments.size(); ++i) {
      QVERIFY2(judgments[i].ok, judgments[i].failureReason.c_str());
      QCOMPARE(judgments[i].grade, static_cast<int>(i % 4));
      QCOMPARE(judgments[i].attempts, 1);
      QCOMPARE(judgments[i].usage.inputTokens, 50);
      QCOMPARE(judgments[i].usage.outputTokens, 12);
      QVERIFY(std::abs(judgments[i].usage.cost - (0.05 + 0.024)) < 1e-9);
      QCOMPARE(judgments[i].rationale, std::string("Test rationale."));
    }
    QCOMPARE(server.maxConcurrent(), 8);        // the configured concurrency, no more
    QVERIFY(seconds < 32 * 0.1 / 2);            // far faster than one at a time
    QVERIFY(server.connectionCount() <= 8 + 2); // connections are reused, not one per request
    const auto requests = server.requests();
    QCOMPARE(requests.front().path, std::string("/v1/chat/completions"));
    QCOMPARE(requests.front().authorization, std::string("Bearer ") + test::kPlantedKey);
    QCOMPARE(requests.front().json["model"].get<std::string>(), std::string("fake-model"));
    QCOMPARE(requests.front().json["response_format"]["type"].get<std::string>(), std::string("json_object"));
  }

  void retriesServerErrorsAndDroppedConnections() {
    std::mutex mutex;
    std::map<std::string, int> seen;
    FakeChatServer server([&](const FakeRequest& r) {
      const std::string content = r.lastUserContent();
      int count;
      {
        std::lock_guard lock(mutex);
        count = ++seen[content];
      }
      if (content.find("number 0 ") != std::string::npos && count <= 2)
        return FakeReply{500, R"({"error": "overloaded"})", {}, 0, false};
      if (content.find("number 1 ") != std::string::npos && count == 1)
        return FakeReply{200, "", {}, 0, true}; // connection dropped without an answer
      if (content.find("number 2 ") != std::string::npos)
        return FakeReply{503, "busy", {}, 0, false}; // never recovers
      return test::gradeReply(test::scriptedGrade(r));
    });
    const auto judgments = judgeWith(test::fastOpenAiConfig(server.baseUrl(), 3), pairs(4));
    QVERIFY(judgments[0].ok);
    QCOMPARE(judgments[0].attempts, 3);
    QVERIFY(judgments[1].ok);
    QCOMPARE(judgments[1].attempts, 2);
    QVERIFY(!judgments[2].ok);
    QCOMPARE(judgments[2].attempts, 3);
    QVERIFY2(judgments[2].failureReason.find("HTTP 503") != std::string::npos, judgments[2].failureReason.c_str());
    QVERIFY(judgments[2].failureReason.find("gave up after 3 attempts") != std::string::npos);
    QVERIFY(judgments[3].ok);
    QCOMPARE(judgments[3].attempts, 1);
    QCOMPARE(server.requestCount(), 3 + 2 + 3 + 1);
  }

  void honoursRetryAfterOn429() {
    std::atomic<int> calls{0};
    FakeChatServer server([&](const FakeRequest& r) {
      if (calls++ == 0)
        return FakeReply{429, R"({"error": "rate limited"})", {{"Retry-After", "1"}}, 0, false};
      return test::gradeReply(2);
    });
    const double started = monotonicSeconds();
    const auto judgments = judgeWith(test::fastOpenAiConfig(server.baseUrl()), pairs(1));
    const double seconds = monotonicSeconds() - started;
    QVERIFY(judgments[0].ok);
    QCOMPARE(judgments[0].attempts, 2);
    QVERIFY2(seconds >= 0.95, std::to_string(seconds).c_str()); // waited as told, not the 10 ms backoff
    QVERIFY(seconds < 3.0);
  }

  void doesNotRetryOtherClientErrorsAndScrubsTheKey() {
    FakeChatServer server([](const FakeRequest& r) {
      // A hostile or careless server echoing the credentials back must not get them recorded.
      return FakeReply{401, R"({"error": "invalid key )" + r.authorization + R"("})", {}, 0, false};
    });
    const auto judgments = judgeWith(test::fastOpenAiConfig(server.baseUrl(), 4), pairs(1));
    QVERIFY(!judgments[0].ok);
    QCOMPARE(judgments[0].attempts, 1);
    QCOMPARE(server.requestCount(), 1);
    QVERIFY(judgments[0].failureReason.find("HTTP 401") != std::string::npos);
    QVERIFY(judgments[0].failureReason.find("not retried") != std::string::npos);
    QVERIFY(judgments[0].failureReason.find(test::kPlantedKey) == std::string::npos);
    QVERIFY(judgments[0].rawResponse.find(test::kPlantedKey) == std::string::npos);
  }

  void timesOutSlowAnswersAndRecordsIt() {
    FakeChatServer server([](const FakeRequest&) {
      FakeReply reply = test::gradeReply(1);
      reply.delayMs = 1500;
      return reply;
    });
    TeacherConfig config = test::fastOpenAiConfig(server.baseUrl(), 2);
    config.timeoutSeconds = 0.25;
    const auto judgments = judgeWith(config, pairs(2));
    for (const Judgment& j : judgments) {
      QVERIFY(!j.ok);
      QCOMPARE(j.attempts, 2);
      QVERIFY2(j.failureReason.find("timed out") != std::string::npos, j.failureReason.c_str());
    }
  }

  void unusableAnswersAreRetriedOnceWithAStricterPrompt() {
    std::mutex mutex;
    std::map<std::string, int> seen;
    FakeChatServer server([&](const FakeRequest& r) {
      const std::string firstUser = r.json["messages"][1]["content"];
      int count;
      {
        std::lock_guard lock(mutex);
        count = ++seen[firstUser];
      }
      if (firstUser.find("number 0 ") != std::string::npos) // malformed, then fine
        return count == 1 ? FakeReply{200, test::chatCompletionBody("I'd say it is quite relevant."), {}, 0, false}
                          : test::gradeReply(3);
      if (firstUser.find("number 1 ") != std::string::npos) // out of range twice
        return FakeReply{200, test::chatCompletionBody(R"({"grade": 7, "rationale": "very"})"), {}, 0, false};
      if (firstUser.find("number 2 ") != std::string::npos) // broken envelope, then fine
        return count == 1 ? FakeReply{200, "{\"choices\": [", {}, 0, false} : test::gradeReply(1);
      // prose around a fenced answer needs no retry
      return FakeReply{200,
                       test::chatCompletionBody("Here you go:\n```json\n{\"grade\": 2, \"rationale\": \"r\"}\n```"),
                       {},
                       0,
                       false};
    });
    const auto judgments = judgeWith(test::fastOpenAiConfig(server.baseUrl()), pairs(4));
    QVERIFY(judgments[0].ok);
    QCOMPARE(judgments[0].grade, 3);
    QCOMPARE(judgments[0].attempts, 2);
    QVERIFY(!judgments[1].ok);
    QCOMPARE(judgments[1].attempts, 2);
    QVERIFY2(judgments[1].failureReason.find("grade 7 is outside 0-3") != std::string::npos,
             judgments[1].failureReason.c_str());
    QVERIFY(judgments[1].rawResponse.find("\"grade\": 7") != std::string::npos); // kept for inspection
    QVERIFY(judgments[2].ok);
    QCOMPARE(judgments[2].grade, 1);
    QVERIFY(judgments[3].ok);
    QCOMPARE(judgments[3].attempts, 1);
    QCOMPARE(server.requestCount(), 2 + 2 + 2 + 1);
    // The stricter follow-up shows the model its answer and says what was wrong.
    bool sawStrict = false;
    for (const FakeRequest& r : server.requests()) {
      if (r.json["messages"].size() == 4) {
        sawStrict = true;
        QCOMPARE(r.json["messages"][2]["role"].get<std::string>(), std::string("assistant"));
        QVERIFY(r.lastUserContent().find("could not be used") != std::string::npos);
      }
    }
    QVERIFY(sawStrict);
  }

  void storesExpectedGradeFromLogprobs() {
    FakeChatServer server([](const FakeRequest& r) {
      const nlohmann::json logprobs = {
          {"content",
           {{{"token", "{\"grade\": "}, {"logprob", 0.0}},
            {{"token", "3"},
             {"logprob", std::log(0.5)},
             {"top_logprobs",
              {{{"token", "3"}, {"logprob", std::log(0.5)}}, {{"token", "2"}, {"logprob", std::log(0.5)}}}}}}}};
      return FakeReply{
          200, test::chatCompletionBody(R"({"grade": 3, "rationale": "r"})", 10, 5, logprobs), {}, 0, false};
    });
    const auto judgments = judgeWith(test::fastOpenAiConfig(server.baseUrl()), pairs(1));
    QVERIFY(judgments[0].ok);
    QVERIFY(judgments[0].score.has_value());
    QVERIFY(std::abs(*judgments[0].score - 2.5) < 1e-6);
    QCOMPARE(server.requests().front().json["logprobs"].get<bool>(), true);
  }

  void dropsResponseFormatWhenTheEndpointRefusesIt() {
    FakeChatServer server([](const FakeRequest& r) {
      if (r.json.contains("response_format"))
        return FakeReply{400, R"({"error": "unknown field response_format"})", {}, 0, false};
      return test::gradeReply(1);
    });
    auto teacher = makeTeacher(test::fastOpenAiConfig(server.baseUrl()));
    auto judgments = teacher->judge(pairs(3), {}, std::stop_token());
    for (const Judgment& j : judgments)
      QVERIFY2(j.ok, j.failureReason.c_str());
    const int afterFirstBatch = server.requestCount();
    judgments = teacher->judge(pairs(2), {}, std::stop_token()); // remembered for the session
    QCOMPARE(server.requestCount(), afterFirstBatch + 2);
  }

  void cancellationAbortsRequestsInFlight() {
    FakeChatServer server([](const FakeRequest&) {
      FakeReply reply = test::gradeReply(1);
      reply.delayMs = 4000;
      return reply;
    });
    auto teacher = makeTeacher(test::fastOpenAiConfig(server.baseUrl()));
    std::stop_source stop;
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      stop.request_stop();
    });
    std::vector<std::size_t> completed;
    const double started = monotonicSeconds();
    bool cancelled = false;
    try {
      teacher->judge(pairs(20), {}, stop.get_token(), [&](std::size_t i, const Judgment&) { completed.push_back(i); });
    } catch (const Cancelled&) {
      cancelled = true;
    }
    canceller.join();
    QVERIFY(cancelled);
    QVERIFY(completed.empty());
    QVERIFY(monotonicSeconds() - started < 1.5); // did not wait for the 4 s answers
    QCOMPARE(server.requestCount(), 8);          // only what was in flight had been sent
  }

  void requestsPerMinuteLimitSpacesRequests() {
    FakeChatServer server([](const FakeRequest&) { return test::gradeReply(0); });
    TeacherConfig config = test::fastOpenAiConfig(server.baseUrl());
    config.requestsPerMinute = 600; // 10 per second, bursts of 10
    const double started = monotonicSeconds();
    const auto judgments = judgeWith(config, pairs(25));
    const double seconds = monotonicSeconds() - started;
    for (const Judgment& j : judgments)
      QVERIFY(j.ok);
    QVERIFY2(seconds >= 1.3 && seconds < 3.5, std::to_string(seconds).c_str()); // 10 at once, then 10/s
  }

  void tokensPerMinuteLimitFollowsReportedUsage() {
    // Every call reports 500 tokens; 60,000 tokens/minute is 1,000 a second with a 1,000-token bucket,
    // so six calls (3,000 tokens) need about two seconds where the unlimited run needs a blink.
    FakeChatServer server([](const FakeRequest&) {
      return FakeReply{200, test::chatCompletionBody(R"({"grade": 1, "rationale": "r"})", 450, 50), {}, 0, false};
    });
    TeacherConfig config = test::fastOpenAiConfig(server.baseUrl());
    double started = monotonicSeconds();
    judgeWith(config, pairs(6));
    QVERIFY(monotonicSeconds() - started < 1.0);
    config.tokensPerMinute = 60000;
    started = monotonicSeconds();
    const auto judgments = judgeWith(config, pairs(6));
    const double seconds = monotonicSeconds() - started;
    for (const Judgment& j : judgments)
      QVERIFY(j.ok);
    QVERIFY2(seconds >= 1.2 && seconds < 4.0, std::to_string(seconds).c_str());
  }

  void synthesisesQueriesWithFewShotExamples() {
    FakeChatServer server([](const FakeRequest& r) {
      if (r.body.find("PASSAGE-B") != std::string::npos)
        return FakeReply{200, test::chatCompletionBody("two\nlines of junk"), {}, 0, false};
      return FakeReply{200, test::chatCompletionBody(R"({"query": "What drove revenue growth?"})"), {}, 0, false};
    });
    auto teacher = makeTeacher(test::fastOpenAiConfig(server.baseUrl()));
    const std::vector<SynthesisRequest> requests = {{11, "PASSAGE-A revenue grew", QueryType::Question, "10-K"},
                                                    {12, "PASSAGE-B", QueryType::Keyword, "8-K"}};
    const auto results = teacher->synthesizeQueries(requests, {}, std::stop_token());
    QVERIFY(results[0].ok);
    QCOMPARE(results[0].query, std::string("What drove revenue growth?"));
    QCOMPARE(results[0].passageId, std::int64_t(11));
    QVERIFY(!results[1].ok);
    QCOMPARE(results[1].attempts, 2);
    QVERIFY(results[1].type == QueryType::Keyword);
    const FakeRequest first = server.requests().front();
    const auto& messages = first.json["messages"];
    QCOMPARE(messages.size(), std::size_t(1 + 2 * 2 + 1)); // system, two examples, the passage
    QCOMPARE(messages[2]["role"].get<std::string>(), std::string("assistant"));
    QVERIFY(first.lastUserContent().starts_with("Document: unknown, "));
  }

  void promptsCarryTheDocumentAndSynthesisSamples() {
    FakeChatServer server([](const FakeRequest& r) {
      if (r.lastUserContent().starts_with("Query:")) // the judging prompt
        return test::gradeReply(2);
      return FakeReply{200, test::chatCompletionBody("{\"query\": \"What was Acme FY2018 capex?\"}"), {}, 0, false};
    });
    TeacherConfig config = test::fastOpenAiConfig(server.baseUrl());
    QCOMPARE(config.synthesisTemperature, 0.8); // the default: Tamber et al.'s generation scripts
    config.synthesisTemperature = 0.65;
    auto teacher = makeTeacher(config);
    SynthesisRequest synthesis{21, "Capital expenditures were $1.6 billion.", QueryType::Question, "10-K"};
    synthesis.company = "Acme Widgets Inc";
    synthesis.period = "FY2018";
    synthesis.section = "Item 7";
    synthesis.title = "Annual report";
    QVERIFY(teacher->synthesizeQueries({synthesis}, {}, std::stop_token()).front().ok);
    JudgeRequest judge;
    judge.queryText = "What was Acme's FY2018 capex?";
    judge.passageText = "Capital expenditures were $1.6 billion.";
    judge.company = "Acme Widgets Inc";
    judge.period = "2018-12-31";
    QVERIFY(teacher->judge({judge}, {}, std::stop_token()).front().ok);

    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t(2));
    const std::string written = requests[0].lastUserContent();
    for (const char* part : {"Acme Widgets Inc", "FY2018", "Item 7", "10-K", "Annual report"})
      QVERIFY2(written.find(part) != std::string::npos, written.c_str());
    QCOMPARE(requests[0].json["temperature"].get<double>(), 0.65);
    const std::string graded = requests[1].lastUserContent();
    for (const char* part : {"Acme Widgets Inc", "2018-12-31", "section unknown"})
      QVERIFY2(graded.find(part) != std::string::npos, graded.c_str());
    QCOMPARE(requests[1].json["temperature"].get<double>(), 0.0); // judging stays greedy

    QCOMPARE(TeacherConfig::fromJson({{"kind", "heuristic"}, {"synthesis_temperature", 1.1}}).synthesisTemperature,
             1.1);
    QVERIFY_THROWS_EXCEPTION(InputError,
                             TeacherConfig::fromJson({{"kind", "heuristic"}, {"synthesis_temperature", 3}}));
  }
};

QTEST_GUILESS_MAIN(TeacherClientTest)
#include "test_teacher_client.moc"
