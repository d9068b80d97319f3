// Background jobs: the adapter's progress, pause, cancel and failure; jobs recorded in the store; an
// import launched from the jobs panel finishes and fills the corpus browser; closing waits for a stop.
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/corpus/CorpusRepository.h"
#include "core/report/MetricTable.h"
#include "core/store/Store.h"
#include "tests/gui/GuiTestData.h"
#include "ui/ExperimentSession.h"
#include "ui/MainWindow.h"
#include "ui/Translations.h"
#include "ui/charts/MetricsDashboard.h"
#include "ui/charts/TrainingLossFeed.h"
#include "ui/corpus/CorpusBrowser.h"
#include "ui/corpus/CorpusModels.h"
#include "ui/jobs/JobManager.h"
#include "ui/jobs/JobRunner.h"
#include "ui/jobs/JobsPanel.h"
#include "ui/jobs/ProgressText.h"
#include "ui/widgets/MinedKindLabel.h"
#include <qcustomplot.h>

using namespace distillery;
using namespace distillery::ui;

namespace {

/// Counts to `steps`, reporting each step, sleeping a little; stops on the token like core work.
JobFunction counting(int steps, std::atomic<int>* reached = nullptr, int sleepMs = 2) {
  return [=](const ProgressCallback& progress, std::stop_token stop) {
    for (int i = 1; i <= steps; ++i) {
      throwIfStopped(stop);
      std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs));
      if (reached)
        *reached = i;
      report(progress, {"count", i, steps, i % 10 == 0 ? "step " + std::to_string(i) : std::string()});
    }
  };
}

} // namespace

class JobsTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

