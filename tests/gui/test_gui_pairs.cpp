// Pair inspector and spot-check labelling over a seeded store: keys 0-3 store labels at once, notes,
// next/previous, filters, agreement (Cohen's kappa, confusion matrix) and the JSONL export.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include <cmath>

#include "core/pipeline/HardExampleMiner.h"
#include "core/store/Store.h"
#include "tests/gui/GuiTestData.h"
#include "ui/inspect/AgreementPanel.h"
#include "ui/inspect/PairInspector.h"
#include "ui/inspect/PairModels.h"

using namespace distillery;
using namespace distillery::ui;

class PairInspectorTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<store::Store> store_;
  test::DemoExperiment demo_;

  std::int64_t labelCount() { return store_->queryInt64("SELECT count(*) FROM human_labels"); }

private slots:
  void initTestCase() {
    store_ = std::make_unique<store::Store>(store::Store::open(
        dir_.filePath(QStringLiteral("pairs.distillery")).toStdString(), store::OpenMode::CreateNew));
    demo_ = test::seedDemoExperiment(*store_);
  }

  void init() { store_->exec("DELETE FROM human_labels"); }

  void modelFiltersMinedPairs() {
    MinedExampleModel model;
    model.setStore(store_.get());
    PairFilter filter;
    filter.roundId = demo_.roundIds[1];
    model.setFilter(filter);
    while (model.canFetchMore())
      model.fetchMore();
    QCOMPARE(model.rowCount(), demo_.minedPerRound);
    filter.kind = QStringLiteral("hard_negative");
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), demo_.minedPerRound / 4);
    for (int r = 0; r < model.rowCount(); ++r)
      QCOMPARE(model.index(r, MinedExampleModel::Kind).data().toString(), QStringLiteral("hard negative"));
    filter = {};
    filter.roundId = demo_.roundIds[0];
    filter.grade = 3;
    filter.filingType = QStringLiteral("8-K");
    model.setFilter(filter);
    QVERIFY(model.rowCount() > 0);
    for (int r = 0; r < model.rowCount(); ++r) {
      QCOMPARE(model.index(r, MinedExampleModel::TeacherGrade).data().toInt(), 3);
      QCOMPARE(model.index(r, MinedExampleModel::FilingType).data().toString(), QStringLiteral("8-K"));
    }
  }

  void keysStoreLabelsAtOnceAndMoveOn() {
    PairInspector inspector;
    inspector.resize(1200, 800);
    inspector.show();
    QApplication::setActiveWindow(&inspector); // keys 0-3 are window shortcuts
    QVERIFY(QTest::qWaitForWindowActive(&inspector));
    inspector.setStore(store_.get());
    inspector.selectRound(demo_.roundIds[0]);
    QCOMPARE(inspector.model()->rowCount(), demo_.minedPerRound);
    QCOMPARE(inspector.currentRow(), 0);
    const std::int64_t q0 = inspector.model()->queryIdAt(0), p0 = inspector.model()->passageIdAt(0);
    // Side by side: the passage with the query's terms highlighted, the teacher's rationale and raw response.
    QVERIFY(inspector.passageView()->toHtml().contains(QStringLiteral("font-weight")));
    QVERIFY(inspector.teacherView()->toPlainText().contains(QStringLiteral("states the answer directly")));
    QVERIFY(inspector.teacherView()->toPlainText().contains(QStringLiteral("{\"grade\"")));

    inspector.table()->setFocus();
    QTest::keyClick(inspector.table(), Qt::Key_2);
    QCOMPARE(labelCount(), 1);
    QCOMPARE(loadHumanLabel(*store_, q0, p0)->grade, 2);
    QCOMPARE(inspector.currentRow(), 1); // moved to the next pair
    QCOMPARE(inspector.model()->index(0, MinedExampleModel::HumanGrade).data().toInt(), 2);

    // A note typed in the field keeps its digits, and goes with the next grade.
    QTest::keyClicks(inspector.noteField(), QStringLiteral("table 3 shows it"));
    inspector.table()->setFocus();
    QTest::keyClick(inspector.table(), Qt::Key_0);
    const std::int64_t q1 = inspector.model()->queryIdAt(1), p1 = inspector.model()->passageIdAt(1);
    QCOMPARE(loadHumanLabel(*store_, q1, p1)->grade, 0);
    QCOMPARE(loadHumanLabel(*store_, q1, p1)->note, QStringLiteral("table 3 shows it"));
    QCOMPARE(inspector.currentRow(), 2);

    // P steps back; regrading replaces the label (still one row per pair).
    QTest::keyClick(inspector.table(), Qt::Key_P);
    QTest::keyClick(inspector.table(), Qt::Key_P);
    QCOMPARE(inspector.currentRow(), 0);
    QCOMPARE(inspector.noteField()->text(), QString());
    QTest::keyClick(inspector.table(), Qt::Key_3);
    QCOMPARE(labelCount(), 2);
    QCOMPARE(loadHumanLabel(*store_, q0, p0)->grade, 3);
    QTest::keyClick(inspector.table(), Qt::Key_N);
    QCOMPARE(inspector.currentRow(), 2);

    // Editing the note of a labelled pair stores it when the field is left.
    inspector.selectPrevious();
    QCOMPARE(inspector.noteField()->text(), QStringLiteral("table 3 shows it"));
    inspector.noteField()->setFocus();
    inspector.noteField()->selectAll();
    QTest::keyClicks(inspector.noteField(), QStringLiteral("revised"));
    inspector.table()->setFocus();
    QCOMPARE(loadHumanLabel(*store_, q1, p1)->note, QStringLiteral("revised"));

    // A note on a pair not graded yet is kept (a note is stored with a grade), said so, shown again when you come
    // back, and stored with the grade.
    inspector.selectNext();
    inspector.selectNext();
    QCOMPARE(inspector.currentRow(), 3);
    QVERIFY(!loadHumanLabel(*store_, inspector.model()->queryIdAt(3), inspector.model()->passageIdAt(3)));
    inspector.noteField()->setFocus();
    QTest::keyClicks(inspector.noteField(), QStringLiteral("ask about the footnote"));
    inspector.table()->setFocus(); // leaving the field saves the note
    QVERIFY(inspector.labelStatusText().contains(QStringLiteral("grade this pair")));
    inspector.selectNext();
    QCOMPARE(inspector.noteField()->text(), QString());
    inspector.selectPrevious();
    QCOMPARE(inspector.currentRow(), 3);
    QCOMPARE(inspector.noteField()->text(), QStringLiteral("ask about the footnote"));
    const std::int64_t q3 = inspector.model()->queryIdAt(3), p3 = inspector.model()->passageIdAt(3);
    QTest::keyClick(inspector.table(), Qt::Key_1);
    QCOMPARE(loadHumanLabel(*store_, q3, p3)->note, QStringLiteral("ask about the footnote"));

    // Only disagreements: pair 1 got 0 where the teacher said 0 or 1.
    const int teacher0 = inspector.model()->index(0, MinedExampleModel::TeacherGrade).data().toInt();
    const int teacher1 = inspector.model()->index(1, MinedExampleModel::TeacherGrade).data().toInt();
    const int teacher3 = inspector.model()->index(3, MinedExampleModel::TeacherGrade).data().toInt();
    const int expectedDisagreements = (teacher0 != 3) + (teacher1 != 0) + (teacher3 != 1);
    inspector.disagreementBox()->setChecked(true);
    QCOMPARE(inspector.model()->rowCount(), expectedDisagreements);
  }

  void kindFilterOffersEveryKindTheMinerWrites() {
    // The filter listed "excluded" (never written) and lacked ambiguous and unsampled_easy.
    PairInspector inspector;
    inspector.setStore(store_.get());
    QStringList offered;
    for (int i = 1; i < inspector.kindBox()->count(); ++i)
      offered << inspector.kindBox()->itemData(i).toString();
    QStringList written;
    for (const auto& kind : pipeline::kMinedKindNames)
      written << QString::fromUtf8(kind.name.data(), int(kind.name.size()));
    QCOMPARE(offered, written);
    QVERIFY(offered.contains(QStringLiteral("ambiguous")) && offered.contains(QStringLiteral("unsampled_easy")));
    QVERIFY(!offered.contains(QStringLiteral("excluded")));

    // An ambiguous pair is found by its kind, and shown with the kind's label.
    const std::int64_t round = demo_.roundIds[0];
    store_->exec("UPDATE mined_examples SET kind = 'ambiguous' WHERE id = (SELECT min(id) FROM mined_examples WHERE "
                 "round_id = " +
                 std::to_string(round) + ")");
    inspector.selectRound(round);
    inspector.kindBox()->setCurrentIndex(inspector.kindBox()->findData(QStringLiteral("ambiguous")));
    QCOMPARE(inspector.model()->rowCount(), 1);
    QCOMPARE(inspector.model()->index(0, MinedExampleModel::Kind).data().toString(), QStringLiteral("ambiguous"));
    store_->exec("UPDATE mined_examples SET kind = 'hard_positive' WHERE kind = 'ambiguous'");
  }

  void opensOnARunWithPairsAndSaysWhyAFailedRunShowsNone() {
    // The newest run failed before mining: the inspector opens on the newest run that has pairs, and choosing the
    // failed one says why its panes are empty.
    store_
        ->prepare("INSERT INTO runs(corpus_id, name, config_json, software_version, seed, status, created_at) "
                  "VALUES (?1, 'broken', '{}', '0.1.0', 7, 'failed', 'now')")
        .bind(1, demo_.corpusId)
        .run();
    const std::int64_t failed = store_->lastInsertId();
    PairInspector inspector;
    inspector.setStore(store_.get());
    QCOMPARE(inspector.runBox()->currentData().toLongLong(), demo_.runId);
    QVERIFY(inspector.model()->rowCount() > 0);
    inspector.runBox()->setCurrentIndex(inspector.runBox()->findData(qlonglong(failed)));
    QCOMPARE(inspector.model()->rowCount(), 0);
    QVERIFY2(inspector.queryView()->toPlainText().contains(QStringLiteral("has no mined pairs")),
             qPrintable(inspector.queryView()->toPlainText()));
    store_->exec("DELETE FROM runs WHERE id = " + std::to_string(failed));
  }

  void judgmentFromTheCacheIsShown() {
    // A later round asks a query with the same text as round 0's: its pairs were graded from the judgment cache
    // (keyed by query text and passage content), whose rows carry round 0's query id. The inspector showed "No
    // teacher judgment stored" for them and an empty Teacher column.
    const std::int64_t round = demo_.roundIds[2];
    std::int64_t asked = 0, passage = 0;
    {
      auto first = store_->prepare("SELECT j.query_id, j.passage_id FROM judgments j WHERE j.status = 'ok' AND "
                                   "j.grade IS NOT NULL ORDER BY j.id LIMIT 1");
      QVERIFY(first.step());
      asked = first.columnInt64(0);
      passage = first.columnInt64(1);
    }
    const int grade =
        static_cast<int>(store_->queryInt64("SELECT grade FROM judgments WHERE query_id = " + std::to_string(asked) +
                                            " AND passage_id = " + std::to_string(passage)));
    store_->exec("INSERT INTO queries(query_set_id, text, split, round_id) SELECT query_set_id, text, 'train', " +
                 std::to_string(round) + " FROM queries WHERE id = " + std::to_string(asked));
    const std::int64_t again = store_->lastInsertId();
    store_->exec("INSERT INTO mined_examples(round_id, query_id, passage_id, kind, grade, student_rank, student_score, "
                 "reason) VALUES (" +
                 std::to_string(round) + ", " + std::to_string(again) + ", " + std::to_string(passage) +
                 ", 'hard_negative', NULL, 1, 0.9, 'asked again')");

    PairInspector inspector;
    inspector.setStore(store_.get());
    inspector.selectRound(round);
    int row = -1;
    for (int r = 0; r < inspector.model()->rowCount(); ++r)
      if (inspector.model()->queryIdAt(r) == again)
        row = r;
    QVERIFY(row >= 0);
    QCOMPARE(inspector.model()->index(row, MinedExampleModel::TeacherGrade).data().toInt(), grade);
    inspector.table()->selectRow(row);
    QVERIFY2(inspector.teacherView()->toPlainText().contains(QStringLiteral("grade %1").arg(grade)),
             qPrintable(inspector.teacherView()->toPlainText()));
    store_->exec("DELETE FROM mined_examples WHERE query_id = " + std::to_string(again));
    store_->exec("DELETE FROM queries WHERE id = " + std::to_string(again));
  }

  void agreementPanelAndExport() {
    // Label pairs of round 0: agree on three, disagree on one (teacher 3 -> human 1).
    MinedExampleModel model;
    model.setStore(store_.get());
    PairFilter filter;
    filter.roundId = demo_.roundIds[0];
    model.setFilter(filter);
    int disagreements = 0;
    for (int r = 0; r < 4; ++r) {
      const int teacher = model.index(r, MinedExampleModel::TeacherGrade).data().toInt();
      const int human = r == 0 ? (teacher == 3 ? 1 : 3) : teacher;
      disagreements += human != teacher;
      storeHumanLabel(*store_, model.queryIdAt(r), model.passageIdAt(r), human, QStringLiteral("n%1").arg(r));
    }
    QCOMPARE(disagreements, 1);
    AgreementPanel panel;
    panel.setStore(store_.get());
    const eval::ConfusionMatrix all = panel.matrices().at("ALL");
    QCOMPARE(all.total(), 4);
    QCOMPARE(all.agreements(), 3);
    QCOMPARE(panel.summaryTable()->item(0, 1)->text(), QStringLiteral("4"));
    // The teacher's accuracy against the labels as gold, with its 95% Wilson interval: 3 of 4 is 75 %, [30.1, 95.4].
    QCOMPARE(panel.summaryTable()->item(0, 2)->text(), QStringLiteral("75.0 %"));
    QCOMPARE(panel.summaryTable()->item(0, 3)->text(), QStringLiteral("30.1–95.4 %"));
    // Relevant or not (grade 2 and up): the one disagreement crosses that line only when it spans grade 2.
    const int relevance = all.relevanceAgreements();
    QCOMPARE(panel.summaryTable()->item(0, 4)->text(), QStringLiteral("%1 %").arg(100.0 * relevance / 4, 0, 'f', 1));
    QVERIFY(panel.summaryTable()->rowCount() >= 2); // ALL and at least one filing type
    int confusionSum = 0;
    for (int h = 0; h < 4; ++h)
      for (int t = 0; t < 4; ++t)
        confusionSum += panel.confusionTable()->item(h, t)->text().toInt();
    QCOMPARE(confusionSum, 4);

    const QString path = dir_.filePath(QStringLiteral("labels.jsonl"));
    QCOMPARE(panel.exportJsonlTo(path), 4);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.size(), 5); // 4 lines and the final newline
    const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
    QVERIFY(first.contains(QStringLiteral("query")) && first.contains(QStringLiteral("passage")));
    QCOMPARE(first.value(QStringLiteral("note")).toString(), QStringLiteral("n0"));
    QVERIFY(first.value(QStringLiteral("teacher_grade")).isDouble());
    QVERIFY(first.value(QStringLiteral("human_grade")).toInt() != first.value(QStringLiteral("teacher_grade")).toInt());

    QSignalSpy errors(&panel, &AgreementPanel::errorOccurred);
    QCOMPARE(panel.exportJsonlTo(dir_.filePath(QStringLiteral("missing/dir/labels.jsonl"))), -1);
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.at(0).at(0).toString().contains(QStringLiteral("missing/dir/labels.jsonl")));
  }
};

QTEST_MAIN(PairInspectorTest)
#include "test_gui_pairs.moc"
