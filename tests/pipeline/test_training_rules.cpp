// The core logic of a round without a store or a corpus: every mining rule, the training example the train step
// builds from a mined list, and the three losses, each against values computed by hand (the formulas are in the
// comments beside them).
// libtorch first: Qt's keyword macros (slots, signals) clash with its headers.
#include <torch/torch.h>

#include <QtTest>

#include <cmath>

#include "core/pipeline/HardExampleMiner.h"
#include "core/pipeline/RunPlan.h"
#include "core/pipeline/StudentTrainer.h"
#include "core/pipeline/TrainingLosses.h"

using namespace distillery::pipeline;

namespace {

JudgedCandidate candidate(std::int64_t id, int rank, std::optional<int> grade, std::optional<double> score = {},
                          bool isSource = false) {
  return JudgedCandidate{id, rank, 1.0 / rank, grade, score, isSource};
}

MinedKind kindOf(const std::vector<MiningDecision>& decisions, std::int64_t id) {
  for (const auto& d : decisions)
    if (d.passageId == id)
      return d.kind;
  throw std::runtime_error("no decision for passage " + std::to_string(id));
}

torch::Tensor rows(std::initializer_list<std::initializer_list<float>> values) {
  std::vector<float> flat;
  std::int64_t count = 0, width = 0;
  for (const auto& row : values) {
    flat.insert(flat.end(), row.begin(), row.end());
    width = static_cast<std::int64_t>(row.size());
    ++count;
  }
  return torch::tensor(flat).view({count, width});
}

ListLayout layout(std::size_t firstRow, std::vector<double> scores, std::vector<bool> positive,
                  std::vector<bool> negative, std::vector<bool> excluded) {
  return ListLayout{firstRow, std::move(scores), std::move(positive), std::move(negative), std::move(excluded)};
}

} // namespace

class TrainingRulesTest : public QObject {
  Q_OBJECT

private slots:
  void minerSortsEveryCandidateByGradeAndRank() {
    MiningConfig config;   // positive >= 2, hard positive below rank 3, negative <= 0, hard negative within rank 10
    config.easyRatio = 10; // keep every easy example here; sampling has its own case
    const std::vector<JudgedCandidate> list = {
        candidate(1, 1, 3, 3.0, true), // the source, graded relevant: an easy positive at rank 1
        candidate(2, 5, 2, 2.0),       // relevant, ranked below 3: hard positive
        candidate(3, 2, 0, 0.1),       // irrelevant, ranked within 10: hard negative
        candidate(4, 15, 0, 0.0),      // irrelevant, ranked below 10: easy negative
        candidate(5, 4, 1, 0.9),       // grade 1, score 0.9 < 0.6 x 3: ambiguous, not a negative
        candidate(6, 6, std::nullopt), // the judgment failed
    };
    const auto decisions = HardExampleMiner(config, 7).mine(list, 1);
    QCOMPARE(decisions.size(), list.size());
    QVERIFY(kindOf(decisions, 1) == MinedKind::EasyPositive);
    QVERIFY(kindOf(decisions, 2) == MinedKind::HardPositive);
    QVERIFY(kindOf(decisions, 3) == MinedKind::HardNegative);
    QVERIFY(kindOf(decisions, 4) == MinedKind::EasyNegative);
    QVERIFY(kindOf(decisions, 5) == MinedKind::Ambiguous);
    QVERIFY(kindOf(decisions, 6) == MinedKind::Unjudged);
  }

  void falseNegativeGuardComparesWithTheBestPositive() {
    // Best positive score 3.0, fraction 0.6: a non-positive scoring >= 1.8 is a likely false negative, whatever its
    // grade bucket - a grade-0 passage too, which the guard never saw before.
    MiningConfig config;
    config.easyRatio = 10;
    const std::vector<JudgedCandidate> list = {
        candidate(1, 1, 3, 3.0, true), candidate(2, 2, 0, 1.8), // exactly 0.6 x 3
        candidate(3, 3, 1, 1.9),                                // grade 1 but close to the best positive
        candidate(4, 4, 0, 1.79),                               // just under
    };
    const auto decisions = HardExampleMiner(config, 7).mine(list, 1);
    QVERIFY(kindOf(decisions, 2) == MinedKind::FalseNegative);
    QVERIFY(kindOf(decisions, 3) == MinedKind::FalseNegative);
    QVERIFY(kindOf(decisions, 4) == MinedKind::HardNegative);
    QVERIFY(decisions[1].reason.find("best positive") != std::string::npos);
  }

