#include "ui/MainWindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QUrl>
#include <QVBoxLayout>

#include <filesystem>
#include <random>

#include "charts/PngChartRenderer.h"
#include "core/corpus/CorpusImporter.h"
#include "core/corpus/CorpusRepository.h"
#include "core/corpus/EdgarDownloader.h"
#include "core/corpus/demo/DemoCorpus.h"
#include "core/eval/QueryChanges.h"
#include "core/model/EncoderFactory.h"
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/RunRepository.h"
#include "core/report/Redaction.h"
#include "core/report/RunReport.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "ui/ExperimentSession.h"
#include "ui/charts/MetricsDashboard.h"
#include "ui/charts/TrainingLossFeed.h"
#include "ui/corpus/CorpusBrowser.h"
#include "ui/corpus/EdgarDownloadDialog.h"
#include "ui/corpus/ImportDialog.h"
#include "ui/corpus/PassageView.h"
#include "ui/help/UserGuide.h"
#include "ui/inspect/AgreementPanel.h"
#include "ui/inspect/PairInspector.h"
#include "ui/inspect/QueryComparison.h"
#include "ui/inspect/QueryPlayground.h"
#include "ui/jobs/JobManager.h"
#include "ui/jobs/JobsPanel.h"
#include "ui/overview/OverviewPage.h"
#include "ui/run/RunConfigDialog.h"
#include "ui/run/RunJobs.h"
#include "ui/run/RunsModel.h"
#include "ui/settings/ApiKeyStore.h"
#include "ui/settings/AppSettings.h"
#include "ui/settings/SettingsDialog.h"

