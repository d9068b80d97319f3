#pragma once
// The experiment's distillation runs as a table: status, rounds evaluated and the step each would execute next,
// so a paused or failed run can be resumed, or advanced one step, from the jobs panel.
#include <QAbstractTableModel>
#include <QSet>
#include <QString>
#include <QVector>

#include <cstdint>

namespace distillery::store {
class Store;
}

namespace distillery::ui {

class RunsModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { Id, Name, Corpus, Status, Rounds, NextStep, JudgedBy, ColumnCount };
  explicit RunsModel(QObject* parent = nullptr);

  void setStore(store::Store* store);
  /// Re-reads every run (after a job changed one).
  void refresh();
  /// Runs that have a job in flight: shown as such and not offered for resuming.
  void setActiveRuns(const QSet<std::int64_t>& runs);

  std::int64_t runIdAt(int row) const;
  int rowOf(std::int64_t runId) const;
  QString statusAt(int row) const;
  /// Whether the run has steps left and no job in flight.
  bool canContinue(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
  void errorOccurred(const QString& message);

private:
  struct Row {
    std::int64_t id = 0;
    QString name, corpus, status;
    int roundsEvaluated = 0; // rounds 1.. done (round 0 is the baseline)
    int rounds = 0;
    QString next;     // empty when complete
    QString judgedBy; // who graded the figures, in words; empty before round 0 is scored
  };
  store::Store* store_ = nullptr;
  QVector<Row> rows_;
  QSet<std::int64_t> active_;
};

} // namespace distillery::ui
