// compareQueryRankings and mostChanged on two hand-written runs of a tiny store, every value checked by hand.
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>

#include "core/eval/Evaluator.h"
#include "core/eval/QueryChanges.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "tests/support/HandMadeStore.h"

using namespace distillery;
using namespace distillery::eval;
using namespace distillery::test;

namespace {

bool near(double a, double b) {
  return std::abs(a - b) < 1e-9;
}

std::vector<std::string> keys(const std::vector<QueryChange>& changes) {
  std::vector<std::string> out;
  for (const QueryChange& change : changes)
    out.push_back(change.queryKey);
  return out;
}

std::vector<std::string> records(const std::vector<RankedRecord>& list) {
  std::vector<std::string> out;
  for (const RankedRecord& record : list)
    out.push_back(record.recordKey);
  return out;
}

const std::string kLong = "Liquidity and capital resources: cash and cash equivalents were sufficient to fund "
                          "operations, dividends and the share repurchase programme through the next year.";

} // namespace

class QueryChangesTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::string storePath_;
  std::int64_t corpus_ = 0;
  std::int64_t querySet_ = 0;
  std::string unnamedKey_; // the query without an external id: keyed 'q' || id
  std::int64_t before_ = 0, after_ = 0;

  std::string file(const char* name) const { return dir_.filePath(QString::fromLatin1(name)).toStdString(); }

  std::int64_t evaluateRun(store::Store& s, const char* name, const std::string& lines, int k = 5) {
    std::ofstream(file(name)) << lines;
    EvaluationRequest request;
    request.corpusId = corpus_;
    request.querySetId = querySet_;
    request.k = k;
    request.retriever = RetrieverKind::RunFile;
    request.runFile = file(name);
    return evaluate(s, request).evaluationId;
  }