namespace distillery::ui {
namespace {
constexpr int kMaxRecentFiles = 8;
const char* const kRecentKey = "recentExperiments";
const char* const kGeometryKey = "window/geometry";
const char* const kStateKey = "window/state";
constexpr int kLayoutVersion = 1; // bump when panels change so an old saved layout is not restored
const char* const kFileFilter = QT_TRANSLATE_NOOP("distillery::ui::MainWindow",
                                                  "Distillery experiments (*.distillery *.db *.sqlite);;All files (*)");

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
  // A panel scrolls inside its dock rather than forcing the window past a small screen: the docks' minimum sizes
  // added up to more than 1024x700, and Qt then drew one dock over another.
  auto* scroll = new QScrollArea(dock);
  scroll->setWidget(panel);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  dock->setWidget(scroll);
  addDockWidget(area, dock);
  docks_ << dock;
  return dock;
}

void MainWindow::createPanels() {
  overview_ = new OverviewPage(this);
  corpus_ = new CorpusBrowser(this);
  pairs_ = new PairInspector(this);
  agreement_ = new AgreementPanel(this);
  dashboard_ = new MetricsDashboard(this);
  playground_ = new QueryPlayground(this);
  comparison_ = new QueryComparison(this);
  jobsPanel_ = new JobsPanel(jobs_, this);
  setCentralWidget(nullptr);

  QDockWidget* overview = addPanel(overview_, tr("Overview"), QStringLiteral("overviewDock"), Qt::TopDockWidgetArea);
  QDockWidget* corpus = addPanel(corpus_, tr("Corpus"), QStringLiteral("corpusDock"), Qt::TopDockWidgetArea);
  QDockWidget* pairs = addPanel(pairs_, tr("Pair inspector"), QStringLiteral("pairDock"), Qt::TopDockWidgetArea);
  QDockWidget* dashboard = addPanel(dashboard_, tr("Metrics"), QStringLiteral("metricsDock"), Qt::TopDockWidgetArea);
  QDockWidget* playground =
      addPanel(playground_, tr("Query playground"), QStringLiteral("playgroundDock"), Qt::TopDockWidgetArea);
  QDockWidget* comparison =
      addPanel(comparison_, tr("Query comparison"), QStringLiteral("comparisonDock"), Qt::TopDockWidgetArea);
  QDockWidget* agreement =
      addPanel(agreement_, tr("Agreement"), QStringLiteral("agreementDock"), Qt::BottomDockWidgetArea);
  QDockWidget* jobs = addPanel(jobsPanel_, tr("Jobs"), QStringLiteral("jobsDock"), Qt::BottomDockWidgetArea);
  tabifyDockWidget(overview, corpus);
  tabifyDockWidget(corpus, pairs);
  tabifyDockWidget(pairs, dashboard);
  tabifyDockWidget(dashboard, playground);
  tabifyDockWidget(playground, comparison);
  tabifyDockWidget(jobs, agreement);
  corpus->raise();
  jobs->raise();
  resizeDocks({corpus, jobs}, {560, 300}, Qt::Vertical);

  connect(pairs_, &PairInspector::labelStored, agreement_, &AgreementPanel::refresh);
  connect(pairs_, &PairInspector::labelStored, overview_, &OverviewPage::refresh);
  connect(playground_, &QueryPlayground::labelStored, overview_, &OverviewPage::refresh);
  connect(overview_, &OverviewPage::runActivated, this, [this, jobs](std::int64_t runId) {
    jobs->raise();
    jobsPanel_->selectRun(runId);
  });
  connect(overview_, &OverviewPage::importRequested, this, &MainWindow::importCorpusDialog);
  connect(overview_, &OverviewPage::demoRequested, this, &MainWindow::importDemoCorpus);
  connect(overview_, &OverviewPage::runRequested, this, &MainWindow::newRunDialog);
  connect(playground_, &QueryPlayground::labelStored, agreement_, &AgreementPanel::refresh);
  const auto panelError = [this](const QString& message) { showError(tr("Error"), message); };
  connect(pairs_, &PairInspector::errorOccurred, this, panelError);
  connect(agreement_, &AgreementPanel::errorOccurred, this, panelError);
  connect(dashboard_, &MetricsDashboard::errorOccurred, this, panelError);
  connect(comparison_, &QueryComparison::errorOccurred, this, panelError);
  connect(comparison_, &QueryComparison::queryOpened, this,
          [this, playground](const QString& text, const std::vector<PlaygroundRetriever>& columns) {
            playground->raise();
            playground_->showQuery(text, columns);
          });
  connect(pairs_, &PairInspector::queryOpenRequested, this,
          [this, playground](const QString& text, std::int64_t roundId) {
            // The students on either side of the round; BM25 when the round has not trained yet.
            const pipeline::RoundModels models = pipeline::roundModels(session_->store(), roundId);
            std::vector<PlaygroundRetriever> columns;
            for (const auto& model : {models.before, models.after})
              if (model)
                columns.push_back({eval::RetrieverKind::Dense, *model});
            if (columns.size() < 2)
              columns.push_back({eval::RetrieverKind::Bm25, 0});
            playground->raise();
            playground_->showQuery(text, columns);
          });
  connect(playground_, &QueryPlayground::judgeRequested, this, &MainWindow::judgeInBackground);
  connect(playground_, &QueryPlayground::passageActivated, this, [this, corpus](std::int64_t passageId) {
    corpus_->passageView()->showPassage(passageId);
    corpus->raise();
  });
  connect(jobsPanel_, &JobsPanel::importRequested, this, &MainWindow::importCorpusDialog);
  connect(jobsPanel_, &JobsPanel::demoRequested, this, &MainWindow::importDemoCorpus);
  connect(jobsPanel_, &JobsPanel::runRequested, this, &MainWindow::newRunDialog);
  connect(jobsPanel_, &JobsPanel::bm25Requested, this, &MainWindow::evaluateBm25Dialog);
  connect(jobsPanel_, &JobsPanel::modelEvaluationRequested, this, &MainWindow::evaluateModelDialog);
  connect(jobsPanel_, &JobsPanel::nextStepRequested, this, [this](std::int64_t run) { launchRun(run, 1); });
  connect(jobsPanel_, &JobsPanel::resumeRequested, this, [this](std::int64_t run) { launchRun(run, 0); });
  connect(jobsPanel_, &JobsPanel::renameRunRequested, this, [this](std::int64_t run) { renameRun(run); });
  connect(jobsPanel_, &JobsPanel::duplicateRunRequested, this, &MainWindow::duplicateRun);
  connect(jobsPanel_, &JobsPanel::deleteRunRequested, this, &MainWindow::deleteRun);
  connect(jobsPanel_, &JobsPanel::runConfigRequested, this, &MainWindow::showRunConfig);
  connect(jobsPanel_, &JobsPanel::runReportRequested, this, [this](std::int64_t run) { writeReport(run); });
  connect(jobsPanel_->runsModel(), &RunsModel::errorOccurred, this, panelError);
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
  file->addAction(tr("Download from &EDGAR..."), this, &MainWindow::downloadFromEdgarDialog);
  file->addAction(tr("De&lete corpus..."), this, [this] {
    if (const auto corpus = chooseCorpus(tr("Delete corpus")))
      deleteCorpus(*corpus);
  });
  file->addAction(tr("&Export labels as JSONL..."), agreement_, &AgreementPanel::exportJsonl);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  QAction* newRun = run->addAction(tr("&New run..."), this, &MainWindow::newRunDialog);
  newRun->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  QAction* nextStep =
      run->addAction(tr("Run next &step of the selected run"), this, &MainWindow::runSelectedRunNextStep);
  nextStep->setShortcut(QKeySequence(Qt::Key_F8));
  QAction* resume = run->addAction(tr("Re&sume the selected run"), this, &MainWindow::resumeSelectedRun);
  resume->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
  run->addAction(tr("Write the selected run's &report..."), this, [this] {
    if (const std::int64_t selected = jobsPanel_->selectedRunId())
      writeReport(selected);
    else
      showError(tr("No run selected"), tr("Select a run in the Jobs panel's run list first."));
  });
  run->addSeparator();
  run->addAction(tr("Evaluate &BM25 baseline..."), this, &MainWindow::evaluateBm25Dialog);
  run->addAction(tr("Evaluate a stored &model..."), this, &MainWindow::evaluateModelDialog);
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
  help->addAction(tr("&User guide..."), this, &MainWindow::showUserGuide);
  help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts)->setShortcut(QKeySequence::HelpContents);
  help->addAction(tr("&About Distillery"), this, &MainWindow::showAbout);
}

