#pragma once
// Help > User guide: the README's workflow inside the workbench (import, browse, run, jobs, pairs and labels,
// metrics, playground, report), an HTML page bundled as a Qt resource and shown in a QTextBrowser.
#include <QDialog>

class QTextBrowser;

namespace distillery::ui {

class UserGuide : public QDialog {
  Q_OBJECT
public:
  explicit UserGuide(QWidget* parent = nullptr);

  QTextBrowser* browser() const { return browser_; }
  /// The bundled guide's HTML (":/help/user-guide.html").
  static QString html();

private:
  QTextBrowser* browser_;
};

} // namespace distillery::ui
