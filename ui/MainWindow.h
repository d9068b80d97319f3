#pragma once
#include <QMainWindow>
#include <QStringList>

class QLabel;
class QMenu;

namespace distillery::ui {

class ExperimentSession;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Opens an experiment; on failure shows a dialog (unless quiet) and returns false.
  bool openExperiment(const QString& path, bool create = false);
  ExperimentSession& session() { return *session_; }
  QStringList recentFiles() const;

public slots:
  void newExperiment();
  void openExperimentDialog();
  void showAbout();

signals:
  /// An error the user should see; tests connect here instead of clicking dialogs.
  void errorShown(const QString& title, const QString& message);

private:
  void createMenus();
  void addRecentFile(const QString& path);
  void rebuildRecentMenu();
  void updateTitle();
  void showError(const QString& title, const QString& message);

  ExperimentSession* session_;
  QMenu* recentMenu_ = nullptr;
  QLabel* summary_ = nullptr;
};

} // namespace distillery::ui
