#include "ui/MainWindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

#include <filesystem>
#include <random>

#include "core/corpus/CorpusImporter.h"
#include "core/corpus/DemoCorpus.h"
#include "core/eval/Evaluator.h"
#ifdef DISTILLERY_HAVE_PIPELINE
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/RunRepository.h"
#endif
#include "core/store/Store.h"
#include "ui/AgreementPanel.h"
#include "ui/AppSettings.h"
#include "ui/CorpusBrowser.h"
#include "ui/ExperimentSession.h"
#include "ui/JobManager.h"
#include "ui/JobsPanel.h"
#include "ui/MetricsDashboard.h"
#include "ui/PairInspector.h"
#ifdef DISTILLERY_HAVE_PIPELINE
#include "ui/RunConfigDialog.h"
#endif
#include "ui/SettingsDialog.h"

namespace distillery::ui {
namespace {
constexpr int kMaxRecentFiles = 8;
const char* const kRecentKey = "recentExperiments";
const char* const kGeometryKey = "window/geometry";
const char* const kStateKey = "window/state";
constexpr int kLayoutVersion = 1; // bump when panels change so an old saved layout is not restored
const char* const kFileFilter = QT_TRANSLATE_NOOP("distillery::ui::MainWindow",
                                                  "Distillery experiments (*.distillery *.db *.sqlite);;All files (*)");

#ifdef DISTILLERY_HAVE_PIPELINE
// A run as a background job: its own store connection on the worker thread, the pipeline's log lines shown as
// the job's log, Cancel leaving the run paused (resumable from the CLI with --resume). The teacher's API key
// comes from the environment variable its config names.
JobFunction pipelineRun(const QString& experimentPath, std::int64_t corpusId, const QString& runName,
                        const nlohmann::json& config) {
  return [path = experimentPath.toStdString(), corpusId, name = runName.toStdString(),
          config](const ProgressCallback& progress, std::stop_token stop) {
    auto store = store::Store::open(path, store::OpenMode::MustExist);
    const pipeline::RunConfig runConfig = pipeline::parseRunConfig(config, "run config");
    const std::int64_t runId = pipeline::RunRepository(store).createRun(corpusId, runConfig, name);
    pipeline::RunCallbacks callbacks;
    callbacks.progress = progress;
    callbacks.log = [&progress, runId](const std::string& line) {
      if (progress)
        progress({"run " + std::to_string(runId), 0, 0, line});
    };
    pipeline::executeRun(store, runId, callbacks, stop);
  };
}
#endif

RunLauncher& runLauncher() {
#ifdef DISTILLERY_HAVE_PIPELINE
  static RunLauncher launcher = pipelineRun;
#else
  static RunLauncher launcher;
#endif
  return launcher;
}

QString describe(const corpus::ImportSummary& s) {
  QStringList types;
  for (const auto& [type, count] : s.filingTypes)
    types << QStringLiteral("%1 %2").arg(QString::fromStdString(type)).arg(count);
  return QCoreApplication::translate("distillery::ui::MainWindow",
                                     "Imported into '%1': %2 documents, %3 passages (%4); %5 unchanged, %6 skipped, "
                                     "%7 queries, %8 qrels%9")
      .arg(QString::fromStdString(s.corpusName))
      .arg(s.documents)
      .arg(s.passages)
      .arg(types.join(QStringLiteral(", ")))
      .arg(s.unchangedDocuments)
      .arg(s.skipped.size())
      .arg(s.queries)
      .arg(s.qrels)
      .arg(s.cancelled ? QCoreApplication::translate("distillery::ui::MainWindow", " (cancelled)") : QString());
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), session_(new ExperimentSession(this)), jobs_(new JobManager(this)) {
  setObjectName(QStringLiteral("MainWindow"));
  setDockNestingEnabled(true);
  createPanels();
  createMenus();
  jobStatus_ = new QLabel(this);
  statusBar()->addPermanentWidget(jobStatus_);
  statusBar()->showMessage(tr("Ready"));
  connect(jobs_, &JobManager::activeCountChanged, this, &MainWindow::updateJobStatus);
  connect(jobs_, &QAbstractItemModel::dataChanged, this, &MainWindow::updateJobStatus);
  connect(jobs_, &JobManager::jobFinished, this, &MainWindow::onJobFinished);
  resize(1280, 820);
  defaultState_ = saveState(kLayoutVersion);
  QSettings settings;
  restoreGeometry(settings.value(kGeometryKey).toByteArray());
  restoreState(settings.value(kStateKey).toByteArray(), kLayoutVersion);
  setPanelsStore();
  updateTitle();
  updateJobStatus();
}

MainWindow::~MainWindow() {
  jobs_->cancelAllAndWait(); // workers hold their own store connections; stop them before the window goes
}

QDockWidget* MainWindow::addPanel(QWidget* panel, const QString& title, const QString& objectName,
                                  Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(objectName); // saveState/restoreState key
  dock->setWidget(panel);
  addDockWidget(area, dock);
  docks_ << dock;
  return dock;
}

void MainWindow::createPanels() {
  summary_ = new QLabel(this);
  summary_->setAlignment(Qt::AlignCenter);
  summary_->setWordWrap(true);
  summary_->setMinimumHeight(40);
  corpus_ = new CorpusBrowser(this);
  pairs_ = new PairInspector(this);
  agreement_ = new AgreementPanel(this);
  dashboard_ = new MetricsDashboard(this);
  jobsPanel_ = new JobsPanel(jobs_, this);
  setCentralWidget(nullptr);

  QDockWidget* overview = addPanel(summary_, tr("Overview"), QStringLiteral("overviewDock"), Qt::TopDockWidgetArea);
  QDockWidget* corpus = addPanel(corpus_, tr("Corpus"), QStringLiteral("corpusDock"), Qt::TopDockWidgetArea);
  QDockWidget* pairs = addPanel(pairs_, tr("Pair inspector"), QStringLiteral("pairDock"), Qt::TopDockWidgetArea);
  QDockWidget* dashboard = addPanel(dashboard_, tr("Metrics"), QStringLiteral("metricsDock"), Qt::TopDockWidgetArea);
  QDockWidget* agreement =
      addPanel(agreement_, tr("Agreement"), QStringLiteral("agreementDock"), Qt::BottomDockWidgetArea);
  QDockWidget* jobs = addPanel(jobsPanel_, tr("Jobs"), QStringLiteral("jobsDock"), Qt::BottomDockWidgetArea);
  tabifyDockWidget(overview, corpus);
  tabifyDockWidget(corpus, pairs);
  tabifyDockWidget(pairs, dashboard);
  tabifyDockWidget(jobs, agreement);
  corpus->raise();
  jobs->raise();
  resizeDocks({corpus, jobs}, {560, 240}, Qt::Vertical);

  connect(pairs_, &PairInspector::labelStored, agreement_, &AgreementPanel::refresh);
  const auto panelError = [this](const QString& message) { showError(tr("Error"), message); };
  connect(pairs_, &PairInspector::errorOccurred, this, panelError);
  connect(agreement_, &AgreementPanel::errorOccurred, this, panelError);
  connect(dashboard_, &MetricsDashboard::errorOccurred, this, panelError);
  connect(jobsPanel_, &JobsPanel::importRequested, this, &MainWindow::importCorpusDialog);
  connect(jobsPanel_, &JobsPanel::demoRequested, this, &MainWindow::importDemoCorpus);
  connect(jobsPanel_, &JobsPanel::runRequested, this, &MainWindow::newRunDialog);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* newAction = file->addAction(tr("&New experiment..."), this, &MainWindow::newExperiment);
  newAction->setShortcut(QKeySequence::New);
  QAction* openAction = file->addAction(tr("&Open experiment..."), this, &MainWindow::openExperimentDialog);
  openAction->setShortcut(QKeySequence::Open);
  recentMenu_ = file->addMenu(tr("Open &recent"));
  rebuildRecentMenu();
  file->addSeparator();
  QAction* import = file->addAction(tr("&Import corpus..."), this, &MainWindow::importCorpusDialog);
  import->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
  file->addAction(tr("Import &demo corpus"), this, [this] { importDemoCorpus(); });
  file->addAction(tr("&Export labels as JSONL..."), agreement_, &AgreementPanel::exportJsonl);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  QAction* newRun = run->addAction(tr("&New run..."), this, &MainWindow::newRunDialog);
  newRun->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  run->addAction(tr("Evaluate &BM25 baseline..."), this, &MainWindow::evaluateBm25Dialog);
  QAction* cancelAll = run->addAction(tr("&Cancel all jobs"), this, [this] { jobs_->cancelAllAndWait(); });
  cancelAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));

