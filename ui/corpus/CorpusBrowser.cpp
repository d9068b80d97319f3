#include "ui/corpus/CorpusBrowser.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "core/corpus/CorpusRepository.h"
#include "core/store/Store.h"
#include "ui/corpus/PassageView.h"
#include "ui/widgets/HtmlDelegate.h"

namespace distillery::ui {
namespace {

// As wide as about 14 characters, whatever its longest value (a full Item 7 heading, a long company name): a box that
// grew to its contents squeezed the search field to nothing. Its list still opens as wide as its values.
QComboBox* makeFacetBox(QWidget* parent) {
  auto* box = new QComboBox(parent);
  box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  box->setMinimumContentsLength(14);
  return box;
}

void fillBox(QComboBox* box, const QStringList& values, const QString& anyText) {
  const QString current = box->currentData().toString();
  const QSignalBlocker block(box);
  box->clear();
  box->addItem(anyText, QString());
  for (const QString& v : values)
    box->addItem(v, v);
  box->setCurrentIndex(std::max(0, box->findData(current)));
}

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent) {
  auto* table = new QTableView(parent);
  table->setModel(model);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setSelectionMode(QAbstractItemView::SingleSelection);
  table->setWordWrap(false);
  table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
  table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // fixed rows: no per-row measuring
  table->verticalHeader()->hide();
  table->horizontalHeader()->setStretchLastSection(true);
  table->setAlternatingRowColors(true);
  return table;
}

} // namespace

CorpusBrowser::CorpusBrowser(QWidget* parent) : QWidget(parent) {
  corpus_ = makeFacetBox(this);
  filingType_ = makeFacetBox(this);
  company_ = makeFacetBox(this);
  period_ = makeFacetBox(this);
  section_ = makeFacetBox(this);
  search_ = new QLineEdit(this);
  search_->setPlaceholderText(tr("Full-text search (words, prefix*)"));
  search_->setClearButtonEnabled(true);
  search_->setMinimumWidth(search_->fontMetrics().averageCharWidth() * 28);
  count_ = new QLabel(this);

  auto* filters = new QHBoxLayout;
  const auto addFilter = [&](const QString& label, QWidget* w) {
    auto* l = new QLabel(label, this);
    l->setBuddy(w);
    filters->addWidget(l);
    filters->addWidget(w);
  };
  addFilter(tr("Corpus:"), corpus_);
  addFilter(tr("&Type:"), filingType_);
  addFilter(tr("Co&mpany:"), company_);
  addFilter(tr("Pe&riod:"), period_);
  addFilter(tr("Sec&tion:"), section_);
  filters->addWidget(search_, 1);

  passages_ = new PassageTableModel(this);
  documents_ = new DocumentTableModel(this);
  passageTable_ = makeTable(passages_, this);
  passageTable_->setItemDelegateForColumn(PassageTableModel::Text, new HtmlDelegate(passageTable_));
  passageTable_->setColumnWidth(PassageTableModel::Id, 70);
  passageTable_->setColumnWidth(PassageTableModel::Company, 160);
  passageTable_->setColumnWidth(PassageTableModel::Ordinal, 40);
  documentTable_ = makeTable(documents_, this);
  documentTable_->setColumnWidth(DocumentTableModel::Company, 180);
  tabs_ = new QTabWidget(this);
  tabs_->addTab(passageTable_, tr("&Passages"));
  tabs_->addTab(documentTable_, tr("&Documents"));
  view_ = new PassageView(this);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(tabs_);
  splitter->addWidget(view_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(filters);
  layout->addWidget(splitter, 1);
  layout->addWidget(count_);

  searchDelay_ = new QTimer(this);
  searchDelay_->setSingleShot(true);
  searchDelay_->setInterval(300); // search after a typing pause, not on every key
  connect(searchDelay_, &QTimer::timeout, this, &CorpusBrowser::applyFilter);
  connect(search_, &QLineEdit::textChanged, searchDelay_, qOverload<>(&QTimer::start));
  connect(search_, &QLineEdit::returnPressed, this, &CorpusBrowser::applyFilter);
  for (QComboBox* box : {filingType_, company_, period_, section_})
    connect(box, &QComboBox::currentIndexChanged, this, [this] {
      fillFacets(); // the boxes after it offer only what is left
      applyFilter();
    });
  connect(corpus_, &QComboBox::currentIndexChanged, this, [this] {
    fillFacets();
    applyFilter();
  });

  connect(passageTable_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (current.isValid())
              view_->showPassage(passages_->keyAt(current.row()), passages_->filter().search);
          });
  connect(documentTable_, &QTableView::activated, this, [this](const QModelIndex& index) {
    if (!store_ || !index.isValid())
      return;
    if (const auto passage = corpus::firstPassageOfDocument(*store_, documents_->keyAt(index.row())))
      view_->showPassage(*passage);
  });
  for (QAbstractItemModel* model :
       {static_cast<QAbstractItemModel*>(passages_), static_cast<QAbstractItemModel*>(documents_)}) {
    connect(model, &QAbstractItemModel::rowsInserted, this, &CorpusBrowser::updateCountLabel);
    connect(model, &QAbstractItemModel::modelReset, this, &CorpusBrowser::updateCountLabel);
  }
  connect(tabs_, &QTabWidget::currentChanged, this, &CorpusBrowser::updateCountLabel);
  setStore(nullptr);
}

