// Takes the README screenshots of every panel: `gui_screenshots OUTDIR [EXPERIMENT]`. Without an
// experiment it builds the seeded demo experiment (tests/gui/GuiTestData.h) plus the built-in demo corpus.
// Run it through tools/screenshots.sh, which uses Xvfb so fonts and styles render as on a desktop.
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/Store.h"
#include "tests/gui/GuiTestData.h"
#include "ui/CorpusBrowser.h"
#include "ui/JobManager.h"
#include "ui/JobsPanel.h"
#include "ui/MainWindow.h"
#include "ui/PairInspector.h"
#include "ui/PairModels.h"
#include "ui/Translations.h"

#include <QLineEdit>

using namespace distillery;

namespace {

void settle(int ms = 400) {
  QTest::qWait(ms);
}

bool save(QWidget* window, const QString& dir, const QString& name) {
  settle();
  const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
  const bool ok = window->grab().save(path);
  qInfo("%s %s", ok ? "wrote" : "FAILED", qPrintable(path));
  return ok;
}

void raise(ui::MainWindow& window, const QString& objectName) {
  for (QDockWidget* dock : window.docks())
    if (dock->objectName() == objectName) {
      dock->show();
      dock->raise();
    }
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
  QString experiment = args.value(2);
  if (experiment.isEmpty()) {
    experiment = temp.filePath(QStringLiteral("demo.distillery"));
    auto store = store::Store::open(experiment.toStdString(), store::OpenMode::CreateNew);
    const test::DemoExperiment demo = test::seedDemoExperiment(store);
    // A few spot-check labels so the agreement panel has something to show.
    store::Statement pairs = store.prepare("SELECT query_id, passage_id, grade FROM mined_examples WHERE round_id = ?1 "
                                           "ORDER BY id LIMIT 18");
    pairs.bind(1, demo.roundIds.front());
    int n = 0;
    while (pairs.step()) {
      const int teacher = static_cast<int>(pairs.columnInt64(2));
      const int human = n % 5 == 0 ? std::min(3, teacher + 1) : teacher;
      ui::storeHumanLabel(store, pairs.columnInt64(0), pairs.columnInt64(1), human,
                          n % 5 == 0 ? QStringLiteral("partly answers") : QString());
      ++n;
    }
  }

  ui::MainWindow window;
  window.resetLayout();
  window.resize(1440, 900);
  window.show();
  if (!window.openExperiment(experiment))
    return 1;
  int failures = 0;

  raise(window, QStringLiteral("corpusDock"));
  window.corpusBrowser()->searchField()->setText(QStringLiteral("goodwill impairment"));
  window.corpusBrowser()->applyFilter();
  failures += !save(&window, outDir, QStringLiteral("corpus-browser"));

  raise(window, QStringLiteral("pairDock"));
  raise(window, QStringLiteral("agreementDock"));
  window.pairInspector()->table()->selectRow(1);
  failures += !save(&window, outDir, QStringLiteral("pair-inspector"));

  raise(window, QStringLiteral("metricsDock"));
  failures += !save(&window, outDir, QStringLiteral("metrics-dashboard"));

  // A live job: the demo corpus import, shown while it runs and after it finished.
  raise(window, QStringLiteral("jobsDock"));
  ui::JobRunner* job = window.importDemoCorpus();
  if (job) {
    QTest::qWaitFor([&] { return job->done() > 0 || !job->isActive(); }, 30000);
    job->pause();
    failures += !save(&window, outDir, QStringLiteral("jobs-running"));
    job->resume();
    job->waitForFinished(120000);
    failures += !save(&window, outDir, QStringLiteral("jobs-finished"));
  }
  window.close();
  return failures == 0 ? 0 : 1;
}
