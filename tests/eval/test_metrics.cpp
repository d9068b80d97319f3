// The metric definitions of core/eval/Metrics.h, checked against values computed by hand.
#include <QTest>

#include <cmath>

#include "core/eval/Metrics.h"

using namespace distillery::eval;

namespace {
bool near(double a, double b) {
  return std::abs(a - b) < 1e-9;
}
} // namespace

class MetricsTest : public QObject {
  Q_OBJECT

private slots:
  void gradedQrelsByHand() {
    // Ranking a, b, c; b has grade 2 (rank 2), d (grade 1) is judged but not retrieved, e judged 0.
    const MetricValues v = computeMetrics({"a", "b", "c"}, {{"b", 2}, {"d", 1}, {"e", 0}}, 3);
    QVERIFY(near(v.mrr, 0.5));
    const double dcg = 2 / std::log2(3.0);                       // 1.2618595
    const double idcg = 2 / std::log2(2.0) + 1 / std::log2(3.0); // ideal order 2, 1
    QVERIFY(near(v.dcg, dcg));
    QVERIFY(near(v.ndcg, dcg / idcg)); // 0.4796
    QVERIFY(near(v.recall, 0.5));
  }

  void cutoffExcludesLaterRanks() {
    const MetricValues v = computeMetrics({"x", "y", "z", "r"}, {{"r", 3}}, 3);
    QVERIFY(near(v.mrr, 0));
    QVERIFY(near(v.dcg, 0));
    QVERIFY(near(v.ndcg, 0));
    QVERIFY(near(v.recall, 0));
    const MetricValues at4 = computeMetrics({"x", "y", "z", "r"}, {{"r", 3}}, 4);
    QVERIFY(near(at4.mrr, 0.25));
    QVERIFY(near(at4.dcg, 3 / std::log2(5.0)));
    QVERIFY(near(at4.ndcg, (3 / std::log2(5.0)) / 3));
  }

  void idealDcgUsesAllJudgedGradesUpToK() {
    // Four relevant records, k = 2: IDCG@2 = 3/1 + 2/log2(3) from the two best grades.
    const MetricValues v = computeMetrics({"c", "a"}, {{"a", 3}, {"b", 2}, {"c", 1}, {"d", 1}}, 2);
    const double dcg = 1.0 + 3 / std::log2(3.0);
    QVERIFY(near(v.dcg, dcg));
    QVERIFY(near(v.ndcg, dcg / (3.0 + 2 / std::log2(3.0))));
    QVERIFY(near(v.mrr, 1.0));
    QVERIFY(near(v.recall, 0.5));
  }

  void queryWithoutRelevantPassagesInTheCorpusScoresZero() {
    // Its only relevant record is not in the corpus, so nothing retrieved can match it.
    const MetricValues v = computeMetrics({"a", "b"}, {{"missing", 1}}, 5);
    QVERIFY(near(v.mrr, 0));
    QVERIFY(near(v.ndcg, 0));
    QVERIFY(near(v.recall, 0));
    // Only irrelevant judgments: IDCG is 0 and NDCG is defined as 0, not NaN.
    const MetricValues irrelevant = computeMetrics({"a"}, {{"a", 0}}, 5);
    QVERIFY(near(irrelevant.ndcg, 0));
    QVERIFY(!std::isnan(irrelevant.ndcg));
  }

  void kLargerThanTheCandidateList() {
    const MetricValues v = computeMetrics({"a", "b"}, {{"b", 1}, {"c", 1}}, 10);
    QVERIFY(near(v.mrr, 0.5));
    QVERIFY(near(v.dcg, 1 / std::log2(3.0)));
    QVERIFY(near(v.ndcg, (1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0))));
    QVERIFY(near(v.recall, 0.5));
    QVERIFY(near(computeMetrics({}, {{"a", 1}}, 10).mrr, 0));
  }

  void repeatedRecordsCountOnceAtTheirBestRank() {
    QCOMPARE(distinctInOrder({"r1", "r2", "r1", "r3", "r2"}), (std::vector<std::string>{"r1", "r2", "r3"}));
    // Chunks of r1 at ranks 1 and 2 must not push r2 down nor double r1's gain.
    const MetricValues v = computeMetrics({"r1", "r1", "r2"}, {{"r1", 1}, {"r2", 1}}, 2);
    QVERIFY(near(v.dcg, 1 + 1 / std::log2(3.0)));
    QVERIFY(near(v.ndcg, 1.0));
    QVERIFY(near(v.recall, 1.0));
  }

  void aggregatesOverallAndPerFilingType() {
    std::vector<QueryMetrics> queries = {
        {"q1", "10-K", {1.0, 1.0, 1.0, 1.0}},
        {"q2", "10-K", {0.5, 0.3, 0.2, 0.5}},
        {"q3", "8-K", {0.0, 0.0, 0.0, 0.0}},
    };
    const MetricsTable table = aggregate(queries, 5);
    QCOMPARE(table.k, 5);
    QCOMPARE(table.groups.size(), std::size_t(3));
    QCOMPARE(table.groups.at("ALL").queries, std::int64_t(3));
    QVERIFY(near(table.groups.at("ALL").mean.mrr, 0.5));
    QVERIFY(near(table.groups.at("ALL").mean.ndcg, 0.4));
    QCOMPARE(table.groups.at("10-K").queries, std::int64_t(2));
    QVERIFY(near(table.groups.at("10-K").mean.mrr, 0.75));
    QVERIFY(near(table.groups.at("10-K").mean.dcg, 0.65));
    QCOMPARE(table.groups.at("8-K").queries, std::int64_t(1));
    QVERIFY(near(table.groups.at("8-K").mean.recall, 0));
    const MetricsTable empty = aggregate({}, 5);
    QCOMPARE(empty.groups.at("ALL").queries, std::int64_t(0));
  }
};

QTEST_GUILESS_MAIN(MetricsTest)
#include "test_metrics.moc"
