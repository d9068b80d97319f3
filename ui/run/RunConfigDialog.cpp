#include "ui/run/RunConfigDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/corpus/CorpusRepository.h"
#include "core/model/EncoderFactory.h"
#include "core/pipeline/RunConfig.h"
#include "core/pipeline/RunEstimate.h"
#include "core/pipeline/RunRepository.h"
#include "core/store/Store.h"
#include "ui/settings/AppSettings.h"

namespace distillery::ui {

RunConfigDialog::RunConfigDialog(store::Store& store, const AppSettings& defaults, QWidget* parent)
    : QDialog(parent), store_(store) {
  setWindowTitle(tr("New distillation run"));
  const pipeline::RunConfig d = defaults.runDefaults();
  teacher_ = d.teacher;

  name_ = new QLineEdit(tr("run %1").arg(pipeline::listRuns(store).size() + 1), this);
  corpus_ = new QComboBox(this);
  for (const auto& corpus : corpus::listCorpora(store))
    corpus_->addItem(tr("%1 (%2 passages)").arg(QString::fromStdString(corpus.name)).arg(corpus.passages),
                     qlonglong(corpus.id));
  student_ = new QLineEdit(QString::fromStdString(d.student), this);
  const auto spin = [this](int lo, int hi, int value) {
    auto* box = new QSpinBox(this);
    box->setRange(lo, hi);
    box->setValue(value);
    return box;
  };
  const auto real = [this](double lo, double hi, double value, int decimals) {
    auto* box = new QDoubleSpinBox(this);
    box->setDecimals(decimals);
    box->setRange(lo, hi);
    box->setValue(value);
    box->setSingleStep(std::pow(10.0, -decimals + 1));
    return box;
  };
  rounds_ = spin(0, 50, d.rounds);
  queries_ = spin(0, 1000000, d.queriesPerRound);
  candidates_ = spin(1, 1000, d.candidatesK);
  loss_ = new QComboBox(this);
  for (const char* loss : {"listwise", "infonce", "triplet"})
    loss_->addItem(QString::fromLatin1(loss), QString::fromLatin1(loss));
  loss_->setCurrentIndex(std::max(0, loss_->findData(QString::fromStdString(pipeline::toString(d.training.loss)))));
  learningRate_ = real(0, 1, d.training.learningRate, 7);
  learningRate_->setSpecialValueText(tr("automatic")); // 0: the pipeline chooses (see RunConfig.h)
  epochs_ = spin(0, 1000, d.training.epochs);
  batch_ = spin(0, 4096, d.training.batchQueries);
  averaging_ = real(0, 1, d.training.baseWeightAveraging, 2);
  evalK_ = spin(0, 1000, d.evaluation.k);
  bm25_ = new QCheckBox(tr("also evaluate BM25 as a baseline"), this);
  bm25_->setChecked(d.evaluation.bm25Baseline);
  seed_ = spin(0, 1 << 30, int(d.seed));
  threads_ = spin(0, 256, d.threads);
  threads_->setSpecialValueText(tr("all cores"));
  auto* types = new QHBoxLayout;
  for (const std::string type : {"question", "claim", "keyword", "title"}) {
    auto* box = new QCheckBox(QString::fromStdString(type), this);
    box->setChecked(std::find(d.queryTypes.begin(), d.queryTypes.end(), type) != d.queryTypes.end());
    queryTypes_ << box;
    types->addWidget(box);
  }

  queryTypesRow_ = types;
  teacherLabel_ = new QLabel(
      QString::fromStdString(teacher_.value("kind", std::string("heuristic"))) + tr(" (change in Settings)"), this);

  // What each field does and its built-in default (RunConfig's, which `distillery-cli run` uses without a config).
  const pipeline::RunConfig builtIn;
  const auto explain = [](QWidget* field, const QString& what, const QString& byDefault) {
    field->setToolTip(tr("%1\nDefault: %2").arg(what, byDefault));
  };
  explain(name_, tr("A name for the run in lists, charts and the report."), tr("run N"));
  explain(corpus_, tr("The corpus whose passages the teacher writes queries for and the student learns to retrieve."),
          tr("the first corpus"));
  explain(student_,
          tr("The model to adapt: \"default\" (the embedded student), a model directory (Hugging Face BERT export) "
             "or model:<id> (a stored model, e.g. another run's last round)."),
          QString::fromStdString(builtIn.student));
  explain(rounds_, tr("Rounds of synthesise, retrieve, judge, mine, train and evaluate after round 0 (the baseline)."),
          QString::number(builtIn.rounds));
  explain(queries_, tr("Queries the teacher writes per round, from passages sampled across filing types."),
          QString::number(builtIn.queriesPerRound));
  explain(candidates_,
          tr("Passages the student retrieves per query and the teacher then grades: the pool mined pairs "
             "come from."),
          QString::number(builtIn.candidatesK));
  explain(loss_,
          tr("listwise: distil the teacher's grades over each query's list (RankGPT style); infonce: contrast "
             "positives with in-batch and mined negatives; triplet: margin between a positive and a negative."),
          QString::fromStdString(pipeline::toString(builtIn.training.loss)));
  explain(learningRate_, tr("The optimiser's step size; automatic picks it by the kind of student."),
          tr("automatic: 1e-3 for the default student, 2e-5 for a pretrained model directory"));
  explain(epochs_,
          tr("Passes over a round's training queries; training stops earlier when the dev queries stop "
             "improving."),
          QString::number(builtIn.training.epochs));
  explain(batch_, tr("Queries per optimiser step (each with its list of passages)."),
          QString::number(builtIn.training.batchQueries));
  explain(averaging_,
          tr("After training, blend the weights back towards the round's starting weights by this share "
             "(0: none); guards against forgetting."),
          QString::number(builtIn.training.baseWeightAveraging));
  explain(evalK_, tr("The cut-off of MRR, NDCG and Recall in every evaluation of the run."),
          QString::number(builtIn.evaluation.k));
  explain(bm25_, tr("Score BM25 on the same held-out queries in round 0, as the baseline to beat."),
          builtIn.evaluation.bm25Baseline ? tr("on") : tr("off"));
  explain(seed_, tr("Seeds the passage sampling, query synthesis and training, so a run can be repeated."),
          QString::number(builtIn.seed));
  explain(threads_, tr("CPU threads for embedding and training (0: all cores)."), tr("all cores"));
  for (QCheckBox* box : queryTypes_)
    explain(box,
            tr("Query types the teacher writes: question, claim (a statement the passage supports), keyword, "
               "title (a heading it could stand under)."),
            tr("all four"));

  auto* form = new QFormLayout;
  form_ = form;
  form->addRow(tr("Name:"), name_);
  form->addRow(tr("Corpus:"), corpus_);
  form->addRow(tr("Student:"), student_);
  form->addRow(tr("Teacher:"), teacherLabel_);
  form->addRow(tr("Rounds:"), rounds_);
  form->addRow(tr("Queries per round:"), queries_);
  form->addRow(tr("Query types:"), types);
  form->addRow(tr("Candidates per query:"), candidates_);
  form->addRow(tr("Loss:"), loss_);
  form->addRow(tr("Learning rate:"), learningRate_);
  form->addRow(tr("Epochs:"), epochs_);
  form->addRow(tr("Queries per batch:"), batch_);
  form->addRow(tr("Average with base weights:"), averaging_);
  form->addRow(tr("Evaluate @k:"), evalK_);
  form->addRow(QString(), bm25_);
  form->addRow(tr("Seed:"), seed_);
  form->addRow(tr("Threads:"), threads_);
  stepByStep_ = new QCheckBox(tr("Step by step: pause after each step to inspect it (Next step goes on)"), this);
  stepByStep_->setToolTip(tr("%1\nDefault: %2")
                              .arg(tr("Start the run paused after its first step; Next step (F8) then runs one step "
                                      "at a time."),
                                   tr("off")));
  form->addRow(QString(), stepByStep_);

  estimate_ = new QLabel(this);
  estimate_->setWordWrap(true);
  estimate_->setObjectName(QStringLiteral("runEstimate"));
  message_ = new QLabel(this);
  message_->setWordWrap(true);
  message_->setStyleSheet(QStringLiteral("color:#b00"));
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("Start run"));
  connect(buttons_, &QDialogButtonBox::accepted, this, &RunConfigDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(estimate_);
  layout->addWidget(message_);
  layout->addWidget(buttons_);

  for (QSpinBox* box : {rounds_, queries_, candidates_, epochs_, batch_, evalK_, seed_, threads_})
    connect(box, &QSpinBox::valueChanged, this, &RunConfigDialog::validate);
  for (QDoubleSpinBox* box : {learningRate_, averaging_})
    connect(box, &QDoubleSpinBox::valueChanged, this, &RunConfigDialog::validate);
  for (QCheckBox* box : queryTypes_)
    connect(box, &QCheckBox::toggled, this, &RunConfigDialog::validate);
  connect(student_, &QLineEdit::textChanged, this, &RunConfigDialog::validate);
  connect(corpus_, &QComboBox::currentIndexChanged, this, &RunConfigDialog::validate);
  validate();
}

nlohmann::json RunConfigDialog::buildJson() const {
  nlohmann::json j = pipeline::toJson(pipeline::RunConfig{});
  j["student"] = student_->text().trimmed().toStdString();
  j["teacher"] = teacher_;
  j["rounds"] = rounds_->value();
  j["queries_per_round"] = queries_->value();
  nlohmann::json types = nlohmann::json::array();
  for (const QCheckBox* box : queryTypes_)
    if (box->isChecked())
      types.push_back(box->text().toStdString());
  j["query_types"] = types;
  j["k"] = candidates_->value();
  j["training"]["loss"] = loss_->currentData().toString().toStdString();
  j["training"]["learning_rate"] = learningRate_->value();
  j["training"]["epochs"] = epochs_->value();
  j["training"]["batch_queries"] = batch_->value();
  j["training"]["base_weight_averaging"] = averaging_->value();
  j["evaluation"]["k"] = evalK_->value();
  j["evaluation"]["bm25_baseline"] = bm25_->isChecked();
  j["seed"] = seed_->value();
  j["threads"] = threads_->value();
  return j;
}

QString RunConfigDialog::labelOf(QObject* field) const {
  QWidget* label = nullptr;
  if (auto* widget = qobject_cast<QWidget*>(field))
    label = form_->labelForField(widget);
  else if (auto* layout = qobject_cast<QLayout*>(field))
    label = form_->labelForField(layout);
  auto* text = qobject_cast<QLabel*>(label);
  if (!text)
    return {};
  QString shown = text->text().remove(QLatin1Char('&')).trimmed();
  if (shown.endsWith(QLatin1Char(':')))
    shown.chop(1);
  return shown;
}

QString RunConfigDialog::labelOfKey(const std::string& key) const {
  const std::map<std::string, QObject*> fields = {
      {"student", student_},
      {"teacher", teacherLabel_},
      {"rounds", rounds_},
      {"queries_per_round", queries_},
      {"query_types", queryTypesRow_},
      {"k", candidates_},
      {"training.loss", loss_},
      {"training.learning_rate", learningRate_},
      {"training.epochs", epochs_},
      {"training.batch_queries", batch_},
      {"training.base_weight_averaging", averaging_},
      {"evaluation.k", evalK_},
      {"seed", seed_},
      {"threads", threads_},
  };
  if (key == "evaluation.bm25_baseline")
    return bm25_->text();
  const auto it = fields.find(key);
  return it == fields.end() ? QString() : labelOf(it->second);
}

QString RunConfigDialog::describeConfigError(const QString& what) const {
  static const QRegularExpression field(QStringLiteral("field '([^']+)' (.*)$"),
                                        QRegularExpression::DotMatchesEverythingOption);
  const QRegularExpressionMatch match = field.match(what);
  if (match.hasMatch()) {
    const QString label = labelOfKey(match.captured(1).toStdString());
    if (!label.isEmpty())
      return tr("%1: %2").arg(label, match.captured(2));
  }
  return what;
}

QString RunConfigDialog::studentProblem(const QString& spec) const {
  if (spec == QLatin1String("default"))
    return {};
  if (spec.startsWith(QLatin1String("model:"))) {
    bool number = false;
    const qlonglong id = spec.mid(6).toLongLong(&number);
    if (!number)
      return tr("\"%1\" is not a stored model; write model:<id> with the model's number").arg(spec);
    for (const model::StoredModel& stored : model::listModels(store_))
      if (stored.id == id) {
        const QString path = QString::fromStdString(stored.path);
        if (path.isEmpty() || !model::isModelDirectory(path.toStdString()))
          return tr("model %1 points to %2, which no longer holds a model")
              .arg(id)
              .arg(path.isEmpty() ? tr("(no directory)") : path);
        return {};
      }
    return tr("the experiment has no model %1").arg(id);
  }
  if (!QFileInfo(spec).isDir())
    return tr("%1 is neither \"default\", model:<id> nor an existing model directory").arg(spec);
  if (!model::isModelDirectory(spec.toStdString()))
    return tr("%1 holds no model (config.json and model.safetensors)").arg(spec);
  return {};
}

std::int64_t RunConfigDialog::passageCount(bool fresh) {
  const std::int64_t id = corpusId();
  auto it = passages_.find(id);
  if (fresh || it == passages_.end())
    it = passages_.insert_or_assign(id, corpus::countPassages(store_, id)).first;
  return it->second;
}

QString RunConfigDialog::problem(bool freshCounts) {
  if (corpus_->count() == 0)
    return tr("The experiment has no corpus yet: import one first (File > Import corpus).");
  try {
    if (passageCount(freshCounts) == 0)
      return tr("%1: the corpus has no passages; import documents into it first (File > Import corpus).")
          .arg(labelOf(corpus_));
    try {
      pipeline::parseRunConfig(buildJson(), "run dialog");
    } catch (const std::exception& e) {
      return describeConfigError(QString::fromUtf8(e.what()));
    }
    if (const QString student = studentProblem(student_->text().trimmed()); !student.isEmpty())
      return tr("%1: %2").arg(labelOf(student_), student);
    const std::int64_t passages = passageCount(false);
    if (queries_->value() > passages)
      return tr("%1: %2 is more than the corpus has passages (%3).")
          .arg(labelOf(queries_))
          .arg(queries_->value())
          .arg(passages);
  } catch (const std::exception& e) { // the experiment could not be read
    return QString::fromUtf8(e.what());
  }
  return {};
}

namespace {

QString approximateDuration(double seconds) {
  if (seconds < 90)
    return RunConfigDialog::tr("%1 s").arg(qRound(seconds));
  if (seconds < 5400)
    return RunConfigDialog::tr("%1 min").arg(qRound(seconds / 60));
  return RunConfigDialog::tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

QString approximateTokens(std::int64_t tokens) {
  if (tokens >= 1000000)
    return RunConfigDialog::tr("%1 M").arg(QLocale().toString(double(tokens) / 1e6, 'f', 1));
  return QLocale().toString(qlonglong(tokens));
}

QString money(double cost) {
  return QStringLiteral("$") + QLocale().toString(cost, 'f', 2);
}

} // namespace

void RunConfigDialog::updateEstimate() {
  estimate_->clear();
  estimate_->setToolTip({});
  if (!valid_)
    return;
  try {
    const std::int64_t id = corpusId();
    auto it = statistics_.find(id);
    if (it == statistics_.end())
      it = statistics_.emplace(id, pipeline::estimateStatistics(store_, id)).first;
    const pipeline::RunConfig config = pipeline::parseRunConfig(buildJson(), "run dialog");
    const pipeline::RunEstimate e =
        pipeline::estimateRun(config, it->second, teacher::TeacherConfig::fromJson(config.teacher));
    const pipeline::RoundEstimate& round = e.typicalRound();
    const QString calls = QLocale().toString(qlonglong(round.teacherCalls()));
    QString perRound, total;
    if (e.teacherIsLocal) {
      perRound = tr("Per round: ~%1 teacher calls (the heuristic teacher runs here: no server, no cost)").arg(calls);
      total = tr("%n round(s) and the baseline ≈ %1 (rough)", nullptr, config.rounds)
                  .arg(approximateDuration(e.total.seconds()));
    } else if (e.priced) {
      perRound = tr("Per round: ~%1 teacher calls, ~%2 tokens, ~%3")
                     .arg(calls, approximateTokens(round.tokens()), money(round.cost));
      total = tr("%n round(s) and the baseline ≈ %1, ~%2 (rough; calls are an upper bound)", nullptr, config.rounds)
                  .arg(money(e.total.cost), approximateDuration(e.total.seconds()));
    } else {
      perRound = tr("Per round: ~%1 teacher calls, ~%2 tokens, cost unknown (no prices set in the teacher settings)")
                     .arg(calls, approximateTokens(round.tokens()));
      total =
          tr("%n round(s) and the baseline: ~%1 tokens, ~%2 (rough; calls are an upper bound)", nullptr, config.rounds)
              .arg(approximateTokens(e.total.tokens()), approximateDuration(e.total.seconds()));
    }
    estimate_->setText(perRound + QStringLiteral("; ") + total);
    QStringList assumptions;
    for (const std::string& line : e.assumptions)
      assumptions << QString::fromStdString(line);
    estimate_->setToolTip(assumptions.join(QLatin1Char('\n')));
  } catch (const std::exception& e) { // e.g. an unreadable prompt template: the run would fail the same way
    estimate_->setText(tr("No estimate: %1").arg(QString::fromUtf8(e.what())));
  }
}

void RunConfigDialog::validate() {
  const QString found = problem(false);
  valid_ = found.isEmpty();
  message_->setText(found);
  updateEstimate();
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(valid_);
  if (isVisible() && layout()->hasHeightForWidth()) { // a long message wraps: grow so all of it shows
    layout()->activate();
    const int needed = layout()->totalHeightForWidth(width());
    if (needed > height())
      resize(width(), needed);
  }
}

void RunConfigDialog::accept() {
  // Counted afresh: an import may have changed the corpus while the dialog was open.
  const QString found = problem(true);
  valid_ = found.isEmpty();
  message_->setText(found);
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(valid_);
  if (valid_)
    QDialog::accept();
}

QString RunConfigDialog::validationMessage() const {
  return message_->text();
}

nlohmann::json RunConfigDialog::config() const {
  return pipeline::toJson(pipeline::parseRunConfig(buildJson(), "run dialog"));
}

bool RunConfigDialog::stepByStep() const {
  return stepByStep_->isChecked();
}

std::int64_t RunConfigDialog::corpusId() const {
  return corpus_->currentData().toLongLong();
}

QString RunConfigDialog::runName() const {
  return name_->text().trimmed();
}

} // namespace distillery::ui
