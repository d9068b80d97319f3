// The Overview page (issue 25), offscreen: an empty experiment's first steps, the demo experiment's corpus with its
// passages per filing type and its run's figures (last round vs round 0 vs BM25), a run's link selecting the run, and
// the page following the experiment when an import job finishes.
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QUrl>

#include "core/store/Store.h"
#include "tests/gui/GuiTestData.h"
#include "ui/MainWindow.h"
#include "ui/jobs/JobManager.h"
#include "ui/jobs/JobRunner.h"
#include "ui/jobs/JobsPanel.h"
#include "ui/overview/OverviewPage.h"

using namespace distillery;
using namespace distillery::ui;

namespace {

/// The figure as the page prints it.
QString figure(double value) {
  return QString::number(value, 'f', 3);
}

/// Whether the page's plain text holds these table cells one after the other (a table cell is a line of its own).
bool hasRow(const QString& text, const QStringList& cells) {
  QStringList lines = text.split(QLatin1Char('\n'));
  for (QString& line : lines)
    line = line.trimmed();
  for (qsizetype i = 0; i + cells.size() <= lines.size(); ++i)
    if (lines.mid(i, cells.size()) == cells)
      return true;
  return false;
}

} // namespace

class OverviewTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString demoPath_;
  test::DemoExperiment demo_;

private slots:
  void initTestCase() {
    QApplication::setOrganizationName(QStringLiteral("DistilleryTests"));
    QApplication::setApplicationName(QStringLiteral("test_gui_overview"));
    QSettings().clear();
    demoPath_ = dir_.filePath(QStringLiteral("demo.distillery"));
    store::Store store = store::Store::open(demoPath_.toStdString(), store::OpenMode::CreateNew);
    demo_ = test::seedDemoExperiment(store);
  }

  void noExperimentAndAnEmptyOneSayWhatToDo() {
    MainWindow window;
    QVERIFY(window.overviewPage()->text().contains(QStringLiteral("No experiment open")));
    QVERIFY(window.openExperiment(dir_.filePath(QStringLiteral("empty.distillery")), true));
    const QString text = window.overviewPage()->text();
    QVERIFY2(text.contains(QStringLiteral("Import a corpus")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("Start a distillation run")));
    // The first steps' links ask the window for the import and the run.
    QSignalSpy demo(window.overviewPage(), &OverviewPage::demoRequested);
    emit window.overviewPage()->view()->anchorClicked(QUrl(QStringLiteral("action:demo")));
    QCOMPARE(demo.count(), 1);
  }

  void showsTheCorpusPassagesAndTheRunsFigures() {
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(window.openExperiment(demoPath_));
    window.findChild<QDockWidget*>(QStringLiteral("overviewDock"))->raise();
    const QString text = window.overviewPage()->text();
    // The corpus: 12 documents of 2 companies, 60 passages; 20 passages in 4 documents per filing type.
    QVERIFY2(text.contains(QStringLiteral("demo filings")), qPrintable(text));
    QVERIFY(hasRow(text, {QStringLiteral("demo filings"), QString::number(demo_.documents), QStringLiteral("2"),
                          QString::number(demo_.passages)}));
    for (const std::string& type : test::demoFilingTypes())
      QVERIFY2(hasRow(text, {QString::fromStdString(type), QStringLiteral("4"), QString(), QStringLiteral("20")}),
               type.c_str());
    // The run: completed, 2 of 2 rounds, and per filing type NDCG@5 of BM25, round 0 and round 2 as stored.
    QVERIFY(text.contains(QStringLiteral("Run %1 \u00b7 demo run").arg(demo_.runId)));
    QVERIFY(text.contains(QStringLiteral("completed")));
    QVERIFY(text.contains(QStringLiteral("NDCG@5")));
    QVERIFY(text.contains(QStringLiteral("MRR@5")));
    for (const std::string type : {"ALL", "10-K", "8-K"}) {
      const QStringList row{
          type == "ALL" ? QStringLiteral("All") : QString::fromStdString(type), QString::number(type == "ALL" ? 24 : 8),
          figure(test::demoMetricValue(0, type, "ndcg", true)), figure(test::demoMetricValue(0, type, "ndcg", false)),
          figure(test::demoMetricValue(2, type, "ndcg", false))};
      QVERIFY2(hasRow(text, row), qPrintable(row.join(QLatin1Char(' ')) + QStringLiteral("\n---\n") + text));
    }
    // 10-K's NDCG gain over round 0 (0.16 as stored) is real: every one of its 8 queries gained (p = 2/256).
    QVERIFY(text.contains(QStringLiteral("+0.160*")));
    // Labelling: the run mined pairs, nobody labelled them yet; the heuristic teacher judged for nothing.
    QVERIFY(text.contains(QStringLiteral("Spot-check labels given in all: 0.")));
    QVERIFY(text.contains(QStringLiteral("heuristic lexical-grader")));

    // A run's link selects it in the run list.
    emit window.overviewPage()->view()->anchorClicked(QUrl(QStringLiteral("run:%1").arg(demo_.runId)));
    QCOMPARE(window.jobsPanel()->selectedRunId(), demo_.runId);
  }

  void followsTheExperimentWhenAnImportFinishes() {
    const QString path = dir_.filePath(QStringLiteral("grow.distillery"));
    QVERIFY(QFile::copy(demoPath_, path));
    MainWindow window;
    window.resize(1024, 700);
    window.show();
    QVERIFY(window.openExperiment(path));
    window.findChild<QDockWidget*>(QStringLiteral("overviewDock"))->raise();
    QVERIFY(!window.overviewPage()->text().contains(QStringLiteral("more filings")));

    const QString file = dir_.filePath(QStringLiteral("more.jsonl"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"_id\": \"a\", \"text\": \"Revenue grew on higher volume.\"}\n"
            "{\"_id\": \"b\", \"text\": \"Goodwill was impaired in the fourth quarter.\"}\n"
            "{\"_id\": \"c\", \"text\": \"The credit facility remains undrawn.\"}\n");
    f.close();
    QSignalSpy finished(&window.jobs(), &JobManager::jobFinished);
    JobRunner* job = window.importCorpus({file}, QStringLiteral("more filings"));
    QVERIFY(job && job->waitForFinished(60000));
    QCOMPARE(job->state(), JobRunner::State::Completed);
    QTRY_COMPARE(finished.count(), 1);
    // Shown without asking: the dock is in front, so the page read the experiment again when the job finished.
    const QString text = window.overviewPage()->view()->toPlainText();
    // Three records of a BEIR file: three documents of unknown filing type and no company, a passage each.
    QVERIFY2(
        hasRow(text, {QStringLiteral("more filings"), QStringLiteral("3"), QStringLiteral("0"), QStringLiteral("3")}),
        qPrintable(text));
    QVERIFY(hasRow(text, {QStringLiteral("unknown"), QStringLiteral("3"), QString(), QStringLiteral("3")}));
    QVERIFY(hasRow(text, {QStringLiteral("import"), QStringLiteral("more filings"), QStringLiteral("completed")}));
  }
};

QTEST_MAIN(OverviewTest)
#include "test_gui_overview.moc"
