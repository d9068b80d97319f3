#pragma once
// The workbench window: an experiment open at a time, its panels as dock widgets (layout remembered),
// background jobs in the status bar, and a close that waits for running jobs to stop cleanly.
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ui/jobs/JobRunner.h"

class QDialog;
namespace distillery::corpus {
struct ImportOptions;
struct EdgarDownloadOptions;
} // namespace distillery::corpus

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
class OverviewPage;
class PairInspector;
class QueryComparison;
class QueryPlayground;

/// The judged queries an evaluation scores: a query set, and one of its splits ("" = every split).
struct EvaluationScope {
  std::int64_t querySetId = 0;
  QString querySetName;
  QString split;
};

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Opens an experiment (create: a new one, named NAME.distillery when NAME has no suffix); on failure shows a dialog
  /// (unless quiet) and returns false.
  bool openExperiment(const QString& path, bool create = false);
  /// Opens the experiment opened last (the first of File > Recent), as the workbench does at start without an
  /// argument; false when there is none or it is gone (said in the status bar, no dialog).
  bool reopenLast();
  ExperimentSession& session() { return *session_; }
  QStringList recentFiles() const;

  JobManager& jobs() { return *jobs_; }
  CorpusBrowser* corpusBrowser() const { return corpus_; }
  PairInspector* pairInspector() const { return pairs_; }
  AgreementPanel* agreementPanel() const { return agreement_; }
  MetricsDashboard* dashboard() const { return dashboard_; }
  QueryPlayground* playground() const { return playground_; }
  QueryComparison* comparison() const { return comparison_; }
  JobsPanel* jobsPanel() const { return jobsPanel_; }
  OverviewPage* overviewPage() const { return overview_; }
  QList<QDockWidget*> docks() const { return docks_; }
  QString jobStatusText() const;

  /// Imports files or folders into the open experiment in the background (format detected per file).
  JobRunner* importCorpus(const QStringList& paths, const QString& corpusName);
  /// The same with every import option (File > Import corpus's dialog).
  JobRunner* importCorpus(const QStringList& paths, const corpus::ImportOptions& options);
  /// Downloads filings from EDGAR in the background and, when importInto names a corpus, imports them into it.
  JobRunner* downloadFromEdgar(const corpus::EdgarDownloadOptions& download, const QString& importInto);
  /// Writes the built-in demo corpus to a temporary folder and imports it in the background.
  JobRunner* importDemoCorpus();
  /// Evaluates BM25 on a corpus's judged queries in the background (the baseline the dashboard shows): the scope's,
  /// else the first judged query set's test split (all of it when it has none).
  JobRunner* evaluateBm25(std::int64_t corpusId, std::optional<EvaluationScope> scope = std::nullopt);
  /// Evaluates a stored student (dense retrieval) on the corpus's judged queries, outside any run; scope as above.
  JobRunner* evaluateModel(std::int64_t corpusId, std::int64_t modelId,
                           std::optional<EvaluationScope> scope = std::nullopt);
  /// Stores a new run of the corpus with a validated config; its id, or 0 after showing why not.
  std::int64_t createRun(std::int64_t corpusId, const QString& name, const nlohmann::json& config);
  /// Executes (or resumes) a stored run in the background, stopping paused after maxSteps steps when it is not 0.
  /// The API key goes to the teacher in memory only. nullptr (after showing why) when the run cannot start.
  JobRunner* startRun(std::int64_t runId, int maxSteps = 0, std::optional<std::string> apiKey = {});
  /// startRun with the teacher's key read from the OS keychain first when the settings keep it there and the
  /// run's teacher needs one; returns the job, or nullptr when it starts once the keychain answered (or not).
  JobRunner* launchRun(std::int64_t runId, int maxSteps = 0);
  /// The teacher set in Settings judges the query against the passages in the background (the query playground's
  /// "Judge these"); each grade reaches the playground as it arrives. nullptr when it starts after the keychain
  /// answered.
  JobRunner* judgeInBackground(std::int64_t corpusId, const QString& query,
                               const std::vector<std::int64_t>& passageIds);
  /// The job now executing the run, if any.
  JobRunner* runJob(std::int64_t runId) const;
  /// Run management (the run list's context menu). Rename asks for the name when none is given; delete asks for
  /// confirmation (saying what goes and what stays) and refuses a run a job is executing.
  bool renameRun(std::int64_t runId, std::optional<QString> name = std::nullopt);
  std::int64_t duplicateRun(std::int64_t runId);
  bool deleteRun(std::int64_t runId);
  /// Deletes a corpus with everything made from it (asked first, saying what goes and what stays); refused while
  /// jobs run (File > Delete corpus...).
  bool deleteCorpus(std::int64_t corpusId);
  /// The run's stored config (secrets removed) in a dialog that can save it as a file.
  void showRunConfig(std::int64_t runId);
  /// Writes the run's HTML and Markdown report into folder (asked when empty) and opens the HTML; the files written.
  QStringList writeReport(std::int64_t runId, QString folder = {});
  /// Replaces yes/no questions such as "delete this run?" (tests); the default asks with a dialog.
  void setConfirmation(std::function<bool(const QString& title, const QString& text)> confirm) {
    confirm_ = std::move(confirm);
  }
  /// Replaces the "jobs are running, cancel them?" question (tests); the default asks with a dialog.
  void setCloseConfirmation(std::function<bool(int runningJobs)> confirm) { confirmClose_ = std::move(confirm); }