  viewMenu_ = menuBar()->addMenu(tr("&View"));
  int number = 1;
  for (QDockWidget* dock : docks_) {
    QAction* toggle = dock->toggleViewAction();
    toggle->setShortcut(QKeySequence(Qt::ALT | (Qt::Key_0 + number++)));
    viewMenu_->addAction(toggle);
  }
  viewMenu_->addSeparator();
  viewMenu_->addAction(tr("&Refresh"), this, &MainWindow::setPanelsStore)->setShortcut(QKeySequence::Refresh);
  viewMenu_->addAction(tr("Reset &layout"), this, &MainWindow::resetLayout);

  QMenu* settings = menuBar()->addMenu(tr("&Settings"));
  settings->addAction(tr("&Preferences..."), this, &MainWindow::showSettings)->setShortcut(QKeySequence::Preferences);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Distillery"), this, &MainWindow::showAbout);
}

bool MainWindow::openExperiment(const QString& path, bool create) {
  if (jobs_->activeCount() > 0) {
    showError(tr("Jobs are running"),
              tr("%1 jobs are still running in %2. Wait for them or cancel them before opening another experiment.")
                  .arg(jobs_->activeCount())
                  .arg(session_->path()));
    return false;
  }
  try {
    session_->open(path, create);
  } catch (const std::exception& e) {
    showError(create ? tr("Cannot create experiment") : tr("Cannot open experiment"), QString::fromStdString(e.what()));
    return false;
  }
  addRecentFile(QFileInfo(path).absoluteFilePath());
  setPanelsStore();
  updateTitle();
  statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
  return true;
}

