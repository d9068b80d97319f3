// The workbench window, offscreen: opening experiments, refusing bad files, recent files.
#include <QAction>
#include <QApplication>
#include <QFile>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "ui/ExperimentSession.h"
#include "ui/MainWindow.h"

using distillery::ui::MainWindow;

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
  }
};

QTEST_MAIN(MainWindowTest)
#include "test_gui_mainwindow.moc"