  void aSourceTheTeacherDoesNotGradeRelevantDropsTheQuery() {
    MiningConfig config;
    for (const std::optional<int> sourceGrade : {std::optional<int>(1), std::optional<int>()}) {
      const std::vector<JudgedCandidate> list = {candidate(1, 1, sourceGrade, {}, true), candidate(2, 2, 3, 3.0),
                                                 candidate(3, 3, 0, 0.0)};
      const auto decisions = HardExampleMiner(config, 7).mine(list, 1);
      for (const auto& d : decisions) {
        QVERIFY(d.kind == MinedKind::QueryDropped);
        QVERIFY2(d.reason.find("source passage") != std::string::npos, d.reason.c_str());
      }
    }
  }

  void easyExamplesAreSampledAtTheRatioAndTheSourceIsKept() {
    MiningConfig config;
    config.easyRatio = 2.0; // one hard negative -> ceil(2 x 1) = 2 easy examples kept: the source and one other
    const std::vector<JudgedCandidate> list = {
        candidate(1, 1, 3, 3.0, true), candidate(2, 2, 3, 3.0),
        candidate(3, 3, 2, 2.0),       candidate(4, 4, 0, 0.0), // the one hard example
        candidate(5, 12, 0, 0.0),      candidate(6, 13, 0, 0.0)};
    const auto decisions = HardExampleMiner(config, 7).mine(list, 99);
    QVERIFY(kindOf(decisions, 1) == MinedKind::EasyPositive);
    QVERIFY(kindOf(decisions, 4) == MinedKind::HardNegative);
    int kept = 0, unsampled = 0;
    for (std::int64_t id : {2, 3, 5, 6}) {
      const MinedKind kind = kindOf(decisions, id);
      kept += kind != MinedKind::Unsampled;
      unsampled += kind == MinedKind::Unsampled;
    }
    QCOMPARE(kept, 1);
    QCOMPARE(unsampled, 3);
    // The same query key samples the same examples (a resumed run mines identically).
    const auto again = HardExampleMiner(config, 7).mine(list, 99);
    for (std::size_t i = 0; i < decisions.size(); ++i)
      QVERIFY(again[i].kind == decisions[i].kind);
  }

  void trainingExampleNeverMakesARelevantPassageANegative() {
    const std::vector<MinedCandidate> list = {
        {"source", MinedKind::EasyPositive, 2, 2.4},     // the teacher's score, not forced to the top grade
        {"hard pos", MinedKind::HardPositive, 3, {}},    // no finer score: the grade
        {"unsampled pos", MinedKind::Unsampled, 3, 2.9}, // relevant but not sampled: excluded, not a negative
        {"unsampled neg", MinedKind::Unsampled, 0, 0.1}, // in the list with its score, neither mined nor excluded
        {"hard neg", MinedKind::HardNegative, 0, 0.2},
        {"false neg", MinedKind::FalseNegative, 1, 2.0},
        {"ambiguous", MinedKind::Ambiguous, 1, 1.0},
        {"unjudged", MinedKind::Unjudged, std::nullopt, {}}, // no target: left out
    };
    const TrainingExample example = trainingExample("q", list, 2);
    QCOMPARE(example.passages.size(), std::size_t{7});
    QVERIFY(example.teacherScores == (std::vector<double>{2.4, 3.0, 2.9, 0.1, 0.2, 2.0, 1.0}));
    QVERIFY(example.positives == (std::vector<std::size_t>{0, 1}));
    QVERIFY(example.negatives == (std::vector<std::size_t>{4}));
    QVERIFY(example.excluded == (std::vector<std::size_t>{2, 5, 6}));

    const std::vector<MinedCandidate> dropped = {{"source", MinedKind::QueryDropped, 0, 0.0},
                                                 {"other", MinedKind::QueryDropped, 3, 3.0}};
    QVERIFY(trainingExample("q", dropped, 2).passages.empty());
  }

  void listwiseKlMatchesTheHandComputedDivergence() {
    // q = (1,0); passages (1,0), (0,1): student scores (1, 0) / 0.5 -> log softmax (2 - ln(e^2+1), -ln(e^2+1)).
    // Teacher scores (3, 0) / maxGrade 3 / temperature 1 -> t = softmax(1, 0) = (0.731059, 0.268941).
    // KL = sum t (ln t - ln s) = 0.0826077.
    const auto queries = rows({{1, 0}});
    const auto passages = rows({{1, 0}, {0, 1}});
    const auto loss =
        listwiseKl(queries, passages, {layout(0, {3, 0}, {true, false}, {false, true}, {false, false})}, 0.5, 1.0, 3.0);
    QVERIFY(std::abs(loss.item<float>() - 0.0826077f) < 1e-5f);
    // With the teacher's temperature at 0.5 the teacher's and the student's distributions coincide: zero.
    const auto same =
        listwiseKl(queries, passages, {layout(0, {3, 0}, {true, false}, {false, true}, {false, false})}, 0.5, 0.5, 3.0);
    QVERIFY(std::abs(same.item<float>()) < 1e-6f);
  }

