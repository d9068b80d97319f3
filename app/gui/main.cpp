// distillery: the desktop workbench. `distillery [EXPERIMENT]` opens an experiment file at start.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "ui/MainWindow.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Distillery"));
  QApplication::setApplicationName(QStringLiteral("Distillery"));
  QApplication::setApplicationVersion(QStringLiteral(DISTILLERY_VERSION));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Distillery experiment workbench"));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("experiment"), QStringLiteral("Experiment file to open"));
  QCommandLineOption quitAfter(QStringLiteral("quit-after"),
                               QStringLiteral("Quit after the given milliseconds (smoke tests, screenshots)"),
                               QStringLiteral("ms"));
  parser.addOption(quitAfter);
  parser.process(app);

  distillery::ui::MainWindow window;
  window.show();
  if (!parser.positionalArguments().isEmpty())
    window.openExperiment(parser.positionalArguments().constFirst());
  if (parser.isSet(quitAfter))
    QTimer::singleShot(parser.value(quitAfter).toInt(), &app, &QApplication::quit);
  return app.exec();
}
