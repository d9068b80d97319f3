#pragma once
// Loads the workbench's translations: the language chosen in Settings, else the system locale.
#include <QString>

class QCoreApplication;

namespace distillery::ui {

/// Installs translators for language ("de", "en"; empty = system locale) on the application; returns the
/// language now in use ("en" when no translation matched, since the sources are English). Makes the language's
/// locale the default (QLocale::setDefault), so numbers are written as that language writes them.
QString installTranslations(const QString& language);

} // namespace distillery::ui
