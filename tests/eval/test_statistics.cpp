// Confidence intervals and paired tests of core/eval/Statistics.h against values worked out by hand, and the relevance
// threshold of the metrics on the 0-3 scale.
#include <QTest>

#include <cmath>

#include "core/eval/Judges.h"
#include "core/eval/Metrics.h"
#include "core/eval/Statistics.h"
#include "core/util/Error.h"

using namespace distillery::eval;

namespace {
bool near(double a, double b, double tolerance = 1e-9) {
  return std::abs(a - b) < tolerance;
}
QueryMetrics query(const std::string& key, const std::string& type, double ndcg) {
  return {key, type, {ndcg, ndcg, ndcg, ndcg}};
}
} // namespace

class StatisticsTest : public QObject {
  Q_OBJECT

private slots:
  void fewerThanTwoValuesHaveNoInterval() {
    const std::vector<double> none, one{0.7};
    QVERIFY(!bootstrapMeanInterval(none));
    QVERIFY(!bootstrapMeanInterval(one));
    // A filing type with a single query gets no interval; ALL (two queries) does.
    const auto intervals = metricIntervals({query("a", "10-K", 1.0), query("b", "8-K", 0.0)});
    QVERIFY(intervals.count(kAllFilingTypes));
    QVERIFY(!intervals.count("10-K"));
    QVERIFY(!intervals.count("8-K"));
  }

  void constantValuesGiveAPointInterval() {
    const std::vector<double> values(10, 0.25);
    const auto interval = bootstrapMeanInterval(values);
    QVERIFY(interval);
    QVERIFY(near(interval->low, 0.25));
    QVERIFY(near(interval->high, 0.25));
  }

  void twoValuesSpanTheirRange() {
    // {0, 1}: a resample's mean is 0, 0.5 or 1 with probabilities 1/4, 1/2, 1/4, so the 2.5% and 97.5% quantiles of
    // 1,000 resamples are 0 and 1 (each end holds about 250 of them, far more than the 25 cut off).
    const std::vector<double> values{0.0, 1.0};
    const auto interval = bootstrapMeanInterval(values);
    QVERIFY(interval);
    QVERIFY(near(interval->low, 0.0));
    QVERIFY(near(interval->high, 1.0));
  }

  void intervalNarrowsWithMoreQueriesAndHoldsTheMean() {
    std::vector<double> small, large;
    for (int i = 0; i < 20; ++i)
      small.push_back(i % 2);
    for (int i = 0; i < 2000; ++i)
      large.push_back(i % 2);
    const auto a = bootstrapMeanInterval(small), b = bootstrapMeanInterval(large);
    QVERIFY(a->low < 0.5 && a->high > 0.5);
    QVERIFY(b->low < 0.5 && b->high > 0.5);
    // The standard error of a mean of 0/1 values at p = 0.5 is 0.5 / sqrt(n): 95% half-width about 0.22 at n = 20 and
    // 0.022 at n = 2,000.
    QVERIFY2(b->high - b->low < 0.06, qPrintable(QString::number(b->high - b->low)));
    QVERIFY2(a->high - a->low > 0.3, qPrintable(QString::number(a->high - a->low)));
    // The same seed, the same interval.
    const auto again = bootstrapMeanInterval(small);
    QCOMPARE(again->low, a->low);
    QCOMPARE(again->high, a->high);
  }

  void signFlipTestIsExactOnFewQueries() {
    // Differences {+1, +1, +1}: of the 8 sign patterns only all-plus and all-minus reach |mean| 1, so p = 2/8.
    const std::vector<double> a{0, 0, 0}, b{1, 1, 1};
    const PairedDifference d = pairedDifference(a, b);
    QVERIFY(near(d.diff, 1.0));
    QVERIFY(d.p);
    QVERIFY(near(*d.p, 0.25));
    QCOMPARE(d.queries, 3);
    // Differences {+1, -1, +0.5, 0}: mean 0.125, so a pattern is as extreme when |sum| >= 0.5. The sums of
    // ±1 ±1 ±0.5 are ±0.5, ±1.5 and ±2.5: every one of the 16 patterns is as extreme, p = 1.
    const std::vector<double> c{0, 1, 0, 0}, e{1, 0, 0.5, 0};
    const PairedDifference f = pairedDifference(c, e);
    QVERIFY(near(f.diff, 0.125));
    QVERIFY(near(*f.p, 1.0));
    QVERIFY(!f.significant());
  }

  void noDifferenceIsNotSignificant() {
    const std::vector<double> a{0.1, 0.5, 0.9, 0.3};
    const PairedDifference d = pairedDifference(a, a);
    QVERIFY(near(d.diff, 0));
    QVERIFY(near(*d.p, 1.0));
    QVERIFY(near(d.ci95->low, 0) && near(d.ci95->high, 0));
  }