void MainWindow::setPanelsStore() {
  store::Store* store = session_->isOpen() ? &session_->store() : nullptr;
  try {
    jobs_->setStore(store);
    corpus_->setStore(store);
    pairs_->setStore(store);
    agreement_->setStore(store);
    dashboard_->setStore(store);
    jobsPanel_->setStore(store);
  } catch (const std::exception& e) {
    showError(tr("Cannot read experiment"), QString::fromStdString(e.what()));
  }
  updateTitle();
}

void MainWindow::newExperiment() {
  const QString path = QFileDialog::getSaveFileName(this, tr("New experiment"), QString(), tr(kFileFilter));
  if (!path.isEmpty())
    openExperiment(path, true);
}

void MainWindow::openExperimentDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment"), QString(), tr(kFileFilter));
  if (!path.isEmpty())
    openExperiment(path, false);
}

JobRunner* MainWindow::importCorpus(const QStringList& paths, const QString& corpusName) {
  if (!session_->isOpen()) {
    showError(tr("No experiment open"), tr("Open or create an experiment before importing a corpus."));
    return nullptr;
  }
  const std::string experiment = session_->path().toStdString();
  std::vector<std::filesystem::path> inputs;
  for (const QString& p : paths)
    inputs.emplace_back(p.toStdString());
  corpus::ImportOptions options;
  options.corpusName = corpusName.toStdString();
  nlohmann::json inputList = nlohmann::json::array();
  for (const QString& p : paths)
    inputList.push_back(p.toStdString());
  const QString params =
      QString::fromStdString(nlohmann::json{{"corpus", options.corpusName}, {"inputs", inputList}}.dump());
  return jobs_->launch(
      QStringLiteral("import"), tr("Import into %1").arg(corpusName),
      [experiment, options, inputs](const ProgressCallback& progress, std::stop_token stop) {
        store::Store store = store::Store::open(experiment, store::OpenMode::MustExist);
        for (const auto& input : inputs) {
          const auto format = corpus::detectFormat(input);
          report(progress,
                 {"detect", 0, 0,
                  input.string() + ": " + (format ? corpus::formatName(*format) : std::string("not a corpus file"))});
        }
        const corpus::ImportSummary summary = corpus::importPaths(store, options, inputs, progress, stop);
        for (const corpus::SkippedInput& skipped : summary.skipped)
          report(progress, {"import", 0, 0, "skipped " + skipped.path + ": " + skipped.reason});
        report(progress, {"import", 1, 1, describe(summary).toStdString()});
      },
      params);
}

