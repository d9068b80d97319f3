#include "ui/corpus/ImportDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace distillery::ui {

ImportDialog::ImportDialog(const QStringList& existingCorpora, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Import corpus"));
  const corpus::ImportOptions defaults;

  paths_ = new QListWidget(this);
  paths_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  paths_->setMinimumHeight(paths_->fontMetrics().height() * 5);
  auto* addFiles = new QPushButton(tr("Add &files..."), this);
  auto* addFolder = new QPushButton(tr("Add f&older..."), this);
  auto* remove = new QPushButton(tr("&Remove"), this);
  connect(addFiles, &QPushButton::clicked, this, &ImportDialog::chooseFiles);
  connect(addFolder, &QPushButton::clicked, this, &ImportDialog::chooseFolder);
  connect(remove, &QPushButton::clicked, this, [this] {
    qDeleteAll(paths_->selectedItems());
    suggestName();
    validate();
  });
  auto* pathButtons = new QVBoxLayout;
  pathButtons->addWidget(addFiles);
  pathButtons->addWidget(addFolder);
  pathButtons->addWidget(remove);
  pathButtons->addStretch(1);
  auto* pathRow = new QHBoxLayout;
  pathRow->addWidget(paths_, 1);
  pathRow->addLayout(pathButtons);

  corpus_ = new QComboBox(this);
  corpus_->setEditable(true);
  corpus_->addItems(existingCorpora);
  corpus_->setCurrentText(QString());
  corpus_->lineEdit()->setPlaceholderText(tr("a new name, or an existing corpus to add to"));
  corpus_->setToolTip(tr("The corpus the files go into: created when new; importing into an existing one adds what it "
                         "does not hold yet (a filing already there is recognised by its content and skipped)."));

  format_ = new QComboBox(this);
  for (const auto& entry : corpus::kImportFormatNames)
    format_->addItem(
        QStringLiteral("%1 - %2").arg(QLatin1String(entry.name.data(), qsizetype(entry.name.size())),
                                      QLatin1String(entry.description.data(), qsizetype(entry.description.size()))),
        QVariant::fromValue(static_cast<int>(entry.value)));
  format_->setToolTip(tr("How the files are read. Automatic looks at each file's name and first bytes."));

  maxTokens_ = new QSpinBox(this);
  maxTokens_->setRange(16, 8192);
  maxTokens_->setValue(defaults.chunking.maxTokens);
  maxTokens_->setToolTip(tr("Token budget of one passage (estimated tokens); longer sections are cut at sentence "
                            "ends. Default %1.")
                             .arg(defaults.chunking.maxTokens));
  overlap_ = new QSpinBox(this);
  overlap_->setRange(0, 4096);
  overlap_->setValue(defaults.chunking.overlapTokens);
  overlap_->setToolTip(tr("Tokens of a passage repeated at the start of the next one of the same section, so a "
                          "sentence cut at the edge is whole in one of them. Default %1.")
                           .arg(defaults.chunking.overlapTokens));
  chunkBeir_ = new QCheckBox(tr("Cut BEIR records into passages too"), this);
  chunkBeir_->setToolTip(tr("BEIR records stay one passage each by default, since their qrels name whole records."));
  indexTitles_ = new QCheckBox(tr("Index each passage with its document's title"), this);
  indexTitles_->setChecked(defaults.indexTitles);
  indexTitles_->setToolTip(tr("BM25 and the student read the title line before the passage (a new corpus only)."));

  jsonlFields_ = new QGroupBox(tr("JSONL fields (dotted paths reach into objects)"), this);
  auto* fields = new QFormLayout(jsonlFields_);
  const corpus::JsonlFieldMapping mapping;
  for (const auto& [name, label, value] : std::initializer_list<std::tuple<QString, QString, std::string>>{
           {QStringLiteral("id"), tr("Record id:"), mapping.id},
           {QStringLiteral("text"), tr("Text:"), mapping.text},
           {QStringLiteral("title"), tr("Title:"), mapping.title},
           {QStringLiteral("filing_type"), tr("Filing type:"), mapping.filingType},
           {QStringLiteral("company"), tr("Company:"), mapping.company},
           {QStringLiteral("period"), tr("Period:"), mapping.period}}) {
    auto* edit = new QLineEdit(QString::fromStdString(value), jsonlFields_);
    fields->addRow(label, edit);
    fieldEdits_.append({name, edit});
    connect(edit, &QLineEdit::textChanged, this, &ImportDialog::validate);
  }

  problem_ = new QLabel(this);
  problem_->setWordWrap(true);
  problem_->setStyleSheet(QStringLiteral("color: #b00020"));
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("&Import"));
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* form = new QFormLayout;
  form->addRow(tr("&Corpus:"), corpus_);
  form->addRow(tr("F&ormat:"), format_);
  form->addRow(tr("Passage &size (tokens):"), maxTokens_);
  form->addRow(tr("O&verlap (tokens):"), overlap_);
  form->addRow(QString(), chunkBeir_);
  form->addRow(QString(), indexTitles_);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("Files and folders (a folder is read with everything under it):"), this));
  layout->addLayout(pathRow);
  layout->addLayout(form);
  layout->addWidget(jsonlFields_);
  layout->addWidget(problem_);
  layout->addWidget(buttons_);

  connect(corpus_, &QComboBox::currentTextChanged, this, &ImportDialog::validate);
  connect(format_, &QComboBox::currentIndexChanged, this, &ImportDialog::validate);
  connect(maxTokens_, &QSpinBox::valueChanged, this, &ImportDialog::validate);
  connect(overlap_, &QSpinBox::valueChanged, this, &ImportDialog::validate);
  validate();
}

