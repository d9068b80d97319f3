#include "ui/inspect/PairInspector.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "core/corpus/CorpusRepository.h"
#include "core/pipeline/HardExampleMiner.h"
#include "core/pipeline/RunRepository.h"
#include "core/store/Store.h"
#include "core/teacher/JudgmentCache.h"

namespace distillery::ui {
namespace {

QString qstr(const std::string& s) {
  return QString::fromStdString(s);
}

QStringList contentWords(const QString& query) {
  static const QSet<QString> stop{QStringLiteral("the"),  QStringLiteral("and"),   QStringLiteral("for"),
                                  QStringLiteral("was"),  QStringLiteral("were"),  QStringLiteral("what"),
                                  QStringLiteral("why"),  QStringLiteral("how"),   QStringLiteral("did"),
                                  QStringLiteral("does"), QStringLiteral("there"), QStringLiteral("which"),
                                  QStringLiteral("with"), QStringLiteral("that"),  QStringLiteral("this"),
                                  QStringLiteral("from"), QStringLiteral("its"),   QStringLiteral("are")};
  static const QRegularExpression nonWord(QStringLiteral("[^\\w]+"));
  QStringList words;
  for (const QString& w : query.toLower().split(nonWord, Qt::SkipEmptyParts))
    if (w.size() >= 3 && !stop.contains(w) && !words.contains(w))
      words << w;
  return words;
}

QString draftNoteText() {
  return PairInspector::tr("Note not stored yet: a note is kept with your grade, so grade this pair (0-3) to store it");
}

} // namespace

QString highlightQueryTerms(const QString& text, const QString& query) {
  const QStringList words = contentWords(query);
  if (words.isEmpty())
    return text.toHtmlEscaped();
  QStringList escaped;
  for (const QString& w : words)
    escaped << QRegularExpression::escape(w);
  // Whole words and their inflections (revenue -> revenues), case-insensitive.
  const QRegularExpression pattern(QStringLiteral("\\b(%1)\\w*").arg(escaped.join(QLatin1Char('|'))),
                                   QRegularExpression::CaseInsensitiveOption |
                                       QRegularExpression::UseUnicodePropertiesOption);
  QString html;
  qsizetype last = 0;
  for (auto it = pattern.globalMatch(text); it.hasNext();) {
    const QRegularExpressionMatch m = it.next();
    html += text.mid(last, m.capturedStart() - last).toHtmlEscaped();
    html += QStringLiteral("<b style=\"background:#ffe680\">%1</b>").arg(m.captured().toHtmlEscaped());
    last = m.capturedEnd();
  }
  html += text.mid(last).toHtmlEscaped();
  return html;
}

PairInspector::PairInspector(QWidget* parent) : QWidget(parent) {
  run_ = new QComboBox(this);
  round_ = new QComboBox(this);
  kind_ = new QComboBox(this);
  kind_->addItem(tr("any kind"), QString());
  for (const auto& kind : pipeline::kMinedKindNames) // core's one list: every kind a miner writes
    kind_->addItem(minedKindLabel(std::string(kind.name)), QString::fromUtf8(kind.name.data(), int(kind.name.size())));
  grade_ = new QComboBox(this);
  grade_->addItem(tr("any grade"), -1);
  for (int g = 0; g < eval::kGradeLevels; ++g)
    grade_->addItem(tr("grade %1").arg(g), g);
  filingType_ = new QComboBox(this);
  disagreement_ = new QCheckBox(tr("Human ≠ teacher"), this);
  unlabelled_ = new QCheckBox(tr("Unlabelled"), this);

  auto* filters = new QHBoxLayout;
  filters->addWidget(new QLabel(tr("Run:"), this));
  filters->addWidget(run_);
  filters->addWidget(new QLabel(tr("Round:"), this));
  filters->addWidget(round_);
  for (QWidget* w : std::initializer_list<QWidget*>{kind_, grade_, filingType_, disagreement_, unlabelled_})
    filters->addWidget(w);
  filters->addStretch(1);

  model_ = new MinedExampleModel(this);
  table_ = new QTableView(this);
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setWordWrap(false);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
  table_->setColumnWidth(MinedExampleModel::Query, 260);
  table_->setColumnWidth(MinedExampleModel::Passage, 320);
  for (int c = MinedExampleModel::TeacherGrade; c <= MinedExampleModel::ScoreAfter; ++c)
    table_->setColumnWidth(c, 80);
  table_->horizontalHeader()->setStretchLastSection(true);

  queryView_ = new QTextBrowser(this);
  passageView_ = new QTextBrowser(this);
  teacher_ = new QTextBrowser(this);
  auto* sideBySide = new QSplitter(Qt::Horizontal, this);
  sideBySide->addWidget(queryView_);
  sideBySide->addWidget(passageView_);
  sideBySide->addWidget(teacher_);
  sideBySide->setStretchFactor(0, 1);
  sideBySide->setStretchFactor(1, 2);
  sideBySide->setStretchFactor(2, 1);

  note_ = new QLineEdit(this);
  note_->setPlaceholderText(tr("Note on this pair (saved when you leave the field or grade)"));
  labelStatus_ = new QLabel(this);
  auto* labelBar = new QHBoxLayout;
  labelBar->addWidget(new QLabel(tr("Human grade:"), this));
  for (int g = 0; g < eval::kGradeLevels; ++g) {
    auto* button = new QPushButton(QString::number(g), this);
    button->setToolTip(tr("Grade %1 (key %1)").arg(g));
    button->setFixedWidth(36);
    connect(button, &QPushButton::clicked, this, [this, g] { labelCurrent(g); });
    labelBar->addWidget(button);
  }
  labelBar->addWidget(note_, 1);
  auto* previous = new QPushButton(tr("◀ Previous (P)"), this);
  auto* next = new QPushButton(tr("Next (N) ▶"), this);
  connect(previous, &QPushButton::clicked, this, &PairInspector::selectPrevious);
  connect(next, &QPushButton::clicked, this, &PairInspector::selectNext);
  auto* playground = new QPushButton(tr("Open in playground"), this);
  playground->setToolTip(tr("See what the students before and after this round retrieve for the pair's query"));
  connect(playground, &QPushButton::clicked, this, [this] {
    if (!shownQueryText_.isEmpty())
      emit queryOpenRequested(shownQueryText_, round_->currentData().toLongLong());
  });
  labelBar->addWidget(previous);
  labelBar->addWidget(next);
  labelBar->addWidget(playground);
  labelBar->addWidget(labelStatus_);

  auto* detail = new QWidget(this);
  auto* detailLayout = new QVBoxLayout(detail);
  detailLayout->setContentsMargins(0, 0, 0, 0);
  detailLayout->addWidget(sideBySide, 1);
  detailLayout->addLayout(labelBar);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(table_);
  splitter->addWidget(detail);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(filters);
  layout->addWidget(splitter, 1);

  // Keys 0-3 grade, N/P step; a text field with focus keeps its digits (it overrides shortcuts).
  for (int g = 0; g < eval::kGradeLevels; ++g) {
    auto* key = new QShortcut(QKeySequence(Qt::Key_0 + g), this);
    key->setContext(Qt::WidgetWithChildrenShortcut);
    connect(key, &QShortcut::activated, this, [this, g] { labelCurrent(g); });
  }
  auto* nextKey = new QShortcut(QKeySequence(Qt::Key_N), this);
  nextKey->setContext(Qt::WidgetWithChildrenShortcut);
  connect(nextKey, &QShortcut::activated, this, &PairInspector::selectNext);
  auto* previousKey = new QShortcut(QKeySequence(Qt::Key_P), this);
  previousKey->setContext(Qt::WidgetWithChildrenShortcut);
  connect(previousKey, &QShortcut::activated, this, &PairInspector::selectPrevious);

  connect(run_, &QComboBox::currentIndexChanged, this, &PairInspector::fillRounds);
  connect(round_, &QComboBox::currentIndexChanged, this, &PairInspector::applyFilter);
  for (QComboBox* box : {kind_, grade_, filingType_})
    connect(box, &QComboBox::currentIndexChanged, this, &PairInspector::applyFilter);
  for (QCheckBox* box : {disagreement_, unlabelled_})
    connect(box, &QCheckBox::toggled, this, &PairInspector::applyFilter);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { showPair(current.isValid() ? current.row() : -1); });
  connect(note_, &QLineEdit::editingFinished, this, &PairInspector::saveNote);
  setStore(nullptr);
}