bool MainWindow::openExperiment(const QString& requestedPath, bool create) {
  // A new experiment named without a suffix gets .distillery, or the Open dialog's filter would hide it.
  const QString path = create && QFileInfo(requestedPath).suffix().isEmpty()
                           ? requestedPath + QStringLiteral(".distillery")
                           : requestedPath;
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
    playground_->setStore(store);
    comparison_->setStore(store);
    jobsPanel_->setStore(store);
    overview_->setStore(store);
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
  corpus::ImportOptions options;
  options.corpusName = corpusName.toStdString();
  return importCorpus(paths, options);
}

namespace {

/// Imports inputs into the experiment as a job step: what each input was detected as, what was skipped, the summary.
void importInJob(const std::string& experiment, const corpus::ImportOptions& options,
                 const std::vector<std::filesystem::path>& inputs, const ProgressCallback& progress,
                 std::stop_token stop) {
  store::Store store = store::Store::open(experiment, store::OpenMode::MustExist);
  for (const auto& input : inputs) {
    const auto format = corpus::detectFormat(input);
    report(progress,
           {"detect", 0, 0,
            MainWindow::tr("%1: %2")
                .arg(QString::fromStdString(input.string()),
                     format ? QString::fromStdString(corpus::formatName(*format)) : MainWindow::tr("not a corpus file"))
                .toStdString()});
  }
  const corpus::ImportSummary summary = corpus::importPaths(store, options, inputs, progress, stop);
  for (const corpus::SkippedInput& skipped : summary.skipped)
    report(progress, {"import", 0, 0,
                      MainWindow::tr("skipped %1: %2")
                          .arg(QString::fromStdString(skipped.path), QString::fromStdString(skipped.reason))
                          .toStdString()});
  if (summary.foundNothing())
    throw InputError((MainWindow::tr("nothing imported: %1: %2")
                          .arg(QString::fromStdString(summary.skipped.front().path),
                               QString::fromStdString(summary.skipped.front().reason)) +
                      (summary.skipped.size() > 1 ? MainWindow::tr(" (and %Ln more skipped, listed in the log)",
                                                                   nullptr, int(summary.skipped.size() - 1))
                                                  : QString()))
                         .toStdString());
  report(progress, {"import", 1, 1, describe(summary).toStdString()});
}

} // namespace

JobRunner* MainWindow::importCorpus(const QStringList& paths, const corpus::ImportOptions& options) {
  if (!session_->isOpen()) {
    showError(tr("No experiment open"), tr("Open or create an experiment before importing a corpus."));
    return nullptr;
  }
  const std::string experiment = session_->path().toStdString();
  std::vector<std::filesystem::path> inputs;
  nlohmann::json inputList = nlohmann::json::array();
  for (const QString& p : paths) {
    inputs.emplace_back(p.toStdString());
    inputList.push_back(p.toStdString());
  }
  const QString params = QString::fromStdString(nlohmann::json{
      {"corpus", options.corpusName},
      {"inputs", inputList},
      {"format", corpus::formatName(options.format)},
      {"max_tokens", options.chunking.maxTokens},
      {"overlap", options.chunking.overlapTokens}}.dump());
  return jobs_->launch(
      QStringLiteral("import"), tr("Import into %1").arg(QString::fromStdString(options.corpusName)),
      [experiment, options, inputs](const ProgressCallback& progress, std::stop_token stop) {
        importInJob(experiment, options, inputs, progress, stop);
      },
      params);
}

JobRunner* MainWindow::downloadFromEdgar(const corpus::EdgarDownloadOptions& download, const QString& importInto) {
  if (!importInto.isEmpty() && !session_->isOpen()) {
    showError(tr("No experiment open"), tr("Open or create an experiment before importing a corpus."));
    return nullptr;
  }
  const std::string experiment = session_->isOpen() ? session_->path().toStdString() : std::string();
  corpus::ImportOptions options;
  options.corpusName = importInto.toStdString();
  nlohmann::json companies = download.companies;
  const QString params = QString::fromStdString(nlohmann::json{
      {"companies", companies},
      {"out", download.outDir.string()},
      {"corpus", options.corpusName}}.dump());
  return jobs_->launch(
      QStringLiteral("download"), tr("Download from EDGAR"),
      [experiment, download, options](const ProgressCallback& progress, std::stop_token stop) {
        const corpus::EdgarDownloadSummary summary = corpus::downloadEdgarFilings(download, progress, stop);
        for (const corpus::DownloadProblem& problem : summary.failed)
          report(progress, {"download", 0, 0,
                            tr("failed %1: %2")
                                .arg(QString::fromStdString(problem.what), QString::fromStdString(problem.reason))
                                .toStdString()});
        const QLocale locale;
        report(progress, {"download", 0, 0,
                          tr("downloaded %1 filings to %2 (%3 already there, %4 failed)")
                              .arg(locale.toString(qlonglong(summary.downloaded)),
                                   QString::fromStdString(download.outDir.string()),
                                   locale.toString(qlonglong(summary.alreadyPresent)),
                                   locale.toString(qlonglong(summary.failed.size())))
                              .toStdString()});
        if (summary.cancelled)
          throw Cancelled();
        if (!options.corpusName.empty())
          importInJob(experiment, options, {download.outDir}, progress, stop);
      },
      params);
}