void ImportDialog::addPaths(const QStringList& paths) {
  for (const QString& path : paths)
    if (paths_->findItems(path, Qt::MatchExactly).isEmpty())
      paths_->addItem(path);
  suggestName();
  validate();
}

void ImportDialog::suggestName() {
  // The first path names the corpus, as the CLI's users name theirs, until the user types a name of their own.
  const QString current = corpus_->currentText().trimmed();
  if (!current.isEmpty() && current != suggestedName_)
    return;
  suggestedName_ = paths_->count() > 0 ? QFileInfo(paths_->item(0)->text()).completeBaseName() : QString();
  corpus_->setCurrentText(suggestedName_);
}

QStringList ImportDialog::paths() const {
  QStringList out;
  for (int i = 0; i < paths_->count(); ++i)
    out << paths_->item(i)->text();
  return out;
}

QLineEdit* ImportDialog::jsonlField(const QString& name) const {
  for (const auto& [field, edit] : fieldEdits_)
    if (field == name)
      return edit;
  return nullptr;
}

corpus::ImportOptions ImportDialog::options() const {
  corpus::ImportOptions options;
  options.corpusName = corpus_->currentText().trimmed().toStdString();
  options.format = static_cast<corpus::ImportFormat>(format_->currentData().toInt());
  options.chunking.maxTokens = maxTokens_->value();
  options.chunking.overlapTokens = overlap_->value();
  options.chunkBeirRecords = chunkBeir_->isChecked();
  options.indexTitles = indexTitles_->isChecked();
  const auto field = [this](const char* name) {
    return jsonlField(QLatin1String(name))->text().trimmed().toStdString();
  };
  options.jsonlFields = {field("id"),          field("text"),    field("title"),
                         field("filing_type"), field("company"), field("period")};
  return options;
}

QString ImportDialog::problem() const {
  if (paths_->count() == 0)
    return tr("Add the files or folders to import.");
  for (const QString& path : paths())
    if (!QFileInfo::exists(path))
      return tr("%1 does not exist.").arg(path);
  if (corpus_->currentText().trimmed().isEmpty())
    return tr("Name the corpus.");
  if (overlap_->value() >= maxTokens_->value())
    return tr("Overlap (tokens) must be smaller than Passage size (tokens).");
  const auto format = static_cast<corpus::ImportFormat>(format_->currentData().toInt());
  if (format == corpus::ImportFormat::Jsonl && jsonlField(QStringLiteral("text"))->text().trimmed().isEmpty())
    return tr("JSONL fields: Text must name the field that holds the text.");
  return {};
}

void ImportDialog::validate() {
  const auto format = static_cast<corpus::ImportFormat>(format_->currentData().toInt());
  // The mapping matters only where generic JSON lines may be read.
  jsonlFields_->setEnabled(format == corpus::ImportFormat::Jsonl || format == corpus::ImportFormat::Auto);
  const QString why = problem();
  problem_->setText(why);
  problem_->setVisible(!why.isEmpty());
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

void ImportDialog::chooseFiles() {
  addPaths(QFileDialog::getOpenFileNames(this, tr("Add corpus files"), QString(),
                                         tr("Corpus files (*.json *.jsonl *.txt *.htm *.html);;All files (*)")));
}

void ImportDialog::chooseFolder() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Add a corpus folder"));
  if (!dir.isEmpty())
    addPaths({dir});
}

} // namespace distillery::ui
