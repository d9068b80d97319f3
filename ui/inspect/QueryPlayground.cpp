#include "ui/inspect/QueryPlayground.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/corpus/CorpusRepository.h"
#include "core/eval/HumanLabels.h"
#include "core/eval/QueryChanges.h"
#include "core/index/PassageFilter.h"
#include "core/model/EncoderFactory.h"
#include "core/model/TextEncoder.h"
#include "core/store/Store.h"
#include "core/util/Error.h"

namespace distillery::ui {

namespace {

constexpr int kStoredQueriesShown = 500; // the picker lists a query set's first queries

enum TableColumn { Rank, Move, Score, Grade, FilingType, Document, Passage, ColumnCount };

QString gradeText(const eval::PassageHit& hit) {
  if (!hit.grade)
    return QObject::tr("unjudged");
  switch (hit.gradedBy) {
  case eval::HitGradeSource::Human:
    return QObject::tr("%1 (yours)").arg(*hit.grade);
  case eval::HitGradeSource::QuerySet:
    return QObject::tr("%1 (qrels)").arg(*hit.grade);
  default:
    return QObject::tr("%1 (teacher)").arg(*hit.grade);
  }
}

QString moveText(const std::optional<int>& move) {
  if (!move)
    return QObject::tr("new");
  if (*move > 0)
    return QStringLiteral("\u25B2%1").arg(*move);
  if (*move < 0)
    return QStringLiteral("\u25BC%1").arg(-*move);
  return QStringLiteral("=");
}

} // namespace

/// Owns the worker thread's store connection, the searchers (one per corpus) and the opened models; one search at a
/// time.
class PlaygroundWorker {
public:
  explicit PlaygroundWorker(std::filesystem::path storePath) : storePath_(std::move(storePath)) {}
  const std::filesystem::path& storePath() const { return storePath_; }

  PlaygroundResult search(std::int64_t corpusId, const std::string& query, const std::string& filter,
                          const std::array<std::optional<PlaygroundRetriever>, QueryPlayground::kColumns>& columns,
                          const ProgressCallback& progress) {
    const std::lock_guard lock(mutex_);
    PlaygroundResult result;
    try {
      if (!store_)
        store_ = std::make_unique<store::Store>(store::Store::open(storePath_, store::OpenMode::MustExist));
      // A corpus that gained passages since (an import into it) is read again; its indexes are built anew.
      const std::int64_t lastPassage = corpus::lastPassageId(*store_, corpusId);
      auto& searcher = searchers_[corpusId];
      if (!searcher || lastPassages_[corpusId] != lastPassage)
        searcher = std::make_unique<eval::CorpusSearcher>(*store_, corpusId);
      lastPassages_[corpusId] = lastPassage;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        if (!columns[c])
          continue;
        eval::SearchOptions options;
        options.retriever = columns[c]->kind;
        options.k = QueryPlayground::kHits;
        options.filter = index::PassageFilter::parse(filter);
        options.progress = progress;
        if (options.retriever != eval::RetrieverKind::Bm25)
          options.encoder = &encoder(columns[c]->modelId, progress);
        result.hits[c] = searcher->search(query, options);
      }
    } catch (const std::exception& e) {
      result.error = QString::fromStdString(e.what());
    }
    return result;
  }

private:
  model::TextEncoder& encoder(std::int64_t modelId, const ProgressCallback& progress) {
    auto& slot = encoders_[modelId];
    if (!slot) {
      model::EncoderContext context;
      context.store = store_.get();
      context.progress = progress;
      slot = model::openEncoder("model:" + std::to_string(modelId), context);
    }
    return *slot;
  }

  std::filesystem::path storePath_;
  std::mutex mutex_;
  std::unique_ptr<store::Store> store_;
  std::map<std::int64_t, std::unique_ptr<eval::CorpusSearcher>> searchers_;
  std::map<std::int64_t, std::int64_t> lastPassages_; // corpus -> its newest passage id when its searcher was made
  std::map<std::int64_t, std::unique_ptr<model::TextEncoder>> encoders_;
};

