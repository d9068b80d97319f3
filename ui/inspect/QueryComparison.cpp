#include "ui/inspect/QueryComparison.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

#include "qcustomplot.h"
#include "ui/charts/MetricCharts.h"

namespace distillery::ui {

namespace {

enum QueryColumn { Key, Text, FilingType, ScoreA, ScoreB, Change, QueryColumnCount };
constexpr int kQueryIndexRole = Qt::UserRole + 1; // the row's index in changes_, kept through sorting

QTableWidgetItem* numberItem(double value) {
  auto* item = new QTableWidgetItem;
  item->setData(Qt::DisplayRole, QString::number(value, 'f', 3).toDouble()); // sorts as a number
  return item;
}

std::optional<PlaygroundRetriever> retrieverOf(const eval::EvaluationEntry& entry) {
  // "run:<file>" (an external run file) is no retriever name: nothing to retrieve with.
  const auto kind = findEnum<eval::RetrieverKind>(entry.retriever);
  if (!kind)
    return std::nullopt;
  if (*kind == eval::RetrieverKind::Bm25)
    return PlaygroundRetriever{*kind, 0};
  if (!entry.modelId)
    return std::nullopt;
  return PlaygroundRetriever{*kind, *entry.modelId};
}

} // namespace

QueryComparison::QueryComparison(QWidget* parent)
    : QWidget(parent), a_(new QComboBox(this)), b_(new QComboBox(this)), summary_(new QLabel(this)),
      plot_(new QCustomPlot(this)), counts_(new QTableWidget(0, 3, this)),
      queries_(new QTableWidget(0, QueryColumnCount, this)) {
  auto* pickers = new QHBoxLayout;
  pickers->addWidget(new QLabel(tr("A:"), this));
  pickers->addWidget(a_, 1);
  pickers->addWidget(new QLabel(tr("B:"), this));
  pickers->addWidget(b_, 1);

  plot_->setMinimumSize(320, 280);
  plot_->legend->setVisible(true);
  counts_->setHorizontalHeaderLabels({tr("Improved"), tr("Unchanged"), tr("Degraded")});
  counts_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  counts_->setMaximumHeight(180);
  queries_->setHorizontalHeaderLabels({tr("Query"), tr("Text"), tr("Filing type"), tr("A"), tr("B"), tr("Change")});
  queries_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  queries_->setSelectionBehavior(QAbstractItemView::SelectRows);
  queries_->verticalHeader()->hide();
  queries_->horizontalHeader()->setSectionResizeMode(Text, QHeaderView::Stretch);
  queries_->setToolTip(tr("Double-click a query to open it in the query playground with A and B side by side"));

  auto* right = new QWidget(this);
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->setContentsMargins(0, 0, 0, 0);
  rightLayout->addWidget(counts_);
  rightLayout->addWidget(queries_, 1);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(plot_);
  split->addWidget(right);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(pickers);
  layout->addWidget(summary_);
  layout->addWidget(split, 1);

  connect(a_, &QComboBox::currentIndexChanged, this, [this] { compare(); });
  connect(b_, &QComboBox::currentIndexChanged, this, [this] { compare(); });
  connect(queries_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
    if (const QTableWidgetItem* item = queries_->item(row, Key))
      openQuery(static_cast<std::size_t>(item->data(kQueryIndexRole).toULongLong()));
  });
  connect(plot_, &QCustomPlot::plottableClick, this,
          [this](QCPAbstractPlottable* plottable, int dataIndex, QMouseEvent*) { pointClicked(plottable, dataIndex); });
  setStore(nullptr);
}

void QueryComparison::setStore(store::Store* store) {
  store_ = store;
  refresh();
}

