// The new-run dialog says what the run will cost before it starts (issue 25): teacher calls, tokens, money and time
// below the fields, updated as they change; the heuristic teacher costs nothing and says so.
#include <QApplication>
#include <QLabel>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/Store.h"
#include "tests/gui/GuiTestData.h"
#include "ui/run/RunConfigDialog.h"
#include "ui/settings/AppSettings.h"

using namespace distillery;
using namespace distillery::ui;

class RunEstimateDialogTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<store::Store> store_;

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    store_ = std::make_unique<store::Store>(
        store::Store::open(dir_.filePath("estimate.distillery").toStdString(), store::OpenMode::CreateIfMissing));
    const test::DemoExperiment demo = test::seedDemoExperiment(*store_);
    // 300 passages more, so that the held-out set (100 queries) leaves some to write each round's queries for.
    store_->transaction([&] {
      auto passage = store_->prepare("INSERT INTO passages(document_id, corpus_id, record_key, section, ordinal, text, "
                                     "token_count, content_hash) SELECT MIN(id), ?1, ?2, 'Item 7', ?3, ?4, 40, ?2 "
                                     "FROM documents");
      for (int i = 0; i < 300; ++i)
        passage.bind(1, demo.corpusId)
            .bind(2, "extra-" + std::to_string(i))
            .bind(3, 100 + i)
            .bind(4, "Extra passage " + std::to_string(i) + " about revenue, margins and liquidity in the year.")
            .run();
    });
  }

  void heuristicTeacherEstimateFollowsTheFields() {
    AppSettings settings;
    settings.defaultQueriesPerRound = 4;
    RunConfigDialog dialog(*store_, settings);
    QVERIFY2(dialog.isValid(), qPrintable(dialog.validationMessage()));
    const QString before = dialog.estimateLabel()->text();
    QVERIFY2(before.contains(QStringLiteral("teacher calls")) && before.contains(QStringLiteral("no cost")),
             qPrintable(before));
    QVERIFY2(before.contains(QStringLiteral("2 round")), qPrintable(before));
    QVERIFY(!dialog.estimateLabel()->toolTip().isEmpty()); // the assumptions
    dialog.queriesBox()->setValue(2);
    const QString after = dialog.estimateLabel()->text();
    QVERIFY2(after != before, qPrintable(after));
    dialog.roundsBox()->setValue(3);
    QVERIFY2(dialog.estimateLabel()->text().contains(QStringLiteral("3 round")),
             qPrintable(dialog.estimateLabel()->text()));
    dialog.queriesBox()->setValue(0); // invalid: no estimate, the problem shows instead
    QVERIFY(!dialog.isValid());
    QVERIFY(dialog.estimateLabel()->text().isEmpty());
  }

  void pricedTeacherShowsMoney() {
    AppSettings settings;
    settings.defaultQueriesPerRound = 4;
    settings.teacherKind = QStringLiteral("openai");
    settings.teacherEndpoint = QStringLiteral("http://127.0.0.1:9/v1");
    settings.teacherModel = QStringLiteral("judge");
    settings.inputPricePer1k = 0.5;
    settings.outputPricePer1k = 1.5;
    RunConfigDialog dialog(*store_, settings);
    QVERIFY2(dialog.isValid(), qPrintable(dialog.validationMessage()));
    const QString priced = dialog.estimateLabel()->text();
    QVERIFY2(priced.contains(QStringLiteral("tokens")) && priced.contains(QStringLiteral("$")), qPrintable(priced));
    dialog.queriesBox()->setValue(3);
    QVERIFY2(dialog.estimateLabel()->text() != priced, qPrintable(dialog.estimateLabel()->text()));

    settings.inputPricePer1k = settings.outputPricePer1k = 0;
    RunConfigDialog unpriced(*store_, settings);
    QVERIFY2(unpriced.estimateLabel()->text().contains(QStringLiteral("no prices set")),
             qPrintable(unpriced.estimateLabel()->text()));
  }
};

QTEST_MAIN(RunEstimateDialogTest)
#include "test_gui_run_estimate.moc"