QueryPlayground::QueryPlayground(QWidget* parent)
    : QWidget(parent), corpus_(new QComboBox(this)), query_(new QLineEdit(this)), filter_(new QLineEdit(this)),
      searchButton_(new QPushButton(tr("Search"), this)), judgeButton_(new QPushButton(tr("Judge these"), this)),
      querySets_(new QComboBox(this)), storedQueries_(new QComboBox(this)), status_(new QLabel(this)) {
  query_->setPlaceholderText(tr("Type a query, e.g. What was Acme's revenue growth in fiscal 2023?"));
  filter_->setPlaceholderText(tr("filing_type=10-K, company=..."));
  filter_->setToolTip(tr("Restrict the passages searched, as distillery-cli eval --filter: filing_type=, company=, "
                         "document= (comma-separated)"));
  storedQueries_->setMinimumContentsLength(40);
  storedQueries_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);

  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Corpus:"), this));
  top->addWidget(corpus_);
  top->addWidget(query_, 1);
  top->addWidget(filter_);
  top->addWidget(searchButton_);
  top->addWidget(judgeButton_);
  judgeButton_->setToolTip(tr("Ask the teacher set in Settings to grade the shown hits nobody has judged yet, as a "
                              "background job; pairs it judged before are read back, not paid for again"));
  auto* pick = new QHBoxLayout;
  pick->addWidget(new QLabel(tr("Or pick a stored query:"), this));
  pick->addWidget(querySets_);
  pick->addWidget(storedQueries_, 1);

  auto* columns = new QSplitter(Qt::Horizontal, this);
  for (int c = 0; c < kColumns; ++c) {
    auto* box = new QWidget(columns);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    retrievers_[c] = new QComboBox(box);
    tables_[c] = new QTableWidget(0, ColumnCount, box);
    tables_[c]->setHorizontalHeaderLabels(
        {tr("#"), tr("Move"), tr("Score"), tr("Grade"), tr("Type"), tr("Document"), tr("Passage")});
    tables_[c]->setEditTriggers(QAbstractItemView::NoEditTriggers);
    tables_[c]->setSelectionBehavior(QAbstractItemView::SelectRows);
    tables_[c]->verticalHeader()->hide();
    tables_[c]->horizontalHeader()->setStretchLastSection(true);
    tables_[c]->horizontalHeaderItem(Move)->setToolTip(
        tr("Places moved against the column to the left (new: not in its top %1)").arg(kHits));
    layout->addWidget(retrievers_[c]);
    layout->addWidget(tables_[c], 1);
    columns->addWidget(box);
    connect(tables_[c], &QTableWidget::cellDoubleClicked, this, [this, c](int row, int) {
      const auto& list = hits_[static_cast<std::size_t>(c)];
      if (row >= 0 && row < static_cast<int>(list.size()))
        emit passageActivated(list[static_cast<std::size_t>(row)].passageId);
    });
  }

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addLayout(pick);
  layout->addWidget(columns, 1);
  layout->addWidget(status_);

  // Keys 0-3 grade the selected hit of the column that has the focus (or the first with a selection).
  for (int g = 0; g <= 3; ++g) {
    auto* key = new QShortcut(QKeySequence(Qt::Key_0 + g), this);
    key->setContext(Qt::WidgetWithChildrenShortcut);
    connect(key, &QShortcut::activated, this, [this, g] {
      for (int c = 0; c < kColumns; ++c)
        if (tables_[c]->hasFocus()) {
          labelSelected(c, g);
          return;
        }
      for (int c = 0; c < kColumns; ++c)
        if (tables_[c]->currentRow() >= 0) {
          labelSelected(c, g);
          return;
        }
    });
  }
  connect(searchButton_, &QPushButton::clicked, this, &QueryPlayground::search);
  connect(judgeButton_, &QPushButton::clicked, this, &QueryPlayground::judgeUnjudged);
  connect(query_, &QLineEdit::returnPressed, this, &QueryPlayground::search);
  connect(corpus_, &QComboBox::currentIndexChanged, this, [this] { fillQuerySets(); });
  connect(querySets_, &QComboBox::currentIndexChanged, this, [this] { fillStoredQueries(); });
  connect(storedQueries_, &QComboBox::activated, this, [this](int index) {
    if (index > 0)
      showQuery(storedQueries_->itemText(index));
  });
  setStore(nullptr);
}

