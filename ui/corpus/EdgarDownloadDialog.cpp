#include "ui/corpus/EdgarDownloadDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/util/Error.h"

namespace distillery::ui {
namespace {

std::vector<std::string> words(const QString& text) {
  std::vector<std::string> out;
  static const QRegularExpression separators(QStringLiteral("[\\s,;]+"));
  for (const QString& word : text.split(separators, Qt::SkipEmptyParts))
    out.push_back(word.toStdString());
  return out;
}

} // namespace

EdgarDownloadDialog::EdgarDownloadDialog(const QString& userAgent, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Download from EDGAR"));
  const corpus::EdgarDownloadOptions defaults;

  userAgent_ = new QLineEdit(userAgent, this);
  userAgent_->setPlaceholderText(tr("Jane Analyst jane@example.com"));
  userAgent_->setToolTip(tr("Your name and e-mail. SEC asks every program that downloads from EDGAR to name a contact "
                            "and blocks those that do not."));
  companies_ = new QLineEdit(this);
  companies_->setPlaceholderText(tr("AAPL, MSFT, 320193"));
  companies_->setToolTip(tr("Tickers or CIK numbers, separated by commas or spaces."));
  auto* formRow = new QHBoxLayout;
  for (const char* form : {"10-K", "10-Q", "8-K"}) {
    auto* box = new QCheckBox(QString::fromLatin1(form), this);
    box->setChecked(true);
    forms_.append(box);
    formRow->addWidget(box);
    connect(box, &QCheckBox::toggled, this, &EdgarDownloadDialog::validate);
  }
  otherForms_ = new QLineEdit(this);
  otherForms_->setPlaceholderText(tr("other forms, e.g. 20-F"));
  formRow->addWidget(otherForms_, 1);
  from_ = new QLineEdit(this);
  to_ = new QLineEdit(this);
  for (QLineEdit* date : {from_, to_}) {
    date->setPlaceholderText(tr("YYYY-MM-DD (empty: no limit)"));
    connect(date, &QLineEdit::textChanged, this, &EdgarDownloadDialog::validate);
  }
  maxFilings_ = new QSpinBox(this);
  maxFilings_->setRange(0, 10000);
  maxFilings_->setValue(defaults.maxFilingsPerCompany);
  maxFilings_->setSpecialValueText(tr("all"));
  maxFilings_->setToolTip(tr("The newest N filings of each company that match the forms and dates; 0 takes all."));
  folder_ = new QLineEdit(QDir::home().filePath(QStringLiteral("edgar-filings")), this);
  folder_->setToolTip(tr("Where the filings and their metadata.jsonl are written. Downloading into the same folder "
                         "again fetches only what is missing."));
  auto* browse = new QPushButton(tr("&Browse..."), this);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Download into"), folder_->text());
    if (!dir.isEmpty())
      folder_->setText(dir);
  });
  auto* folderRow = new QHBoxLayout;
  folderRow->addWidget(folder_, 1);
  folderRow->addWidget(browse);
  import_ = new QCheckBox(tr("Import them when downloaded, into corpus:"), this);
  import_->setChecked(true);
  corpus_ = new QLineEdit(QStringLiteral("edgar"), this);
  connect(import_, &QCheckBox::toggled, corpus_, &QWidget::setEnabled);
  auto* importRow = new QHBoxLayout;
  importRow->addWidget(import_);
  importRow->addWidget(corpus_, 1);
  mirror_ = new QLineEdit(this);
  mirror_->setPlaceholderText(tr("empty: sec.gov"));
  mirror_->setToolTip(tr("A mirror or proxy that serves both EDGAR hosts (data.sec.gov and www.sec.gov) under one "
                         "address; leave empty to download from SEC."));

  problem_ = new QLabel(this);
  problem_->setWordWrap(true);
  problem_->setStyleSheet(QStringLiteral("color: #b00020"));
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("&Download"));
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* form = new QFormLayout;
  form->addRow(tr("&Contact (User-Agent):"), userAgent_);
  form->addRow(tr("C&ompanies:"), companies_);
  form->addRow(tr("&Forms:"), formRow);
  form->addRow(tr("Filed &from:"), from_);
  form->addRow(tr("Filed &to:"), to_);
  form->addRow(tr("&Newest per company:"), maxFilings_);
  form->addRow(tr("Fo&lder:"), folderRow);
  form->addRow(QString(), importRow);
  form->addRow(tr("&Mirror:"), mirror_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(problem_);
  layout->addWidget(buttons_);
  for (QLineEdit* edit : {userAgent_, companies_, otherForms_, folder_, corpus_})
    connect(edit, &QLineEdit::textChanged, this, &EdgarDownloadDialog::validate);
  connect(import_, &QCheckBox::toggled, this, &EdgarDownloadDialog::validate);
  validate();
}

corpus::EdgarDownloadOptions EdgarDownloadDialog::options() const {
  corpus::EdgarDownloadOptions options;
  options.userAgent = userAgent_->text().trimmed().toStdString();
  options.companies = words(companies_->text());
  for (const QCheckBox* box : forms_)
    if (box->isChecked())
      options.formTypes.push_back(box->text().toStdString());
  for (std::string& other : words(otherForms_->text()))
    options.formTypes.push_back(std::move(other));
  options.dateFrom = from_->text().trimmed().toStdString();
  options.dateTo = to_->text().trimmed().toStdString();
  options.maxFilingsPerCompany = maxFilings_->value();
  options.outDir = folder_->text().trimmed().toStdString();
  if (const QString mirror = mirror_->text().trimmed(); !mirror.isEmpty())
    options.dataBaseUrl = options.archiveBaseUrl = mirror.toStdString();
  return options;
}

QString EdgarDownloadDialog::importInto() const {
  return import_->isChecked() ? corpus_->text().trimmed() : QString();
}

QString EdgarDownloadDialog::problem() const {
  try {
    corpus::checkEdgarDownloadOptions(options());
  } catch (const InputError& e) {
    QString message = QString::fromUtf8(e.what());
    message.remove(QStringLiteral("EDGAR download: "));
    return message;
  }
  if (forms_.size() > 0 && options().formTypes.empty())
    return tr("Choose at least one form, or name one under Forms.");
  if (import_->isChecked() && corpus_->text().trimmed().isEmpty())
    return tr("Name the corpus to import into, or untick the import.");
  return {};
}

void EdgarDownloadDialog::validate() {
  const QString why = problem();
  problem_->setText(why);
  problem_->setVisible(!why.isEmpty());
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

} // namespace distillery::ui
