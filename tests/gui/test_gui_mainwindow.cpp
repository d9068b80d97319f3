// The workbench window, offscreen: opening experiments, refusing bad files, recent files.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include "core/store/Store.h"
#include "core/util/Hash.h"
#include "tests/gui/GuiTestData.h"
#include "ui/ExperimentSession.h"
#include "ui/MainWindow.h"
#include "ui/Translations.h"
#include "ui/charts/MetricsDashboard.h"
#include "ui/corpus/CorpusBrowser.h"
#include "ui/corpus/CorpusModels.h"
#include "ui/inspect/PairInspector.h"
#include "ui/inspect/PairModels.h"
#include "ui/inspect/QueryPlayground.h"
#include "ui/jobs/JobManager.h"
#include "ui/jobs/JobsPanel.h"
#include "ui/run/RunsModel.h"

using distillery::ui::MainWindow;
using distillery::ui::RunsModel;

class MainWindowTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

private slots:
  void initTestCase() {
    QApplication::setOrganizationName(QStringLiteral("DistilleryTests"));
    QApplication::setApplicationName(QStringLiteral("test_gui_mainwindow"));
    QSettings().clear();
  }

  void startsWithoutExperimentAndHasMenus() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.windowTitle(), QStringLiteral("Distillery"));
    QStringList menus;
    for (QAction* a : window.menuBar()->actions())
      menus << a->text();
    QVERIFY(menus.contains(QStringLiteral("&File")));
    QVERIFY(menus.contains(QStringLiteral("&Help")));
    QCOMPARE(window.docks().size(), 8);
  }

  void createsAndReopensExperimentAndRemembersIt() {
    const QString path = dir_.filePath(QStringLiteral("gui.distillery"));
    {
      MainWindow window;
      QVERIFY(window.openExperiment(path, true));
      QVERIFY(window.windowTitle().startsWith(QStringLiteral("gui.distillery")));
      QVERIFY(window.session().isOpen());
    }
    MainWindow window;
    QCOMPARE(window.recentFiles().value(0), QFileInfo(path).absoluteFilePath());
    QVERIFY(window.openExperiment(path));
    QVERIFY(window.session().store().schemaVersion() >= 2);
  }

  void refusesNonExperimentAndKeepsCurrentOne() {
    const QString good = dir_.filePath(QStringLiteral("good.distillery"));
    const QString bad = dir_.filePath(QStringLiteral("bad.distillery"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, 'x'));
    f.close();

    MainWindow window;
    QSignalSpy errors(&window, &MainWindow::errorShown);
    QVERIFY(window.openExperiment(good, true));
    QVERIFY(!window.openExperiment(bad));
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.at(0).at(1).toString().contains(QStringLiteral("bad.distillery")));
    QCOMPARE(window.session().path(), good); // the open experiment stays open
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray(4096, 'x'));
  }

  void refusesNewerExperimentUnchanged() {
    const QString path = dir_.filePath(QStringLiteral("newer.distillery"));
    {
      MainWindow window;
      QVERIFY(window.openExperiment(path, true));
      window.session().store().exec("UPDATE schema_version SET version = 999");
      window.session().close();
    }
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray before = f.readAll();
    f.close();
    MainWindow window;
    QSignalSpy errors(&window, &MainWindow::errorShown);
    QVERIFY(!window.openExperiment(path));
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.at(0).at(1).toString().contains(QStringLiteral("newer")));
    QVERIFY(!window.session().isOpen());
    QCOMPARE(window.windowTitle(), QStringLiteral("Distillery"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
  }

  void panelsAreDocksAndTheLayoutIsRemembered() {
    {
      MainWindow window;
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      QStringList names;
      for (QDockWidget* dock : window.docks())
        names << dock->objectName();
      QCOMPARE(names, (QStringList{"overviewDock", "corpusDock", "pairDock", "metricsDock", "playgroundDock",
                                   "comparisonDock", "agreementDock", "jobsDock"}));
      QDockWidget* agreement = window.docks().at(6);
      QVERIFY(agreement->isVisible());
      agreement->close(); // the user hides a panel
      QVERIFY(window.close());
    }
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.docks().at(6)->isVisible()); // restored hidden
    window.resetLayout();
    QVERIFY(window.docks().at(6)->isVisible());
    QVERIFY(window.close());
  }

  void menusHaveShortcuts() {
    MainWindow window;
    QStringList menus;
    for (QAction* a : window.menuBar()->actions())
      menus << a->text();
    QCOMPARE(menus, (QStringList{"&File", "&Run", "&View", "&Settings", "&Help"}));
    int withShortcut = 0;
    for (QAction* menu : window.menuBar()->actions())
      for (QAction* a : menu->menu()->actions())
        withShortcut += !a->shortcut().isEmpty();
    QVERIFY(withShortcut >= 10);
  }

  void openingFillsThePanels() {
    const QString path = dir_.filePath(QStringLiteral("panels.distillery"));
    {
      auto store = distillery::store::Store::open(path.toStdString(), distillery::store::OpenMode::CreateNew);
      distillery::test::seedDemoExperiment(store);
    }
    MainWindow window;
    QVERIFY(window.openExperiment(path));
    QCOMPARE(window.corpusBrowser()->passageModel()->rowCount(), 60);
    QVERIFY(window.pairInspector()->model()->rowCount() > 0);
    QVERIFY(!window.dashboard()->metrics().records().empty());
    QCOMPARE(window.jobStatusText(), QStringLiteral("No jobs running"));
  }

  void pairInspectorOpensItsQueryInThePlaygroundAroundTheRound() {
    const QString path = dir_.filePath(QStringLiteral("around.distillery"));
    distillery::test::DemoExperiment demo;
    {
      auto store = distillery::store::Store::open(path.toStdString(), distillery::store::OpenMode::CreateNew);
      demo = distillery::test::seedDemoExperiment(store);
      for (int m = 0; m < 3; ++m)
        store.exec(
            "INSERT INTO models(kind, name, path, created_at) VALUES ('checkpoint', 'round', '/nowhere', 'now')");
      store.exec("UPDATE rounds SET model_id = round_index + 1"); // round r produced model r + 1
    }
    MainWindow window;
    QVERIFY(window.openExperiment(path));
    distillery::ui::PairInspector* inspector = window.pairInspector();
    inspector->selectRound(demo.roundIds[1]);
    inspector->table()->selectRow(0);
    const QString query = inspector->model()->index(0, 0).data().toString();
    QPushButton* open = nullptr;
    for (QPushButton* button : inspector->findChildren<QPushButton*>())
      if (button->text() == QStringLiteral("Open in playground"))
        open = button;
    QVERIFY(open);
    QSignalSpy searched(window.playground(), &distillery::ui::QueryPlayground::searched);
    open->click();
    QVERIFY(searched.count() > 0 || searched.wait(60000)); // the models' paths do not exist: it fails, and says so
    QCOMPARE(window.playground()->queryEdit()->text(), query);
    // Round 1 started from round 0's student (model 1) and produced model 2.
    const QVariantList before = window.playground()->retrieverBox(0)->currentData().toList();
    const QVariantList after = window.playground()->retrieverBox(1)->currentData().toList();
    QCOMPARE(before.value(0).toInt(), static_cast<int>(distillery::eval::RetrieverKind::Dense));
    QCOMPARE(before.value(1).toLongLong(), 1);
    QCOMPARE(after.value(1).toLongLong(), 2);
    QCOMPARE(window.playground()->retrieverBox(2)->currentIndex(), 0);
  }

  void judgeTheseAsksTheTeacherInTheBackgroundAndFillsTheGrades() {
    const QString path = dir_.filePath(QStringLiteral("judge.distillery"));
    {
      auto store = distillery::store::Store::open(path.toStdString(), distillery::store::OpenMode::CreateNew);
      distillery::test::seedDemoExperiment(store);
    }
    MainWindow window; // Settings are cleared: the teacher is the offline heuristic one
    QVERIFY(window.openExperiment(path));
    distillery::ui::QueryPlayground* playground = window.playground();
    playground->retrieverBox(0)->setCurrentIndex(playground->retrieverBox(0)->findText(QStringLiteral("BM25")));
    playground->retrieverBox(1)->setCurrentIndex(0);
    playground->retrieverBox(2)->setCurrentIndex(0);
    QSignalSpy searched(playground, &distillery::ui::QueryPlayground::searched);
    playground->queryEdit()->setText(QStringLiteral("goodwill impairment of the retail unit"));
    playground->search();
    QVERIFY(searched.wait(60000));
    QCOMPARE(playground->hits()[0].size(), std::size_t{10});
    for (const auto& hit : playground->hits()[0])
      QVERIFY(!hit.grade);
    QVERIFY(playground->judgeButton()->isEnabled());

    const int jobsBefore = window.jobs().rowCount();
    playground->judgeButton()->click();
    QVERIFY(!playground->judgeButton()->isEnabled()); // asked once
    QCOMPARE(window.jobs().rowCount(), jobsBefore + 1);
    distillery::ui::JobRunner* job = window.jobs().jobAt(jobsBefore);
    QCOMPARE(job->kind(), QStringLiteral("judge"));
    QVERIFY(job->waitForFinished(60000));
    QCOMPARE(job->state(), distillery::ui::JobRunner::State::Completed);
    QCOMPARE(playground->hits()[0].size(), std::size_t{10}); // a finished job leaves the shown lists in place
    QCOMPARE(playground->resultTable(0)->rowCount(), 10);
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(playground->hits()[0].begin(), playground->hits()[0].end(),
                                         [](const auto& hit) {
                                           return hit.grade &&
                                                  hit.gradedBy == distillery::eval::HitGradeSource::Teacher;
                                         }),
                             10000);
    for (int row = 0; row < 10; ++row)
      QVERIFY(playground->resultTable(0)->item(row, 3)->text().endsWith(QStringLiteral("(teacher)")));
    // The impairment passages lead, and the heuristic teacher grades them above the rest.
    // Each grade shown is the one stored for this query text and passage.
    for (const auto& hit : playground->hits()[0]) {
      auto stored = window.session().store().prepare("SELECT grade FROM judgments WHERE query_text = 'goodwill "
                                                     "impairment of the retail unit' AND passage_hash = ?1");
      stored.bind(1, distillery::contentHash(hit.text));
      QVERIFY(stored.step());
      QCOMPARE(static_cast<int>(stored.columnInt64(0)), *hit.grade);
    }
    QVERIFY(job->log().join('\n').contains(QStringLiteral("10 judged by")));
    // Stored: the next search reads the grades back, and nothing is left to judge.
    playground->search();
    QVERIFY(searched.wait(60000));
    QVERIFY(playground->hits()[0][0].grade);
    QVERIFY(!playground->judgeButton()->isEnabled());
    QCOMPARE(window.session().store().queryInt64("SELECT count(*) FROM judgments WHERE query_text = 'goodwill "
                                                 "impairment of the retail unit' AND status = 'ok'"),
             10);
  }

  void germanTranslationIsCompleteAndLoads() {
    QFile ts(QStringLiteral(DISTILLERY_SOURCE_DIR "/translations/distillery_de.ts"));
    QVERIFY(ts.open(QIODevice::ReadOnly));
    const QByteArray xml = ts.readAll();
    QVERIFY(xml.contains("<translation>"));
    QVERIFY2(!xml.contains("type=\"unfinished\""), "translations/distillery_de.ts has untranslated strings");
    QVERIFY2(!xml.contains("<translation />") && !xml.contains("<translation></translation>"),
             "translations/distillery_de.ts has empty translations");

    QCOMPARE(distillery::ui::installTranslations(QStringLiteral("de")), QStringLiteral("de"));
    {
      MainWindow window;
      QStringList menus;
      for (QAction* a : window.menuBar()->actions())
        menus << a->text();
      QCOMPARE(menus.value(0), QStringLiteral("&Datei"));
      QCOMPARE(window.windowTitle(), QStringLiteral("Distillery"));
      QCOMPARE(window.jobStatusText(), QStringLiteral("Keine Aufträge aktiv"));
      QCOMPARE(window.jobsPanel()->nextStepButton()->text(), QStringLiteral("Nächster Schritt"));
      QCOMPARE(window.jobsPanel()->runsModel()->headerData(RunsModel::NextStep, Qt::Horizontal).toString(),
               QStringLiteral("Nächster Schritt"));
    }
    QCOMPARE(distillery::ui::installTranslations(QStringLiteral("en")), QStringLiteral("en"));
    MainWindow english;
    QCOMPARE(english.menuBar()->actions().value(0)->text(), QStringLiteral("&File"));
  }
};

QTEST_MAIN(MainWindowTest)
#include "test_gui_mainwindow.moc"