  void aClearGainOnManyQueriesIsSignificant() {
    // 50 queries, each 0.1 better, with noise that never flips the sign: the randomisation test's p is at its floor
    // 1 / (1 + 1000) and the interval excludes 0.
    std::vector<double> a, b;
    for (int i = 0; i < 50; ++i) {
      a.push_back(0.3 + 0.01 * (i % 7));
      b.push_back(a.back() + 0.1 + 0.005 * (i % 3));
    }
    const PairedDifference d = pairedDifference(a, b);
    QVERIFY(d.significant());
    QVERIFY(near(*d.p, 1.0 / 1001));
    QVERIFY(d.ci95->low > 0.1 - 1e-9);
    QVERIFY(d.ci95->high < 0.11 + 1e-9);
  }

  void comparisonPairsQueriesByKeyAndGroupsThem() {
    // A scored one query B did not; B's order differs: pairs follow the keys.
    const std::vector<QueryMetrics> a{query("q1", "10-K", 0.0), query("q2", "10-K", 0.5), query("q3", "8-K", 1.0),
                                      query("extra", "8-K", 0.0)};
    const std::vector<QueryMetrics> b{query("q3", "8-K", 1.0), query("q2", "10-K", 1.0), query("q1", "10-K", 0.5)};
    const auto comparison = compareQueries(a, b);
    const PairedDifference& all = comparison.at(kAllFilingTypes).at("ndcg");
    QCOMPARE(all.queries, 3);
    QVERIFY(near(all.diff, (0.5 + 0.5 + 0.0) / 3));
    const PairedDifference& tenK = comparison.at("10-K").at("ndcg");
    QCOMPARE(tenK.queries, 2);
    QVERIFY(near(tenK.diff, 0.5));
    QVERIFY(near(*tenK.p, 0.5)); // {+0.5, +0.5}: 2 of 4 patterns as extreme
    QVERIFY(near(comparison.at("8-K").at("ndcg").diff, 0.0));
  }

  void mismatchedPairsAreRefused() {
    const std::vector<double> a{1, 2}, b{1};
    QVERIFY_THROWS_EXCEPTION(distillery::InputError, pairedDifference(a, b));
  }

  void proportionIntervalIsWilsons() {
    // 8 of 10: p = 0.8, centre (0.8 + 1.96^2/20) / (1 + 1.96^2/10) = 0.7167, half width 0.2266 (Wilson 1927).
    const auto eight = proportionInterval(8, 10);
    QVERIFY(eight);
    QVERIFY(std::abs(eight->low - 0.4902) < 1e-4);
    QVERIFY(std::abs(eight->high - 0.9433) < 1e-4);
    // At the edges the interval stays inside [0, 1] and keeps a width: 0 of 5 is not "certainly 0".
    const auto none = proportionInterval(0, 5), all = proportionInterval(5, 5);
    QCOMPARE(none->low, 0.0);
    QVERIFY(std::abs(none->high - 0.4345) < 1e-4);
    QVERIFY(std::abs(all->low - 0.5655) < 1e-4);
    QCOMPARE(all->high, 1.0);
    QVERIFY(!proportionInterval(0, 0));
    QVERIFY_THROWS_EXCEPTION(distillery::InputError, proportionInterval(6, 5));
  }

  void gradeOneIsNotAHitOnTheZeroToThreeScale() {
    // Ranking: a (grade 1, "related, does not answer"), b (grade 3). Judged: a 1, b 3, c 2.
    const Judgments judgments{{"a", 1}, {"b", 3}, {"c", 2}};
    const MetricValues binaryRule = computeMetrics({"a", "b"}, judgments, 5, 1);
    QVERIFY(near(binaryRule.mrr, 1.0));
    QVERIFY(near(binaryRule.recall, 2.0 / 3));
    const MetricValues graded = computeMetrics({"a", "b"}, judgments, 5, defaultRelevantFrom(3));
    QVERIFY(near(graded.mrr, 0.5));                             // b at rank 2 is the first relevant record
    QVERIFY(near(graded.recall, 1.0 / 2));                      // b of {b, c}
    const double dcg = 1 / std::log2(2.0) + 3 / std::log2(3.0); // grade 1 keeps its gain
    QVERIFY(near(graded.dcg, dcg));
    QVERIFY(near(graded.ndcg, binaryRule.ndcg));
    QCOMPARE(defaultRelevantFrom(1), 1);
    QCOMPARE(defaultRelevantFrom(2), 1);
    QCOMPARE(defaultRelevantFrom(3), 2);
  }

  void judgesAreSaidInWords() {
    QCOMPARE(describeJudges(kHumanJudges), std::string("human qrels"));
    QCOMPARE(describeJudges(teacherJudges("heuristic", "heuristic-lexical/v2", "heuristic-lexical/v2")),
             std::string("heuristic teacher (heuristic-lexical/v2)"));
    // A model name may hold ':' (llama.cpp and Ollama tags); the prompt version is the last field.
    QCOMPARE(describeJudges(teacherJudges("openai", "llama3:8b", "judge-relevance/v2")),
             std::string("LLM teacher llama3:8b, prompt judge-relevance/v2"));
    QCOMPARE(describeJudges(fileJudges("test.tsv")), std::string("qrels file test.tsv (judges not recorded)"));
    QCOMPARE(describeJudges(""), std::string("not recorded"));
  }
};

QTEST_APPLESS_MAIN(StatisticsTest)
#include "test_statistics.moc"
