#include "ui/inspect/PairModels.h"

#include <QColor>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/eval/HumanLabels.h"
#include "core/pipeline/HardExampleMiner.h"
#include "core/pipeline/MinedPairs.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

namespace distillery::ui {
namespace {

QString qstr(const std::string& s) {
  return QString::fromStdString(s);
}

template <typename Number> QVariant optionalNumber(const std::optional<Number>& value) {
  return value ? QVariant::fromValue(*value) : QVariant();
}

QVariant optionalScore(const std::optional<double>& value) {
  return value ? QVariant(QString::number(*value, 'f', 3)) : QVariant();
}

} // namespace

MinedExampleModel::MinedExampleModel(QObject* parent)
    : KeysetTableModel({tr("Query"), tr("Passage"), tr("Kind"), tr("Teacher"), tr("Human"), tr("Rank before"),
                        tr("Score before"), tr("Rank after"), tr("Score after"), tr("Filing type")},
                       parent) {}

void MinedExampleModel::setFilter(const PairFilter& filter) {
  filter_ = filter;
  reload();
}

std::int64_t MinedExampleModel::queryIdAt(int row) const {
  return row >= 0 && row < rowCount() ? rowAt(row).cells.value(ColumnCount).toLongLong() : 0;
}

std::int64_t MinedExampleModel::passageIdAt(int row) const {
  return row >= 0 && row < rowCount() ? rowAt(row).cells.value(ColumnCount + 1).toLongLong() : 0;
}

std::vector<KeysetRow> MinedExampleModel::fetchPage(store::Store& store, std::int64_t afterKey, int limit) const {
  pipeline::MinedPairFilter filter;
  filter.roundId = filter_.roundId;
  filter.kind = filter_.kind.toStdString();
  if (filter_.grade >= 0)
    filter.teacherGrade = filter_.grade;
  filter.filingType = filter_.filingType.toStdString();
  filter.disagreementOnly = filter_.disagreementOnly;
  filter.unlabelledOnly = filter_.unlabelledOnly;
  std::vector<KeysetRow> rows;
  for (const pipeline::MinedPairRow& pair : pipeline::loadMinedPairs(store, filter, afterKey, limit)) {
    KeysetRow row;
    row.key = pair.id;
    row.cells = {qstr(pair.query),
                 qstr(pair.passageStart).simplified(),
                 minedKindLabel(pair.kind),
                 optionalNumber(pair.teacherGrade),
                 optionalNumber(pair.humanGrade),
                 optionalNumber(pair.rankBefore),
                 optionalScore(pair.scoreBefore),
                 optionalNumber(pair.rankAfter),
                 optionalScore(pair.scoreAfter),
                 qstr(pair.filingType),
                 QVariant::fromValue(pair.queryId),    // hidden: query id
                 QVariant::fromValue(pair.passageId)}; // hidden: passage id
    rows.push_back(std::move(row));
  }
  return rows;
}

QVariant MinedExampleModel::extraData(const KeysetRow& row, int column, int role) const {
  if (role == Qt::BackgroundRole && column == HumanGrade) {
    const QVariant human = row.cells.value(HumanGrade);
    if (!human.isValid())
      return {};
    return human == row.cells.value(TeacherGrade) ? QColor(0xd8, 0xf0, 0xd8) : QColor(0xf8, 0xd8, 0xd0);
  }
  if (role == Qt::TextAlignmentRole && column >= TeacherGrade && column <= ScoreAfter)
    return int(Qt::AlignRight | Qt::AlignVCenter);
  return KeysetTableModel::extraData(row, column, role);
}

void storeHumanLabel(store::Store& store, std::int64_t queryId, std::int64_t passageId, int grade,
                     const QString& note) {
  eval::saveHumanLabel(store, queryId, passageId, grade, note.toStdString());
}

bool storeHumanNote(store::Store& store, std::int64_t queryId, std::int64_t passageId, const QString& note) {
  return eval::saveHumanNote(store, queryId, passageId, note.toStdString());
}

std::optional<HumanLabel> loadHumanLabel(store::Store& store, std::int64_t queryId, std::int64_t passageId) {
  const auto label = eval::loadHumanLabel(store, queryId, passageId);
  if (!label)
    return std::nullopt;
  return HumanLabel{label->grade, qstr(label->note)};
}

std::vector<eval::GradedPair> loadGradedPairs(store::Store& store) {
  std::vector<eval::GradedPair> pairs;
  for (const pipeline::LabelledPair& pair : pipeline::loadLabelledPairs(store))
    if (pair.teacherGrade)
      pairs.push_back({pair.filingType, pair.humanGrade, static_cast<int>(*pair.teacherGrade)});
  return pairs;
}

int exportLabelsJsonl(store::Store& store, const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
    throw Error("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
  int written = 0;
  for (const pipeline::LabelledPair& pair : pipeline::loadLabelledPairs(store)) {
    QJsonObject o;
    o.insert(QStringLiteral("query_id"), qint64(pair.queryId));
    o.insert(QStringLiteral("passage_id"), qint64(pair.passageId));
    o.insert(QStringLiteral("human_grade"), pair.humanGrade);
    o.insert(QStringLiteral("teacher_grade"),
             pair.teacherGrade ? QJsonValue(static_cast<int>(*pair.teacherGrade)) : QJsonValue());
    o.insert(QStringLiteral("note"), qstr(pair.note));
    o.insert(QStringLiteral("labelled_at"), qstr(pair.labelledAt));
    o.insert(QStringLiteral("filing_type"), qstr(pair.filingType));
    o.insert(QStringLiteral("query"), qstr(pair.query));
    o.insert(QStringLiteral("passage"), qstr(pair.passage));
    file.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
    ++written;
  }
  if (!file.flush())
    throw Error("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
  return written;
}

} // namespace distillery::ui