JobRunner* MainWindow::importDemoCorpus() {
  if (!session_->isOpen()) {
    showError(tr("No experiment open"), tr("Open or create an experiment before importing a corpus."));
    return nullptr;
  }
  const std::string experiment = session_->path().toStdString();
  return jobs_->launch(
      QStringLiteral("import"), tr("Import demo corpus"),
      [experiment](const ProgressCallback& progress, std::stop_token stop) {
        // A fresh folder for the generated files; removed again after the import.
        std::random_device random;
        const std::filesystem::path dir =
            std::filesystem::temp_directory_path() / ("distillery-demo-" + std::to_string(random()));
        report(progress, {"demo", 0, 0, "writing the demo corpus to " + dir.string()});
        corpus::writeDemoCorpus(dir);
        try {
          store::Store store = store::Store::open(experiment, store::OpenMode::MustExist);
          corpus::ImportOptions options;
          options.corpusName = "demo";
          const corpus::ImportSummary summary = corpus::importPaths(store, options, {dir}, progress, stop);
          report(progress, {"import", 1, 1, describe(summary).toStdString()});
        } catch (...) {
          std::error_code ec;
          std::filesystem::remove_all(dir, ec);
          throw;
        }
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
      },
      QStringLiteral("{\"corpus\": \"demo\"}"));
}

void MainWindow::importCorpusDialog() {
  if (!session_->isOpen()) {
    showError(tr("No experiment open"), tr("Open or create an experiment before importing a corpus."));
    return;
  }
  QStringList paths =
      QFileDialog::getOpenFileNames(this, tr("Import corpus files (cancel to choose a folder)"), QString(),
                                    tr("Corpus files (*.json *.jsonl *.txt *.htm *.html);;All files (*)"));
  if (paths.isEmpty()) {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Import a corpus folder"));
    if (dir.isEmpty())
      return;
    paths << dir;
  }
  bool ok = false;
  const QString name = QInputDialog::getText(this, tr("Import corpus"), tr("Corpus name:"), QLineEdit::Normal,
                                             QFileInfo(paths.first()).completeBaseName(), &ok);
  if (ok && !name.trimmed().isEmpty())
    importCorpus(paths, name.trimmed());
}

