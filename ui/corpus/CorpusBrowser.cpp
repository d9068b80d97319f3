#include "ui/corpus/CorpusBrowser.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
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

// Each entry carries a key (what identifies it across refills: a value, or a group's name) and the stored values it
// stands for; a choice survives a refill while its key is still offered.
constexpr int kKeyRole = Qt::UserRole;
constexpr int kMembersRole = Qt::UserRole + 1;

void addEntry(QComboBox* box, const QString& text, const QString& key, const QStringList& members) {
  box->addItem(text, key);
  box->setItemData(box->count() - 1, members, kMembersRole);
}

void restoreChoice(QComboBox* box, const QString& key) {
  box->setCurrentIndex(std::max(0, box->findData(key, kKeyRole)));
}

QStringList qstrings(const std::vector<std::string>& values) {
  QStringList out;
  out.reserve(static_cast<qsizetype>(values.size()));
  for (const std::string& v : values)
    out << QString::fromStdString(v);
  return out;
}

void fillBox(QComboBox* box, const std::vector<std::string>& values, const QString& anyText) {
  const QString current = box->currentData(kKeyRole).toString();
  const QSignalBlocker block(box);
  box->clear();
  addEntry(box, anyText, QString(), {});
  for (const QString& v : qstrings(values))
    addEntry(box, v, v, {v});
  restoreChoice(box, current);
}

/// Groups (a year, an item) as one entry each; with listMembers a group of several values is followed by its values,
/// indented, so one period of a year can still be chosen.
void fillGroupedBox(QComboBox* box, const std::vector<corpus::FacetGroup>& groups, const QString& anyText,
                    bool listMembers) {
  const QString current = box->currentData(kKeyRole).toString();
  const QSignalBlocker block(box);
  box->clear();
  addEntry(box, anyText, QString(), {});
  for (const corpus::FacetGroup& group : groups) {
    const QString name = QString::fromStdString(group.name);
    const QStringList members = qstrings(group.members);
    if (members.size() == 1 && members.front() == name) {
      addEntry(box, name, name, members);
      continue;
    }
    addEntry(box, name, QStringLiteral("group:") + name, members);
    box->setItemData(box->count() - 1, QStringList(members.mid(0, 12)).join(QLatin1Char('\n')), Qt::ToolTipRole);
    if (listMembers && members.size() > 1)
      for (const QString& member : members)
        addEntry(box, QStringLiteral("    ") + member, member, {member});
  }
  restoreChoice(box, current);
}

std::vector<std::string> utf8List(const QStringList& values) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(values.size()));
  for (const QString& v : values)
    out.push_back(v.toStdString());
  return out;
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
              view_->showPassage(passages_->keyAt(current.row()), QString::fromStdString(passages_->filter().search));
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
    for (const auto& [id, name] : corpus::loadBrowseFacets(*store_, 0, {}, 1).corpora)
      corpus_->addItem(QString::fromStdString(name), qlonglong(id));
    corpus_->setCurrentIndex(std::max(0, corpus_->findData(current)));
  }
  fillFacets();
  applyFilter();
}

void CorpusBrowser::fillFacets() {
  // A choice the narrowed lists no longer hold falls back to "any", which widens the lists after it: again until
  // nothing changes (at most once per box).
  for (int pass = 0; pass < 4; ++pass) {
    const corpus::BrowseFilter before = currentFilter();
    corpus::BrowseFacets facets;
    if (store_)
      facets = corpus::loadBrowseFacets(*store_, corpus_->currentData().toLongLong(), before);
    fillBox(filingType_, facets.filingTypes, tr("any type"));
    fillBox(company_, facets.companies, tr("any company"));
    fillGroupedBox(period_, facets.periods, tr("any period"), true);
    fillGroupedBox(section_, facets.sections, tr("any section"), false);
    const corpus::BrowseFilter after = currentFilter();
    if (after.filingType == before.filingType && after.company == before.company && after.periods == before.periods)
      return;
  }
}

corpus::BrowseFilter CorpusBrowser::currentFilter() const {
  corpus::BrowseFilter f;
  f.corpusId = corpus_->currentData().toLongLong();
  f.filingType = filingType_->currentData(kKeyRole).toString().toStdString();
  f.company = company_->currentData(kKeyRole).toString().toStdString();
  f.periods = utf8List(period_->currentData(kMembersRole).toStringList());
  f.sections = utf8List(section_->currentData(kMembersRole).toStringList());
  f.search = search_->text().trimmed().toStdString();
  return f;
}

void CorpusBrowser::applyFilter() {
  searchDelay_->stop();
  const corpus::BrowseFilter filter = currentFilter();
  // Models read only while a store is set; point them at the current one before filtering.
  if (passages_->store() != store_) {
    passages_->setStore(store_);
    documents_->setStore(store_);
  }
  passages_->setFilter(filter);
  documents_->setFilter(filter);
  passageTotal_ = store_ ? corpus::countPassages(*store_, filter, kCountCap) : corpus::CappedCount{};
  documentTotal_ = store_ ? corpus::countDocuments(*store_, filter, kCountCap) : corpus::CappedCount{};
  updateCountLabel();
  if (passages_->rowCount() > 0)
    passageTable_->selectRow(0);
  else
    view_->showPassage(0);
}

void CorpusBrowser::updateCountLabel() {
  const bool passagesTab = tabs_->currentIndex() == 0;
  const KeysetTableModel* model = passagesTab ? static_cast<KeysetTableModel*>(passages_) : documents_;
  const corpus::CappedCount total = passagesTab ? passageTotal_ : documentTotal_;
  const QLocale locale;
  const QString count = total.atLeast ? tr("more than %1").arg(locale.toString(qlonglong(total.count)))
                                      : locale.toString(qlonglong(total.count));
  const QString what = passagesTab ? tr("%1 passages").arg(count) : tr("%1 documents").arg(count);
  count_->setText(
      model->canFetchMore()
          ? tr("%1, the first %2 loaded (more load as you scroll)").arg(what, locale.toString(model->rowCount()))
          : what);
}

QString CorpusBrowser::countText() const {
  return count_->text();
}

} // namespace distillery::ui
