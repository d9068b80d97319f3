// Takes the README screenshots of every panel: `gui_screenshots OUTDIR [EXPERIMENT]`. Without an experiment it
// makes a real demo run the way a user would, through the window: it imports the built-in demo corpus, starts a
// two-round distillation (default student, heuristic teacher) and photographs the jobs panel while the student
// trains, then the corpus browser, the pair inspector with a few spot-check labels, the overview and the dashboard.
// With an experiment it photographs that one as it is. Run it through tools/screenshots.sh (Xvfb, so fonts and styles
// render as on a desktop).
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/store/Store.h"
#include "ui/ExperimentSession.h"
#include "ui/MainWindow.h"
#include "ui/Translations.h"
#include "ui/charts/MetricsDashboard.h"
#include "ui/charts/TrainingLossFeed.h"
#include "ui/corpus/CorpusBrowser.h"
#include "ui/corpus/CorpusModels.h"
#include "ui/inspect/PairInspector.h"
#include "ui/inspect/PairModels.h"
#include "ui/inspect/QueryComparison.h"
#include "ui/inspect/QueryPlayground.h"
#include "ui/jobs/JobManager.h"
#include "ui/jobs/JobsPanel.h"
#include "ui/run/RunConfigDialog.h"
#include "ui/settings/AppSettings.h"

using namespace distillery;