QueryPlayground::~QueryPlayground() {
  if (thread_)
    thread_->wait(); // it uses the worker and pending_ until it returns
}

bool QueryPlayground::busy() const {
  return thread_ != nullptr;
}

void QueryPlayground::setStore(store::Store* store) {
  if (store && store == store_ && worker_ && worker_->storePath() == store->path()) {
    // The same experiment after a job finished: new corpora, query sets or models may exist. What is shown stays.
    fillCorpora();
    fillRetrieverChoices();
    return;
  }
  if (thread_) {
    thread_->wait();
    showResults();
  }
  store_ = store;
  worker_ = store ? std::make_unique<PlaygroundWorker>(store->path()) : nullptr;
  hits_ = {};
  for (auto* table : tables_)
    table->setRowCount(0);
  searchButton_->setEnabled(store != nullptr);
  judgeButton_->setEnabled(false);
  status_->setText(store ? QString() : tr("Open an experiment to search its corpora."));
  fillCorpora();
  fillRetrieverChoices();
}

void QueryPlayground::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (store_ && !busy())
    fillRetrieverChoices(); // a run finished since may have added models
}

void QueryPlayground::fillCorpora() {
  const QSignalBlocker block(corpus_);
  const QVariant kept = corpus_->currentData();
  corpus_->clear();
  if (store_)
    for (const auto& corpus : corpus::listCorpora(*store_))
      corpus_->addItem(QString::fromStdString(corpus.name), QVariant::fromValue<qlonglong>(corpus.id));
  if (kept.isValid())
    corpus_->setCurrentIndex(std::max(0, corpus_->findData(kept)));
  fillQuerySets();
}

void QueryPlayground::fillQuerySets() {
  const QString kept = querySets_->currentIndex() > 0 ? querySets_->currentText() : QString();
  {
    const QSignalBlocker block(querySets_);
    querySets_->clear();
    querySets_->addItem(tr("(query set)"));
    if (store_ && corpus_->currentIndex() >= 0)
      for (const auto& name : corpus::listQuerySets(*store_, corpus_->currentData().toLongLong()))
        querySets_->addItem(QString::fromStdString(name));
    if (!kept.isEmpty())
      querySets_->setCurrentIndex(std::max(0, querySets_->findText(kept)));
  }
  fillStoredQueries();
}

void QueryPlayground::fillStoredQueries() {
  storedQueries_->clear();
  storedQueries_->addItem(tr("(query)"));
  if (!store_ || querySets_->currentIndex() <= 0)
    return;
  const auto set =
      corpus::loadQuerySet(*store_, corpus_->currentData().toLongLong(), querySets_->currentText().toStdString());
  for (std::size_t i = 0; i < set.queries.size() && i < static_cast<std::size_t>(kStoredQueriesShown); ++i)
    storedQueries_->addItem(QString::fromStdString(set.queries[i].text));
}

void QueryPlayground::fillRetrieverChoices() {
  std::vector<model::StoredModel> models;
  if (store_)
    models = model::listModels(*store_);
  for (int c = 0; c < kColumns; ++c) {
    QComboBox* box = retrievers_[c];
    const bool keptNone = box->currentIndex() == 0; // "(none)" chosen
    const QVariant kept = box->currentIndex() > 0 ? box->currentData() : QVariant();
    box->clear();
    box->addItem(tr("(none)"));
    box->addItem(tr("BM25"), QVariantList{static_cast<int>(eval::RetrieverKind::Bm25), 0});
    for (const auto& m : models) {
      const QString name = QString::fromStdString(m.name);
      box->addItem(tr("Dense: %1 (model %2)").arg(name).arg(m.id),
                   QVariantList{static_cast<int>(eval::RetrieverKind::Dense), QVariant::fromValue<qlonglong>(m.id)});
      box->addItem(tr("Hybrid: %1 + BM25 (model %2)").arg(name).arg(m.id),
                   QVariantList{static_cast<int>(eval::RetrieverKind::Hybrid), QVariant::fromValue<qlonglong>(m.id)});
    }
    // Kept when still there; else BM25, then the newest model: the comparison an analyst opens the playground for.
    const int keptIndex = keptNone ? 0 : kept.isValid() ? box->findData(kept) : -1;
    box->setCurrentIndex(keptIndex >= 0 ? keptIndex : c == 0 ? 1 : c == 1 && !models.empty() ? 2 : 0);
  }
}