QString PairInspector::labelStatusText() const {
  return labelStatus_->text();
}

void PairInspector::setStore(store::Store* store) {
  const QString path = store ? QString::fromStdString(store->path().string()) : QString();
  if (path != draftsExperiment_) { // another experiment: its pairs are other pairs
    draftNotes_.clear();
    draftsExperiment_ = path;
  }
  store_ = store;
  model_->setStore(store);
  refresh();
}

void PairInspector::refresh() {
  setEnabled(store_ != nullptr);
  {
    const QSignalBlocker block(filingType_);
    const QString current = filingType_->currentData().toString();
    filingType_->clear();
    filingType_->addItem(tr("any filing type"), QString());
    if (store_) {
      for (const std::string& type : corpus::listFilingTypes(*store_))
        filingType_->addItem(qstr(type), qstr(type));
    }
    filingType_->setCurrentIndex(std::max(0, filingType_->findData(current)));
  }
  fillRuns();
}

void PairInspector::fillRuns() {
  const qlonglong current = run_->currentData().toLongLong();
  {
    const QSignalBlocker block(run_);
    run_->clear();
    if (store_) {
      for (const auto& run : pipeline::listRuns(*store_))
        run_->addItem(tr("#%1 %2 (%3)").arg(run.id).arg(qstr(run.name), qstr(run.status)), qlonglong(run.id));
    }
    // The newest run with mined pairs by default (the newest may have failed before mining), else the newest.
    int index = run_->findData(current);
    for (int i = run_->count() - 1; index < 0 && i >= 0; --i)
      if (!pipeline::roundsWithMinedPairs(*store_, run_->itemData(i).toLongLong()).empty())
        index = i;
    run_->setCurrentIndex(index >= 0 ? index : run_->count() - 1);
  }
  fillRounds();
}