void MainWindow::downloadFromEdgarDialog() {
  QSettings settings;
  EdgarDownloadDialog dialog(settings.value(QStringLiteral("edgar/userAgent")).toString(), this);
  if (dialog.exec() != QDialog::Accepted)
    return;
  settings.setValue(QStringLiteral("edgar/userAgent"), dialog.userAgentField()->text().trimmed());
  downloadFromEdgar(dialog.options(), dialog.importInto());
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
        report(progress, {"demo", 0, 0,
                          tr("writing the demo corpus to %1").arg(QString::fromStdString(dir.string())).toStdString()});
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
  QStringList corpora;
  for (const corpus::CorpusInfo& info : corpus::listCorpora(session_->store()))
    corpora << QString::fromStdString(info.name);
  ImportDialog dialog(corpora, this);
  if (dialog.exec() == QDialog::Accepted)
    importCorpus(dialog.paths(), dialog.options());
}

JobRunner* MainWindow::launchEvaluation(std::int64_t corpusId, std::optional<std::int64_t> modelId,
                                        std::optional<EvaluationScope> scope) {
  if (!session_->isOpen())
    return nullptr;
  if (!scope) { // the first judged set, on its test split when it has one (as a run scores), else all of it
    const auto splits = corpus::listJudgedSplits(session_->store(), corpusId);
    if (splits.empty()) {
      showError(tr("Nothing to evaluate"), noJudgedQueriesText(corpusId));
      return nullptr;
    }
    scope = EvaluationScope{splits.front().querySetId, QString::fromStdString(splits.front().querySetName),
                            splits.front().split == "test" ? QStringLiteral("test") : QString()};
  }
  const QString on =
      scope->split.isEmpty() ? scope->querySetName : tr("%1 (%2)").arg(scope->querySetName, scope->split);
  nlohmann::json params = {{"corpus_id", corpusId},
                           {"retriever", modelId ? "dense" : "bm25"},
                           {"query_set_id", scope->querySetId},
                           {"split", scope->split.toStdString()}};
  if (modelId)
    params["model_id"] = *modelId;
  return jobs_->launch(
      QStringLiteral("evaluate"),
      modelId ? tr("Evaluate model %1 on %2").arg(*modelId).arg(on) : tr("Evaluate BM25 on %1").arg(on),
      evaluationJob({session_->path(), corpusId, scope->querySetId, modelId, scope->split.toStdString()}),
      QString::fromStdString(params.dump()));
}

QString MainWindow::noJudgedQueriesText(std::int64_t corpusId) {
  return tr("Corpus %1 has no queries with relevance judgments yet. Import a query set with qrels (BEIR), save your "
            "labels as a gold set (distillery-cli labels gold), or start a run: its held-out queries are judged by "
            "the teacher and scored.")
      .arg(corpusId);
}

std::optional<EvaluationScope> MainWindow::chooseEvaluationScope(std::int64_t corpusId, const QString& title) {
  const auto splits = corpus::listJudgedSplits(session_->store(), corpusId);
  if (splits.empty()) {
    showError(tr("Nothing to evaluate"), noJudgedQueriesText(corpusId));
    return std::nullopt;
  }
  // Each judged split on its own (test first: what runs report), and a set with several splits also as a whole.
  QStringList labels;
  QList<EvaluationScope> scopes;
  for (std::size_t i = 0; i < splits.size(); ++i) {
    const auto& s = splits[i];
    const QString name = QString::fromStdString(s.querySetName);
    labels << tr("%1: %2 split (%n queries)", nullptr, int(s.queries)).arg(name, QString::fromStdString(s.split));
    scopes << EvaluationScope{s.querySetId, name, QString::fromStdString(s.split)};
    const bool lastOfSet = i + 1 == splits.size() || splits[i + 1].querySetId != s.querySetId;
    const bool severalSplits = i > 0 && splits[i - 1].querySetId == s.querySetId;
    if (lastOfSet && severalSplits) {
      labels << tr("%1: every split (dev and test together)").arg(name);
      scopes << EvaluationScope{s.querySetId, name, QString()};
    }
  }
  if (scopes.size() == 1)
    return scopes.front();
  bool ok = false;
  const QString chosen = QInputDialog::getItem(this, title, tr("Queries to score:"), labels, 0, false, &ok);
  if (!ok)
    return std::nullopt;
  return scopes.value(int(labels.indexOf(chosen)));
}