private slots:
  void initTestCase() {
    QApplication::setOrganizationName(QStringLiteral("DistilleryTests"));
    QApplication::setApplicationName(QStringLiteral("test_gui_jobs"));
    QSettings().clear();
  }

  void runnerReportsProgressAndLog() {
    JobRunner job(QStringLiteral("test"), QStringLiteral("count"), counting(50));
    QSignalSpy progress(&job, &JobRunner::progressChanged);
    QSignalSpy finished(&job, &JobRunner::finished);
    job.start();
    QVERIFY(job.isActive());
    QVERIFY(job.waitForFinished(10000));
    QCOMPARE(job.state(), JobRunner::State::Completed);
    QCOMPARE(finished.count(), 1);
    QVERIFY(progress.count() >= 1);
    QCOMPARE(job.done(), 50);
    QCOMPARE(job.total(), 50);
    QVERIFY(job.log().contains(QStringLiteral("step 50")));
    QVERIFY(job.log().contains(QStringLiteral("step 10")));
    const double elapsed = job.elapsedSeconds();
    QTest::qWait(120);
    QCOMPARE(job.elapsedSeconds(), elapsed); // a finished job's time stands still
  }

  void pauseHoldsTheWorkerAndResumeFinishes() {
    std::atomic<int> reached{0};
    JobRunner job(QStringLiteral("test"), QStringLiteral("pausable"), counting(400, &reached, 3));
    job.start();
    QTRY_VERIFY(reached > 5);
    job.pause();
    QCOMPARE(job.state(), JobRunner::State::Paused);
    QTest::qWait(50); // the worker stops at its next report
    const int held = reached;
    QTest::qWait(150);
    QVERIFY(reached - held <= 1);
    QVERIFY(job.etaSeconds() < 0 || job.state() == JobRunner::State::Paused);
    job.resume();
    QVERIFY(job.waitForFinished(20000));
    QCOMPARE(job.state(), JobRunner::State::Completed);
    QCOMPARE(int(reached), 400);
  }

  void etaFollowsTheCurrentStage() {
    // A slow first stage, then a fast one (a run's steps differ like that): the ETA is the fast stage's.
    std::atomic<bool> release{false};
    std::atomic<int> reached{0};
    JobRunner job(QStringLiteral("test"), QStringLiteral("stages"),
                  [&](const ProgressCallback& progress, std::stop_token stop) {
                    for (int i = 1; i <= 5; ++i) {
                      std::this_thread::sleep_for(std::chrono::milliseconds(80));
                      report(progress, {"slow", i, 5, {}});
                    }
                    report(progress, {"fast", 1, 1000, {}});
                    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // the GUI sees the stage start
                    for (int i = 2; i <= 11; ++i) {
                      std::this_thread::sleep_for(std::chrono::milliseconds(10));
                      report(progress, {"fast", i, 1000, {}});
                    }
                    reached = 11;
                    while (!release && !stop.stop_requested())
                      std::this_thread::sleep_for(std::chrono::milliseconds(1));
                  });
    job.start();
    QTRY_VERIFY(reached == 11 && job.done() == 11);
    const double wholeJob = job.elapsedSeconds() * (1000 - 11) / 11.0; // what a whole-job rate would predict
    QVERIFY(job.etaSeconds() > 0);
    QVERIFY2(job.etaSeconds() < 0.6 * wholeJob,
             qPrintable(QStringLiteral("%1 vs %2").arg(job.etaSeconds()).arg(wholeJob)));
    release = true;
    QVERIFY(job.waitForFinished(5000));
  }

  void jobOfStepsShowsTheWholeJobAndStoppedJobsNeverShowFull() {
    // A run reports its steps: the bar and the ETA are the whole run's, and do not restart with each step.
    std::atomic<int> phase{0};
    JobManager manager;
    JobRunner* job = manager.launch(QStringLiteral("run"), QStringLiteral("steps"),
                                    [&](const ProgressCallback& progress, std::stop_token stop) {
                                      report(progress, {"round 1/2", 5, 10, "", 1, 4});
                                      std::this_thread::sleep_for(std::chrono::milliseconds(200));
                                      report(progress, {"round 1/2", 10, 10, "", 1, 4});
                                      phase = 1;
                                      while (phase == 1 && !stop.stop_requested())
                                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                                      report(progress, {"round 2/2", 0, 10, "", 2, 4});
                                      phase = 3;
                                      while (!stop.stop_requested())
                                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                                    });
    QTRY_VERIFY(phase == 1 && job->done() == 10);
    QCOMPARE(manager.index(0, JobManager::ProgressColumn).data().toInt(), 50); // (1 + 10/10) of 4 steps
    QVERIFY(manager.index(0, JobManager::Status).data().toString().contains(QStringLiteral("step 2 of 4")));
    // Half the work took the time so far: about as long again is left (not a stage's "done").
    QVERIFY(job->etaSeconds() > 0.5 * job->elapsedSeconds() && job->etaSeconds() < 2.0 * job->elapsedSeconds());
    phase = 2;
    QTRY_VERIFY(phase == 3 && job->total() == 10 && job->done() == 0);
    QCOMPARE(manager.index(0, JobManager::ProgressColumn).data().toInt(), 50); // the next step starts at 50, not 0
    job->cancel();
    QVERIFY(job->waitForFinished(5000));
    QCOMPARE(job->state(), JobRunner::State::Cancelled);
    QCOMPARE(manager.index(0, JobManager::ProgressColumn).data().toInt(), 50); // how far it got

    // One stage that reached its end, then failed or was cancelled: no bar says 100 %.
    JobRunner* failed = manager.launch(QStringLiteral("test"), QStringLiteral("fails"),
                                       [](const ProgressCallback& progress, std::stop_token) {
                                         report(progress, {"import", 10, 10, ""});
                                         throw Error("the disk is full");
                                       });
    std::atomic<bool> reachedEnd{false};
    JobRunner* cancelled = manager.launch(QStringLiteral("test"), QStringLiteral("cancelled"),
                                          [&reachedEnd](const ProgressCallback& progress, std::stop_token stop) {
                                            report(progress, {"import", 10, 10, ""});
                                            reachedEnd = true;
                                            while (!stop.stop_requested())
                                              std::this_thread::sleep_for(std::chrono::milliseconds(1));
                                          });
    QTRY_VERIFY(reachedEnd.load());
    cancelled->cancel();
    QVERIFY(failed->waitForFinished(5000) && cancelled->waitForFinished(5000));
    QCOMPARE(failed->state(), JobRunner::State::Failed);
    QCOMPARE(cancelled->state(), JobRunner::State::Cancelled);
    QVERIFY(!manager.index(1, JobManager::ProgressColumn).data().isValid());
    QVERIFY(!manager.index(2, JobManager::ProgressColumn).data().isValid());
  }

  void cancelStopsRunningAndPausedJobs() {
    std::atomic<int> reached{0};
    JobRunner running(QStringLiteral("test"), QStringLiteral("long"), counting(100000, &reached, 1));
    running.start();
    QTRY_VERIFY(reached > 3);
    running.cancel();
    QVERIFY(running.waitForFinished(5000));
    QCOMPARE(running.state(), JobRunner::State::Cancelled);
    QVERIFY(reached < 100000);

    JobRunner paused(QStringLiteral("test"), QStringLiteral("paused"), counting(100000, nullptr, 1));
    paused.start();
    QTest::qWait(20);
    paused.pause();
    QTest::qWait(20);
    paused.cancel();
    QVERIFY(paused.waitForFinished(5000));
    QCOMPARE(paused.state(), JobRunner::State::Cancelled);
  }

  void failureKeepsTheMessage() {
    JobRunner job(QStringLiteral("test"), QStringLiteral("bad"), [](const ProgressCallback&, std::stop_token) {
      throw InputError("corpus.jsonl line 3: field 'text' is missing");
    });
    job.start();
    QVERIFY(job.waitForFinished(5000));
    QCOMPARE(job.state(), JobRunner::State::Failed);
    QCOMPARE(job.error(), QStringLiteral("corpus.jsonl line 3: field 'text' is missing"));
  }

  void managerRecordsJobsInTheStore() {
    auto store =
        store::Store::open(dir_.filePath(QStringLiteral("jobs.distillery")).toStdString(), store::OpenMode::CreateNew);
    JobManager manager;
    manager.setStore(&store);
    JobRunner* ok = manager.launch(QStringLiteral("test"), QStringLiteral("ok"), counting(20));
    JobRunner* bad = manager.launch(QStringLiteral("test"), QStringLiteral("bad"),
                                    [](const ProgressCallback&, std::stop_token) { throw Error("boom"); });
    QCOMPARE(manager.rowCount(), 2);
    QVERIFY(ok->waitForFinished(5000) && bad->waitForFinished(5000));
    QTRY_COMPARE(store.queryInt64("SELECT count(*) FROM jobs WHERE status = 'completed' AND progress_done = 20"), 1);
    QCOMPARE(store.queryInt64("SELECT count(*) FROM jobs WHERE status = 'failed' AND error = 'boom'"), 1);
    QVERIFY(store.queryInt64("SELECT count(*) FROM job_log") >= 4);
    QCOMPARE(manager.activeCount(), 0);
    QCOMPARE(manager.index(0, JobManager::ProgressColumn).data().toInt(), 100);
  }

  void importFromThePanelFinishesAndFillsTheBrowser() {
    // The panel's "Import demo corpus" button: the one launch path that needs no file dialog.
    MainWindow window;
    QVERIFY(window.openExperiment(dir_.filePath(QStringLiteral("import.distillery")), true));
    QSignalSpy finished(&window.jobs(), &JobManager::jobFinished);
    QList<QPushButton*> buttons = window.jobsPanel()->findChildren<QPushButton*>();
    QPushButton* demo = nullptr;
    for (QPushButton* b : buttons)
      if (b->text() == QStringLiteral("Import demo corpus"))
        demo = b;
    QVERIFY(demo);
    QTest::mouseClick(demo, Qt::LeftButton);
    QCOMPARE(window.jobs().rowCount(), 1);
    QVERIFY(window.jobStatusText().contains(QStringLiteral("Import demo corpus")));
    QVERIFY(window.jobs().jobAt(0)->waitForFinished(120000));
    QCOMPARE(window.jobs().jobAt(0)->state(), JobRunner::State::Completed);
    QTRY_COMPARE(finished.count(), 1);
    // The panel's live log shows the job's lines, and the browser now lists the imported passages.
    QVERIFY(window.jobsPanel()->logView()->toPlainText().contains(QStringLiteral("Imported into 'demo'")));
    QVERIFY(window.corpusBrowser()->passageModel()->rowCount() > 0);
    QVERIFY(window.session().store().queryInt64("SELECT count(*) FROM passages") > 100);
    QCOMPARE(window.jobStatusText(), QStringLiteral("No jobs running"));

    // Then an evaluation job: its metrics appear in the dashboard when it finishes.
    QVERIFY(window.dashboard()->metrics().records().empty());
    const std::int64_t corpusId = window.session().store().queryInt64("SELECT id FROM corpora WHERE name = 'demo'");
    JobRunner* evaluation = window.evaluateBm25(corpusId);
    QVERIFY(evaluation);
    QVERIFY(evaluation->waitForFinished(120000));
    QCOMPARE(evaluation->state(), JobRunner::State::Completed);
    QTRY_VERIFY(!window.dashboard()->metrics().records().empty());
    const auto mrr = window.dashboard()->metrics().baseline(0, "ALL", "mrr", 5);
    QVERIFY(mrr.has_value());
    QCOMPARE(mrr->queryCount, 300); // the demo corpus's held-out queries
    window.dashboard()->redrawNow();
    auto* bm25 = qobject_cast<QCPBars*>(window.dashboard()->barPlot()->plottable(0));
    QVERIFY(bm25);
    QCOMPARE(bm25->name(), QStringLiteral("BM25"));
    QCOMPARE(bm25->data()->at(0)->value, mrr->value);
    QVERIFY(bm25->dataCount() > 1); // ALL and every filing type
    // The log line gives the score, and says which queries it scored.
    const QString line = evaluation->log().filter(QStringLiteral("stored:")).value(0);
    QVERIFY2(line.contains(QStringLiteral("NDCG@5 0.")) && line.contains(QStringLiteral("MRR@5 0.")) &&
                 line.contains(QStringLiteral("on 300 test queries")),
             qPrintable(line));

    // The judged splits to choose from, test first; the dev split alone, and dev and test together, on request.
    const auto splits = corpus::listJudgedSplits(window.session().store(), corpusId);
    QCOMPARE(splits.size(), std::size_t{2});
    QCOMPARE(splits[0].split, std::string("test"));
    QCOMPARE(splits[0].queries, 300);
    QCOMPARE(splits[1].split, std::string("dev"));
    const EvaluationScope dev{splits[1].querySetId, QStringLiteral("demo"), QStringLiteral("dev")};
    JobRunner* onDev = window.evaluateBm25(corpusId, dev);
    QVERIFY(onDev && onDev->waitForFinished(120000));
    QVERIFY(onDev->title().contains(QStringLiteral("(dev)")));
    QVERIFY2(onDev->log().join('\n').contains(QStringLiteral("on %1 dev queries").arg(splits[1].queries)),
             qPrintable(onDev->log().join('\n')));
    JobRunner* everything = window.evaluateBm25(corpusId, EvaluationScope{dev.querySetId, dev.querySetName, {}});
    QVERIFY(everything && everything->waitForFinished(120000));
    QVERIFY(everything->log().join('\n').contains(
        QStringLiteral("on %1 (every split) queries").arg(300 + splits[1].queries)));
  }

  void importOfABadFileIsReportedNotFatal() {
    MainWindow window;
    QVERIFY(window.openExperiment(dir_.filePath(QStringLiteral("bad-import.distillery")), true));
    const QString bad = dir_.filePath(QStringLiteral("broken.jsonl"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"_id\": \"a\", \"text\": \"Revenue grew.\"}\nnot json at all\n");
    f.close();
    JobRunner* job = window.importCorpus({bad}, QStringLiteral("broken"));
    QVERIFY(job && job->waitForFinished(30000));
    QCOMPARE(job->state(), JobRunner::State::Completed);
    QVERIFY(job->log().join(QLatin1Char('\n')).contains(QStringLiteral("broken.jsonl")));

    // An image holds no filings: the job fails and says why, and no empty corpus is left in the experiment.
    const QString image = dir_.filePath(QStringLiteral("logo.png"));
    QFile png(image);
    QVERIFY(png.open(QIODevice::WriteOnly));
    png.write(QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(2048, '\0'));
    png.close();
    JobRunner* imageJob = window.importCorpus({image}, QStringLiteral("logo"));
    QVERIFY(imageJob && imageJob->waitForFinished(30000));
    QCOMPARE(imageJob->state(), JobRunner::State::Failed);
    QVERIFY2(imageJob->error().contains(QStringLiteral("logo.png")), qPrintable(imageJob->error()));
    QVERIFY(imageJob->error().contains(QStringLiteral("nothing imported")));
    QVERIFY(!corpus::tryFindCorpusId(window.session().store(), "logo"));
  }

  void lossCurveFollowsTheTrainingLog() {
    auto store =
        store::Store::open(dir_.filePath(QStringLiteral("loss.distillery")).toStdString(), store::OpenMode::CreateNew);
    const test::DemoExperiment demo = test::seedDemoExperiment(store, 2);
    JobManager manager;
    JobsPanel panel(&manager);
    panel.setStore(&store);
    QCOMPARE(panel.lossPointCount(), 20); // the newest round's 20 steps
    store.prepare("INSERT INTO training_log(round_id, step, epoch, loss) VALUES (?1, 1000, 9, 0.1)")
        .bind(1, demo.roundIds.back())
        .run();
    panel.refreshLoss();
    QCOMPARE(panel.lossPointCount(), 21); // appended, not reloaded
  }

  void liveLossIsDrawnThrottledWhileTheJobRuns() {
    JobManager manager;
    JobsPanel panel(&manager);
    auto feed = std::make_shared<TrainingLossFeed>();
    std::atomic<bool> release{false};
    std::atomic<qint64> appendMs{-1};
    JobRunner* job = manager.launch(
        QStringLiteral("run"), QStringLiteral("trainer"),
        [feed = feed.get(), &release, &appendMs](const ProgressCallback&, std::stop_token stop) {
          QElapsedTimer clock;
          clock.start();
          for (int step = 0; step < 5000; ++step) // as fast as a trainer could ever report
            feed->append(1, step, 1.0 / (1.0 + step));
          appendMs = clock.elapsed();
          while (!release && !stop.stop_requested())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
          for (int step = 0; step < 700; ++step)
            feed->append(2, step, 0.5);
        },
        {}, feed);
    QCOMPARE(panel.table()->currentIndex().row(), 0); // the new job is followed
    QTRY_COMPARE(panel.lossPointCount(), 5000);       // every point drawn while the job still runs
    QVERIFY(job->isActive());
    // Coalesced: one redraw per 40 ms while points arrive (plus the first and the last), not one per point.
    QTRY_VERIFY(appendMs >= 0);
    QVERIFY2(panel.lossRedrawCount() <= 3 + appendMs / 40,
             qPrintable(QStringLiteral("%1 redraws in %2 ms").arg(panel.lossRedrawCount()).arg(qint64(appendMs))));
    QVERIFY(panel.lossPlot()->xAxis->label().contains(QStringLiteral("round 1")));
    release = true;
    QVERIFY(job->waitForFinished(10000));
    QTRY_COMPARE(panel.lossPointCount(), 700); // round 2 starts its own curve
    QVERIFY(panel.lossPlot()->xAxis->label().contains(QStringLiteral("round 2")));
  }

  void closingAsksAndWaitsForJobsToStop() {
    MainWindow window;
    window.show();
    QVERIFY(window.openExperiment(dir_.filePath(QStringLiteral("close.distillery")), true));
    std::atomic<int> reached{0};
    JobRunner* job =
        window.jobs().launch(QStringLiteral("test"), QStringLiteral("endless"), counting(10'000'000, &reached, 1));
    QTRY_VERIFY(reached > 2);
    int asked = 0;
    window.setCloseConfirmation([&](int running) {
      ++asked;
      return running < 0; // "No": keep working
    });
    QVERIFY(!window.close());
    QCOMPARE(asked, 1);
    QVERIFY(job->isActive());
    window.setCloseConfirmation([&](int running) {
      ++asked;
      return running == 1; // "Yes, cancel them"
    });
    QVERIFY(window.close());
    QCOMPARE(asked, 2);
    QCOMPARE(job->state(), JobRunner::State::Cancelled); // stopped before the window closed
    QCOMPARE(window.session().store().queryInt64("SELECT count(*) FROM jobs WHERE status = 'cancelled'"), 1);
  }

  void anotherExperimentIsRefusedWhileJobsRun() {
    MainWindow window;
    QVERIFY(window.openExperiment(dir_.filePath(QStringLiteral("busy.distillery")), true));
    QSignalSpy errors(&window, &MainWindow::errorShown);
    JobRunner* job = window.jobs().launch(QStringLiteral("test"), QStringLiteral("endless"), counting(10'000'000));
    QVERIFY(!window.openExperiment(dir_.filePath(QStringLiteral("other.distillery")), true));
    QCOMPARE(errors.count(), 1);
    QVERIFY(window.session().path().endsWith(QStringLiteral("busy.distillery")));
    job->cancel();
    QVERIFY(job->waitForFinished(5000));
  }

  void jobLogIsInTheChosenLanguage() {
    // In German, the logs of an import started from the jobs panel, an evaluation and a run's first step read German:
    // the lines the workbench writes (started, finished, the import's and the evaluation's summaries), core's
    // progress messages and stages, and the run's own log lines, numbers in the locale's format.
    const QLocale before;
    QCOMPARE(installTranslations(QStringLiteral("de")), QStringLiteral("de")); // also the default locale: 0,5
    QCOMPARE(QLocale().decimalPoint(), QStringLiteral(","));
    {
      MainWindow window;
      QVERIFY(window.openExperiment(dir_.filePath(QStringLiteral("german.distillery")), true));
      QPushButton* demo = nullptr;
      QPushButton* bm25 = nullptr;
      for (QPushButton* b : window.jobsPanel()->findChildren<QPushButton*>()) {
        if (b->text() == QStringLiteral("Demo-Korpus importieren"))
          demo = b;
        if (b->text() == QStringLiteral("BM25 auswerten..."))
          bm25 = b;
      }
      QVERIFY(demo);
      QTest::mouseClick(demo, Qt::LeftButton);
      JobRunner* import = window.jobs().jobAt(0);
      QVERIFY(import && import->waitForFinished(120000));
      QCOMPARE(import->state(), JobRunner::State::Completed);
      const QString importLog = import->log().join('\n');
      QVERIFY2(importLog.contains(QStringLiteral("Demo-Korpus importieren gestartet")), qPrintable(importLog));
      QVERIFY2(importLog.contains(QStringLiteral("Demo-Korpus wird geschrieben nach")), qPrintable(importLog));
      QVERIFY2(importLog.contains(QStringLiteral("Importiert in „demo“")), qPrintable(importLog));
      QVERIFY2(importLog.contains(QStringLiteral("abgeschlossen nach")), qPrintable(importLog));
      QCOMPARE(import->stage(), QStringLiteral("Import")); // the stage "import", as the jobs panel shows it
      QTRY_VERIFY(window.jobsPanel()->logView()->toPlainText().contains(QStringLiteral("Importiert in „demo“")));

      // BM25 on the demo corpus: core's progress messages (loading queries and judgments, indexing) in German.
      const std::int64_t corpusId = window.session().store().queryInt64("SELECT id FROM corpora WHERE name = 'demo'");
      JobRunner* evaluation = window.evaluateBm25(corpusId);
      QVERIFY(evaluation && evaluation->waitForFinished(120000));
      QCOMPARE(evaluation->state(), JobRunner::State::Completed);
      const QString log = evaluation->log().join('\n');
      QVERIFY2(log.contains(QStringLiteral("Anfragen und Relevanzurteile")), qPrintable(log));
      QVERIFY2(log.contains(QStringLiteral("Passagen werden indexiert")), qPrintable(log));
      QVERIFY2(log.contains(QStringLiteral("gespeichert: NDCG@5 0,")), qPrintable(log)); // the decimal comma
      QVERIFY2(log.contains(QStringLiteral("auf 300 test-Anfragen")), qPrintable(log));
      for (const char* english : {"queries and judgments", "indexing passages", "started", "stored", "after"})
        QVERIFY2(!log.contains(QLatin1String(english)), english);
      QVERIFY(bm25); // the panel offers the same evaluation (its dialog is not opened here)

      // A run's first step with a small untrained student: the run's own log lines, written by core, in German.
      std::vector<std::string> texts;
      for (const auto& passage : corpus::loadPassages(window.session().store(), corpusId))
        texts.push_back(passage.text);
      const QString studentDir = dir_.filePath(QStringLiteral("german-student"));
      test::writeSmallUntrainedStudent(texts, studentDir.toStdString());
      const std::int64_t runId =
          window.createRun(corpusId, QStringLiteral("klein"),
                           {{"student", studentDir.toStdString()}, {"rounds", 1}, {"queries_per_round", 16}});
      QVERIFY(runId > 0);
      JobRunner* run = window.startRun(runId, 1);
      QVERIFY(run && run->waitForFinished(300000));
      QVERIFY2(run->state() == JobRunner::State::Completed, qPrintable(run->error()));
      const QString runLog = run->log().join('\n');
      QVERIFY2(runLog.contains(QStringLiteral("Lauf %1 auf Korpus „demo“ (").arg(runId)), qPrintable(runLog));
      QVERIFY2(runLog.contains(QStringLiteral("Runde 0: Schüler MRR@5 0,")), qPrintable(runLog));
      QVERIFY2(runLog.contains(QStringLiteral("nach 1 Schritt(en) pausiert")), qPrintable(runLog));
      // The next step's name too: round 1 synthesises.
      QVERIFY2(runLog.contains(QStringLiteral("als Nächstes: Runde 1: Anfragen erzeugen")), qPrintable(runLog));
      for (const char* english : {" on corpus ", "student MRR", "held-out queries", "paused after", "synthesise"})
        QVERIFY2(!runLog.contains(QLatin1String(english)), english);
    }
    // Lines of the later steps, as core writes them (their English is checked in test_util): the training summary,
    // the mined kinds and splits named as the workbench names them, the run's stages.
    QCOMPARE(translatedMessage({MessageId::RoundTrained,
                                {1, 12, MessageArg::real(0.75), MessageArg::real(0.5),
                                 MessageArg::inner({MessageId::RoundTrainedDev,
                                                    {MessageArg::real(0.25), MessageArg::real(0.125),
                                                     MessageArg::inner({MessageId::RoundTrainedNoEpochImproved})}})}}),
             QStringLiteral("Runde 1: 12 Schritte, Verlust 0,750000 -> 0,500000, dev-Retrieval NDCG@5 0,250000 -> "
                            "0,125000 (keine Epoche verbesserte dev: die Runde behält ihre Anfangsgewichte)"));
    QCOMPARE(translatedMessage({MessageId::CorpusImportedQuerySets, {2, "beir"}}),
             QStringLiteral("Korpus hat 2 importierte Anfragesätze; ausgewertet wird auf dem ersten, „beir“ "
                            "(evaluation.query_set wählt einen anderen)"));
    QCOMPARE(translatedMessage(
                 {MessageId::RoundMined,
                  {1,
                   MessageArg::inner(
                       {MessageId::ListJoin,
                        {MessageArg::inner({MessageId::MinedCount, {3, MessageArg::minedKind("hard_positive")}}),
                         MessageArg::inner({MessageId::MinedCount, {5, MessageArg::minedKind("easy_negative")}})}}),
                   0, 0}}),
             translatedMessage({MessageId::RoundMined,
                                {1,
                                 "3 " + minedKindLabel("hard_positive").toStdString() + ", 5 " +
                                     minedKindLabel("easy_negative").toStdString(),
                                 0, 0}}));
    QVERIFY(translatedMessage(
                {MessageId::RoundMined,
                 {1, MessageArg::inner({MessageId::MinedCount, {3, MessageArg::minedKind("hard_positive")}}), 0, 0}})
                .startsWith(QStringLiteral("Runde 1: gewonnene Paare 3 schweres Positiv;")));
    // Split names as the German lines write them elsewhere: "dev" and "test" are kept, "train" is translated.
    QVERIFY(translatedMessage({MessageId::RoundWritten,
                               {1, 48, MessageArg::split("train"), 0, 0, MessageArg::inner({}), MessageArg::inner({})}})
                .startsWith(QStringLiteral("Runde 1: 48 Trainings-Anfragen geschrieben")));
    QVERIFY(translatedMessage({MessageId::RoundWritten,
                               {1, 16, MessageArg::split("dev"), 0, 0, MessageArg::inner({}), MessageArg::inner({})}})
                .startsWith(QStringLiteral("Runde 1: 16 dev-Anfragen geschrieben")));
    QCOMPARE(translatedStage("embed corpus"), QStringLiteral("Korpus einbetten"));
    QCOMPARE(translatedStage("bm25 index"), QStringLiteral("BM25-Index"));
    QCOMPARE(installTranslations(QStringLiteral("en")), QStringLiteral("en"));
    QLocale::setDefault(before);
  }
};

QTEST_MAIN(JobsTest)
#include "test_gui_jobs.moc"