void CorpusBrowser::setStore(store::Store* store) {
  store_ = store;
  view_->setStore(store);
  {
    const QSignalBlocker block(corpus_);
    corpus_->clear();
  }
  refresh();
}

void CorpusBrowser::refresh() {
  setEnabled(store_ != nullptr);
  if (store_) {
    const QSignalBlocker block(corpus_);
    const qlonglong current = corpus_->currentData().toLongLong();
    corpus_->clear();
    corpus_->addItem(tr("All corpora"), 0LL);
    for (const auto& [id, name] : loadCorpusFacets(*store_, 0, {}, 1).corpora)
      corpus_->addItem(name, qlonglong(id));
    corpus_->setCurrentIndex(std::max(0, corpus_->findData(current)));
  }
  fillFacets();
  applyFilter();
}

void CorpusBrowser::fillFacets() {
  // A choice the narrowed lists no longer hold falls back to "any", which widens the lists after it: again until
  // nothing changes (at most once per box).
  for (int pass = 0; pass < 4; ++pass) {
    const CorpusFilter before = currentFilter();
    CorpusFacets facets;
    if (store_)
      facets = loadCorpusFacets(*store_, corpus_->currentData().toLongLong(), before);
    fillBox(filingType_, facets.filingTypes, tr("any type"));
    fillBox(company_, facets.companies, tr("any company"));
    fillBox(period_, facets.periods, tr("any period"));
    fillBox(section_, facets.sections, tr("any section"));
    const CorpusFilter after = currentFilter();
    if (after.filingType == before.filingType && after.company == before.company && after.period == before.period)
      return;
  }
}

CorpusFilter CorpusBrowser::currentFilter() const {
  CorpusFilter f;
  f.corpusId = corpus_->currentData().toLongLong();
  f.filingType = filingType_->currentData().toString();
  f.company = company_->currentData().toString();
  f.period = period_->currentData().toString();
  f.section = section_->currentData().toString();
  f.search = search_->text().trimmed();
  return f;
}

void CorpusBrowser::applyFilter() {
  searchDelay_->stop();
  const CorpusFilter filter = currentFilter();
  // Models read only while a store is set; point them at the current one before filtering.
  if (passages_->store() != store_) {
    passages_->setStore(store_);
    documents_->setStore(store_);
  }
  passages_->setFilter(filter);
  documents_->setFilter(filter);
  if (passages_->rowCount() > 0)
    passageTable_->selectRow(0);
  else
    view_->showPassage(0);
}

void CorpusBrowser::updateCountLabel() {
  const bool passagesTab = tabs_->currentIndex() == 0;
  const KeysetTableModel* model = passagesTab ? static_cast<KeysetTableModel*>(passages_) : documents_;
  const QString what = passagesTab ? tr("passages") : tr("documents");
  count_->setText(model->canFetchMore() ? tr("%1 %2 loaded, more load as you scroll").arg(model->rowCount()).arg(what)
                                        : tr("%1 %2").arg(model->rowCount()).arg(what));
}

} // namespace distillery::ui
