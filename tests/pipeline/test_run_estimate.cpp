// What a run will cost before it starts (issue 25): every count below is worked out by hand from the pool sizes of
// the synthesise, retrieve and judge steps (core/pipeline/DistillationRun.cpp), in the comments beside it.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "core/pipeline/RunEstimate.h"

using namespace distillery;
using namespace distillery::pipeline;

namespace {

// 1,000 passages, 900 long enough to write a query for, 800 characters of text and 40 of document details each.
corpus::PassageStatistics corpusOf(std::int64_t sources = 900, bool imported = false) {
  corpus::PassageStatistics s;
  s.passages = 1000;
  s.querySources = sources;
  s.meanTextChars = 800;
  s.meanDetailChars = 40;
  s.hasImportedQuerySet = imported;
  return s;
}

// 2 rounds of 100 queries, k 20, filter_top_k 20, dev fraction 0.1, 50 held-out queries scored @5, 3 epochs, lists
// of 20.
RunConfig smallConfig() {
  RunConfig c;
  c.rounds = 2;
  c.queriesPerRound = 100;
  c.candidatesK = 20;
  c.filterTopK = 20;
  c.evaluation.holdoutQueries = 50;
  c.evaluation.k = 5;
  return c;
}

teacher::TeacherConfig pricedTeacher() {
  teacher::TeacherConfig t;
  t.kind = "openai";
  t.baseUrl = "http://127.0.0.1:9/v1";
  t.model = "judge-model";
  t.inputPricePer1k = 0.001;
  t.outputPricePer1k = 0.002;
  t.concurrency = 8;
  return t;
}

} // namespace

class RunEstimateTest : public QObject {
  Q_OBJECT

private slots:
  void heuristicTeacherCountsCallsAndCostsNothing() {
    const RunEstimate e = estimateRun(smallConfig(), corpusOf(), teacher::TeacherConfig{});
    QVERIFY(e.teacherIsLocal);
    QVERIFY(!e.priced);
    QVERIFY(e.syntheticHoldout); // no imported query set: round 0 writes the held-out queries
    QCOMPARE_EQ(e.rounds.size(), std::size_t(3));
    // Round 0: 50 held-out queries, each judged on the student's and BM25's top 10 (20 pairs): 1,000 judgments.
    QCOMPARE_EQ(e.rounds[0].synthesisCalls, 50);
    QCOMPARE_EQ(e.rounds[0].judgmentCalls, 1000);
    QCOMPARE_EQ(e.rounds[0].passagesEmbedded, 1000); // the base student's pass over the corpus
    // Round 1: 100 queries, dev = 0.1 x 100 = 10, train 90. Train queries: k = 20 pairs (filter_top_k is not above k,
    // so no source passage is added); dev queries: the student's 20, BM25's 20 and the source = 41; the new student's
    // top 5 of the 50 held-out queries: 250. 90 x 20 + 10 x 41 + 250 = 2,460.
    const RoundEstimate& r1 = e.rounds[1];
    QCOMPARE_EQ(r1.queries, 100);
    QCOMPARE_EQ(r1.devQueries, 10);
    QCOMPARE_EQ(r1.synthesisCalls, 100);
    QCOMPARE_EQ(r1.judgmentCalls, 2460);
    QCOMPARE_EQ(r1.teacherCalls(), 2560);
    // Corpus pass 1,000 + dev pool (1,000 passages sampled + 10 x 100 BM25 hits) x (3 epochs + 1) = 9,000;
    // training 90 queries x 20 passages x 3 epochs = 5,400.
    QCOMPARE_EQ(r1.passagesEmbedded, 9000);
    QCOMPARE_EQ(r1.trainingPassages, 5400);
    // Default student: 9,000 x 0.5 ms + 5,400 x 2.7 ms = 19.08 s; heuristic teacher 2,560 x 0.2 ms = 0.512 s.
    QVERIFY(qAbs(r1.computeSeconds - 19.08) < 1e-9);
    QVERIFY(qAbs(r1.teacherSeconds - 0.512) < 1e-9);
    QCOMPARE_EQ(r1.tokens(), 0);
    QCOMPARE_EQ(r1.cost, 0.0);
    QCOMPARE_EQ(e.total.teacherCalls(), 1050 + 2 * 2560);
    QCOMPARE_EQ(e.total.cost, 0.0);
    QCOMPARE_EQ(&e.typicalRound(), &e.rounds[1]);
    const std::string text = describe(e);
    QVERIFY2(text.find("no server") != std::string::npos, text.c_str());
    QVERIFY2(text.find("upper bound") != std::string::npos, text.c_str());
  }

