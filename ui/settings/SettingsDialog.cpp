#include "ui/settings/SettingsDialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QEventLoop>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <thread>

#include "core/teacher/Teacher.h"
#include "ui/settings/ApiKeyStore.h"

namespace distillery::ui {

SettingsDialog::SettingsDialog(QWidget* parent) : QDialog(parent), keys_(new ApiKeyStore(this)) {
  setWindowTitle(tr("Settings"));
  const AppSettings s = AppSettings::load();

  kind_ = new QComboBox(this);
  kind_->addItem(tr("Heuristic teacher (offline, no LLM)"), QStringLiteral("heuristic"));
  kind_->addItem(tr("OpenAI-compatible endpoint"), QStringLiteral("openai"));
  kind_->setCurrentIndex(std::max(0, kind_->findData(s.teacherKind)));
  endpoint_ = new QLineEdit(s.teacherEndpoint, this);
  endpoint_->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080/v1"));
  model_ = new QLineEdit(s.teacherModel, this);
  model_->setPlaceholderText(QStringLiteral("gpt-4o-mini"));
  fromKeychain_ = new QRadioButton(tr("OS keychain"), this);
  fromEnvironment_ = new QRadioButton(tr("Environment variable"), this);
  (s.keySource == AppSettings::KeySource::Keychain ? fromKeychain_ : fromEnvironment_)->setChecked(true);
  apiKey_ = new QLineEdit(this);
  apiKey_->setEchoMode(QLineEdit::Password); // typed keys are never shown in clear
  apiKey_->setPlaceholderText(tr("type a new key to store it in the keychain"));
  envName_ = new QLineEdit(s.keyEnvironmentVariable, this);
  const auto price = [this](double value) {
    auto* box = new QDoubleSpinBox(this);
    box->setDecimals(5);
    box->setRange(0, 1000);
    box->setSingleStep(0.0001);
    box->setValue(value);
    box->setSpecialValueText(tr("not set"));
    box->setToolTip(tr("What the endpoint charges per 1,000 tokens; the new-run dialog estimates a run's cost "
                       "from it. Not set: the cost shows as unknown."));
    return box;
  };
  inputPrice_ = price(s.inputPricePer1k);
  outputPrice_ = price(s.outputPricePer1k);
  testButton_ = new QPushButton(tr("Test connection"), this);
  connectionStatus_ = new QLabel(this);
  connectionStatus_->setWordWrap(true);
  connectionStatus_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  connectionStatus_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::MinimumExpanding);

  auto* teacherBox = new QGroupBox(tr("Teacher"), this);
  auto* teacherForm = new QFormLayout(teacherBox);
  teacherForm->addRow(tr("Kind:"), kind_);
  teacherForm->addRow(tr("Endpoint:"), endpoint_);
  teacherForm->addRow(tr("Model:"), model_);
  auto* sourceRow = new QHBoxLayout;
  sourceRow->addWidget(fromKeychain_);
  sourceRow->addWidget(fromEnvironment_);
  teacherForm->addRow(tr("API key from:"), sourceRow);
  teacherForm->addRow(tr("API key:"), apiKey_);
  teacherForm->addRow(tr("Variable name:"), envName_);
  teacherForm->addRow(tr("Price per 1,000 prompt tokens:"), inputPrice_);
  teacherForm->addRow(tr("Price per 1,000 completion tokens:"), outputPrice_);
  // The message gets a row of its own, the whole width of the form: a refused connection explains itself at length.
  auto* testRow = new QHBoxLayout;
  testRow->addWidget(testButton_);
  testRow->addStretch(1);
  teacherForm->addRow(testRow);
  teacherForm->addRow(connectionStatus_);