JobRunner* MainWindow::evaluateBm25(std::int64_t corpusId, std::optional<EvaluationScope> scope) {
  return launchEvaluation(corpusId, std::nullopt, std::move(scope));
}

JobRunner* MainWindow::evaluateModel(std::int64_t corpusId, std::int64_t modelId,
                                     std::optional<EvaluationScope> scope) {
  return launchEvaluation(corpusId, modelId, std::move(scope));
}

std::optional<std::int64_t> MainWindow::chooseCorpus(const QString& title) {
  if (!session_->isOpen()) {
    showError(tr("No experiment open"), tr("Open or create an experiment first."));
    return std::nullopt;
  }
  QStringList names;
  QList<std::int64_t> ids;
  for (const auto& corpus : corpus::listCorpora(session_->store())) {
    ids << corpus.id;
    names << QString::fromStdString(corpus.name);
  }
  if (ids.isEmpty()) {
    showError(tr("Nothing to evaluate"), tr("The experiment has no corpus yet: import one first."));
    return std::nullopt;
  }
  bool ok = true;
  const QString chosen =
      ids.size() == 1 ? names.first() : QInputDialog::getItem(this, title, tr("Corpus:"), names, 0, false, &ok);
  if (!ok)
    return std::nullopt;
  return ids.value(int(names.indexOf(chosen)));
}

void MainWindow::evaluateBm25Dialog() {
  if (const auto corpus = chooseCorpus(tr("Evaluate BM25")))
    if (const auto scope = chooseEvaluationScope(*corpus, tr("Evaluate BM25")))
      evaluateBm25(*corpus, scope);
}

void MainWindow::evaluateModelDialog() {
  const auto corpus = chooseCorpus(tr("Evaluate a stored model"));
  if (!corpus)
    return;
  QStringList labels;
  QList<std::int64_t> ids;
  for (const auto& model : model::listModels(session_->store())) {
    ids << model.id;
    labels << tr("model %1: %2 (%3)")
                  .arg(model.id)
                  .arg(QString::fromStdString(model.name), QString::fromStdString(model.kind));
  }
  if (ids.isEmpty()) {
    showError(tr("No stored model"), tr("The experiment has no student model yet: a run stores one per round."));
    return;
  }
  bool ok = false;
  const QString chosen =
      QInputDialog::getItem(this, tr("Evaluate a stored model"), tr("Model:"), labels, 0, false, &ok);
  if (!ok)
    return;
  if (const auto scope = chooseEvaluationScope(*corpus, tr("Evaluate a stored model")))
    evaluateModel(*corpus, ids.value(int(labels.indexOf(chosen))), scope);
}

std::int64_t MainWindow::createRun(std::int64_t corpusId, const QString& name, const nlohmann::json& config) {
  if (!session_->isOpen())
    return 0;
  try {
    const pipeline::RunConfig runConfig = pipeline::parseRunConfig(config, "run config");
    const std::int64_t runId =
        pipeline::RunRepository(session_->store()).createRun(corpusId, runConfig, name.toStdString());
    jobsPanel_->runsModel()->refresh();
    jobsPanel_->selectRun(runId);
    return runId;
  } catch (const std::exception& e) {
    showError(tr("Cannot create the run"), QString::fromUtf8(e.what()));
    return 0;
  }
}

JobRunner* MainWindow::runJob(std::int64_t runId) const {
  JobRunner* job = runJobs_.value(runId);
  return job && job->isActive() ? job : nullptr;
}

JobRunner* MainWindow::startRun(std::int64_t runId, int maxSteps, std::optional<std::string> apiKey) {
  if (!session_->isOpen())
    return nullptr;
  if (runJob(runId)) {
    showError(tr("Run is busy"), tr("Run %1 is already being executed by a job.").arg(runId));
    return nullptr;
  }
  QString name;
  try {
    const auto stored = pipeline::findRunName(session_->store(), runId);
    if (!stored)
      throw InputError("no run with id " + std::to_string(runId) + " in '" + session_->path().toStdString() + "'");
    name = QString::fromStdString(*stored);
  } catch (const std::exception& e) {
    showError(tr("Cannot start the run"), QString::fromUtf8(e.what()));
    return nullptr;
  }
  auto feed = std::make_shared<TrainingLossFeed>();
  RunJobRequest request{session_->path(), runId, maxSteps, std::move(apiKey), feed};
  const QString title = maxSteps == 1  ? tr("Run %1 %2: next step").arg(runId).arg(name)
                        : maxSteps > 1 ? tr("Run %1 %2: %3 steps").arg(runId).arg(name).arg(maxSteps)
                                       : tr("Run %1 %2").arg(runId).arg(name);
  // The job's recorded parameters: which run and how far, never the key.
  const QString params = QString::fromStdString(nlohmann::json{{"run_id", runId}, {"max_steps", maxSteps}}.dump());
  JobRunner* job =
      jobs_->launch(QStringLiteral("run"), title.trimmed(), runPipelineJob(std::move(request)), params, feed);
  runJobs_.insert(runId, job);
  connect(job, &JobRunner::stateChanged, this, &MainWindow::updateActiveRuns);
  updateActiveRuns();
  return job;
}

