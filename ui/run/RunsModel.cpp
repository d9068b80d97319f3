#include "ui/run/RunsModel.h"

#include <QCoreApplication>

#include "core/eval/Judges.h"
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/RunRepository.h"
#include "core/store/Store.h"

namespace distillery::ui {
namespace {

constexpr const char* kContext = "distillery::ui::RunsModel";

// The pipeline's steps (RoundStep order) as the user reads them.
constexpr const char* kStepNames[] = {
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "evaluate"), // None: not reached (a round starts at synthesise)
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "synthesise queries"),
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "retrieve candidates"),
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "judge"),
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "mine pairs"),
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "train"),
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "evaluate"),
};
// runs.status values.
constexpr const char* kStatusNames[] = {
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "pending"),
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "running"),
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "paused"),
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "completed"),
    QT_TRANSLATE_NOOP("distillery::ui::RunsModel", "failed"),
};

QString stepLabel(const pipeline::PendingStep& step) {
  if (step.round == 0)
    return step.step == pipeline::RoundStep::Synthesise ? RunsModel::tr("round 0: held-out queries")
                                                        : RunsModel::tr("round 0: baseline evaluation");
  return RunsModel::tr("round %1: %2")
      .arg(step.round)
      .arg(QCoreApplication::translate(kContext, kStepNames[static_cast<int>(step.step)]));
}

QString statusLabel(const QString& status) {
  for (const char* name : kStatusNames)
    if (status == QLatin1String(name))
      return QCoreApplication::translate(kContext, name);
  return status;
}

} // namespace

RunsModel::RunsModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsModel::setStore(store::Store* store) {
  store_ = store;
  refresh();
}

void RunsModel::refresh() {
  QVector<Row> rows;
  if (store_) {
    try {
      for (const auto& run : pipeline::listRuns(*store_))
        rows.push_back({run.id,
                        QString::fromStdString(run.name),
                        QString::fromStdString(run.corpusName),
                        QString::fromStdString(run.status),
                        run.roundsDone,
                        run.roundsPlanned,
                        {}});
      pipeline::RunRepository repository(*store_);
      for (Row& row : rows) {
        const auto next = pipeline::nextStep(*store_, row.id);
        row.next = next ? stepLabel(*next) : QString();
        if (const std::string judges = repository.evaluationJudges(row.id); !judges.empty())
          row.judgedBy = QString::fromStdString(eval::describeJudges(judges));
      }
    } catch (const std::exception& e) {
      emit errorOccurred(QString::fromUtf8(e.what()));
    }
  }
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

void RunsModel::setActiveRuns(const QSet<std::int64_t>& runs) {
  if (runs == active_)
    return;
  active_ = runs;
  if (!rows_.isEmpty())
    emit dataChanged(index(0, 0), index(int(rows_.size()) - 1, ColumnCount - 1));
}

std::int64_t RunsModel::runIdAt(int row) const {
  return row >= 0 && row < rows_.size() ? rows_[row].id : 0;
}

int RunsModel::rowOf(std::int64_t runId) const {
  for (int r = 0; r < rows_.size(); ++r)
    if (rows_[r].id == runId)
      return r;
  return -1;
}

QString RunsModel::statusAt(int row) const {
  return row >= 0 && row < rows_.size() ? rows_[row].status : QString();
}

bool RunsModel::canContinue(int row) const {
  return row >= 0 && row < rows_.size() && !rows_[row].next.isEmpty() && !active_.contains(rows_[row].id);
}

int RunsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(rows_.size());
}

int RunsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size())
    return {};
  const Row& row = rows_[index.row()];
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
    case Id:
      return qlonglong(row.id);
    case Name:
      return row.name;
    case Corpus:
      return row.corpus;
    case Status:
      // The store says 'running' also for a run whose process died: only a job of ours is really running.
      return active_.contains(row.id)                 ? tr("running")
             : row.status == QLatin1String("running") ? tr("interrupted")
                                                      : statusLabel(row.status);
    case Rounds:
      return tr("%1 of %2").arg(row.roundsEvaluated).arg(row.rounds);
    case NextStep:
      return row.next.isEmpty() ? tr("none (complete)") : row.next;
    case JudgedBy:
      return row.judgedBy.isEmpty() ? tr("not scored yet") : row.judgedBy;
    }
  }
  if (role == Qt::ToolTipRole && index.column() == NextStep && !row.next.isEmpty())
    return tr("Next step runs this step alone; Resume runs every step left.");
  return {};
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
    return {};
  switch (section) {
  case Id:
    return tr("Run");
  case Name:
    return tr("Name");
  case Corpus:
    return tr("Corpus");
  case Status:
    return tr("Status");
  case Rounds:
    return tr("Rounds done");
  case NextStep:
    return tr("Next step");
  case JudgedBy:
    return tr("Judged by");
  }
  return {};
}

} // namespace distillery::ui
