#pragma once
// Per-query comparison of two stored evaluations (two rounds of a run, two runs, a model against BM25): a scatter of
// each held-out query's NDCG under A (x) against B (y), one colour per filing type, with the diagonal (above it: B
// did better); the counts of queries B improved, left alone and degraded per filing type; and the queries in a table
// sortable by change. Clicking a point or a row opens that query in the query playground with A's and B's retrievers
// side by side. The numbers are core's (eval::compareQueryRankings, the same as `distillery-cli compare`).
#include <QWidget>

#include <vector>

#include "core/eval/QueryChanges.h"
#include "ui/inspect/QueryPlayground.h"

class QComboBox;
class QCustomPlot;
class QCPAbstractPlottable;
class QLabel;
class QTableWidget;

namespace distillery::store {
class Store;
}

namespace distillery::ui {

class QueryComparison : public QWidget {
  Q_OBJECT
public:
  explicit QueryComparison(QWidget* parent = nullptr);

  void setStore(store::Store* store);
  QComboBox* evaluationBox(int side) const { return side == 0 ? a_ : b_; }
  QCustomPlot* plot() const { return plot_; }
  QTableWidget* countsTable() const { return counts_; }
  QTableWidget* queryTable() const { return queries_; }
  const std::vector<eval::QueryChange>& changes() const { return changes_; }
  /// The playground columns an evaluation's retriever stands for (none for a scored run file).
  static std::vector<PlaygroundRetriever> retrieversOf(const eval::EvaluationEntry& a, const eval::EvaluationEntry& b);

public slots:
  /// Re-reads the list of stored evaluations, keeping the chosen ones when they still exist.
  void refresh();

signals:
  /// A query chosen in the plot or the table: open it in the playground with these columns.
  void queryOpened(const QString& text, const std::vector<PlaygroundRetriever>& columns);
  void errorOccurred(const QString& message);

private:
  void compare();
  void openQuery(std::size_t index);
  void pointClicked(QCPAbstractPlottable* plottable, int dataIndex);
  const eval::EvaluationEntry* chosen(const QComboBox* box) const;

  store::Store* store_ = nullptr;
  std::vector<eval::EvaluationEntry> evaluations_;
  std::vector<eval::QueryChange> changes_;
  std::vector<std::vector<std::size_t>> pointQueries_; // per scatter graph: the index in changes_ of each point
  QComboBox* a_;
  QComboBox* b_;
  QLabel* summary_;
  QCustomPlot* plot_;
  QTableWidget* counts_;
  QTableWidget* queries_;
};

} // namespace distillery::ui