public slots:
  void newExperiment();
  void openExperimentDialog();
  void importCorpusDialog();
  void downloadFromEdgarDialog();
  void newRunDialog();
  void evaluateBm25Dialog();
  void evaluateModelDialog();
  /// Resumes the run selected in the jobs panel (every step left), or advances it by one step.
  void resumeSelectedRun();
  void runSelectedRunNextStep();
  void showSettings();
  void showAbout();
  /// Help > Keyboard shortcuts (F1): every menu shortcut, read from the menus, and the panels' keys.
  void showShortcuts();
  /// Help > User guide: the workflow, from import to report (ui/help/UserGuide.h).
  void showUserGuide();

public:
  QString shortcutsHtml() const;

public slots:
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
  void updateActiveRuns();
  /// The corpus to work on: the only one, else the user's choice; nullopt when none or cancelled.
  std::optional<std::int64_t> chooseCorpus(const QString& title);
  /// Evaluates BM25 (no model) or a stored model on the scope's queries (none: see evaluateBm25).
  JobRunner* launchEvaluation(std::int64_t corpusId, std::optional<std::int64_t> modelId,
                              std::optional<EvaluationScope> scope);
  /// Which judged queries to score: asks when the corpus has more than one choice; nullopt (after saying why) when it
  /// has none, or when cancelled.
  std::optional<EvaluationScope> chooseEvaluationScope(std::int64_t corpusId, const QString& title);
  static QString noJudgedQueriesText(std::int64_t corpusId);
  /// Calls start with the teacher's API key read from the OS keychain when needsKey and the settings keep it there
  /// (later, once the keychain answered; not at all, after saying why, when it has none); else at once with none.
  /// Returns start's job when it ran at once, else nullptr.
  JobRunner* withTeacherKey(bool needsKey, const QString& who,
                            const std::function<JobRunner*(std::optional<std::string>)>& start);
  void showError(const QString& title, const QString& message);
  /// A yes/no question: through setConfirmation's replacement when set, else a dialog.
  bool askYesNo(const QString& title, const QString& question);
  QDockWidget* addPanel(QWidget* panel, const QString& title, const QString& objectName, Qt::DockWidgetArea area);

  ExperimentSession* session_;
  JobManager* jobs_;
  QMenu* recentMenu_ = nullptr;
  QMenu* viewMenu_ = nullptr;
  OverviewPage* overview_ = nullptr;
  QLabel* jobStatus_ = nullptr;
  CorpusBrowser* corpus_ = nullptr;
  PairInspector* pairs_ = nullptr;
  AgreementPanel* agreement_ = nullptr;
  MetricsDashboard* dashboard_ = nullptr;
  QueryPlayground* playground_ = nullptr;
  QueryComparison* comparison_ = nullptr;
  JobsPanel* jobsPanel_ = nullptr;
  QList<QDockWidget*> docks_;
  QByteArray defaultState_;
  std::function<bool(int)> confirmClose_;
  std::function<bool(const QString&, const QString&)> confirm_;
  QHash<std::int64_t, QPointer<JobRunner>> runJobs_; // run id -> the job executing it
  QPointer<QDialog> userGuide_;                      // Help > User guide, once opened
};

} // namespace distillery::ui
