#include "ui/Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace distillery::ui {

QString installTranslations(const QString& language) {
  static QTranslator* app = nullptr;
  static QTranslator* qt = nullptr;
  for (QTranslator** t : {&app, &qt})
    if (*t) {
      QCoreApplication::removeTranslator(*t);
      delete *t;
      *t = nullptr;
    }
  const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
  QLocale::setDefault(locale); // numbers in the chosen language's format (the German decimal comma), translated or not
  app = new QTranslator(QCoreApplication::instance());
  // A .qm installed beside the app (../share/distillery/translations) wins, so a translation can be updated
  // without rebuilding; qt_add_translations embeds the built ones under :/i18n as the fallback.
  const QString installed =
      QCoreApplication::applicationDirPath() + QStringLiteral("/../share/distillery/translations");
  if (!app->load(locale, QStringLiteral("distillery"), QStringLiteral("_"), installed) &&
      !app->load(locale, QStringLiteral("distillery"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
    delete app;
    app = nullptr;
    return QStringLiteral("en");
  }
  QCoreApplication::installTranslator(app);
  qt = new QTranslator(QCoreApplication::instance());
  if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
               QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
    QCoreApplication::installTranslator(qt); // standard buttons and dialogs, when the system has them
  else {
    delete qt;
    qt = nullptr;
  }
  return locale.name().left(2);
}

} // namespace distillery::ui
