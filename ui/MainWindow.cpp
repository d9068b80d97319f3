#include "ui/MainWindow.h"

#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

#include "ui/ExperimentSession.h"

namespace distillery::ui {
namespace {
constexpr int kMaxRecentFiles = 8;
const char* const kRecentKey = "recentExperiments";
const char* const kFileFilter =
    QT_TRANSLATE_NOOP("MainWindow", "Distillery experiments (*.distillery *.db *.sqlite);;All files (*)");
} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), session_(new ExperimentSession(this)) {
  summary_ = new QLabel(this);
  summary_->setAlignment(Qt::AlignCenter);
  summary_->setWordWrap(true);
  setCentralWidget(summary_);
  createMenus();
  statusBar()->showMessage(tr("Ready"));
  resize(1100, 720);
  updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* newAction = file->addAction(tr("&New experiment..."), this, &MainWindow::newExperiment);
  newAction->setShortcut(QKeySequence::New);
  QAction* openAction = file->addAction(tr("&Open experiment..."), this, &MainWindow::openExperimentDialog);
  openAction->setShortcut(QKeySequence::Open);
  recentMenu_ = file->addMenu(tr("Open &recent"));
  rebuildRecentMenu();
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Distillery"), this, &MainWindow::showAbout);
}

bool MainWindow::openExperiment(const QString& path, bool create) {
  try {
    session_->open(path, create);
  } catch (const std::exception& e) {
    showError(create ? tr("Cannot create experiment") : tr("Cannot open experiment"), QString::fromStdString(e.what()));
    return false;
  }
  addRecentFile(QFileInfo(path).absoluteFilePath());
  updateTitle();
  statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
  return true;
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

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About Distillery"),
                     tr("<h3>Distillery %1</h3><p>Adapts a retrieval embedding model to financial filings by "
                        "distilling an LLM's relevance judgments into a compact bi-encoder.</p>")
                         .arg(QStringLiteral(DISTILLERY_VERSION)));
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
    QStringList lines;
    for (const auto& [table, count] : session_->store().tableCounts())
      lines << QStringLiteral("%1: %2").arg(QString::fromStdString(table)).arg(count);
    summary_->setText(tr("Experiment %1 (schema version %2)\n\n%3")
                          .arg(session_->path())
                          .arg(session_->store().schemaVersion())
                          .arg(lines.join(QLatin1Char('\n'))));
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