void QueryPlayground::selectRetriever(int column, const PlaygroundRetriever& retriever) {
  QComboBox* box = retrievers_[static_cast<std::size_t>(column)];
  for (int i = 1; i < box->count(); ++i) {
    const QVariantList data = box->itemData(i).toList();
    if (data.value(0).toInt() == static_cast<int>(retriever.kind) &&
        (retriever.kind == eval::RetrieverKind::Bm25 || data.value(1).toLongLong() == retriever.modelId)) {
      box->setCurrentIndex(i);
      return;
    }
  }
  box->setCurrentIndex(0);
}

void QueryPlayground::showQuery(const QString& text, const std::vector<PlaygroundRetriever>& columns) {
  query_->setText(text);
  if (!columns.empty())
    for (int c = 0; c < kColumns; ++c) {
      if (c < static_cast<int>(columns.size()))
        selectRetriever(c, columns[static_cast<std::size_t>(c)]);
      else
        retrievers_[static_cast<std::size_t>(c)]->setCurrentIndex(0);
    }
  search();
}

void QueryPlayground::search() {
  if (!worker_ || busy())
    return;
  if (corpus_->currentIndex() < 0) {
    status_->setText(tr("The experiment has no corpus: import filings first."));
    emit searched();
    return;
  }
  if (query_->text().trimmed().isEmpty()) {
    status_->setText(tr("Type a query first."));
    emit searched();
    return;
  }
  std::array<std::optional<PlaygroundRetriever>, kColumns> columns;
  for (int c = 0; c < kColumns; ++c) {
    const QVariantList data = retrievers_[c]->currentData().toList();
    if (!data.isEmpty())
      columns[c] =
          PlaygroundRetriever{static_cast<eval::RetrieverKind>(data.value(0).toInt()), data.value(1).toLongLong()};
  }
  searchButton_->setEnabled(false);
  judgeButton_->setEnabled(false);
  status_->setText(tr("Searching..."));
  QPointer<QLabel> status = status_;
  const ProgressCallback progress = [status](const Progress& p) {
    const QString text = p.total > 0
                             ? QObject::tr("%1: %2 of %3").arg(QString::fromStdString(p.stage)).arg(p.done).arg(p.total)
                             : QString::fromStdString(p.stage);
    QMetaObject::invokeMethod(
        status,
        [status, text] {
          if (status)
            status->setText(text);
        },
        Qt::QueuedConnection);
  };
  shownQuery_ = query_->text().toStdString();
  shownCorpus_ = corpus_->currentData().toLongLong();
  PlaygroundWorker* worker = worker_.get();
  thread_ = QThread::create([this, worker, corpusId = corpus_->currentData().toLongLong(),
                             query = query_->text().toStdString(), filter = filter_->text().toStdString(), columns,
                             progress] { pending_ = worker->search(corpusId, query, filter, columns, progress); });
  connect(thread_, &QThread::finished, this, &QueryPlayground::showResults);
  thread_->start();
}

