#pragma once
// The workbench window: an experiment open at a time, its panels as dock widgets (layout remembered),
// background jobs in the status bar, and a close that waits for running jobs to stop cleanly.
#include <QMainWindow>
#include <QStringList>

#include <functional>
#include <nlohmann/json.hpp>

#include "ui/JobRunner.h"

class QDockWidget;
class QLabel;
class QMenu;

namespace distillery::ui {

class AgreementPanel;
class CorpusBrowser;
class ExperimentSession;
class JobManager;
class JobsPanel;
class MetricsDashboard;
class PairInspector;

/// What a "New run" launches: given the experiment file, corpus, run name and validated run config,
/// the work to run in the background (it opens its own store connection on the worker thread).
using RunLauncher = std::function<JobFunction(const QString& experimentPath, std::int64_t corpusId,
                                              const QString& runName, const nlohmann::json& config)>;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Opens an experiment; on failure shows a dialog (unless quiet) and returns false.
  bool openExperiment(const QString& path, bool create = false);
  ExperimentSession& session() { return *session_; }
  QStringList recentFiles() const;

  JobManager& jobs() { return *jobs_; }
  CorpusBrowser* corpusBrowser() const { return corpus_; }
  PairInspector* pairInspector() const { return pairs_; }
  AgreementPanel* agreementPanel() const { return agreement_; }
  MetricsDashboard* dashboard() const { return dashboard_; }
  JobsPanel* jobsPanel() const { return jobsPanel_; }
  QList<QDockWidget*> docks() const { return docks_; }
  QString jobStatusText() const;

  /// Imports files or folders into the open experiment in the background (format detected per file).
  JobRunner* importCorpus(const QStringList& paths, const QString& corpusName);
  /// Writes the built-in demo corpus to a temporary folder and imports it in the background.
  JobRunner* importDemoCorpus();
  /// Evaluates BM25 on a corpus's imported query set in the background (the baseline the dashboard shows).
  JobRunner* evaluateBm25(std::int64_t corpusId);
  /// Starts a run in the background through the registered launcher; nullptr when none is registered.
  JobRunner* startRun(std::int64_t corpusId, const QString& name, const nlohmann::json& config);
  /// How runs are launched (the pipeline registers itself; tests pass their own).
  static void setRunLauncher(RunLauncher launcher);
  /// Replaces the "jobs are running, cancel them?" question (tests); the default asks with a dialog.
  void setCloseConfirmation(std::function<bool(int runningJobs)> confirm) { confirmClose_ = std::move(confirm); }

public slots:
  void newExperiment();
  void openExperimentDialog();
  void importCorpusDialog();
  void newRunDialog();
  void evaluateBm25Dialog();
  void showSettings();
  void showAbout();
  void resetLayout();

signals:
  /// An error the user should see; tests connect here instead of clicking dialogs.
  void errorShown(const QString& title, const QString& message);

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  void createPanels();
  void createMenus();
  void addRecentFile(const QString& path);
  void rebuildRecentMenu();
  void updateTitle();
  void updateJobStatus();
  void setPanelsStore();
  void onJobFinished(JobRunner* job, JobRunner::State state);
  void showError(const QString& title, const QString& message);
  QDockWidget* addPanel(QWidget* panel, const QString& title, const QString& objectName, Qt::DockWidgetArea area);

  ExperimentSession* session_;
  JobManager* jobs_;
  QMenu* recentMenu_ = nullptr;
  QMenu* viewMenu_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* jobStatus_ = nullptr;
  CorpusBrowser* corpus_ = nullptr;
  PairInspector* pairs_ = nullptr;
  AgreementPanel* agreement_ = nullptr;
  MetricsDashboard* dashboard_ = nullptr;
  JobsPanel* jobsPanel_ = nullptr;
  QList<QDockWidget*> docks_;
  QByteArray defaultState_;
  std::function<bool(int)> confirmClose_;
};

} // namespace distillery::ui