  studentDir_ = new QLineEdit(s.studentModelDirectory, this);
  studentDir_->setPlaceholderText(tr("empty: the embedded default student"));
  auto* browse = new QPushButton(tr("Browse..."), this);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Student model directory"), studentDir_->text());
    if (!dir.isEmpty())
      studentDir_->setText(dir);
  });
  threads_ = new QSpinBox(this);
  threads_->setRange(0, 256);
  threads_->setSpecialValueText(tr("all cores"));
  threads_->setValue(s.threads);
  auto* studentRow = new QHBoxLayout;
  studentRow->addWidget(studentDir_, 1);
  studentRow->addWidget(browse);
  auto* studentBox = new QGroupBox(tr("Student and compute"), this);
  auto* studentForm = new QFormLayout(studentBox);
  studentForm->addRow(tr("Model directory:"), studentRow);
  studentForm->addRow(tr("Threads:"), threads_);

  const auto spin = [this](int lo, int hi, int value) {
    auto* box = new QSpinBox(this);
    box->setRange(lo, hi);
    box->setValue(value);
    return box;
  };
  rounds_ = spin(1, 20, s.defaultRounds);
  queries_ = spin(1, 100000, s.defaultQueriesPerRound);
  candidates_ = spin(2, 200, s.defaultCandidatesK);
  epochs_ = spin(1, 100, s.defaultEpochs);
  seed_ = spin(0, 1 << 30, s.defaultSeed);
  learningRate_ = new QDoubleSpinBox(this);
  learningRate_->setDecimals(7);
  learningRate_->setRange(0, 1e-2); // 0, the minimum, is "automatic" (see RunConfig.h)
  learningRate_->setSingleStep(1e-5);
  learningRate_->setSpecialValueText(tr("automatic"));
  learningRate_->setToolTip(tr("automatic: 1e-3 for the default student, 2e-5 for a pretrained model directory"));
  learningRate_->setValue(s.defaultLearningRate);
  loadedLearningRate_ = s.defaultLearningRate;
  shownLearningRate_ = learningRate_->value();
  auto* runBox = new QGroupBox(tr("Defaults for new runs"), this);
  auto* runForm = new QFormLayout(runBox);
  runForm->addRow(tr("Rounds:"), rounds_);
  runForm->addRow(tr("Queries per round:"), queries_);
  runForm->addRow(tr("Candidates per query:"), candidates_);
  runForm->addRow(tr("Learning rate:"), learningRate_);
  runForm->addRow(tr("Epochs:"), epochs_);
  runForm->addRow(tr("Seed:"), seed_);

  language_ = new QComboBox(this);
  language_->addItem(tr("System language"), QString());
  language_->addItem(QStringLiteral("English"), QStringLiteral("en"));
  language_->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
  language_->setCurrentIndex(std::max(0, language_->findData(s.language)));
  auto* languageRow = new QFormLayout;
  languageRow->addRow(tr("Language (after restart):"), language_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(teacherBox);
  layout->addWidget(studentBox);
  layout->addWidget(runBox);
  layout->addLayout(languageRow);
  layout->addWidget(buttons);

  connect(kind_, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateEnabled);
  connect(fromKeychain_, &QRadioButton::toggled, this, &SettingsDialog::updateEnabled);
  connect(testButton_, &QPushButton::clicked, this, &SettingsDialog::testConnection);
  connect(keys_, &ApiKeyStore::readFinished, this, [this](bool ok, const QString& key) {
    if (ok && !key.isEmpty()) {
      keychainKey_ = key;
      apiKey_->setPlaceholderText(tr("a key is stored in the keychain (type to replace it)"));
    }
  });
  if (s.keySource == AppSettings::KeySource::Keychain)
    keys_->read();
  updateEnabled();
}

void SettingsDialog::updateEnabled() {
  const bool remote = kind_->currentData().toString() == QLatin1String("openai");
  for (QWidget* w : std::initializer_list<QWidget*>{endpoint_, model_, fromKeychain_, fromEnvironment_, testButton_,
                                                    inputPrice_, outputPrice_})
    w->setEnabled(remote);
  apiKey_->setEnabled(remote && fromKeychain_->isChecked());
  envName_->setEnabled(remote && fromEnvironment_->isChecked());
}