JobRunner* MainWindow::launchRun(std::int64_t runId, int maxSteps) {
  if (!session_->isOpen())
    return nullptr;
  bool needsKey = false;
  try {
    // Read unparsed, as stored: the run's own parse reports a config it cannot use.
    if (const auto config = pipeline::storedRunConfig(session_->store(), runId); config && config->is_object()) {
      const nlohmann::json teacher = config->value("teacher", nlohmann::json::object());
      needsKey = teacher.is_object() && teacher.value("kind", std::string("heuristic")) != "heuristic" &&
                 teacher.value("api_key_env", std::string()).empty();
    }
  } catch (const std::exception&) {
  }
  return withTeacherKey(needsKey, tr("The run's teacher"), [this, runId, maxSteps](std::optional<std::string> key) {
    return startRun(runId, maxSteps, std::move(key));
  });
}

JobRunner* MainWindow::withTeacherKey(bool needsKey, const QString& who,
                                      const std::function<JobRunner*(std::optional<std::string>)>& start) {
  // A remote teacher that names no environment variable takes its key from the keychain, if the user keeps it there.
  if (!needsKey || AppSettings::load().keySource != AppSettings::KeySource::Keychain)
    return start(std::nullopt);
  auto* keys = new ApiKeyStore(this);
  statusBar()->showMessage(tr("Reading the teacher's API key from the keychain..."));
  connect(keys, &ApiKeyStore::readFinished, this,
          [this, keys, who, start, experiment = session_->path()](bool ok, const QString& key, const QString& error) {
            keys->deleteLater();
            statusBar()->clearMessage();
            if (!session_->isOpen() || session_->path() != experiment)
              return; // another experiment was opened meanwhile: the work asked for was the other one's
            if (!ok || key.isEmpty()) {
              showError(tr("No API key"),
                        tr("%1 needs an API key, but the OS keychain gave none (%2). Enter it in Settings > "
                           "Preferences, or name an environment variable there.")
                            .arg(who, ok ? tr("no key stored") : error));
              return;
            }
            start(key.toStdString());
          });
  keys->read();
  return nullptr;
}

JobRunner* MainWindow::judgeInBackground(std::int64_t corpusId, const QString& query,
                                         const std::vector<std::int64_t>& passageIds) {
  if (!session_->isOpen() || passageIds.empty())
    return nullptr;
  const AppSettings settings = AppSettings::load();
  const bool needsKey =
      settings.teacherKind != QStringLiteral("heuristic") && settings.keySource == AppSettings::KeySource::Keychain;
  return withTeacherKey(needsKey, tr("The teacher"), [=, this](std::optional<std::string> key) {
    JudgeJobRequest request;
    request.experimentPath = session_->path();
    request.teacher = settings.teacherConfig(key ? QString::fromStdString(*key) : QString());
    request.query = query.toStdString();
    request.passageIds = passageIds;
    QPointer<QueryPlayground> playground = playground_;
    request.graded = [playground, corpusId, query](std::int64_t passageId, int grade) {
      QMetaObject::invokeMethod(
          playground,
          [=] {
            if (playground)
              playground->showTeacherGrade(corpusId, query, passageId, grade);
          },
          Qt::QueuedConnection);
    };
    const QString params = QString::fromStdString(nlohmann::json{
        {"corpus_id", corpusId},
        {"query", request.query},
        {"passages", passageIds.size()},
        {"teacher", request.teacher.model}}.dump());
    return jobs_->launch(QStringLiteral("judge"),
                         tr("Judge %n passage(s) for \"%1\"", nullptr, static_cast<int>(passageIds.size()))
                             .arg(QString::fromStdString(eval::textSnippet(query.toStdString(), 60))),
                         judgeJob(std::move(request)), params);
  });
}

void MainWindow::updateActiveRuns() {
  QSet<std::int64_t> active;
  for (auto it = runJobs_.begin(); it != runJobs_.end(); ++it)
    if (it.value() && it.value()->isActive())
      active.insert(it.key());
  jobsPanel_->runsModel()->setActiveRuns(active);
}

void MainWindow::resumeSelectedRun() {
  if (const std::int64_t run = jobsPanel_->selectedRunId())
    launchRun(run, 0);
  else
    showError(tr("No run selected"), tr("Select a run in the Jobs panel's run list first."));
}

void MainWindow::runSelectedRunNextStep() {
  if (const std::int64_t run = jobsPanel_->selectedRunId())
    launchRun(run, 1);
  else
    showError(tr("No run selected"), tr("Select a run in the Jobs panel's run list first."));
}

void MainWindow::newRunDialog() {
  if (!session_->isOpen()) {
    showError(tr("No experiment open"), tr("Open or create an experiment before starting a run."));
    return;
  }
  RunConfigDialog dialog(session_->store(), AppSettings::load(), this);
  if (dialog.exec() != QDialog::Accepted || !dialog.isValid())
    return;
  if (const std::int64_t run = createRun(dialog.corpusId(), dialog.runName(), dialog.config()))
    launchRun(run, dialog.stepByStep() ? 1 : 0);
}

