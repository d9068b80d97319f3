// distillery: the desktop workbench. `distillery [EXPERIMENT]` opens an experiment file at start; without one, the
// experiment opened last.
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include "ui/MainWindow.h"
#include "ui/Translations.h"
#include "ui/settings/AppSettings.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Distillery"));
  QApplication::setApplicationName(QStringLiteral("Distillery"));
  QApplication::setApplicationVersion(QStringLiteral(DISTILLERY_VERSION));
  QApplication::setDesktopFileName(QStringLiteral("io.github.distillery.Distillery")); // Wayland: icon and grouping
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/io.github.distillery.Distillery-256.png")));
  distillery::ui::installTranslations(distillery::ui::AppSettings::load().language);

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "Distillery experiment workbench"));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("experiment"),
                               QApplication::translate("main", "Experiment file to open"));
  QCommandLineOption quitAfter(QStringLiteral("quit-after"),
                               QApplication::translate("main", "Quit after the given milliseconds (smoke tests)"),
                               QStringLiteral("ms"));
  parser.addOption(quitAfter);
  parser.process(app);

  distillery::ui::MainWindow window;
  window.show();
  if (!parser.positionalArguments().isEmpty())
    window.openExperiment(parser.positionalArguments().constFirst());
  else
    window.reopenLast(); // where the analyst left off
  if (parser.isSet(quitAfter))
    QTimer::singleShot(parser.value(quitAfter).toInt(), &app, &QApplication::quit);
  return app.exec();
}
