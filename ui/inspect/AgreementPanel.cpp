#include "ui/inspect/AgreementPanel.h"

#include "core/eval/Statistics.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

#include "core/store/Store.h"
#include "ui/inspect/PairModels.h"

namespace distillery::ui {
namespace {

QTableWidgetItem* cell(const QString& text) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
  return item;
}

QString kappaText(double kappa) {
  return std::isnan(kappa) ? QStringLiteral("–") : QString::number(kappa, 'f', 3);
}

// "75.0 %" and its 95% Wilson interval "[40.9, 92.9]": the teacher's accuracy against people's labels as gold.
QString shareText(int agreements, int total) {
  return QStringLiteral("%1 %").arg(100.0 * agreements / total, 0, 'f', 1);
}
QString intervalText(int agreements, int total) {
  const auto interval = eval::proportionInterval(agreements, total);
  return interval
             ? QStringLiteral("%1–%2 %").arg(100.0 * interval->low, 0, 'f', 1).arg(100.0 * interval->high, 0, 'f', 1)
             : QStringLiteral("–");
}

} // namespace

AgreementPanel::AgreementPanel(QWidget* parent) : QWidget(parent) {
  summary_ = new QTableWidget(0, 8, this);
  summary_->setHorizontalHeaderLabels({tr("Filing type"), tr("Labelled"), tr("Agreement"), tr("95% interval"),
                                       tr("Relevant or not"), tr("95% interval"), tr("Cohen's κ"), tr("Weighted κ")});
  summary_->horizontalHeaderItem(2)->setToolTip(
      tr("The teacher's accuracy against your labels as gold: pairs graded exactly as you graded them"));
  summary_->horizontalHeaderItem(3)->setToolTip(tr("95% Wilson interval of the agreement: with few labels it is wide"));
  summary_->horizontalHeaderItem(4)->setToolTip(
      tr("Pairs the teacher put on your side of grade 2 (relevant or not): how often mining, which splits positives "
         "from negatives there, decides as you would"));
  summary_->verticalHeader()->hide();
  summary_->setSelectionBehavior(QAbstractItemView::SelectRows);
  summary_->setSelectionMode(QAbstractItemView::SingleSelection);
  summary_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  confusion_ = new QTableWidget(eval::kGradeLevels, eval::kGradeLevels, this);
  QStringList teacher, human;
  for (int g = 0; g < eval::kGradeLevels; ++g) {
    teacher << tr("teacher %1").arg(g);
    human << tr("human %1").arg(g);
  }
  confusion_->setHorizontalHeaderLabels(teacher);
  confusion_->setVerticalHeaderLabels(human);
  confusion_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  confusionTitle_ = new QLabel(this);
  auto* exportButton = new QPushButton(tr("Export labels as JSONL..."), this);
  auto* refreshButton = new QPushButton(tr("Refresh"), this);
  connect(exportButton, &QPushButton::clicked, this, &AgreementPanel::exportJsonl);
  connect(refreshButton, &QPushButton::clicked, this, &AgreementPanel::refresh);
  connect(summary_, &QTableWidget::currentCellChanged, this, [this](int row) {
    if (row >= 0 && summary_->item(row, 0))
      showConfusion(summary_->item(row, 0)->data(Qt::UserRole).toString().toStdString());
  });

  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(refreshButton);
  buttons->addWidget(exportButton);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(summary_, 1);
  layout->addWidget(confusionTitle_);
  layout->addWidget(confusion_, 1);
  layout->addLayout(buttons);
  setStore(nullptr);
}

void AgreementPanel::setStore(store::Store* store) {
  store_ = store;
  refresh();
}

void AgreementPanel::refresh() {
  setEnabled(store_ != nullptr);
  matrices_.clear();
  if (store_) {
    try {
      matrices_ = eval::confusionByFilingType(loadGradedPairs(*store_));
    } catch (const std::exception& e) {
      emit errorOccurred(QString::fromStdString(e.what()));
    }
  }
  const QString selected = summary_->currentRow() >= 0 && summary_->item(summary_->currentRow(), 0)
                               ? summary_->item(summary_->currentRow(), 0)->data(Qt::UserRole).toString()
                               : QStringLiteral("ALL");
  const QSignalBlocker block(summary_);
  summary_->setRowCount(0);
  int selectRow = 0;
  for (const auto& [type, matrix] : matrices_) {
    const int row = summary_->rowCount();
    summary_->insertRow(row);
    const QString name = QString::fromStdString(type);
    QTableWidgetItem* first = cell(type == "ALL" ? tr("all filing types") : name);
    first->setData(Qt::UserRole, name);
    summary_->setItem(row, 0, first);
    summary_->setItem(row, 1, cell(QString::number(matrix.total())));
    summary_->setItem(row, 2, cell(shareText(matrix.agreements(), matrix.total())));
    summary_->setItem(row, 3, cell(intervalText(matrix.agreements(), matrix.total())));
    summary_->setItem(row, 4, cell(shareText(matrix.relevanceAgreements(), matrix.total())));
    summary_->setItem(row, 5, cell(intervalText(matrix.relevanceAgreements(), matrix.total())));
    summary_->setItem(row, 6, cell(kappaText(eval::cohensKappa(matrix))));
    summary_->setItem(row, 7, cell(kappaText(eval::cohensKappa(matrix, eval::KappaWeighting::Quadratic))));
    if (name == selected)
      selectRow = row;
  }
  if (summary_->rowCount() > 0)
    summary_->setCurrentCell(selectRow, 0);
  showConfusion(summary_->rowCount() > 0 ? summary_->item(selectRow, 0)->data(Qt::UserRole).toString().toStdString()
                                         : std::string("ALL"));
}

void AgreementPanel::showConfusion(const std::string& filingType) {
  const auto it = matrices_.find(filingType);
  const eval::ConfusionMatrix matrix = it != matrices_.end() ? it->second : eval::ConfusionMatrix{};
  confusionTitle_->setText(
      matrix.total() == 0
          ? tr("No labelled pairs yet: grade pairs with keys 0-3 in the pair inspector.")
          : tr("Confusion matrix for %1 (rows: human grade, columns: teacher grade)")
                .arg(filingType == "ALL" ? tr("all filing types") : QString::fromStdString(filingType)));
  for (int h = 0; h < eval::kGradeLevels; ++h)
    for (int t = 0; t < eval::kGradeLevels; ++t) {
      QTableWidgetItem* item = cell(QString::number(matrix.counts[h][t]));
      item->setTextAlignment(Qt::AlignCenter);
      if (h == t && matrix.counts[h][t] > 0)
        item->setBackground(QColor(0xd8, 0xf0, 0xd8));
      else if (matrix.counts[h][t] > 0)
        item->setBackground(QColor(0xf8, 0xe0, 0xd8));
      confusion_->setItem(h, t, item);
    }
}

void AgreementPanel::exportJsonl() {
  if (!store_)
    return;
  const QString path = QFileDialog::getSaveFileName(this, tr("Export labelled pairs"), QStringLiteral("labels.jsonl"),
                                                    tr("JSON Lines (*.jsonl);;All files (*)"));
  if (!path.isEmpty())
    exportJsonlTo(path);
}

int AgreementPanel::exportJsonlTo(const QString& path) {
  try {
    return exportLabelsJsonl(*store_, path);
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromStdString(e.what()));
    return -1;
  }
}

} // namespace distillery::ui