void QueryComparison::refresh() {
  const QVariant keptA = a_->currentData(), keptB = b_->currentData();
  evaluations_ = store_ ? eval::listEvaluations(*store_) : std::vector<eval::EvaluationEntry>{};
  {
    const QSignalBlocker blockA(a_), blockB(b_);
    a_->clear();
    b_->clear();
    for (const auto& entry : evaluations_) {
      const QString label = QString::fromStdString(entry.label());
      a_->addItem(label, QVariant::fromValue<qlonglong>(entry.id));
      b_->addItem(label, QVariant::fromValue<qlonglong>(entry.id));
    }
    // Kept when still there; else B the newest dense evaluation (the student alone: what a round changed) and A the
    // round 0 of its run under the same retriever (or the evaluation before it).
    int b = keptB.isValid() ? b_->findData(keptB) : -1;
    for (std::size_t i = 0; i < evaluations_.size() && b < 0; ++i)
      if (evaluations_[i].retriever == eval::toString(eval::RetrieverKind::Dense))
        b = static_cast<int>(i);
    if (b < 0)
      b = evaluations_.empty() ? -1 : 0;
    int a = keptA.isValid() ? a_->findData(keptA) : -1;
    if (a < 0 && b >= 0) {
      const auto& newest = evaluations_[static_cast<std::size_t>(b)];
      for (std::size_t i = 0; i < evaluations_.size() && a < 0; ++i)
        if (evaluations_[i].runId && evaluations_[i].runId == newest.runId && evaluations_[i].round == 0 &&
            evaluations_[i].retriever == newest.retriever)
          a = static_cast<int>(i);
      if (a < 0)
        a = std::min(b + 1, static_cast<int>(evaluations_.size()) - 1);
    }
    a_->setCurrentIndex(a);
    b_->setCurrentIndex(b);
  }
  compare();
}

const eval::EvaluationEntry* QueryComparison::chosen(const QComboBox* box) const {
  const int index = box->currentIndex();
  return index >= 0 && index < static_cast<int>(evaluations_.size()) ? &evaluations_[static_cast<std::size_t>(index)]
                                                                     : nullptr;
}

