#pragma once
// Agreement between the human spot-check labels and the teacher, per filing type: Cohen's kappa
// (plain and quadratic-weighted), exact agreement and the confusion matrix; JSONL export of the labels.
#include <QWidget>

#include <map>
#include <string>

#include "core/eval/Agreement.h"

class QLabel;
class QTableWidget;

namespace distillery::store {
class Store;
}

namespace distillery::ui {

class AgreementPanel : public QWidget {
  Q_OBJECT
public:
  explicit AgreementPanel(QWidget* parent = nullptr);

  void setStore(store::Store* store);
  const std::map<std::string, eval::ConfusionMatrix>& matrices() const { return matrices_; }
  QTableWidget* summaryTable() const { return summary_; }
  QTableWidget* confusionTable() const { return confusion_; }

public slots:
  void refresh();
  /// Asks for a file and writes the labelled pairs as JSONL.
  void exportJsonl();
  /// Writes the labelled pairs to path; returns the count or -1 after reporting an error.
  int exportJsonlTo(const QString& path);

signals:
  void errorOccurred(const QString& message);

private:
  void showConfusion(const std::string& filingType);

  store::Store* store_ = nullptr;
  std::map<std::string, eval::ConfusionMatrix> matrices_;
  QTableWidget* summary_;
  QTableWidget* confusion_;
  QLabel* confusionTitle_;
};

} // namespace distillery::ui
