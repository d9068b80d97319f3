// Agreement between people's grades and the teacher's (core/eval/Agreement.h) against hand-computed values: the
// confusion matrix, agreement on the relevant side of grade 2, and Cohen's kappa (plain and quadratic-weighted).
#include <QTest>

#include <cmath>

#include "core/eval/Agreement.h"

using namespace distillery::eval;

class TestAgreement : public QObject {
  Q_OBJECT

private slots:
  void relevanceAgreementCountsPairsOnTheSameSideOfGradeTwo() {
    ConfusionMatrix m;
    m.add(3, 2); // both relevant: agree
    m.add(1, 0); // both not: agree
    m.add(2, 1); // person relevant, teacher not
    m.add(0, 3); // person not, teacher relevant
    m.add(3, 3);
    QCOMPARE(m.agreements(), 1);
    QCOMPARE(m.relevanceAgreements(), 3);
    QCOMPARE(m.relevanceAgreements(1), 3); // (1,0) now disagrees, (2,1) agrees
  }

  void kappaMatchesHandComputedValues() {
    ConfusionMatrix perfect;
    for (int g = 0; g < 4; ++g)
      for (int i = 0; i <= g; ++i)
        perfect.add(g, g);
    QCOMPARE(cohensKappa(perfect), 1.0);
    QCOMPARE(cohensKappa(perfect, KappaWeighting::Quadratic), 1.0);

    // Two categories: po = 0.7, pe = 0.5 -> kappa = 0.4.
    ConfusionMatrix m;
    m.counts[0][0] = 20;
    m.counts[0][1] = 5;
    m.counts[1][0] = 10;
    m.counts[1][1] = 15;
    QVERIFY(std::abs(cohensKappa(m) - 0.4) < 1e-12);
    QCOMPARE(m.total(), 50);
    QCOMPARE(m.agreements(), 35);

    // Disagreements one grade apart cost less with quadratic weights than far ones.
    ConfusionMatrix near, far;
    for (int g = 0; g < 4; ++g) {
      near.counts[g][g] = 10;
      far.counts[g][g] = 10;
    }
    near.counts[2][3] = near.counts[3][2] = 4;
    far.counts[0][3] = far.counts[3][0] = 4;
    QCOMPARE(cohensKappa(near), cohensKappa(far));
    QVERIFY(cohensKappa(near, KappaWeighting::Quadratic) > cohensKappa(far, KappaWeighting::Quadratic));

    QVERIFY(std::isnan(cohensKappa(ConfusionMatrix{})));
    const auto byType = confusionByFilingType({{"10-K", 3, 3}, {"10-K", 0, 1}, {"8-K", 2, 2}, {"8-K", 7, 2}});
    QCOMPARE(byType.at("10-K").total(), 2);
    QCOMPARE(byType.at("8-K").total(), 1); // grade 7 is not a grade
    QCOMPARE(byType.at("ALL").total(), 3);
  }
};

QTEST_GUILESS_MAIN(TestAgreement)
#include "test_agreement.moc"