private slots:
  void initTestCase() {
    storePath_ = file("experiment.db");
    store::Store s = store::Store::open(storePath_, store::OpenMode::CreateNew);
    s.prepare("INSERT INTO corpora(name, created_at) VALUES ('fin', 'now')").run();
    corpus_ = s.lastInsertId();
    const auto tenK = insertDocument(s, corpus_, "ACME-10K", "10-K");
    const auto eightK = insertDocument(s, corpus_, "ACME-8K", "8-K");
    insertPassage(s, corpus_, tenK, 0, "r1", "Revenue grew  12%\nin fiscal 2023.");
    insertPassage(s, corpus_, tenK, 1, "r1", "second chunk of r1, never the snippet");
    insertPassage(s, corpus_, tenK, 2, "r2", "Risk factors include supply chain disruption.");
    insertPassage(s, corpus_, tenK, 3, "r5", kLong);
    insertPassage(s, corpus_, eightK, 0, "r3", "Merger agreement signed.");
    insertPassage(s, corpus_, eightK, 1, "r4", "Dividend declared by the board.");
    s.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (?1, 'qs', 'manual', 'now')")
        .bind(1, corpus_)
        .run();
    querySet_ = s.lastInsertId();
    insertQuery(s, querySet_, "q1", "how did revenue grow", std::nullopt, {{"r1", 3}, {"r2", 0}});
    insertQuery(s, querySet_, "q2", "merger agreement", std::nullopt, {{"r3", 3}});
    insertQuery(s, querySet_, "q3", "supply chain risk", std::nullopt, {{"r2", 1}});
    const std::int64_t unnamed =
        insertQuery(s, querySet_, std::nullopt, "dividend by the board", std::nullopt, {{"r4", 3}});
    unnamedKey_ = QStringLiteral("q%1").arg(unnamed).toStdString(); // keyed 'q' || id (std::string + trips -Wrestrict)
    insertQuery(s, querySet_, "q5", "liquidity", std::nullopt, {{"r5", 1}});

    // Before: q1 and q2 find their answer second (NDCG 1/log2 3), q3 first (1), the unnamed query not at all (0),
    // q5 first (1). After: q1, q2 and the unnamed query first (1), q3 second (1/log2 3), q5 unchanged.
    before_ = evaluateRun(s, "before.run",
                          "q1 Q0 r2 1 9 a\nq1 Q0 r1 2 8 a\nq2 Q0 r4 1 9 a\nq2 Q0 r3 2 8 a\nq3 Q0 r2 1 9 a\n" +
                              unnamedKey_ + " Q0 r3 1 9 a\n" + unnamedKey_ + " Q0 r1 2 8 a\nq5 Q0 r5 1 9 a\n");
    after_ = evaluateRun(s, "after.run",
                         "q1 Q0 r1 1 9 b\nq1 Q0 r2 2 8 b\nq2 Q0 r3 1 9 b\nq2 Q0 r4 2 8 b\nq3 Q0 r1 1 9 b\n"
                         "q3 Q0 r2 2 8 b\n" +
                             unnamedKey_ + " Q0 r4 1 9 b\nq5 Q0 r5 1 9 b\n");
  }

  void everyQueryBothScoredWithTextTypeNdcgAndTopLists() {
    store::Store s = store::Store::open(storePath_);
    const std::vector<QueryChange> changes = compareQueryRankings(s, before_, after_);
    // In query key order; the unnamed query's key is 'q<id>' with id 4, between q3 and q5.
    QCOMPARE(unnamedKey_, std::string("q4"));
    QCOMPARE(keys(changes), (std::vector<std::string>{"q1", "q2", "q3", "q4", "q5"}));
    const double second = 1.0 / std::log2(3.0);

    const QueryChange& q1 = changes[0];
    QCOMPARE(q1.text, std::string("how did revenue grow"));
    QCOMPARE(q1.filingType, std::string("10-K")); // r1's document
    QVERIFY(near(q1.ndcgA, second));
    QVERIFY(near(q1.ndcgB, 1.0));
    QCOMPARE(records(q1.topA), (std::vector<std::string>{"r2", "r1"}));
    QCOMPARE(records(q1.topB), (std::vector<std::string>{"r1", "r2"}));
    QCOMPARE(q1.topB[0].rank, 1);
    QCOMPARE(q1.topB[1].rank, 2);
    QCOMPARE(q1.topB[0].grade, std::optional<int>(3));
    QCOMPARE(q1.topB[1].grade, std::optional<int>(0)); // judged irrelevant is a grade, not "unjudged"
    // The first chunk of r1, whitespace collapsed.
    QCOMPARE(q1.topB[0].snippet, std::string("Revenue grew 12% in fiscal 2023."));

    const QueryChange& q4 = changes[3];
    QCOMPARE(q4.text, std::string("dividend by the board")); // found by 'q' || id
    QCOMPARE(q4.filingType, std::string("8-K"));
    QVERIFY(near(q4.ndcgA, 0.0));
    QVERIFY(near(q4.ndcgB, 1.0));
    QCOMPARE(records(q4.topA), (std::vector<std::string>{"r3", "r1"}));
    QCOMPARE(q4.topA[0].grade, std::nullopt); // r3 is not judged for this query
    QCOMPARE(q4.topB[0].grade, std::optional<int>(3));

    const QueryChange& q5 = changes[4];
    QVERIFY(near(q5.change(), 0.0));
    QVERIFY(q5.topA[0].snippet.ends_with("\u2026"));
    QVERIFY(q5.topA[0].snippet.size() <= kSnippetLength + 3);
    QVERIFY(q5.topA[0].snippet.starts_with("Liquidity and capital resources: cash"));
    QVERIFY(kLong.starts_with(q5.topA[0].snippet.substr(0, q5.topA[0].snippet.size() - 3)));
    QVERIFY(q5.topA[0].snippet.size() > 70); // cut near the limit, at a word

    // `top` cuts the lists.
    const std::vector<QueryChange> firstOnly = compareQueryRankings(s, before_, after_, 1);
    QCOMPARE(records(firstOnly[0].topA), std::vector<std::string>{"r2"});
  }

  void mostChangedOrdersByChangeThenKeyAndLeavesOutTheUnchanged() {
    store::Store s = store::Store::open(storePath_);
    std::vector<QueryChange> changes = compareQueryRankings(s, before_, after_);
    // Reversed input: q2 before q1, so only the key tie-break can put q1 (same gain as q2) first.
    std::reverse(changes.begin(), changes.end());
    const MostChanged most = mostChanged(changes);
    QCOMPARE(keys(most.improved), (std::vector<std::string>{"q4", "q1", "q2"}));
    QCOMPARE(keys(most.degraded), std::vector<std::string>{"q3"});
    QVERIFY(near(most.degraded[0].change(), 1.0 / std::log2(3.0) - 1.0));

    const MostChanged two = mostChanged(changes, 2);
    QCOMPARE(keys(two.improved), (std::vector<std::string>{"q4", "q1"}));
    QCOMPARE(keys(two.degraded), std::vector<std::string>{"q3"});
  }

  void unknownOrIncomparableEvaluationsAreNamed() {
    store::Store s = store::Store::open(storePath_);
    try {
      compareQueryRankings(s, before_, 999);
      QFAIL("no error for an unknown evaluation");
    } catch (const InputError& e) {
      QVERIFY2(std::string(e.what()).find("no evaluation with id 999") != std::string::npos, e.what());
    }
    const std::int64_t atThree = evaluateRun(s, "three.run", "q1 Q0 r1 1 9 c\n", 3);
    try {
      compareQueryRankings(s, before_, atThree);
      QFAIL("no error for evaluations at different k");
    } catch (const InputError& e) {
      QVERIFY2(std::string(e.what()).find("different k (5 and 3)") != std::string::npos, e.what());
    }
  }

  void snippetsCutAtWordsAndCharacters() {
    QCOMPARE(textSnippet("  short\ttext \n"), std::string("short text"));
    QCOMPARE(textSnippet("abcdefghij", 4), std::string("abcd\u2026"));
    QCOMPARE(textSnippet("one two three four", 10), std::string("one two\u2026"));
    // "é" is two bytes; a cut inside it moves back to before it.
    QCOMPARE(textSnippet("abc\u00e9def", 4), std::string("abc\u2026"));
  }
};

QTEST_GUILESS_MAIN(QueryChangesTest)
#include "test_query_changes.moc"