void QueryComparison::compare() {
  changes_.clear();
  pointQueries_.clear();
  plot_->clearGraphs();
  counts_->setRowCount(0);
  queries_->setSortingEnabled(false);
  queries_->setRowCount(0);
  const eval::EvaluationEntry* a = chosen(a_);
  const eval::EvaluationEntry* b = chosen(b_);
  if (!store_ || !a || !b) {
    summary_->setText(store_ ? tr("No stored evaluation with per-query results yet: run a distillation or an "
                                  "evaluation first.")
                             : tr("Open an experiment to compare its evaluations."));
    plot_->replot();
    return;
  }
  try {
    changes_ = eval::compareQueryRankings(*store_, a->id, b->id, 0);
  } catch (const std::exception& e) {
    summary_->setText(QString::fromStdString(e.what()));
    emit errorOccurred(QString::fromStdString(e.what()));
    plot_->replot();
    return;
  }

  // Scatter: one graph per filing type, the diagonal first.
  QCPGraph* diagonal = plot_->addGraph();
  diagonal->setData(QVector<double>{0, 1}, QVector<double>{0, 1});
  diagonal->setPen(QPen(Qt::gray, 1, Qt::DashLine));
  diagonal->setName(tr("B = A"));
  std::map<std::string, std::vector<std::size_t>> byType;
  for (std::size_t i = 0; i < changes_.size(); ++i)
    byType[changes_[i].filingType].push_back(i);
  // A graph keeps its points sorted by key: sorted here, a clicked point's data index is its place in the list.
  for (auto& [type, indexes] : byType)
    std::stable_sort(indexes.begin(), indexes.end(),
                     [&](std::size_t x, std::size_t y) { return changes_[x].ndcgA < changes_[y].ndcgA; });
  pointQueries_.emplace_back(); // the diagonal has no queries
  int colour = 1;
  for (const auto& [type, indexes] : byType) {
    QCPGraph* graph = plot_->addGraph();
    graph->setName(QString::fromStdString(type));
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, charts::seriesColour(colour++), 7));
    QVector<double> xs, ys;
    for (const std::size_t i : indexes) {
      xs.push_back(changes_[i].ndcgA);
      ys.push_back(changes_[i].ndcgB);
    }
    graph->setData(xs, ys, true);
    pointQueries_.push_back(indexes);
  }
  plot_->xAxis->setLabel(tr("NDCG@%1 under A").arg(a->k));
  plot_->yAxis->setLabel(tr("NDCG@%1 under B").arg(b->k));
  plot_->xAxis->setRange(-0.02, 1.02);
  plot_->yAxis->setRange(-0.02, 1.02);
  plot_->replot();

  const auto counts = eval::countChanges(changes_);
  counts_->setRowCount(static_cast<int>(counts.size()));
  QStringList types;
  int row = 0;
  for (const auto& [type, c] : counts) {
    types << QString::fromStdString(type);
    counts_->setItem(row, 0, new QTableWidgetItem(QString::number(c.improved)));
    counts_->setItem(row, 1, new QTableWidgetItem(QString::number(c.unchanged)));
    counts_->setItem(row, 2, new QTableWidgetItem(QString::number(c.degraded)));
    ++row;
  }
  counts_->setVerticalHeaderLabels(types);
  if (const auto all = counts.find("ALL"); all != counts.end())
    summary_->setText(tr("%1 queries: B improved %2, left %3 alone and degraded %4 (points above the diagonal: B "
                         "did better)")
                          .arg(changes_.size())
                          .arg(all->second.improved)
                          .arg(all->second.unchanged)
                          .arg(all->second.degraded));

  queries_->setRowCount(static_cast<int>(changes_.size()));
  for (std::size_t i = 0; i < changes_.size(); ++i) {
    const auto& change = changes_[i];
    const int r = static_cast<int>(i);
    auto* key = new QTableWidgetItem(QString::fromStdString(change.queryKey));
    key->setData(kQueryIndexRole, QVariant::fromValue<qulonglong>(i));
    queries_->setItem(r, Key, key);
    queries_->setItem(r, Text, new QTableWidgetItem(QString::fromStdString(change.text)));
    queries_->setItem(r, FilingType, new QTableWidgetItem(QString::fromStdString(change.filingType)));
    queries_->setItem(r, ScoreA, numberItem(change.ndcgA));
    queries_->setItem(r, ScoreB, numberItem(change.ndcgB));
    queries_->setItem(r, Change, numberItem(change.change()));
  }
  queries_->setSortingEnabled(true);
  queries_->sortByColumn(Change, Qt::AscendingOrder); // the queries B hurt most first
}

std::vector<PlaygroundRetriever> QueryComparison::retrieversOf(const eval::EvaluationEntry& a,
                                                               const eval::EvaluationEntry& b) {
  std::vector<PlaygroundRetriever> columns;
  for (const auto* entry : {&a, &b})
    if (const auto retriever = retrieverOf(*entry))
      columns.push_back(*retriever);
  return columns;
}

void QueryComparison::openQuery(std::size_t index) {
  const eval::EvaluationEntry* a = chosen(a_);
  const eval::EvaluationEntry* b = chosen(b_);
  if (index >= changes_.size() || !a || !b)
    return;
  if (changes_[index].text.empty()) {
    emit errorOccurred(tr("Query %1 was scored from files: its text is not stored.")
                           .arg(QString::fromStdString(changes_[index].queryKey)));
    return;
  }
  emit queryOpened(QString::fromStdString(changes_[index].text), retrieversOf(*a, *b));
}

void QueryComparison::pointClicked(QCPAbstractPlottable* plottable, int dataIndex) {
  for (int g = 0; g < plot_->graphCount(); ++g)
    if (plot_->graph(g) == plottable) {
      const auto& indexes = pointQueries_[static_cast<std::size_t>(g)];
      if (dataIndex >= 0 && dataIndex < static_cast<int>(indexes.size()))
        openQuery(indexes[static_cast<std::size_t>(dataIndex)]);
      return;
    }
}

} // namespace distillery::ui