void MainWindow::showSettings() {
  SettingsDialog dialog(this);
  dialog.exec();
}

QString MainWindow::shortcutsHtml() const {
  // Read from the menus themselves, so the list cannot fall behind them; then the keys the panels take.
  QString rows;
  const auto row = [&rows](const QString& keys, const QString& what) {
    rows += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(keys.toHtmlEscaped(), what.toHtmlEscaped());
  };
  for (QAction* menu : menuBar()->actions())
    if (menu->menu())
      for (QAction* action : menu->menu()->actions())
        if (!action->shortcut().isEmpty())
          row(action->shortcut().toString(QKeySequence::NativeText),
              QString(action->text()).remove(QLatin1Char('&')).remove(QStringLiteral("...")));
  row(tr("0, 1, 2, 3"), tr("Pair inspector and query playground: grade the selected pair or hit (0 irrelevant, 1 "
                           "related, 2 partially answers, 3 fully answers)"));
  row(tr("N / P"), tr("Pair inspector: next / previous pair without grading"));
  row(tr("Enter"), tr("Query playground: search; corpus browser: filter"));
  row(tr("Double-click"), tr("Playground hit or comparison row: open the passage or the query"));
  return QStringLiteral("<table cellspacing=\"6\">%1</table>").arg(rows);
}

void MainWindow::showShortcuts() {
  QMessageBox box(QMessageBox::NoIcon, tr("Keyboard shortcuts"), shortcutsHtml(), QMessageBox::Close, this);
  box.setTextFormat(Qt::RichText);
  box.exec();
}