JobRunner* MainWindow::evaluateBm25(std::int64_t corpusId) {
  if (!session_->isOpen())
    return nullptr;
  store::Statement st = session_->store().prepare(
      "SELECT s.id, s.name FROM query_sets s WHERE s.corpus_id = ?1 AND EXISTS (SELECT 1 FROM queries q JOIN qrels r "
      "ON r.query_id = q.id WHERE q.query_set_id = s.id) ORDER BY s.id LIMIT 1");
  st.bind(1, corpusId);
  if (!st.step()) {
    showError(tr("Nothing to evaluate"),
              tr("Corpus %1 has no query set with relevance judgments (qrels); import a BEIR dataset or the demo "
                 "corpus.")
                  .arg(corpusId));
    return nullptr;
  }
  const std::int64_t querySet = st.columnInt64(0);
  const std::string experiment = session_->path().toStdString();
  return jobs_->launch(
      QStringLiteral("evaluate"), tr("Evaluate BM25 on %1").arg(QString::fromStdString(st.columnText(1))),
      [experiment, corpusId, querySet](const ProgressCallback& progress, std::stop_token stop) {
        store::Store store = store::Store::open(experiment, store::OpenMode::MustExist);
        eval::EvaluationRequest request;
        request.corpusId = corpusId;
        request.querySetId = querySet;
        request.retriever = eval::RetrieverKind::Bm25;
        request.progress = progress;
        request.stop = stop;
        const eval::EvaluationResult result = eval::evaluate(store, request);
        report(progress, {"evaluate", 1, 1,
                          "evaluation " + std::to_string(result.evaluationId) + " stored (" +
                              std::to_string(result.queries.size()) + " queries)"});
      },
      QString::fromStdString(nlohmann::json{{"corpus_id", corpusId}, {"retriever", "bm25"}}.dump()));
}

void MainWindow::evaluateBm25Dialog() {
  if (!session_->isOpen()) {
    showError(tr("No experiment open"), tr("Open or create an experiment first."));
    return;
  }
  QStringList names;
  QList<std::int64_t> ids;
  store::Statement st = session_->store().prepare("SELECT id, name FROM corpora ORDER BY id");
  while (st.step()) {
    ids << st.columnInt64(0);
    names << QString::fromStdString(st.columnText(1));
  }
  if (ids.isEmpty()) {
    showError(tr("Nothing to evaluate"), tr("The experiment has no corpus yet: import one first."));
    return;
  }
  bool ok = true;
  const QString chosen = ids.size() == 1
                             ? names.first()
                             : QInputDialog::getItem(this, tr("Evaluate BM25"), tr("Corpus:"), names, 0, false, &ok);
  if (ok)
    evaluateBm25(ids.value(int(names.indexOf(chosen))));
}

void MainWindow::setRunLauncher(RunLauncher launcher) {
  runLauncher() = std::move(launcher);
}

JobRunner* MainWindow::startRun(std::int64_t corpusId, const QString& name, const nlohmann::json& config) {
  if (!session_->isOpen())
    return nullptr;
  if (!runLauncher()) {
    showError(tr("Runs are not available"), tr("This build has no pipeline to run; use distillery-cli run."));
    return nullptr;
  }
  JobFunction work = runLauncher()(session_->path(), corpusId, name, config);
  return jobs_->launch(QStringLiteral("run"), tr("Run %1").arg(name), std::move(work),
                       QString::fromStdString(config.dump()));
}

void MainWindow::newRunDialog() {
  if (!session_->isOpen()) {
    showError(tr("No experiment open"), tr("Open or create an experiment before starting a run."));
    return;
  }
#ifdef DISTILLERY_HAVE_PIPELINE
  RunConfigDialog dialog(session_->store(), AppSettings::load(), this);
  if (dialog.exec() == QDialog::Accepted && dialog.isValid())
    startRun(dialog.corpusId(), dialog.runName(), dialog.config());
#else
  showError(tr("Runs are not available"), tr("This build has no pipeline to run; use distillery-cli run."));
#endif
}

void MainWindow::showSettings() {
  SettingsDialog dialog(this);
  dialog.exec();
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About Distillery"),
                     tr("<h3>Distillery %1</h3><p>Adapts a retrieval embedding model to financial filings by "
                        "distilling an LLM's relevance judgments into a compact bi-encoder.</p>")
                         .arg(QStringLiteral(DISTILLERY_VERSION)));
}

void MainWindow::resetLayout() {
  restoreState(defaultState_, kLayoutVersion);
  for (QDockWidget* dock : docks_)
    dock->show();
}