AppSettings SettingsDialog::settings() const {
  AppSettings s;
  s.teacherKind = kind_->currentData().toString();
  s.teacherEndpoint = endpoint_->text().trimmed();
  s.teacherModel = model_->text().trimmed();
  s.keySource = fromKeychain_->isChecked() ? AppSettings::KeySource::Keychain : AppSettings::KeySource::Environment;
  s.keyEnvironmentVariable = envName_->text().trimmed();
  s.inputPricePer1k = inputPrice_->value();
  s.outputPricePer1k = outputPrice_->value();
  s.studentModelDirectory = studentDir_->text().trimmed();
  s.threads = threads_->value();
  s.language = language_->currentData().toString();
  s.defaultRounds = rounds_->value();
  s.defaultQueriesPerRound = queries_->value();
  s.defaultCandidatesK = candidates_->value();
  s.defaultLearningRate = learningRate_->value() == shownLearningRate_ ? loadedLearningRate_ : learningRate_->value();
  s.defaultEpochs = epochs_->value();
  s.defaultSeed = seed_->value();
  return s;
}

void SettingsDialog::accept() {
  const AppSettings s = settings();
  if (s.teacherKind == QLatin1String("openai") && s.teacherEndpoint.isEmpty()) {
    showStatus(tr("An OpenAI-compatible teacher needs an endpoint URL."));
    endpoint_->setFocus();
    return;
  }
  if (s.keySource == AppSettings::KeySource::Environment && s.teacherKind == QLatin1String("openai") &&
      s.keyEnvironmentVariable.isEmpty()) {
    showStatus(tr("Name the environment variable that holds the API key."));
    envName_->setFocus();
    return;
  }
  s.save();
  if (s.keySource == AppSettings::KeySource::Keychain && !apiKey_->text().isEmpty()) {
    const QString key = apiKey_->text();
    apiKey_->clear(); // the key leaves the widget whatever happens next
    // Wait for the keychain here: the dialog (and its pending job) must not vanish before the key is stored.
    bool stored = false;
    QString error;
    QEventLoop wait;
    connect(keys_, &ApiKeyStore::written, &wait, [&](bool ok, const QString& message) {
      stored = ok;
      error = message;
      wait.quit();
    });
    keys_->write(key);
    wait.exec();
    if (!stored) {
      showStatus(tr("Could not store the key in the OS keychain: %1").arg(error));
      fromEnvironment_->setFocus();
      return;
    }
    keychainKey_ = key;
  }
  QDialog::accept();
}

void SettingsDialog::showStatus(const QString& message) {
  connectionStatus_->setText(message);
  // A window's minimum height counts a word-wrapped label as one line: grow to the height the wrapped text needs.
  if (isVisible() && layout()->hasHeightForWidth()) {
    layout()->activate();
    const int needed = layout()->totalHeightForWidth(width());
    if (needed > height())
      resize(width(), needed);
  }
}

void SettingsDialog::testConnection() {
  const AppSettings s = settings();
  const QString typed = apiKey_->text();
  teacher::TeacherConfig config = s.teacherConfig(
      s.keySource == AppSettings::KeySource::Keychain ? (typed.isEmpty() ? keychainKey_ : typed) : QString());
  config.retry.maxAttempts = 1;
  config.timeoutSeconds = 15;
  config.concurrency = 1;
  testButton_->setEnabled(false);
  showStatus(tr("Testing..."));
  QPointer<SettingsDialog> self(this);
  // One grading request in the background; the result comes back to the GUI thread.
  std::thread([self, config] {
    bool ok = false;
    QString message;
    try {
      std::unique_ptr<teacher::Teacher> t = teacher::makeTeacher(config);
      const std::vector<teacher::Judgment> result =
          t->judge({{"What was the company's revenue?", "Revenue was $12.4 million in fiscal 2023.", {}, {}}}, {}, {});
      const teacher::Judgment& j = result.at(0);
      ok = j.ok;
      message = j.ok ? tr("Connected: %1 answered grade %2 in %3 ms.")
                           .arg(QString::fromStdString(t->model()))
                           .arg(j.grade)
                           .arg(j.latencyMs, 0, 'f', 0)
                     : tr("The endpoint did not answer usefully: %1").arg(QString::fromStdString(j.failureReason));
    } catch (const std::exception& e) {
      message = tr("Connection failed: %1").arg(QString::fromUtf8(e.what()));
    }
    QMetaObject::invokeMethod(qApp, [self, ok, message] {
      if (!self)
        return;
      self->testButton_->setEnabled(true);
      self->showStatus(message);
      emit self->connectionTested(ok, message);
    });
  }).detach();
}

} // namespace distillery::ui