namespace {

bool save(QWidget* window, const QString& dir, const QString& name) {
  QTest::qWait(400); // queued replots and layouts settle
  const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
  const bool ok = window->grab().save(path);
  qInfo("%s %s", ok ? "wrote" : "FAILED", qPrintable(path));
  return ok;
}

QDockWidget* raise(ui::MainWindow& window, const QString& objectName) {
  for (QDockWidget* dock : window.docks())
    if (dock->objectName() == objectName) {
      dock->show();
      dock->raise();
      return dock;
    }
  return nullptr;
}

bool finished(ui::JobRunner* job, int timeoutMs) {
  if (!job || !job->waitForFinished(timeoutMs) || job->state() != ui::JobRunner::State::Completed) {
    qCritical("job %s did not complete: %s", job ? qPrintable(job->title()) : "(none)",
              job ? qPrintable(job->error()) : "");
    return false;
  }
  return true;
}

// The demo distillation, launched and watched through the window; screenshots of the jobs panel while it trains.
bool runDemo(ui::MainWindow& window, const QString& outDir, int& failures) {
  raise(window, QStringLiteral("jobsDock"));
  if (!finished(window.importDemoCorpus(), 300000))
    return false;
  const std::int64_t corpusId = window.session().store().queryInt64("SELECT id FROM corpora WHERE name = 'demo'");
  const nlohmann::json config = {{"rounds", 2}, {"queries_per_round", 150}, {"training", {{"epochs", 3}}}};
  const std::int64_t runId = window.createRun(corpusId, QStringLiteral("demo run"), config);
  ui::JobRunner* job = runId ? window.startRun(runId) : nullptr;
  if (!job)
    return false;
  // While round 2 trains: the live loss curve, the progress bar and the log.
  QTest::qWaitFor(
      [&] {
        ui::TrainingLossFeed* feed = job->lossFeed();
        if (!job->isActive() || !feed)
          return !job->isActive();
        const std::vector<ui::TrainingLossFeed::Point> points = feed->pointsSince(0);
        return std::count_if(points.begin(), points.end(), [](const auto& p) { return p.round == 2; }) >= 20;
      },
      1800000);
  job->pause();
  failures += !save(&window, outDir, QStringLiteral("jobs-running"));
  job->resume();
  if (!finished(job, 1800000))
    return false;
  failures += !save(&window, outDir, QStringLiteral("jobs-finished"));
  return true;
}

} // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("DistilleryScreenshots"));
  QApplication::setApplicationName(QStringLiteral("gui_screenshots"));
  ui::installTranslations(QStringLiteral("en"));
  const QStringList args = app.arguments();
  if (args.size() < 2) {
    qCritical("usage: gui_screenshots OUTDIR [EXPERIMENT]");
    return 2;
  }
  const QString outDir = args.at(1);
  QDir().mkpath(outDir);
  QTemporaryDir temp;
  const QString given = args.value(2);
  const QString experiment = given.isEmpty() ? temp.filePath(QStringLiteral("demo.distillery")) : given;

  ui::MainWindow window;
  window.resetLayout();
  window.resize(1280, 800); // a common laptop screen; the last shot is at 1024x700
  window.show();
  if (!window.openExperiment(experiment, given.isEmpty()))
    return 1;
  int failures = 0;
  if (given.isEmpty() && !runDemo(window, outDir, failures))
    return 1;

  raise(window, QStringLiteral("corpusDock"));
  window.corpusBrowser()->searchField()->setText(QStringLiteral("goodwill impairment"));
  window.corpusBrowser()->applyFilter();
  // The first hit that a query was written from, or that was mined: its view lists them.
  ui::PassageTableModel* passages = window.corpusBrowser()->passageModel();
  int shown = 0;
  for (int row = 0; row < passages->rowCount(); ++row)
    if (window.session().store().queryInt64("SELECT count(*) FROM mined_examples WHERE passage_id = " +
                                            std::to_string(passages->keyAt(row))) > 0) {
      shown = row;
      break;
    }
  window.corpusBrowser()->passageTable()->selectRow(shown);
  failures += !save(&window, outDir, QStringLiteral("corpus-browser"));

  // Spot-check labels as an analyst gives them: keys 0-3 on the selected pair (the inspector moves on by itself).
  raise(window, QStringLiteral("pairDock"));
  raise(window, QStringLiteral("agreementDock"));
  ui::PairInspector* inspector = window.pairInspector();
  if (given.isEmpty() && inspector->model()->rowCount() > 0) {
    inspector->table()->selectRow(0);
    for (int i = 0; i < 16 && inspector->currentRow() >= 0; ++i) {
      const int teacher =
          inspector->model()->index(inspector->currentRow(), ui::MinedExampleModel::TeacherGrade).data().toInt();
      inspector->labelCurrent(i % 5 == 4 ? std::max(0, teacher - 1) : teacher); // now and then a disagreement
    }
  }
  inspector->table()->selectRow(1);
  failures += !save(&window, outDir, QStringLiteral("pair-inspector"));

  // The experiment at a glance, once the labels above are in: corpus, run figures, labelling, teacher, jobs.
  raise(window, QStringLiteral("overviewDock"));
  failures += !save(&window, outDir, QStringLiteral("overview"));

  raise(window, QStringLiteral("metricsDock"));
  window.dashboard()->redrawNow();
  failures += !save(&window, outDir, QStringLiteral("metrics-dashboard"));
  {
    // The new-run dialog with its defaults and what the run would cost, before anything starts.
    ui::RunConfigDialog dialog(window.session().store(), ui::AppSettings::load(), &window);
    dialog.show();
    failures += !save(&dialog, outDir, QStringLiteral("run-dialog"));
  }
  // "Find the queries round 2 hurt, look at what changed": the comparison, then its worst query in the playground.
  raise(window, QStringLiteral("comparisonDock"));
  window.comparison()->refresh();
  failures += !save(&window, outDir, QStringLiteral("query-comparison"));
  if (window.comparison()->queryTable()->rowCount() > 0) {
    QSignalSpy searched(window.playground(), &ui::QueryPlayground::searched);
    emit window.comparison()->queryTable()->cellDoubleClicked(0, 1);
    searched.wait(600000);
  }
  failures += !save(&window, outDir, QStringLiteral("query-playground"));
  raise(window, QStringLiteral("jobsDock"));
  // A small screen: every panel in its own place, scrolling inside its dock rather than drawn over another.
  window.resize(1024, 700);
  raise(window, QStringLiteral("metricsDock"));
  window.dashboard()->redrawNow();
  failures += !save(&window, outDir, QStringLiteral("small-screen-1024x700"));
  window.close();
  return failures == 0 ? 0 : 1;
}
