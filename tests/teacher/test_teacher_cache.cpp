// The judgment cache and query synthesis over a real experiment store, and the offline heuristic teacher
// on real filings and TAT-QA: never paying twice, storing every result as it arrives, resuming after a
// cancel, keeping the API key out of the store, and a lexical grader that agrees with human qrels.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/corpus/CorpusImporter.h"
#include "core/corpus/CorpusRepository.h"
#include "core/store/Store.h"
#include "core/teacher/HeuristicTeacher.h"
#include "core/teacher/JudgmentCache.h"
#include "core/teacher/PromptLibrary.h"
#include "core/teacher/QueryGenerator.h"
#include "core/util/Error.h"
#include "tests/support/TestSupport.h"
#include "tests/teacher/FakeChatServer.h"
#include "tests/teacher/TeacherTestSupport.h"

using namespace distillery;
using namespace distillery::teacher;
using distillery::test::FakeChatServer;
using distillery::test::FakeReply;
using distillery::test::FakeRequest;

namespace {

std::vector<JudgeRequest> requestsFor(const std::vector<corpus::PassageRecord>& passages, int count) {
  std::vector<JudgeRequest> requests;
  for (int i = 0; i < count; ++i) {
    const auto& p = passages[static_cast<std::size_t>(i) % passages.size()];
    requests.push_back(
        {"question " + std::to_string(i) + " grade " + std::to_string(i % 4), p.text, std::nullopt, p.id});
  }
  return requests;
}

/// Whitespace runs as one space: the extractive claim is a passage sentence with its line breaks folded.
std::string collapseSpaces(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = std::isspace(static_cast<unsigned char>(c));
    if (!space)
      out.push_back(c);
    else if (!out.empty() && out.back() != ' ')
      out.push_back(' ');
  }
  return out;
}

/// A teacher whose queries are scripted by the passage's position in the batch, and which keeps what it was asked.
class ScriptedTeacher : public Teacher {
public:
  explicit ScriptedTeacher(std::vector<std::string> queries) : queries_(std::move(queries)) {}
  std::string kind() const override { return "heuristic"; }
  std::string model() const override { return "scripted"; }
  std::string promptVersion() const override { return "scripted/v1"; }
  std::string synthesisPromptVersion() const override { return "scripted/v1"; }
  std::vector<SynthesisResult> synthesizeQueries(const std::vector<SynthesisRequest>& requests, const ProgressCallback&,
                                                 std::stop_token, const SynthesisSink& sink) override {
    std::vector<SynthesisResult> results;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      asked.push_back(requests[i]);
      SynthesisResult result;
      result.ok = true;
      result.passageId = requests[i].passageId;
      result.type = requests[i].type;
      result.query = queries_[i % queries_.size()];
      results.push_back(result);
      if (sink)
        sink(i, result);
    }
    return results;
  }
  std::vector<Judgment> judge(const std::vector<JudgeRequest>&, const ProgressCallback&, std::stop_token,
                              const JudgmentSink&) override {
    return {};
  }
  std::vector<SynthesisRequest> asked;

private:
  std::vector<std::string> queries_;
};

} // namespace

class TeacherCacheTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString storePath_;
  std::vector<corpus::PassageRecord> passages_;

