// The metrics dashboard shows what the store holds: grouped bars per filing type (round vs round 0 and
// BM25), lines across rounds, a second run side by side, tooltips, the table, PNG/PDF export.
#include <QComboBox>
#include <QFileInfo>
#include <QImage>
#include <QRegularExpression>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include "core/store/Store.h"
#include "tests/gui/GuiTestData.h"
#include "ui/charts/MetricsDashboard.h"
#include "ui/run/RunsModel.h"

using namespace distillery;
using namespace distillery::ui;

class DashboardTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<store::Store> store_;
  test::DemoExperiment demo_;

  /// A second run whose metrics are the first run's plus 0.01 (stored once).
  std::int64_t secondRun() {
    {
      store::Statement existing = store_->prepare("SELECT id FROM runs WHERE name = 'second run'");
      if (existing.step())
        return existing.columnInt64(0);
    }
    store_->exec("INSERT INTO runs(corpus_id, name, config_json, software_version, seed, status, created_at) "
                 "SELECT corpus_id, 'second run', config_json, software_version, 8, 'completed', created_at FROM runs "
                 "WHERE id = 1");
    const std::int64_t second = store_->lastInsertId();
    store_->exec("INSERT INTO evaluations(run_id, round_index, retriever, k, created_at) SELECT 2, round_index, "
                 "retriever, k, created_at FROM evaluations WHERE run_id = 1 AND retriever = 'dense'");
    store_->exec("INSERT INTO metrics(evaluation_id, run_id, round_index, filing_type, name, k, value, query_count) "
                 "SELECT e2.id, 2, m.round_index, m.filing_type, m.name, m.k, m.value + 0.01, m.query_count "
                 "FROM metrics m JOIN evaluations e1 ON e1.id = m.evaluation_id AND e1.retriever = 'dense' "
                 "JOIN evaluations e2 ON e2.run_id = 2 AND e2.round_index = e1.round_index");
    return second;
  }