  void pricedTeacherCostsItsTokens() {
    const RunEstimate e = estimateRun(smallConfig(), corpusOf(), pricedTeacher());
    QVERIFY(e.priced && !e.teacherIsLocal);
    // The rendered judging prompt: at least the passage (800 / 4 = 200 tokens), and the template around it.
    QVERIFY2(e.promptTokensPerJudgment > 200 + 100 && e.promptTokensPerJudgment < 200 + 1000,
             std::to_string(e.promptTokensPerJudgment).c_str());
    QVERIFY(e.promptTokensPerSynthesis > e.promptTokensPerJudgment); // the few-shot examples
    const RoundEstimate& r1 = e.rounds[1];
    QCOMPARE_EQ(r1.promptTokens, 100 * e.promptTokensPerSynthesis + 2460 * e.promptTokensPerJudgment);
    QCOMPARE_EQ(r1.completionTokens, 100 * 20 + 2460 * 45); // answers of 20 and 45 tokens
    QVERIFY(qAbs(r1.cost - (double(r1.promptTokens) * 0.001 + double(r1.completionTokens) * 0.002) / 1000.0) < 1e-9);
    // 2,560 calls x 2 s / 8 in flight.
    QVERIFY(qAbs(r1.teacherSeconds - 640.0) < 1e-9);
    QVERIFY(qAbs(e.total.cost - (e.rounds[0].cost + 2 * r1.cost)) < 1e-9);

    // Four characters a token: a passage 800 characters longer costs exactly 200 more prompt tokens per judgment.
    corpus::PassageStatistics longer = corpusOf();
    longer.meanTextChars = 1600;
    QCOMPARE_EQ(estimateRun(smallConfig(), longer, pricedTeacher()).promptTokensPerJudgment,
                e.promptTokensPerJudgment + 200);

    // A requests-per-minute limit slows the teacher below its concurrency: 2,560 calls at 60 a minute.
    teacher::TeacherConfig limited = pricedTeacher();
    limited.requestsPerMinute = 60;
    QVERIFY(qAbs(estimateRun(smallConfig(), corpusOf(), limited).rounds[1].teacherSeconds - 2560.0) < 1e-9);
    // max_tokens below the assumed answer caps it.
    limited.maxTokens = 10;
    QCOMPARE_EQ(estimateRun(smallConfig(), corpusOf(), limited).rounds[1].completionTokens, 2560 * 10);
  }

  void unpricedTeacherSaysSo() {
    teacher::TeacherConfig t = pricedTeacher();
    t.inputPricePer1k = t.outputPricePer1k = 0;
    const RunEstimate e = estimateRun(smallConfig(), corpusOf(), t);
    QVERIFY(!e.priced);
    QCOMPARE_EQ(e.total.cost, 0.0);
    QVERIFY(e.total.tokens() > 0);
    const std::string text = describe(e);
    QVERIFY2(text.find("no prices set") != std::string::npos, text.c_str());
    const nlohmann::json json = toJson(e);
    QCOMPARE_EQ(json["priced"].get<bool>(), false);
    QCOMPARE_EQ(json["per_round"]["teacher_calls"].get<std::int64_t>(), 2560);
    QCOMPARE_EQ(json["total"]["judgment_calls"].get<std::int64_t>(), 1000 + 2 * 2460);
    QVERIFY(json.contains("assumptions") && json["assumptions"].size() >= 4);
  }

  void humanQuerySetNeedsNoHeldOutJudgments() {
    const RunEstimate e = estimateRun(smallConfig(), corpusOf(900, true), teacher::TeacherConfig{});
    QVERIFY(!e.syntheticHoldout);
    QCOMPARE_EQ(e.rounds[0].teacherCalls(), 0);
    QCOMPARE_EQ(e.rounds[1].judgmentCalls, 90 * 20 + 10 * 41);
  }

  void poolsFollowTheConfig() {
    RunConfig c = smallConfig();
    c.filterTopK = 30; // a kept query's source may rank 21-30: it joins the judged list
    c.training.devFraction = 0;
    const RunEstimate e = estimateRun(c, corpusOf(900, true), teacher::TeacherConfig{});
    QCOMPARE_EQ(e.rounds[1].devQueries, 0);
    QCOMPARE_EQ(e.rounds[1].judgmentCalls, 100 * 21);
    QCOMPARE_EQ(e.rounds[1].passagesEmbedded, 1000); // no dev pool
  }

  void queriesStopWhenTheSourcesRunOut() {
    // 150 source passages: 50 go to the held-out set, round 1 takes the other 100, round 2 finds none left.
    const RunEstimate e = estimateRun(smallConfig(), corpusOf(150), teacher::TeacherConfig{});
    QCOMPARE_EQ(e.rounds[0].synthesisCalls, 50);
    QCOMPARE_EQ(e.rounds[1].synthesisCalls, 100);
    QCOMPARE_EQ(e.rounds[2].synthesisCalls, 0);
  }
};

QTEST_GUILESS_MAIN(RunEstimateTest)
#include "test_run_estimate.moc"