void MainWindow::onJobFinished(JobRunner* job, JobRunner::State state) {
  // What a job wrote is now visible to the GUI's connection: refresh the panels that show it.
  setPanelsStore();
  if (state == JobRunner::State::Failed)
    showError(tr("Job failed"), tr("%1 failed: %2").arg(job->title(), job->error()));
  else
    statusBar()->showMessage(tr("%1: %2").arg(job->title(), JobRunner::stateName(state)), 8000);
}

QString MainWindow::jobStatusText() const {
  return jobStatus_->text();
}

void MainWindow::updateJobStatus() {
  QStringList running;
  for (int row = 0; row < jobs_->rowCount(); ++row) {
    const JobRunner* job = jobs_->jobAt(row);
    if (!job->isActive())
      continue;
    const QString percent =
        job->total() > 0 ? QStringLiteral(" %1 %").arg(100 * job->done() / job->total()) : QString();
    running << (job->state() == JobRunner::State::Paused ? tr("%1 (paused)").arg(job->title())
                                                         : job->title() + percent);
  }
  jobStatus_->setText(
      running.isEmpty()
          ? tr("No jobs running")
          : tr("%n job(s) running: %1", nullptr, int(running.size())).arg(running.join(QStringLiteral("; "))));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  const int running = jobs_->activeCount();
  if (running > 0) {
    bool cancel = false;
    if (confirmClose_)
      cancel = confirmClose_(running);
    else if (qEnvironmentVariableIsSet("DISTILLERY_NO_DIALOGS"))
      cancel = true;
    else
      cancel = QMessageBox::question(
                   this, tr("Jobs are running"),
                   tr("%n job(s) still running. Cancel them and quit? Work already stored stays.", nullptr, running),
                   QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
    if (!cancel) {
      event->ignore();
      return;
    }
    statusBar()->showMessage(tr("Stopping jobs..."));
    if (!jobs_->cancelAllAndWait()) {
      showError(tr("Jobs did not stop"), tr("Some jobs did not stop in time; try closing again."));
      event->ignore();
      return;
    }
  }
  QSettings settings;
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState(kLayoutVersion));
  event->accept();
}

QStringList MainWindow::recentFiles() const {
  return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::addRecentFile(const QString& path) {
  QStringList files = recentFiles();
  files.removeAll(path);
  files.prepend(path);
  while (files.size() > kMaxRecentFiles)
    files.removeLast();
  QSettings().setValue(kRecentKey, files);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList files = recentFiles();
  for (const QString& file : files)
    recentMenu_->addAction(file, this, [this, file] { openExperiment(file); });
  recentMenu_->setEnabled(!files.isEmpty());
}

void MainWindow::updateTitle() {
  if (session_->isOpen()) {
    setWindowTitle(tr("%1 - Distillery").arg(QFileInfo(session_->path()).fileName()));
    QStringList parts;
    try {
      const auto counts = session_->store().tableCounts();
      for (const char* table : {"corpora", "documents", "passages", "queries", "runs", "judgments", "mined_examples",
                                "human_labels", "metrics"})
        if (counts.count(table))
          parts << QStringLiteral("%1 %2").arg(counts.at(table)).arg(QString::fromLatin1(table));
    } catch (const std::exception&) {
    }
    summary_->setText(tr("Experiment %1 (schema version %2): %3")
                          .arg(session_->path())
                          .arg(session_->store().schemaVersion())
                          .arg(parts.join(QStringLiteral(", "))));
  } else {
    setWindowTitle(tr("Distillery"));
    summary_->setText(tr("No experiment open.\nUse File > New experiment or File > Open experiment."));
  }
}

void MainWindow::showError(const QString& title, const QString& message) {
  emit errorShown(title, message);
  if (!qEnvironmentVariableIsSet("DISTILLERY_NO_DIALOGS"))
    QMessageBox::critical(this, title, message);
}

} // namespace distillery::ui
