#include "ui/help/UserGuide.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace distillery::ui {

UserGuide::UserGuide(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("User guide"));
  setObjectName(QStringLiteral("userGuide"));
  browser_ = new QTextBrowser(this);
  browser_->setOpenExternalLinks(true);
  browser_->setHtml(html());
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(browser_);
  layout->addWidget(buttons);
  resize(720, 640);
}

QString UserGuide::html() {
  QFile file(QStringLiteral(":/help/user-guide.html"));
  if (!file.open(QIODevice::ReadOnly))
    return tr("The user guide is missing from this build.");
  return QString::fromUtf8(file.readAll());
}

} // namespace distillery::ui