void MainWindow::showUserGuide() {
  if (!userGuide_)
    userGuide_ = new UserGuide(this); // one window, kept beside the workbench (not modal)
  userGuide_->show();
  userGuide_->raise();
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

bool MainWindow::reopenLast() {
  const QString last = recentFiles().value(0);
  if (last.isEmpty())
    return false;
  if (!QFileInfo::exists(last)) { // moved or deleted since: not an error worth a dialog at start
    statusBar()->showMessage(tr("The last experiment, %1, is no longer there.").arg(last), 10000);
    return false;
  }
  return openExperiment(last);
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
  // What the experiment holds is the Overview page's (refreshed with the other panels in setPanelsStore).
  if (session_->isOpen())
    setWindowTitle(tr("%1 - Distillery").arg(QFileInfo(session_->path()).fileName()));
  else
    setWindowTitle(tr("Distillery"));
}

bool MainWindow::renameRun(std::int64_t runId, std::optional<QString> name) {
  if (!session_->isOpen())
    return false;
  try {
    if (!name) {
      bool ok = false;
      const QString current = QString::fromStdString(pipeline::findRunName(session_->store(), runId).value_or(""));
      name = QInputDialog::getText(this, tr("Rename run %1").arg(runId), tr("Name:"), QLineEdit::Normal, current, &ok);
      if (!ok)
        return false;
    }
    pipeline::renameRun(session_->store(), runId, name->trimmed().toStdString());
  } catch (const std::exception& e) {
    showError(tr("Cannot rename the run"), QString::fromStdString(e.what()));
    return false;
  }
  setPanelsStore();
  return true;
}

std::int64_t MainWindow::duplicateRun(std::int64_t runId) {
  if (!session_->isOpen())
    return 0;
  try {
    const std::int64_t copy = pipeline::duplicateRun(session_->store(), runId);
    setPanelsStore();
    jobsPanel_->selectRun(copy);
    statusBar()->showMessage(tr("Run %1 is a copy of run %2, not started yet").arg(copy).arg(runId), 8000);
    return copy;
  } catch (const std::exception& e) {
    showError(tr("Cannot duplicate the run"), QString::fromStdString(e.what()));
    return 0;
  }
}

bool MainWindow::askYesNo(const QString& title, const QString& question) {
  return confirm_ ? confirm_(title, question) : QMessageBox::question(this, title, question) == QMessageBox::Yes;
}

bool MainWindow::deleteRun(std::int64_t runId) {
  if (!session_->isOpen())
    return false;
  if (runJob(runId)) {
    showError(tr("Run is busy"), tr("Run %1 is being executed by a job: cancel it first.").arg(runId));
    return false;
  }
  try {
    const pipeline::RunContents contents = pipeline::runContents(session_->store(), runId);
    const QString name = QString::fromStdString(pipeline::findRunName(session_->store(), runId).value_or(""));
    const QString question =
        tr("Delete run %1 %2 with its %3 rounds, %4 mined pairs and %5 evaluations? This cannot be undone.\n\nKept: "
           "the queries it wrote and your labels on them, the teacher's judgments (a later run reads them instead of "
           "paying again) and the models it trained.")
            .arg(runId)
            .arg(name)
            .arg(contents.rounds)
            .arg(contents.minedPairs)
            .arg(contents.evaluations);
    if (!askYesNo(tr("Delete run"), question))
      return false;
    pipeline::deleteRun(session_->store(), runId);
  } catch (const std::exception& e) {
    showError(tr("Cannot delete the run"), QString::fromStdString(e.what()));
    return false;
  }
  setPanelsStore();
  statusBar()->showMessage(tr("Run %1 deleted").arg(runId), 8000);
  return true;
}

bool MainWindow::deleteCorpus(std::int64_t corpusId) {
  if (!session_->isOpen())
    return false;
  if (jobs_->activeCount() > 0) { // an import, a run or an evaluation may be reading it
    showError(tr("Jobs are running"), tr("Wait for the running jobs or cancel them before deleting a corpus."));
    return false;
  }
  try {
    const pipeline::CorpusContents c = pipeline::corpusContents(session_->store(), corpusId);
    QString name;
    for (const auto& corpus : corpus::listCorpora(session_->store()))
      if (corpus.id == corpusId)
        name = QString::fromStdString(corpus.name);
    const QString question =
        tr("Delete corpus %1 with its %2 documents and %3 passages, %4 query sets with %5 queries, your %6 labels on "
           "them, and its %7 runs with their rounds and evaluations? This cannot be undone.\n\nKept: the teacher's "
           "judgments (a re-import of the same text finds them) and the stored models.")
            .arg(name)
            .arg(c.documents)
            .arg(c.passages)
            .arg(c.querySets)
            .arg(c.queries)
            .arg(c.labels)
            .arg(c.runs);
    if (!askYesNo(tr("Delete corpus"), question))
      return false;
    pipeline::deleteCorpus(session_->store(), corpusId);
  } catch (const std::exception& e) {
    showError(tr("Cannot delete the corpus"), QString::fromStdString(e.what()));
    return false;
  }
  setPanelsStore();
  statusBar()->showMessage(tr("Corpus %1 deleted").arg(corpusId), 8000);
  return true;
}

void MainWindow::showRunConfig(std::int64_t runId) {
  if (!session_->isOpen())
    return;
  const auto config = pipeline::storedRunConfig(session_->store(), runId);
  if (!config) {
    showError(tr("No such run"), tr("Run %1 is not in this experiment.").arg(runId));
    return;
  }
  const QString text = QString::fromStdString(reporting::redactSecrets(*config).dump(2));
  auto* dialog = new QDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setObjectName(QStringLiteral("runConfigDialog"));
  dialog->setWindowTitle(tr("Config of run %1").arg(runId));
  auto* view = new QPlainTextEdit(text, dialog);
  view->setReadOnly(true);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Close, dialog);
  connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
  connect(buttons->button(QDialogButtonBox::Save), &QPushButton::clicked, dialog, [this, dialog, text, runId] {
    const QString path = QFileDialog::getSaveFileName(dialog, tr("Save run config"),
                                                      QStringLiteral("run-%1.json").arg(runId), tr("JSON (*.json)"));
    if (path.isEmpty())
      return;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text.toUtf8() + '\n') < 0)
      showError(tr("Cannot save the config"), tr("%1: %2").arg(path, file.errorString()));
  });
  auto* layout = new QVBoxLayout(dialog);
  layout->addWidget(
      new QLabel(tr("As stored (secrets removed); `distillery-cli run --config` accepts this file."), dialog));
  layout->addWidget(view, 1);
  layout->addWidget(buttons);
  dialog->resize(560, 520);
  dialog->show();
}

QStringList MainWindow::writeReport(std::int64_t runId, QString folder) {
  if (!session_->isOpen())
    return {};
  if (folder.isEmpty()) {
    folder = QFileDialog::getExistingDirectory(this, tr("Write the report of run %1 into").arg(runId));
    if (folder.isEmpty())
      return {};
  }
  QStringList files;
  try {
    QApplication::setOverrideCursor(Qt::WaitCursor); // charts are drawn here, on the GUI thread: a few seconds
    distillery::charts::PngChartRenderer charts;
    const auto written = reporting::writeRunReport(session_->store(), runId, folder.toStdString(), charts).files;
    QApplication::restoreOverrideCursor();
    for (const auto& file : written)
      files << QString::fromStdString(file.string());
  } catch (const std::exception& e) {
    QApplication::restoreOverrideCursor();
    showError(tr("Cannot write the report"), QString::fromStdString(e.what()));
    return {};
  }
  const QString html = files.filter(QStringLiteral(".html")).value(0);
  statusBar()->showMessage(tr("Report of run %1 written to %2").arg(runId).arg(html.isEmpty() ? folder : html), 10000);
  if (!html.isEmpty() && !qEnvironmentVariableIsSet("DISTILLERY_NO_DIALOGS"))
    QDesktopServices::openUrl(QUrl::fromLocalFile(html));
  return files;
}

void MainWindow::showError(const QString& title, const QString& message) {
  emit errorShown(title, message);
  if (!qEnvironmentVariableIsSet("DISTILLERY_NO_DIALOGS"))
    QMessageBox::critical(this, title, message);
}

} // namespace distillery::ui