void PairInspector::fillRounds() {
  const qlonglong current = round_->currentData().toLongLong();
  // On the latest round, stay on the latest as a run adds rounds (step by step, the round being inspected).
  const bool followLatest = round_->currentIndex() < 0 || round_->currentIndex() == round_->count() - 1;
  {
    const QSignalBlocker block(round_);
    round_->clear();
    if (store_) {
      for (const auto& round :
           pipeline::roundsWithMinedPairs(*store_, static_cast<std::int64_t>(run_->currentData().toLongLong())))
        round_->addItem(tr("round %1 (%2 pairs)").arg(round.roundIndex).arg(round.minedPairs),
                        qlonglong(round.roundId));
    }
    const int index = followLatest ? -1 : round_->findData(current);
    round_->setCurrentIndex(index >= 0 ? index : round_->count() - 1);
  }
  applyFilter();
}

void PairInspector::selectRound(std::int64_t roundId) {
  if (!store_)
    return;
  const std::int64_t runId = pipeline::runOfRound(*store_, roundId).value_or(0);
  run_->setCurrentIndex(run_->findData(qlonglong(runId)));
  round_->setCurrentIndex(round_->findData(qlonglong(roundId)));
}

void PairInspector::applyFilter() {
  PairFilter f;
  f.roundId = round_->currentData().toLongLong();
  f.kind = kind_->currentData().toString();
  f.grade = grade_->currentData().toInt();
  f.filingType = filingType_->currentData().toString();
  f.disagreementOnly = disagreement_->isChecked();
  f.unlabelledOnly = unlabelled_->isChecked();
  model_->setFilter(f);
  if (model_->rowCount() > 0) {
    selectRow(0);
    return;
  }
  showPair(-1);
  // Say why the panes are empty instead of leaving them blank.
  if (!store_)
    return;
  if (run_->count() == 0)
    queryView_->setHtml(tr("<p style=\"color:gray\">No runs yet: a run's mined pairs appear here once it has mined "
                           "(the fourth step of each round).</p>"));
  else if (round_->count() == 0)
    queryView_->setHtml(tr("<p style=\"color:gray\">Run %1 has no mined pairs: it stopped before mining (the fourth "
                           "step of each round). Choose another run, or resume this one.</p>")
                            .arg(run_->currentText().toHtmlEscaped()));
  else
    queryView_->setHtml(tr("<p style=\"color:gray\">No pair of this round matches the filters.</p>"));
}

int PairInspector::currentRow() const {
  return table_->currentIndex().isValid() ? table_->currentIndex().row() : -1;
}

void PairInspector::selectRow(int row) {
  if (row < 0)
    return;
  while (row >= model_->rowCount() && model_->canFetchMore())
    model_->fetchMore();
  if (row >= model_->rowCount())
    return;
  table_->setCurrentIndex(model_->index(row, 0));
  table_->scrollTo(model_->index(row, 0));
}

void PairInspector::selectNext() {
  saveNote();
  selectRow(currentRow() + 1);
}

