// The workbench window, offscreen: opening experiments, refusing bad files, recent files.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

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
#include "ui/help/UserGuide.h"
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

  void newExperimentWithoutSuffixGetsTheExperimentSuffix() {
    MainWindow window;
    QVERIFY(window.openExperiment(dir_.filePath(QStringLiteral("filings")), true));
    QCOMPARE(window.session().path(), dir_.filePath(QStringLiteral("filings.distillery")));
    QVERIFY(QFile::exists(dir_.filePath(QStringLiteral("filings.distillery"))));
    QVERIFY(!QFile::exists(dir_.filePath(QStringLiteral("filings"))));
    QVERIFY(window.recentFiles().contains(
        QFileInfo(dir_.filePath(QStringLiteral("filings.distillery"))).absoluteFilePath()));
  }

  void reopensTheLastExperimentAtStartUnlessItIsGone() {
    const QString path = dir_.filePath(QStringLiteral("last.distillery"));
    {
      MainWindow window;
      QVERIFY(window.openExperiment(path, true));
    }
    {
      MainWindow window;
      QVERIFY(window.reopenLast());
      QCOMPARE(window.session().path(), path);
    }
    QVERIFY(QFile::remove(path));
    MainWindow window;
    QSignalSpy errors(&window, &MainWindow::errorShown);
    QVERIFY(!window.reopenLast());
    QCOMPARE(errors.count(), 0); // gone since: said in the status bar, no dialog at start
    QVERIFY(!window.session().isOpen());
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
    f.close();

    // An image is not a damaged experiment: it never was one. A file with SQLite's header that cannot be read is.
    const QString image = dir_.filePath(QStringLiteral("chart.png"));
    QFile png(image);
    QVERIFY(png.open(QIODevice::WriteOnly));
    png.write(QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(4096, '\0'));
    png.close();
    QVERIFY(!window.openExperiment(image));
    QCOMPARE(errors.count(), 2);
    QVERIFY2(errors.at(1).at(1).toString().contains(QStringLiteral("chart.png' is not a Distillery experiment")),
             qPrintable(errors.at(1).at(1).toString()));
    QVERIFY(!errors.at(1).at(1).toString().contains(QStringLiteral("damaged")));
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

  void panelsNeverOverlapOnSmallOrLargeScreens() {
    // At 1024x700 the Metrics dock was drawn over the Jobs/Agreement docks (the panels' minimum sizes added up to more
    // than the screen); at 1600x980 the dock tab bar covered the metrics table. Every shown panel gets its own
    // rectangle inside the window, clear of the tab bars; a panel larger than its dock scrolls.
    const QString path = dir_.filePath(QStringLiteral("layout.distillery"));
    {
      auto store = distillery::store::Store::open(path.toStdString(), distillery::store::OpenMode::CreateNew);
      distillery::test::seedDemoExperiment(store);
    }
    for (const QSize size : {QSize(1024, 700), QSize(1280, 800), QSize(1600, 980)}) {
      QSettings().remove(QStringLiteral("window")); // the default layout, not one remembered from another size
      MainWindow window;
      window.resize(size);
      QVERIFY(window.openExperiment(path));
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      for (QDockWidget* dock : window.docks())
        if (dock->objectName() == QStringLiteral("metricsDock"))
          dock->raise(); // the tab the defects were seen on
      QTest::qWait(50);
      const QString at = QStringLiteral("%1x%2: ").arg(size.width()).arg(size.height());
      QList<QDockWidget*> shown;
      for (QDockWidget* dock : window.docks())
        if (dock->isVisible() && !dock->visibleRegion().isEmpty())
          shown << dock;
      QVERIFY2(shown.size() >= 2, qPrintable(at + QString::number(shown.size())));
      // The window really is that size: the panels' minimum sizes did not force it past a small screen.
      QCOMPARE(window.size(), size);
      for (QDockWidget* dock : shown) {
        QVERIFY2(dock->width() >= 300 && dock->height() >= 150,
                 qPrintable(at + dock->objectName() +
                            QStringLiteral(" is only %1x%2").arg(dock->width()).arg(dock->height())));
        QVERIFY2(window.rect().contains(dock->geometry()), qPrintable(at + dock->objectName() + " leaves the window"));
        for (QDockWidget* other : shown)
          if (other != dock)
            QVERIFY2(!dock->geometry().intersects(other->geometry()),
                     qPrintable(at + dock->objectName() + " overlaps " + other->objectName()));
        for (QTabBar* tabs : window.findChildren<QTabBar*>(Qt::FindDirectChildrenOnly))
          if (tabs->isVisible())
            QVERIFY2(!tabs->geometry().intersects(dock->geometry()),
                     qPrintable(at + "a tab bar covers " + dock->objectName()));
      }
    }
  }

  void runsAreRenamedDuplicatedDeletedAndReportedFromTheRunList() {
    const QString path = dir_.filePath(QStringLiteral("manage.distillery"));
    distillery::test::DemoExperiment demo;
    {
      auto store = distillery::store::Store::open(path.toStdString(), distillery::store::OpenMode::CreateNew);
      demo = distillery::test::seedDemoExperiment(store);
    }
    MainWindow window;
    QVERIFY(window.openExperiment(path));
    auto& store = window.session().store();
    const std::int64_t judgments = store.queryInt64("SELECT count(*) FROM judgments");
    const auto runCount = [&store] { return store.queryInt64("SELECT count(*) FROM runs"); };

    // The run list's context menu offers every action for the selected run.
    window.jobsPanel()->selectRun(demo.runId);
    QMenu* menu = window.jobsPanel()->runContextMenu();
    QStringList actions;
    for (QAction* action : menu->actions())
      if (!action->isSeparator()) {
        QVERIFY(action->isEnabled());
        actions << action->text();
      }
    QCOMPARE(actions, (QStringList{"Show config...", "Write report...", "Rename...", "Duplicate", "Delete..."}));

    QVERIFY(window.renameRun(demo.runId, QStringLiteral("  baseline sweep ")));
    QCOMPARE(store.queryInt64("SELECT count(*) FROM runs WHERE name = 'baseline sweep'"), 1);

    // Duplicate, through the menu: a pending run with the same config and a name that says so.
    menu->actions().value(actions.indexOf(QStringLiteral("Duplicate")) + 1)->trigger(); // + the separator
    QCOMPARE(runCount(), 2);
    const std::int64_t copy = store.queryInt64("SELECT max(id) FROM runs");
    QCOMPARE(store.queryInt64("SELECT count(*) FROM runs WHERE id = " + std::to_string(copy) +
                              " AND name = 'baseline sweep (copy)' AND status = 'pending'"),
             1);
    delete menu;

    // The config, secrets removed, in a dialog.
    window.showRunConfig(demo.runId);
    auto* dialog = window.findChild<QDialog*>(QStringLiteral("runConfigDialog"));
    QVERIFY(dialog);
    QVERIFY(dialog->findChild<QPlainTextEdit*>()->toPlainText().contains(QStringLiteral("\"rounds\"")));
    dialog->close();

    // The report, written where asked.
    const QStringList files = window.writeReport(demo.runId, dir_.filePath(QStringLiteral("report")));
    QVERIFY2(!files.filter(QStringLiteral(".html")).isEmpty(), qPrintable(files.join(',')));
    QVERIFY(QFile::exists(files.filter(QStringLiteral(".html")).value(0)));
    // Also from the Run menu, for the run selected in the run list (none selected: said, nothing written).
    QAction* writeFromMenu = nullptr;
    for (QAction* action : window.findChildren<QAction*>())
      if (action->text() == QStringLiteral("Write the selected run's &report..."))
        writeFromMenu = action;
    QVERIFY(writeFromMenu);
    QSignalSpy errors(&window, &MainWindow::errorShown);
    window.jobsPanel()->runsTable()->setCurrentIndex(QModelIndex());
    writeFromMenu->trigger();
    QCOMPARE(errors.count(), 1);
    QCOMPARE(errors.first().first().toString(), QStringLiteral("No run selected"));

    // Delete: asked first (no means nothing happens), then gone with its rounds and evaluations; judgments stay,
    // and a job that ran it forgets it.
    store.exec("INSERT INTO jobs(kind, status, run_id, created_at) VALUES ('run', 'completed', " +
               std::to_string(demo.runId) + ", 'now')");
    QString asked;
    window.setConfirmation([&asked](const QString&, const QString& text) {
      asked = text;
      return false;
    });
    QVERIFY(!window.deleteRun(demo.runId));
    QCOMPARE(runCount(), 2);
    QVERIFY2(asked.contains(QStringLiteral("3 rounds")) && asked.contains(QStringLiteral("Kept:")), qPrintable(asked));
    window.setConfirmation([](const QString&, const QString&) { return true; });
    QVERIFY(window.deleteRun(demo.runId));
    QCOMPARE(runCount(), 1);
    QCOMPARE(store.queryInt64("SELECT count(*) FROM rounds WHERE run_id = " + std::to_string(demo.runId)), 0);
    QCOMPARE(store.queryInt64("SELECT count(*) FROM evaluations WHERE run_id = " + std::to_string(demo.runId)), 0);
    QCOMPARE(store.queryInt64("SELECT count(*) FROM judgments"), judgments);
    QCOMPARE(store.queryInt64("SELECT count(*) FROM jobs WHERE kind = 'run' AND run_id IS NULL"), 1);
    QCOMPARE(window.jobsPanel()->runsModel()->rowCount(), 1);
  }

  void corpusIsDeletedWithWhatWasMadeFromItAfterAsking() {
    const QString path = dir_.filePath(QStringLiteral("delete-corpus.distillery"));
    distillery::test::DemoExperiment demo;
    {
      auto store = distillery::store::Store::open(path.toStdString(), distillery::store::OpenMode::CreateNew);
      demo = distillery::test::seedDemoExperiment(store);
      // An evaluation outside runs of its query set, and a label: both go with it.
      store.exec("INSERT INTO evaluations(retriever, query_set_id, k, created_at) SELECT 'bm25', id, 5, 'now' FROM "
                 "query_sets LIMIT 1");
      store.exec("INSERT INTO human_labels(query_id, passage_id, grade, labelled_at) SELECT q.id, p.id, 2, 'now' FROM "
                 "queries q, passages p LIMIT 1");
    }
    MainWindow window;
    QVERIFY(window.openExperiment(path));
    auto& store = window.session().store();
    const std::int64_t judgments = store.queryInt64("SELECT count(*) FROM judgments");
    QVERIFY(judgments > 0);
    QString asked;
    window.setConfirmation([&asked](const QString&, const QString& text) {
      asked = text;
      return false;
    });
    QVERIFY(!window.deleteCorpus(demo.corpusId));
    QCOMPARE(store.queryInt64("SELECT count(*) FROM corpora"), 1);
    QVERIFY2(asked.contains(QStringLiteral("%1 passages").arg(demo.passages)) &&
                 asked.contains(QStringLiteral("1 labels")) && asked.contains(QStringLiteral("1 runs")),
             qPrintable(asked));
    window.setConfirmation([](const QString&, const QString&) { return true; });
    QVERIFY(window.deleteCorpus(demo.corpusId));
    for (const char* table : {"corpora", "documents", "passages", "query_sets", "queries", "qrels", "human_labels",
                              "runs", "rounds", "mined_examples", "evaluations", "metrics"})
      QVERIFY2(store.queryInt64(std::string("SELECT count(*) FROM ") + table) == 0, table);
    QCOMPARE(store.queryInt64("SELECT count(*) FROM judgments"), judgments); // the paid-for cache stays
    QCOMPARE(window.corpusBrowser()->passageModel()->rowCount(), 0);
  }

  void shortcutListComesFromTheMenus() {
    MainWindow window;
    const QString html = window.shortcutsHtml();
    QVERIFY2(html.contains(QStringLiteral("Ctrl+R")) && html.contains(QStringLiteral("New run")), qPrintable(html));
    QVERIFY(html.contains(QStringLiteral("F8")) && html.contains(QStringLiteral("Keyboard shortcuts")));
    QVERIFY(html.contains(QStringLiteral("0, 1, 2, 3")));
  }

  void helpMenuOpensTheUserGuide() {
    MainWindow window;
    QAction* guide = nullptr;
    for (QAction* menu : window.menuBar()->actions())
      if (menu->menu() && menu->text().remove(QLatin1Char('&')) == QStringLiteral("Help"))
        for (QAction* action : menu->menu()->actions())
          if (action->text().remove(QLatin1Char('&')).startsWith(QStringLiteral("User guide")))
            guide = action;
    QVERIFY(guide);
    guide->trigger();
    auto* dialog = window.findChild<distillery::ui::UserGuide*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    const QString text = dialog->browser()->toPlainText();
    for (const char* title :
         {"Import a corpus", "Browse the corpus", "Start a run", "Watch the jobs", "Inspect pairs and label them",
          "Metrics and comparing runs", "Query playground", "Report"})
      QVERIFY2(text.contains(QLatin1String(title)), title);
    // The menus the guide sends people to exist under those names.
    QStringList menuItems;
    for (QAction* menu : window.menuBar()->actions())
      if (menu->menu())
        for (QAction* action : menu->menu()->actions())
          menuItems << menu->text().remove(QLatin1Char('&')) + QStringLiteral(" > ") +
                           action->text().remove(QLatin1Char('&'));
    for (const QString& cited :
         {QStringLiteral("File > Import corpus..."), QStringLiteral("File > Import demo corpus"),
          QStringLiteral("File > New experiment..."), QStringLiteral("Run > New run..."),
          QStringLiteral("Settings > Preferences..."), QStringLiteral("File > Export labels as JSONL..."),
          QStringLiteral("Run > Evaluate BM25 baseline..."), QStringLiteral("Run > Evaluate a stored model..."),
          QStringLiteral("Run > Run next step of the selected run"), QStringLiteral("Run > Resume the selected run")}) {
      QVERIFY2(menuItems.contains(cited), qPrintable(cited));
      QVERIFY2(text.contains(cited), qPrintable(cited));
    }
    guide->trigger(); // a second time: the same window comes forward
    QCOMPARE(window.findChildren<distillery::ui::UserGuide*>().size(), 1);
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

    const QLocale before; // installTranslations makes the language's locale the default
    QCOMPARE(distillery::ui::installTranslations(QStringLiteral("de")), QStringLiteral("de"));
    QCOMPARE(QLocale().language(), QLocale::German);
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
      // Qt's own standard buttons, from Qt's translations (packaging/setup-deps.sh installs them).
      if (QFile::exists(QLibraryInfo::path(QLibraryInfo::TranslationsPath) + QStringLiteral("/qtbase_de.qm"))) {
        QDialogButtonBox buttons(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
        QCOMPARE(buttons.button(QDialogButtonBox::Cancel)->text(), QStringLiteral("Abbrechen"));
      } else {
        qWarning("qtbase_de.qm not installed (qt6-translations-l10n): standard buttons not checked");
      }
    }
    QCOMPARE(distillery::ui::installTranslations(QStringLiteral("en")), QStringLiteral("en"));
    QCOMPARE(QLocale().language(), QLocale::English);
    QLocale::setDefault(before);
    MainWindow english;
    QCOMPARE(english.menuBar()->actions().value(0)->text(), QStringLiteral("&File"));
  }
};

QTEST_MAIN(MainWindowTest)
#include "test_gui_mainwindow.moc"