void QueryPlayground::showResults() {
  if (!thread_)
    return; // already shown (setStore waited for it)
  thread_->wait();
  thread_->deleteLater();
  thread_ = nullptr;
  searchButton_->setEnabled(store_ != nullptr);
  const PlaygroundResult result = std::move(pending_);
  if (!result.error.isEmpty()) {
    status_->setText(tr("Search failed: %1").arg(result.error));
    emit errorOccurred(result.error);
    emit searched();
    return;
  }
  hits_ = result.hits;
  const std::vector<eval::PassageHit>* left = nullptr;
  for (int c = 0; c < kColumns; ++c) {
    QTableWidget* table = tables_[c];
    const auto& list = hits_[static_cast<std::size_t>(c)];
    table->setRowCount(static_cast<int>(list.size()));
    const auto moves = left ? eval::rankMoves(*left, list) : std::vector<std::optional<int>>(list.size(), 0);
    for (std::size_t r = 0; r < list.size(); ++r) {
      const eval::PassageHit& hit = list[r];
      const auto row = static_cast<int>(r);
      auto set = [&](int column, const QString& text) { table->setItem(row, column, new QTableWidgetItem(text)); };
      set(Rank, QString::number(hit.rank));
      set(Move, left ? moveText(moves[r]) : QString());
      set(Score, QString::number(hit.score, 'f', 4));
      set(Grade, gradeText(hit));
      set(FilingType, QString::fromStdString(hit.filingType));
      set(Document, QString::fromStdString(hit.document));
      set(Passage, QString::fromStdString(eval::textSnippet(hit.text, 160)));
      table->item(row, Passage)->setToolTip(QString::fromStdString(hit.text));
    }
    table->resizeColumnsToContents();
    if (retrievers_[c]->currentIndex() > 0)
      left = &list;
  }
  judgeButton_->setEnabled(!unjudgedPassages().empty());
  status_->setText(
      tr("Double-click a hit to open its passage in the corpus browser; keys 0-3 grade the selected hit."));
  emit searched();
}

void QueryPlayground::labelSelected(int column, int grade) {
  const int row = tables_[static_cast<std::size_t>(column)]->currentRow();
  auto& list = hits_[static_cast<std::size_t>(column)];
  if (!store_ || busy() || row < 0 || row >= static_cast<int>(list.size()))
    return;
  const std::int64_t passage = list[static_cast<std::size_t>(row)].passageId;
  try {
    eval::labelQueryText(*store_, shownCorpus_, shownQuery_, passage, grade);
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromStdString(e.what()));
    return;
  }
  for (auto& column : hits_)
    for (eval::PassageHit& hit : column)
      if (hit.passageId == passage) {
        hit.grade = grade;
        hit.gradedBy = eval::HitGradeSource::Human;
      }
  showGrades();
  status_->setText(tr("Stored your grade %1 for this query and passage.").arg(grade));
  emit labelStored();
}

void QueryPlayground::showGrades() {
  for (int c = 0; c < kColumns; ++c)
    for (std::size_t r = 0; r < hits_[static_cast<std::size_t>(c)].size(); ++r)
      if (QTableWidgetItem* item = tables_[c]->item(static_cast<int>(r), Grade))
        item->setText(gradeText(hits_[static_cast<std::size_t>(c)][r]));
  judgeButton_->setEnabled(!busy() && !unjudgedPassages().empty());
}

std::vector<std::int64_t> QueryPlayground::unjudgedPassages() const {
  std::vector<std::int64_t> passages;
  for (const auto& column : hits_)
    for (const eval::PassageHit& hit : column)
      if (!hit.grade && std::find(passages.begin(), passages.end(), hit.passageId) == passages.end())
        passages.push_back(hit.passageId);
  return passages;
}

void QueryPlayground::judgeUnjudged() {
  const std::vector<std::int64_t> passages = unjudgedPassages();
  if (!store_ || busy() || passages.empty())
    return;
  judgeButton_->setEnabled(false); // until the next search: the same hits need not be asked twice
  status_->setText(tr("Asked the teacher about %n unjudged hit(s); grades fill in as they arrive (progress in Jobs).",
                      nullptr, static_cast<int>(passages.size())));
  emit judgeRequested(shownCorpus_, QString::fromStdString(shownQuery_), passages);
}

void QueryPlayground::showTeacherGrade(std::int64_t corpusId, const QString& query, std::int64_t passageId, int grade) {
  if (corpusId != shownCorpus_ || query.toStdString() != shownQuery_ || busy())
    return; // another query is shown now: its own search reads the stored grade
  for (auto& column : hits_)
    for (eval::PassageHit& hit : column)
      if (hit.passageId == passageId && !hit.grade) {
        hit.grade = grade;
        hit.gradedBy = eval::HitGradeSource::Teacher;
      }
  showGrades();
  judgeButton_->setEnabled(false);
}

} // namespace distillery::ui