void PairInspector::selectPrevious() {
  saveNote();
  selectRow(std::max(0, currentRow() - 1));
}

void PairInspector::showPair(int row) {
  shownQuery_ = model_->queryIdAt(row);
  shownPassage_ = model_->passageIdAt(row);
  shownQueryText_.clear();
  queryView_->clear();
  passageView_->clear();
  teacher_->clear();
  note_->clear();
  labelStatus_->clear();
  if (!store_ || shownQuery_ == 0)
    return;
  try {
    const auto pair = corpus::loadQueryPassagePair(*store_, shownQuery_, shownPassage_);
    if (!pair)
      return;
    const QString query = qstr(pair->queryText);
    shownQueryText_ = query;
    queryView_->setHtml(tr("<h4>Query %1</h4><p>%2</p><p style=\"color:gray\">%3, %4</p>")
                            .arg(shownQuery_)
                            .arg(highlightQueryTerms(query, query), qstr(pair->queryType).toHtmlEscaped(),
                                 qstr(pair->queryOrigin).toHtmlEscaped()));
    passageView_->setHtml(tr("<h4>Passage %1</h4><p style=\"color:gray\">%2 · %3 · %4 · %5</p><p>%6</p>")
                              .arg(shownPassage_)
                              .arg(qstr(pair->filingType).toHtmlEscaped(), qstr(pair->company).toHtmlEscaped(),
                                   qstr(pair->period).toHtmlEscaped(), qstr(pair->section).toHtmlEscaped(),
                                   highlightQueryTerms(qstr(pair->passageText), query)));
    if (const auto j = teacher::findPairJudgment(*store_, shownQuery_, shownPassage_)) {
      const bool heuristic = j->teacherKind == "heuristic";
      teacher_->setHtml(tr("<h4>Teacher: grade %1</h4><p style=\"color:gray\">%2 %3, prompt %4, %5</p>"
                           "<p><b>Rationale:</b> %6</p><p><b>Raw response:</b></p><pre>%7</pre>")
                            .arg(j->grade ? QString::number(*j->grade) : QStringLiteral("–"))
                            .arg(heuristic ? tr("heuristic teacher") : qstr(j->teacherKind).toHtmlEscaped(),
                                 qstr(j->teacherModel).toHtmlEscaped(), qstr(j->promptVersion).toHtmlEscaped(),
                                 qstr(j->status).toHtmlEscaped(), qstr(j->rationale + j->failureReason).toHtmlEscaped(),
                                 qstr(j->rawResponse).toHtmlEscaped()));
    } else {
      teacher_->setHtml(tr("<p style=\"color:gray\">No teacher judgment stored for this pair.</p>"));
    }
    if (const auto label = loadHumanLabel(*store_, shownQuery_, shownPassage_)) {
      note_->setText(label->note);
      labelStatus_->setText(tr("labelled %1").arg(label->grade));
    } else if (const auto draft = draftNotes_.find({shownQuery_, shownPassage_}); draft != draftNotes_.end()) {
      note_->setText(*draft);
      labelStatus_->setText(draftNoteText());
    }
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromStdString(e.what()));
  }
}

void PairInspector::labelCurrent(int grade) {
  const int row = currentRow();
  if (!store_ || row < 0 || shownQuery_ == 0)
    return;
  try {
    storeHumanLabel(*store_, shownQuery_, shownPassage_, grade, note_->text());
    draftNotes_.remove({shownQuery_, shownPassage_});
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromStdString(e.what()));
    return;
  }
  const std::int64_t query = shownQuery_, passage = shownPassage_;
  model_->refreshRow(row);
  emit labelStored(query, passage, grade);
  selectRow(row + 1 < model_->rowCount() || model_->canFetchMore() ? row + 1 : row);
  if (currentRow() == row)
    showPair(row); // last pair: stay and show the stored label
}

void PairInspector::saveNote() {
  if (!store_ || shownQuery_ == 0 || !note_->isModified())
    return;
  try {
    const bool stored = storeHumanNote(*store_, shownQuery_, shownPassage_, note_->text());
    note_->setModified(false);
    if (!stored) { // not graded yet: the note waits for the grade
      if (note_->text().isEmpty())
        draftNotes_.remove({shownQuery_, shownPassage_});
      else
        draftNotes_.insert({shownQuery_, shownPassage_}, note_->text());
      labelStatus_->setText(note_->text().isEmpty() ? QString() : draftNoteText());
    }
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromStdString(e.what()));
  }
}

} // namespace distillery::ui
