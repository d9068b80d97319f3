// Per-query comparison of two evaluations (issue 21, part 2) through its widgets, on stored per-query figures chosen by
// hand: q1 rose from 0.5 to 1 (10-K), q2 fell from 1 to 0.5 (8-K), q3 stayed at 0.7 (10-K). The counts per filing
// type, the table sorted by change, one scatter graph per filing type beside the diagonal, and a clicked point or
// row opening that query with A's and B's models as the playground's columns.
#include <QApplication>
#include <QComboBox>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/Store.h"
#include "qcustomplot.h"
#include "tests/support/HandMadeStore.h"
#include "ui/inspect/QueryComparison.h"

using namespace distillery;
using namespace distillery::ui;

Q_DECLARE_METATYPE(std::vector<distillery::ui::PlaygroundRetriever>)

class ComparisonTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<store::Store> store_;
  std::int64_t before_ = 0, after_ = 0;

  std::int64_t insertEvaluation(std::int64_t model, int round, std::int64_t set,
                                const std::vector<std::tuple<std::string, std::string, double>>& perQuery) {
    store::Store& s = *store_;
    s.prepare("INSERT INTO evaluations(run_id, round_index, model_id, retriever, query_set_id, k, created_at) "
              "VALUES (1, ?1, ?2, 'dense', ?3, 5, 'now')")
        .bind(1, round)
        .bind(2, model)
        .bind(3, set)
        .run();
    const auto id = s.lastInsertId();
    for (const auto& [key, type, ndcg] : perQuery)
      s.prepare("INSERT INTO evaluation_queries(evaluation_id, query_key, filing_type, mrr, dcg, ndcg, recall, "
                "judgments_json) VALUES (?1, ?2, ?3, 0, 0, ?4, 0, '{}')")
          .bind(1, id)
          .bind(2, key)
          .bind(3, type)
          .bind(4, ndcg)
          .run();
    return id;
  }

private slots:
  void initTestCase() {
    qRegisterMetaType<std::vector<PlaygroundRetriever>>();
    QVERIFY(dir_.isValid());
    store_ = std::make_unique<store::Store>(
        store::Store::open(dir_.filePath("compare.distillery").toStdString(), store::OpenMode::CreateNew));
    store::Store& s = *store_;
    s.prepare("INSERT INTO corpora(name, created_at) VALUES ('fin', 'now')").run();
    s.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (1, 'qs', 'manual', 'now')").run();
    const auto set = s.lastInsertId();
    test::insertQuery(s, set, "q1", "acme revenue growth", std::nullopt, {});
    test::insertQuery(s, set, "q2", "bolt merger", std::nullopt, {});
    test::insertQuery(s, set, "q3", "acme risk factors", std::nullopt, {});
    s.prepare("INSERT INTO runs(corpus_id, config_json, software_version, seed, created_at) "
              "VALUES (1, '{}', 'test', 1, 'now')")
        .run();
    for (int m = 1; m <= 2; ++m)
      s.prepare("INSERT INTO models(kind, name, path, created_at) VALUES ('checkpoint', 'round', '/nowhere', 'now')")
          .run();
    before_ = insertEvaluation(1, 0, set, {{"q1", "10-K", 0.5}, {"q2", "8-K", 1.0}, {"q3", "10-K", 0.7}});
    after_ = insertEvaluation(2, 2, set, {{"q1", "10-K", 1.0}, {"q2", "8-K", 0.5}, {"q3", "10-K", 0.7}});
  }

  void newestRoundIsComparedWithRoundZero() {
    QueryComparison view;
    view.setStore(store_.get());
    // B: the newest evaluation (round 2); A: round 0 of the same run.
    QCOMPARE(view.evaluationBox(1)->currentData().toLongLong(), after_);
    QCOMPARE(view.evaluationBox(0)->currentData().toLongLong(), before_);
    QCOMPARE(view.changes().size(), std::size_t{3});

    QTableWidget* counts = view.countsTable();
    auto countsOf = [&](const QString& type) {
      for (int r = 0; r < counts->rowCount(); ++r)
        if (counts->verticalHeaderItem(r)->text() == type)
          return QStringList{counts->item(r, 0)->text(), counts->item(r, 1)->text(), counts->item(r, 2)->text()};
      return QStringList{};
    };
    QCOMPARE(countsOf("ALL"), (QStringList{"1", "1", "1"}));
    QCOMPARE(countsOf("10-K"), (QStringList{"1", "1", "0"}));
    QCOMPARE(countsOf("8-K"), (QStringList{"0", "0", "1"}));

    // Sorted by change, the query B hurt most first.
    QTableWidget* table = view.queryTable();
    QCOMPARE(table->rowCount(), 3);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("q2"));
    QCOMPARE(table->item(2, 0)->text(), QStringLiteral("q1"));
    QCOMPARE(table->item(0, 5)->data(Qt::DisplayRole).toDouble(), -0.5);

    // The diagonal, then one graph per filing type with its queries' (A, B) points.
    QCustomPlot* plot = view.plot();
    QCOMPARE(plot->graphCount(), 3);
    QCOMPARE(plot->graph(1)->name(), QStringLiteral("10-K"));
    QCOMPARE(plot->graph(1)->data()->size(), 2);
    QCOMPARE(plot->graph(2)->data()->at(0)->key, 1.0);
    QCOMPARE(plot->graph(2)->data()->at(0)->value, 0.5);
  }

  void pointsAndRowsOpenTheQueryWithBothModels() {
    QueryComparison view;
    view.setStore(store_.get());
    view.resize(900, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy opened(&view, &QueryComparison::queryOpened);

    // A click on q1's point: (0.5, 1.0) in the 10-K graph.
    QCustomPlot* plot = view.plot();
    plot->replot();
    const QPoint point(static_cast<int>(plot->xAxis->coordToPixel(0.5)),
                       static_cast<int>(plot->yAxis->coordToPixel(1.0)));
    QTest::mouseClick(plot, Qt::LeftButton, {}, point);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.at(0).at(0).toString(), QStringLiteral("acme revenue growth"));
    const auto columns = opened.at(0).at(1).value<std::vector<PlaygroundRetriever>>();
    QCOMPARE(columns.size(), std::size_t{2});
    QCOMPARE(columns[0].modelId, 1);
    QCOMPARE(columns[1].modelId, 2);
    QVERIFY(columns[0].kind == eval::RetrieverKind::Dense);

    // A double-clicked row: the first row is q2.
    emit view.queryTable()->cellDoubleClicked(0, 1);
    QCOMPARE(opened.count(), 2);
    QCOMPARE(opened.at(1).at(0).toString(), QStringLiteral("bolt merger"));
  }

  void noEvaluationsSaysWhatToDo() {
    QTemporaryDir empty;
    auto store = store::Store::open(empty.filePath("empty.distillery").toStdString(), store::OpenMode::CreateNew);
    QueryComparison view;
    view.setStore(&store);
    QVERIFY(view.changes().empty());
    QCOMPARE(view.queryTable()->rowCount(), 0);
  }
};

QTEST_MAIN(ComparisonTest)
#include "test_gui_comparison.moc"