private slots:
  void initTestCase() {
    test::plantApiKey();
    DISTILLERY_REQUIRE_SHARED_DATA("filings/edgar-8k");
    storePath_ = dir_.filePath("experiment.db");
    store::Store s = store::Store::open(storePath_.toStdString(), store::OpenMode::CreateNew);
    corpus::ImportOptions options;
    options.corpusName = "filings";
    const QDir eightK(test::sharedDataDir() + "/filings/edgar-8k");
    std::vector<std::filesystem::path> files;
    for (const QString& name : eightK.entryList({"*.json"}, QDir::Files, QDir::Name).mid(0, 4))
      files.emplace_back(eightK.filePath(name).toStdString());
    const QDir tenK(test::sharedDataDir() + "/filings/edgar-10k");
    files.emplace_back(tenK.filePath(tenK.entryList({"*.json"}, QDir::Files, QDir::Name).front()).toStdString());
    const auto summary = corpus::importPaths(s, options, files);
    QVERIFY(summary.passages > 20);
    passages_ = corpus::loadPassages(s, summary.corpusId);
  }

  void judgesOnceAndServesRepeatsFromTheStore() {
    FakeChatServer server([](const FakeRequest& r) { return test::gradeReply(test::scriptedGrade(r)); });
    store::Store s = store::Store::open(storePath_.toStdString());
    auto teacher = makeTeacher(test::fastOpenAiConfig(server.baseUrl()));
    std::vector<JudgeRequest> requests = requestsFor(passages_, 12);
    requests.push_back(requests.front()); // the same pair twice in one batch is paid once
    JudgmentCache cache(s);
    const JudgeBatchResult first = cache.judge(*teacher, requests, {}, std::stop_token());
    QCOMPARE(first.judged, 13);
    QCOMPARE(first.cached, 0);
    QCOMPARE(first.failed, 0);
    QCOMPARE(server.requestCount(), 12);
    QCOMPARE(first.usage.calls, 12);
    QCOMPARE(s.queryInt64("SELECT count(*) FROM judgments WHERE teacher_model = 'fake-model' AND status = 'ok'"), 12);
    QCOMPARE(s.queryInt64("SELECT count(*) FROM judgments WHERE teacher_kind = 'openai' AND passage_id IS NOT NULL "
                          "AND prompt_version = 'judge-relevance/v2'"),
             12);

    // A second run (a new teacher object, as after a restart) pays for nothing.
    auto again = makeTeacher(test::fastOpenAiConfig(server.baseUrl()));
    const JudgeBatchResult second = JudgmentCache(s).judge(*again, requests, {}, std::stop_token());
    QCOMPARE(second.cached, 13);
    QCOMPARE(second.judged, 0);
    QCOMPARE(server.requestCount(), 12);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      QVERIFY(second.judgments[i].fromCache);
      QCOMPARE(second.judgments[i].grade, first.judgments[i].grade);
      QCOMPARE(second.judgments[i].rationale, first.judgments[i].rationale);
    }
    // A different teacher model is a different cache key.
    teacher::TeacherConfig other = test::fastOpenAiConfig(server.baseUrl());
    other.model = "other-model";
    const JudgeBatchResult third = JudgmentCache(s).judge(*makeTeacher(other), requestsFor(passages_, 2), {}, {});
    QCOMPARE(third.judged, 2);
    QCOMPARE(server.requestCount(), 14);
  }

  void judgesStoredPassagesWithTheirDocumentAndReportsEachAsItArrives() {
    // The query playground's "Judge these": one query against stored passages, the document's details in the prompt,
    // every passage's grade handed on as it is known (from the store first), unknown ids refused before any call.
    std::vector<std::string> asked;
    std::mutex askedMutex; // the server answers on its own threads
    FakeChatServer server([&](const FakeRequest& r) {
      const std::lock_guard lock(askedMutex);
      asked.push_back(r.lastUserContent());
      return test::gradeReply(test::scriptedGrade(r));
    });
    store::Store s = store::Store::open(storePath_.toStdString());
    auto teacher = makeTeacher(test::fastOpenAiConfig(server.baseUrl()));
    const std::string query = "playground question grade 2";
    const std::vector<std::int64_t> ids{passages_[3].id, passages_[1].id, passages_[2].id};
    JudgmentCache(s).judge(*teacher, {judgeRequestFor(query, passages_[1])}, {}, {}); // judged before
    QCOMPARE(server.requestCount(), 1);

    std::vector<std::pair<std::size_t, int>> heard;
    const JudgeBatchResult result =
        judgeStoredPassages(s, *teacher, query, ids, {}, {}, [&heard](std::size_t index, const Judgment& judgment) {
          QVERIFY(judgment.ok);
          heard.emplace_back(index, judgment.grade);
        });
    QCOMPARE(result.cached, 1);
    QCOMPARE(result.judged, 2);
    QCOMPARE(server.requestCount(), 3);
    QCOMPARE(heard.size(), std::size_t{3});
    QCOMPARE(heard.front().first, std::size_t{1}); // the stored one first
    std::set<std::size_t> indexes;
    for (const auto& [index, grade] : heard) {
      indexes.insert(index);
      QCOMPARE(grade, 2);
    }
    QCOMPARE(indexes, (std::set<std::size_t>{0, 1, 2}));
    for (const std::int64_t id : ids)
      QCOMPARE(s.queryInt64("SELECT count(*) FROM judgments j JOIN passages p ON p.content_hash = j.passage_hash "
                            "WHERE p.id = " +
                            std::to_string(id) + " AND j.query_text = '" + query +
                            "' AND j.status = 'ok' AND j.grade = 2"),
               1);
    // The prompt names the filer, as when a run asks about the same passage.
    QVERIFY(!passages_[3].company.empty());
    QVERIFY(std::any_of(asked.begin(), asked.end(), [&](const std::string& content) {
      return content.find(passages_[3].company) != std::string::npos;
    }));

    QVERIFY_THROWS_EXCEPTION(InputError, judgeStoredPassages(s, *teacher, query, {passages_[0].id, 987654321}, {}, {}));
    QCOMPARE(server.requestCount(), 3);
  }

  void editedPromptIsADifferentCacheKey() {
    FakeChatServer server([](const FakeRequest& r) { return test::gradeReply(test::scriptedGrade(r)); });
    store::Store s = store::Store::open(storePath_.toStdString());
    const std::vector<JudgeRequest> requests = requestsFor(passages_, 3);
    TeacherConfig config = test::fastOpenAiConfig(server.baseUrl());
    config.model = "prompt-model";
    QCOMPARE(JudgmentCache(s).judge(*makeTeacher(config), requests, {}, {}).judged, 3);

    QTemporaryDir prompts;
    nlohmann::json edited = PromptLibrary::load().judge().spec;
    edited["system"] = "You are a strict grader of 10-K passages. " + edited["system"].get<std::string>();
    std::ofstream(prompts.filePath("judge-relevance.v2.json").toStdString()) << edited.dump();
    config.promptDirectory = prompts.path().toStdString();
    auto editedTeacher = makeTeacher(config);
    QVERIFY(editedTeacher->promptVersion() != "judge-relevance/v2");
    const JudgeBatchResult again = JudgmentCache(s).judge(*editedTeacher, requests, {}, {});
    QCOMPARE(again.judged, 3); // new wording, new judgments
    QCOMPARE(again.cached, 0);
    QVERIFY(server.requests().back().body.find("strict grader of 10-K") != std::string::npos);
  }

  void failuresAreStoredAndRetriedNextTimeWithoutLeakingTheKey() {
    std::atomic<bool> healthy{false};
    FakeChatServer server([&](const FakeRequest& r) {
      if (!healthy)
        return FakeReply{500, R"({"error": "down; got )" + r.authorization + R"("})", {}, 0, false};
      return test::gradeReply(test::scriptedGrade(r));
    });
    {
      store::Store s = store::Store::open(storePath_.toStdString());
      std::vector<JudgeRequest> requests = requestsFor(passages_, 5);
      for (auto& r : requests)
        r.queryText = "failing " + r.queryText;
      auto teacher = makeTeacher(test::fastOpenAiConfig(server.baseUrl(), 2));
      const JudgeBatchResult down = JudgmentCache(s).judge(*teacher, requests, {}, std::stop_token());
      QCOMPARE(down.failed, 5);
      QCOMPARE(down.failures.size(), std::size_t(5));
      QVERIFY(down.failures[0].reason.find("HTTP 500") != std::string::npos);
      QCOMPARE(s.queryInt64("SELECT count(*) FROM judgments WHERE status = 'failed' AND failure_reason LIKE "
                            "'%HTTP 500%' AND attempts = 2"),
               5);
      healthy = true;
      const JudgeBatchResult up = JudgmentCache(s).judge(*teacher, requests, {}, std::stop_token());
      QCOMPARE(up.judged, 5);
      QCOMPARE(up.cached, 0);
      QCOMPARE(s.queryInt64("SELECT count(*) FROM judgments WHERE query_text LIKE 'failing %' AND status = 'ok' "
                            "AND failure_reason IS NULL AND attempts = 3"),
               5);
    }
    QVERIFY(!test::storeBytes(storePath_).contains(test::kPlantedKey));
  }

  void cancelledBatchKeepsWhatFinishedAndResumes() {
    std::atomic<int> answered{0};
    FakeChatServer server([&](const FakeRequest& r) {
      FakeReply reply = test::gradeReply(test::scriptedGrade(r));
      reply.delayMs = ++answered <= 6 ? 10 : 3000; // the first few come back, the rest hang
      return reply;
    });
    store::Store s = store::Store::open(storePath_.toStdString());
    std::vector<JudgeRequest> requests = requestsFor(passages_, 20);
    for (auto& r : requests)
      r.queryText = "resume " + r.queryText;
    TeacherConfig config = test::fastOpenAiConfig(server.baseUrl());
    config.concurrency = 4;
    auto teacher = makeTeacher(config);
    std::stop_source stop;
    std::int64_t reported = 0;
    const ProgressCallback progress = [&](const Progress& p) {
      reported = p.done;
      if (p.done >= 6)
        stop.request_stop();
    };
    QVERIFY_THROWS_EXCEPTION(Cancelled, JudgmentCache(s).judge(*teacher, requests, progress, stop.get_token()));
    const std::int64_t stored = s.queryInt64("SELECT count(*) FROM judgments WHERE query_text LIKE 'resume %'");
    QCOMPARE(stored, 6);
    QCOMPARE(reported, 6);

    answered = -1000; // everything answers quickly now
    const JudgeBatchResult resumed = JudgmentCache(s).judge(*teacher, requests, {}, std::stop_token());
    QCOMPARE(resumed.cached, 6);
    QCOMPARE(resumed.judged, 14);
  }

  void heuristicTeacherIsDeterministicAndSaysSo() {
    HeuristicTeacher teacher;
    QCOMPARE(teacher.kind(), std::string("heuristic"));
    std::vector<SynthesisRequest> requests;
    for (std::size_t i = 0; i < 12 && i < passages_.size(); ++i)
      for (QueryType type : allQueryTypes())
        requests.push_back({passages_[i * 3 % passages_.size()].id, passages_[i * 3 % passages_.size()].text, type,
                            passages_[i].filingType});
    const auto first = teacher.synthesizeQueries(requests, {}, {});
    const auto second = teacher.synthesizeQueries(requests, {}, {});
    int gradedWell = 0, okCount = 0;
    std::vector<JudgeRequest> own;
    for (std::size_t i = 0; i < first.size(); ++i) {
      QCOMPARE(first[i].query, second[i].query);
      if (!first[i].ok)
        continue;
      ++okCount;
      const std::string& q = first[i].query;
      switch (first[i].type) {
      case QueryType::Question:
        QVERIFY2(q.ends_with("?"), q.c_str());
        break;
      case QueryType::Keyword:
        QVERIFY2(q.find('?') == std::string::npos && std::count(q.begin(), q.end(), ' ') <= 5, q.c_str());
        break;
      case QueryType::Title:
        QVERIFY2(std::isupper(static_cast<unsigned char>(q[0])), q.c_str());
        break;
      case QueryType::Claim:
        QVERIFY2(collapseSpaces(requests[i].passageText).find(q.substr(0, 20)) != std::string::npos, q.c_str());
        break;
      }
      own.push_back({q, requests[i].passageText, std::nullopt, std::nullopt});
    }
    QVERIFY(okCount >= static_cast<int>(requests.size()) * 9 / 10);
    // The lexical grader should find a query's own passage relevant and an unrelated text not.
    for (const Judgment& j : teacher.judge(own, {}, {})) {
      QVERIFY(j.rationale.starts_with("Heuristic"));
      if (j.grade >= 2)
        ++gradedWell;
    }
    QVERIFY2(gradedWell >= static_cast<int>(own.size()) * 8 / 10, std::to_string(gradedWell).c_str());
    const Judgment unrelated =
        HeuristicTeacher::judgeOne("pediatric vaccine trial enrolment in Brazil", passages_.front().text);
    QCOMPARE(unrelated.grade, 0);
    QVERIFY(unrelated.rationale.find("Heuristic") != std::string::npos);
  }

  void heuristicGraderAgreesWithTatqaQrels() {
    DISTILLERY_REQUIRE_SHARED_DATA("tatqa-beir/qrels/test.tsv");
    const QString base = test::sharedDataDir() + "/tatqa-beir/";
    std::map<std::string, std::string> corpusText;
    {
      std::ifstream in((base + "corpus.jsonl").toStdString());
      for (std::string line; std::getline(in, line);) {
        const auto json = nlohmann::json::parse(line);
        corpusText[json.value("_id", "")] = json.value("title", "") + " " + json.value("text", "");
      }
    }
    std::map<std::string, std::string> queryText;
    {
      std::ifstream in((base + "queries.jsonl").toStdString());
      for (std::string line; std::getline(in, line);) {
        const auto json = nlohmann::json::parse(line);
        queryText[json.value("_id", "")] = json.value("text", "");
      }
    }
    std::ifstream qrels((base + "qrels/test.tsv").toStdString());
    std::string line;
    std::getline(qrels, line); // header
    double relevantSum = 0, randomSum = 0;
    int n = 0;
    std::vector<std::string> ids;
    for (const auto& [id, text] : corpusText)
      ids.push_back(id);
    while (n < 300 && std::getline(qrels, line)) {
      std::stringstream fields(line);
      std::string query, doc, score;
      std::getline(fields, query, '\t');
      std::getline(fields, doc, '\t');
      if (!queryText.count(query) || !corpusText.count(doc))
        continue;
      relevantSum += *HeuristicTeacher::judgeOne(queryText[query], corpusText[doc]).score;
      randomSum += *HeuristicTeacher::judgeOne(queryText[query], corpusText[ids[(n * 7919) % ids.size()]]).score;
      ++n;
    }
    QVERIFY(n >= 100);
    qInfo("heuristic score over %d TAT-QA test pairs: relevant %.3f, random %.3f", n, relevantSum / n, randomSum / n);
    QVERIFY(relevantSum / n > randomSum / n + 0.3);
  }

  void generatesAndStoresQueriesWithoutRepeatingWork() {
    store::Store s = store::Store::open(storePath_.toStdString());
    HeuristicTeacher teacher;
    QueryGenerationOptions options;
    options.corpus = "filings";
    options.count = 16;
    const auto first = generateQueries(s, teacher, options, {}, {});
    QCOMPARE(first.generated + first.failed, 16);
    QVERIFY(first.generated >= 14);
    QCOMPARE(first.querySet, std::string("synthetic-heuristic-bm25"));
    QCOMPARE(s.queryInt64("SELECT count(DISTINCT query_type) FROM queries WHERE origin = 'heuristic'"), 4);
    QCOMPARE(s.queryInt64("SELECT count(*) FROM queries WHERE source_passage_id IS NULL OR split <> 'train'"), 0);
    QCOMPARE(s.queryInt64("SELECT count(DISTINCT source_passage_id) FROM queries"), first.generated);
    const auto second = generateQueries(s, teacher, options, {}, {});
    QCOMPARE(second.generated, 0);
    QCOMPARE(second.existing, first.generated);

    options.corpus = "no such corpus";
    QVERIFY_THROWS_EXCEPTION(InputError, generateQueries(s, teacher, options, {}, {}));
  }

  void dropsDuplicateQueriesAndShowsTheTeacherTheDocument() {
    store::Store s = store::Store::open(storePath_.toStdString());
    ScriptedTeacher teacher({"What was the CFO's base salary in 2019?",
                             "what was the CFO's base salary in 2019", // same words: a duplicate
                             "What was the CFO base salary in 2019?",  // 8 of 9 words shared: near-duplicate
                             "Who was appointed chief financial officer?", "When does the credit agreement mature?"});
    std::vector<std::int64_t> ids; // passages that are not near-duplicates, in corpus order
    for (const auto& p : passages_)
      if (!p.nearDuplicateOf)
        ids.push_back(p.id);
    QVERIFY(ids.size() >= 7);
    QueryGenerationOptions options;
    options.corpus = "filings";
    options.count = 5;
    options.querySet = "dedup";
    options.passageIds.assign(ids.begin(), ids.begin() + 5);
    std::vector<std::string> messages;
    const auto result =
        generateQueries(s, teacher, options, [&](const distillery::Progress& p) { messages.push_back(p.message); }, {});
    QCOMPARE(result.generated, 3);
    QCOMPARE(result.duplicates, 2);
    QCOMPARE(result.dropped.size(), std::size_t(2));
    QVERIFY2(result.dropped[0].reason.starts_with("same text as query "), result.dropped[0].reason.c_str());
    QVERIFY2(result.dropped[1].reason.starts_with("near-duplicate of query ") &&
                 result.dropped[1].reason.find("word overlap 0.89") != std::string::npos,
             result.dropped[1].reason.c_str());
    QCOMPARE(std::count_if(messages.begin(), messages.end(),
                           [](const std::string& m) { return m.starts_with("dropped query of passage "); }),
             std::ptrdiff_t(2));
    QCOMPARE(s.queryInt64("SELECT count(*) FROM queries q JOIN query_sets qs ON qs.id = q.query_set_id "
                          "WHERE qs.name = 'dedup'"),
             3);

    // The EDGAR filings name their company and period: the teacher is shown them with the passage.
    QCOMPARE(teacher.asked.size(), std::size_t(5));
    const auto known = std::count_if(teacher.asked.begin(), teacher.asked.end(),
                                     [](const SynthesisRequest& r) { return !r.company.empty() && !r.period.empty(); });
    QVERIFY2(known >= 4, std::to_string(known).c_str());
    std::map<std::int64_t, corpus::PassageRecord> byId;
    for (const auto& p : passages_)
      byId.emplace(p.id, p);
    for (const SynthesisRequest& r : teacher.asked) {
      QCOMPARE(r.company, byId.at(r.passageId).company);
      QCOMPARE(r.period, byId.at(r.passageId).period);
      QCOMPARE(r.section, byId.at(r.passageId).section);
    }

    // Asked again, a set already holding a query drops a new one with the same words.
    ScriptedTeacher again({"WHAT WAS THE CFO'S BASE SALARY IN 2019?"});
    options.passageIds.assign(ids.begin() + 5, ids.begin() + 7);
    const auto second = generateQueries(s, again, options, {}, {});
    QCOMPARE(again.asked.size(), std::size_t(2));
    QCOMPARE(second.generated, 0);
    QCOMPARE(second.duplicates, 2);
  }
};

QTEST_GUILESS_MAIN(TeacherCacheTest)
#include "test_teacher_cache.moc"