private slots:
  void initTestCase() {
    store_ = std::make_unique<store::Store>(
        store::Store::open(dir_.filePath(QStringLiteral("dash.distillery")).toStdString(), store::OpenMode::CreateNew));
    demo_ = test::seedDemoExperiment(*store_);
  }

  void barsShowStoredValuesForChosenRound() {
    MetricsDashboard dashboard;
    dashboard.resize(1200, 900);
    dashboard.show();
    dashboard.setStore(store_.get());
    dashboard.redrawNow();
    QCOMPARE(dashboard.roundBox()->currentData().toInt(), 2); // the latest round by default
    QCustomPlot* plot = dashboard.barPlot();
    QCOMPARE(plot->plottableCount(), 6); // bars of BM25, round 0, round 2, then their intervals
    const std::vector<std::string> types{"ALL", "10-K", "10-Q", "8-K"};
    const auto checkSeries = [&](int plottable, int round, bool bm25) {
      auto* bars = qobject_cast<QCPBars*>(plot->plottable(plottable));
      QVERIFY(bars);
      QCOMPARE(bars->dataCount(), 4);
      for (int i = 0; i < 4; ++i)
        QCOMPARE(bars->data()->at(i)->value, test::demoMetricValue(round, types[size_t(i)], "mrr", bm25));
    };
    checkSeries(0, 0, true);
    checkSeries(1, 0, false);
    checkSeries(2, 2, false);

    dashboard.metricBox()->setCurrentIndex(dashboard.metricBox()->findData(QStringLiteral("ndcg")));
    dashboard.roundBox()->setCurrentIndex(dashboard.roundBox()->findData(1));
    dashboard.redrawNow();
    auto* round1 = qobject_cast<QCPBars*>(plot->plottable(2));
    QCOMPARE(round1->name(), QStringLiteral("round 1"));
    QCOMPARE(round1->data()->at(3)->value, test::demoMetricValue(1, "8-K", "ndcg", false));

    // Lines across rounds: one per filing type, a point per round.
    QCOMPARE(dashboard.linePlot()->graphCount(), 4);
    QCOMPARE(dashboard.linePlot()->graph(0)->dataCount(), 3);
    QCOMPARE(dashboard.linePlot()->graph(0)->data()->at(2)->value, test::demoMetricValue(2, "ALL", "ndcg", false));

    // The table holds the same numbers: run 1 ndcg@5 = 1 BM25 + 3 dense evaluations x 4 filing types.
    QCOMPARE(dashboard.table()->rowCount(), 16);
    const QString tsv = dashboard.tableAsTsv();
    QVERIFY(tsv.startsWith(QStringLiteral("Run\tRound\tRetriever")));
    QVERIFY(tsv.contains(QString::number(test::demoMetricValue(2, "10-Q", "ndcg", false), 'f', 4)));
  }

  void hoverShowsValueAndQueryCount() {
    MetricsDashboard dashboard;
    dashboard.resize(1200, 900);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    dashboard.setStore(store_.get());
    dashboard.redrawNow();
    QCustomPlot* plot = dashboard.barPlot();
    plot->replot();
    // Sweep across the plot at a low height: every bar is hit somewhere.
    QSet<QString> tips;
    const double y = plot->yAxis->coordToPixel(0.05);
    for (int x = plot->axisRect()->left(); x < plot->axisRect()->right(); x += 2) {
      const QString tip = dashboard.tooltipAt(plot, QPointF(x, y));
      if (!tip.isEmpty())
        tips.insert(tip);
    }
    QCOMPARE(tips.size(), 12); // 3 series x 4 filing types
    const QString expected = QStringLiteral("round 2, 10-K: MRR@5 = %1 over 8 queries")
                                 .arg(test::demoMetricValue(2, "10-K", "mrr", false), 0, 'f', 4);
    QVERIFY2(std::any_of(tips.begin(), tips.end(), [&](const QString& tip) { return tip.startsWith(expected); }),
             qPrintable(QStringList(tips.values()).join(QLatin1Char('\n'))));
  }

  void intervalsSignificanceAndJudgesAreShown() {
    MetricsDashboard dashboard;
    dashboard.resize(1200, 900);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    dashboard.setStore(store_.get());
    dashboard.metricBox()->setCurrentIndex(dashboard.metricBox()->findData(QStringLiteral("ndcg")));
    dashboard.roundBox()->setCurrentIndex(dashboard.roundBox()->findData(2));
    dashboard.redrawNow();
    QCustomPlot* plot = dashboard.barPlot();
    plot->replot();
    // Each series' bars carry their 95% intervals as error bars.
    int errorBars = 0;
    for (int i = 0; i < plot->plottableCount(); ++i)
      if (auto* errors = qobject_cast<QCPErrorBars*>(plot->plottable(i))) {
        ++errorBars;
        QCOMPARE(errors->dataCount(), 4);
        QVERIFY(std::abs(errors->data()->at(0).errorMinus - test::kDemoIntervalHalfWidth) < 1e-9);
        QVERIFY(std::abs(errors->data()->at(0).errorPlus - test::kDemoIntervalHalfWidth) < 1e-9);
      }
    QCOMPARE(errorBars, 3);
    // Round 2 against round 0, paired per query: 10-K and 10-Q gained on every query (significant), 8-K did not, so
    // only its bar is marked "n.s.".
    QCOMPARE(plot->itemCount(), 1);
    auto* mark = qobject_cast<QCPItemText*>(plot->item(0));
    QVERIFY(mark);
    QCOMPARE(mark->text(), QStringLiteral("n.s."));
    const auto types = dashboard.metrics().filingTypes(demo_.runId); // ALL, 10-K, 10-Q, 8-K
    QCOMPARE(static_cast<int>(std::lround(mark->position->key())), 4);
    QCOMPARE(types[3], std::string("8-K"));
    QStringList tips;
    const double y = plot->yAxis->coordToPixel(0.05);
    for (int x = plot->axisRect()->left(); x < plot->axisRect()->right(); x += 2)
      if (const QString tip = dashboard.tooltipAt(plot, QPointF(x, y)); !tip.isEmpty() && !tips.contains(tip))
        tips << tip;
    const auto tipOf = [&](const QString& start) {
      for (const QString& tip : tips)
        if (tip.startsWith(start))
          return tip;
      return QString();
    };
    const QString eightK = tipOf(QStringLiteral("round 2, 8-K:"));
    QVERIFY2(eightK.contains(QStringLiteral("vs round 0: +0.0000, not significant: could be noise (p = 1)")),
             qPrintable(eightK));
    QVERIFY2(eightK.contains(QStringLiteral("95% interval")), qPrintable(eightK));
    QVERIFY2(eightK.contains(QStringLiteral("judgments: heuristic teacher (heuristic-lexical/v2)")),
             qPrintable(eightK));
    const QString tenK = tipOf(QStringLiteral("round 2, 10-K:"));
    QVERIFY2(tenK.contains(QStringLiteral("vs round 0: +0.2000, significant (p = 0.0078)")), qPrintable(tenK));
    QVERIFY2(!tipOf(QStringLiteral("BM25, 10-K:")).contains(QStringLiteral("vs round 0")), qPrintable(tips.join('\n')));
    // The table says the same; so does the runs list.
    const QString tsv = dashboard.tableAsTsv();
    QVERIFY(
        tsv.startsWith(QStringLiteral("Run\tRound\tRetriever\tFiling type\tMetric\tk\tValue\tQueries\t95% interval\t"
                                      "Judged by\n")));
    const double value = test::demoMetricValue(2, "10-Q", "ndcg", false);
    QVERIFY2(tsv.contains(QStringLiteral("%1\t8\t%2-%3\theuristic teacher (heuristic-lexical/v2)")
                              .arg(value, 0, 'f', 4)
                              .arg(value - test::kDemoIntervalHalfWidth, 0, 'f', 4)
                              .arg(value + test::kDemoIntervalHalfWidth, 0, 'f', 4)),
             qPrintable(tsv));
    RunsModel runs;
    runs.setStore(store_.get());
    QCOMPARE(runs.index(runs.rowOf(demo_.runId), RunsModel::JudgedBy).data().toString(),
             QStringLiteral("heuristic teacher (heuristic-lexical/v2)"));
  }

  void secondRunSideBySideAndExport() {
    const std::int64_t second = secondRun();
    MetricsDashboard dashboard;
    dashboard.resize(1400, 900);
    dashboard.show();
    dashboard.setStore(store_.get());
    dashboard.runBox()->setCurrentIndex(dashboard.runBox()->findData(qlonglong(demo_.runId)));
    QVERIFY(!dashboard.comparisonPlot()->isVisibleTo(&dashboard));
    dashboard.compareBox()->setCurrentIndex(dashboard.compareBox()->findData(qlonglong(second)));
    dashboard.redrawNow();
    QVERIFY(dashboard.comparisonPlot()->isVisibleTo(&dashboard));
    auto* otherRound2 = qobject_cast<QCPBars*>(dashboard.comparisonPlot()->plottable(2));
    QVERIFY(otherRound2);
    QVERIFY(std::abs(otherRound2->data()->at(0)->value - (test::demoMetricValue(2, "ALL", "mrr", false) + 0.01)) <
            1e-9);
    QCOMPARE(dashboard.linePlot()->graphCount(), 5); // + the second run's average

    const QString png = dir_.filePath(QStringLiteral("chart.png"));
    const QString pdf = dir_.filePath(QStringLiteral("chart.pdf"));
    QVERIFY(dashboard.exportChart(png));
    QVERIFY(dashboard.exportChart(pdf));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 1800); // both runs' bars side by side
    QFile pdfFile(pdf);
    QVERIFY(pdfFile.open(QIODevice::ReadOnly));
    QVERIFY(pdfFile.read(5) == "%PDF-");
    QVERIFY(QFileInfo(pdf).size() > 2000);
  }

  void pdfExportHoldsEveryChartOfThePng() {
    // The PNG holds the bar charts side by side (900 px each) above the lines; the PDF holds the same charts, one per
    // page. With a second run chosen, its bars are in both.
    const std::int64_t secondId = secondRun();
    MetricsDashboard dashboard;
    dashboard.resize(1400, 900);
    dashboard.show();
    dashboard.setStore(store_.get());
    dashboard.runBox()->setCurrentIndex(dashboard.runBox()->findData(qlonglong(demo_.runId)));
    const int second = dashboard.compareBox()->findData(qlonglong(secondId));
    QVERIFY(second > 0);
    const auto pdfPages = [](const QString& path) {
      QFile file(path);
      if (!file.open(QIODevice::ReadOnly))
        return -1;
      int pages = 0; // page objects, not the page tree ("/Type /Pages")
      for (auto it = QRegularExpression(QStringLiteral("/Type\\s*/Page(?!s)"))
                         .globalMatch(QString::fromLatin1(file.readAll()));
           it.hasNext(); it.next())
        ++pages;
      return pages;
    };
    const auto pngCharts = [](const QString& path) {
      const QImage image(path);
      return image.isNull() ? -1 : image.width() / 900 + 1; // the bar charts' columns, then the lines
    };
    QMap<int, int> pngs, pdfs; // compare box index -> charts in each format
    for (const int compare : {0, second}) {
      dashboard.compareBox()->setCurrentIndex(compare);
      dashboard.redrawNow();
      const QString png = dir_.filePath(QStringLiteral("charts-%1.png").arg(compare));
      const QString pdf = dir_.filePath(QStringLiteral("charts-%1.pdf").arg(compare));
      QVERIFY(dashboard.exportChart(png));
      QVERIFY(dashboard.exportChart(pdf));
      pngs[compare] = pngCharts(png);
      pdfs[compare] = pdfPages(pdf);
    }
    QCOMPARE(pngs[second] - pngs[0], 1); // the second run's bars
    QCOMPARE(pdfs[second] - pdfs[0], 1); // ... in the PDF too
    QCOMPARE(pngs[0], 2);
    QCOMPARE(pdfs[0], 2);
    QCOMPARE(pdfs[second], pngs[second]);
  }

  void evaluationsOutsideRunsStayWithTheirCorpus() {
    // BM25 on corpus A, BM25 on corpus B and a dense model on corpus B, each evaluated outside any run: every bar is
    // shown, and no chart puts figures of two corpora side by side.
    QTemporaryDir dir;
    store::Store s = store::Store::open(dir.filePath(QStringLiteral("outside.distillery")).toStdString(),
                                        store::OpenMode::CreateNew);
    const auto corpus = [&](const std::string& name) {
      s.prepare("INSERT INTO corpora(name, created_at) VALUES (?1, 'now')").bind(1, name).run();
      const std::int64_t id = s.lastInsertId();
      s.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (?1, 'held-out', 'imported', "
                "'now')")
          .bind(1, id)
          .run();
      return std::make_pair(id, s.lastInsertId());
    };
    const auto [corpusA, setA] = corpus("filings A");
    const auto [corpusB, setB] = corpus("filings B");
    s.exec("INSERT INTO models(kind, name, created_at) VALUES ('checkpoint', 'student', 'now')");
    const std::int64_t model = s.lastInsertId();
    const auto evaluate = [&](const std::string& retriever, std::optional<std::int64_t> modelId, std::int64_t corpusId,
                              std::int64_t set, double mrr) {
      s.prepare("INSERT INTO evaluations(model_id, retriever, query_set_id, k, config_json, created_at) VALUES (?1, "
                "?2, ?3, 5, ?4, 'now')")
          .bind(1, modelId)
          .bind(2, retriever)
          .bind(3, set)
          .bind(4, "{\"corpus_id\": " + std::to_string(corpusId) + "}")
          .run();
      s.prepare("INSERT INTO metrics(evaluation_id, filing_type, name, k, value, query_count) VALUES (?1, 'ALL', "
                "'mrr', 5, ?2, 10)")
          .bind(1, s.lastInsertId())
          .bind(2, mrr)
          .run();
    };
    evaluate("bm25", std::nullopt, corpusA, setA, 0.31);
    evaluate("bm25", std::nullopt, corpusB, setB, 0.42);
    evaluate("dense", model, corpusB, setB, 0.55);
    const std::map<double, QString> corpusOf{
        {0.31, QStringLiteral("filings A")}, {0.42, QStringLiteral("filings B")}, {0.55, QStringLiteral("filings B")}};

    MetricsDashboard dashboard;
    dashboard.resize(1400, 900);
    dashboard.show();
    dashboard.setStore(&s);
    QSet<double> shown;
    struct Entry {
      QString text;
      QSet<QString> corpora;
      QStringList bars;
    };
    QList<Entry> entries;
    for (int entry = 0; entry < dashboard.runBox()->count(); ++entry) {
      if (dashboard.runBox()->itemData(entry).toLongLong() != 0)
        continue;
      dashboard.runBox()->setCurrentIndex(entry);
      dashboard.redrawNow();
      Entry seen{dashboard.runBox()->itemText(entry), {}, {}};
      for (int i = 0; i < dashboard.barPlot()->plottableCount(); ++i)
        if (auto* series = qobject_cast<QCPBars*>(dashboard.barPlot()->plottable(i)))
          for (auto it = series->data()->constBegin(); it != series->data()->constEnd(); ++it) {
            seen.bars << QStringLiteral("%1 = %2").arg(series->name()).arg(it->value);
            shown.insert(it->value);
            seen.corpora.insert(corpusOf.at(it->value));
          }
      entries << seen;
    }
    QCOMPARE(shown, (QSet<double>{0.31, 0.42, 0.55})); // no bar overwrites another
    QCOMPARE(entries.size(), 2);                       // one entry (chart) per corpus
    for (const Entry& entry : entries) {
      QVERIFY2(entry.corpora.size() == 1, qPrintable(entry.text + QStringLiteral(": ") + entry.bars.join(", ")));
      // The entry (and so the chart's title) names the corpus its figures are from.
      QVERIFY2(entry.text.contains(*entry.corpora.begin()), qPrintable(entry.text));
    }
    // The table beside the chart keeps to the chosen corpus too; the stored figures are told apart by what they were
    // on.
    dashboard.runBox()->setCurrentIndex(dashboard.runBox()->findText(entries[0].text));
    dashboard.redrawNow();
    const QString tsv = dashboard.tableAsTsv();
    QVERIFY2(tsv.contains(QStringLiteral("0.3100")) && !tsv.contains(QStringLiteral("0.4200")), qPrintable(tsv));
    const reporting::MetricTable table = reporting::MetricTable::load(s);
    QCOMPARE(table.scopes().size(), std::size_t(2));
    QCOMPARE(table.scopes()[0].corpus, std::string("filings A"));
    QCOMPARE(table.baseline(0, "ALL", "mrr", 5, table.scopes()[0].key)->value, 0.31);
    QCOMPARE(table.baseline(0, "ALL", "mrr", 5, table.scopes()[1].key)->value, 0.42);
  }

  void redrawsAreThrottled() {
    MetricsDashboard dashboard;
    dashboard.setStore(store_.get());
    QTest::qWait(100);
    const int before = dashboard.redrawCount();
    for (int i = 0; i < 200; ++i)
      dashboard.scheduleRedraw();
    QTest::qWait(150);
    QCOMPARE(dashboard.redrawCount(), before + 1);
  }
};

QTEST_MAIN(DashboardTest)
#include "test_gui_dashboard.moc"