  void infoNceUsesInBatchNegativesAndMasksExcludedOnes() {
    // Query A (1,0) owns rows 0 (positive) and 1; query B (0,1) owns rows 2 (positive) and 3 (excluded).
    // Rows: (1,0), (0.6,0.8), (0,1), (0.8,0.6); temperature 1.
    // A: -log softmax over all four rows [1, 0.6, 0, 0.8] at row 0 (B's rows are in-batch negatives).
    // B: -log softmax over rows 0..2 [0, 0.8, 1] at row 2 (its excluded row 3 is masked). Mean: 0.9160501.
    const auto queries = rows({{1, 0}, {0, 1}});
    const auto passages = rows({{1, 0}, {0.6f, 0.8f}, {0, 1}, {0.8f, 0.6f}});
    std::vector<ListLayout> layouts = {layout(0, {3, 0}, {true, false}, {false, true}, {false, false}),
                                       layout(2, {3, 2}, {true, false}, {false, false}, {false, true})};
    QVERIFY(std::abs(infoNce(queries, passages, layouts, 1.0).item<float>() - 0.9160501f) < 1e-5f);
    // Unmasked, B's loss would be -log softmax [0, 0.8, 1, 0.6] at 2, the same 1.0497477 as A's (the same logits
    // in another order): the mask is what keeps a likely false negative from being pushed away.
    layouts[1].excluded = {false, false};
    QVERIFY(std::abs(infoNce(queries, passages, layouts, 1.0).item<float>() - 1.0497477f) < 1e-5f);
    // A second positive of the same query is masked from the first's softmax, not counted as its negative.
    const auto one = rows({{1, 0}});
    const auto two = rows({{1, 0}, {1, 0}});
    const auto both =
        infoNce(one, two, {layout(0, {3, 3}, {true, true}, {false, false}, {false, false})}, 1.0).item<float>();
    QVERIFY(std::abs(both) < 1e-6f); // each positive alone in its softmax: -log 1 = 0
  }

  void tripletHingesEveryPositiveNegativePair() {
    // q = (1,0); positive (0.6,0.8) scores 0.6; negatives (1,0) and (0,1) score 1 and 0; margin 0.2:
    // max(0, 0.2 - 0.6 + 1) = 0.6 and max(0, 0.2 - 0.6 + 0) = 0: mean 0.3.
    const auto loss =
        tripletMargin(rows({{1, 0}}), rows({{0.6f, 0.8f}, {1, 0}, {0, 1}}),
                      {layout(0, {3, 0, 0}, {true, false, false}, {false, true, true}, {false, false, false})}, 0.2);
    QVERIFY(std::abs(loss.item<float>() - 0.3f) < 1e-6f);
  }

  void runPlanListsEveryStepOnceAndResumesAfterTheLastCompleted() {
    // Round 0 writes its held-out queries only when the run evaluates on its own; every later round has six steps.
    const std::vector<PendingStep> plan = runPlan(2, true);
    QCOMPARE(plan.size(), std::size_t{2 + 2 * 6});
    QCOMPARE(runPlan(2, false).size(), std::size_t{1 + 2 * 6});
    QVERIFY(plan[1].step == RoundStep::Evaluate);
    QCOMPARE(plan[2].round, 1);
    QVERIFY(plan[2].step == RoundStep::Synthesise);
    QCOMPARE(plan.back().round, 2);
    QVERIFY(plan.back().step == RoundStep::Evaluate);

    const auto round = [](int index, RoundStep last) { return RoundRecord{index, index, "running", last, {}}; };
    auto next = firstPending(plan, {});
    QVERIFY(next && next->round == 0 && next->step == RoundStep::Synthesise);
    next = firstPending(runPlan(2, false), {round(0, RoundStep::None)});
    QVERIFY(next && next->round == 0 && next->step == RoundStep::Evaluate);
    next = firstPending(plan, {round(0, RoundStep::Evaluate), round(1, RoundStep::Judge)});
    QVERIFY(next && next->round == 1 && next->step == RoundStep::Mine);
    next = firstPending(plan, {round(0, RoundStep::Evaluate), round(1, RoundStep::Evaluate)});
    QVERIFY(next && next->round == 2 && next->step == RoundStep::Synthesise); // a round not yet begun
    QVERIFY(!firstPending(
        plan, {round(0, RoundStep::Evaluate), round(1, RoundStep::Evaluate), round(2, RoundStep::Evaluate)}));
  }
};

QTEST_GUILESS_MAIN(TrainingRulesTest)
#include "test_training_rules.moc"
