#include "ui/inspect/PairModels.h"

#include <QColor>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/eval/HumanLabels.h"
#include "core/store/Store.h"
#include "core/teacher/JudgmentCache.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

namespace distillery::ui {
namespace {

QString qstr(const std::string& s) {
  return QString::fromStdString(s);
}

QVariant optionalInt(const store::Statement& st, int column) {
  return st.columnIsNull(column) ? QVariant() : QVariant::fromValue(st.columnInt64(column));
}

QVariant optionalScore(const store::Statement& st, int column) {
  return st.columnIsNull(column) ? QVariant() : QVariant(QString::number(st.columnDouble(column), 'f', 3));
}

// The teacher's grade of a pair: its latest ok judgment, found as the cache keys it (query text, passage content), else
// what mining recorded from the teacher (not a person's label that overruled it there).
QString teacherGrade(const QString& alias, const QString& fallback) {
  return QStringLiteral("coalesce(%1, %2)")
      .arg(QString::fromStdString(teacher::teacherGradeSql(alias.toStdString())), fallback);
}
const QString kMinedTeacherGrade =
    teacherGrade(QStringLiteral("m"), QStringLiteral("CASE WHEN m.graded_by = 'teacher' THEN m.grade END"));

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
  if (filter_.roundId <= 0)
    return {};
  QString sql = QStringLiteral("SELECT m.id, q.text, substr(p.text, 1, 300), m.kind, ") + kMinedTeacherGrade +
                QStringLiteral(", h.grade, m.student_rank, m.student_score, m.rank_after, m.score_after, "
                               "d.filing_type, m.query_id, m.passage_id "
                               "FROM mined_examples m JOIN queries q ON q.id = m.query_id "
                               "JOIN passages p ON p.id = m.passage_id JOIN documents d ON d.id = p.document_id "
                               "LEFT JOIN human_labels h ON h.query_id = m.query_id AND h.passage_id = m.passage_id "
                               "WHERE m.round_id = ?1 AND m.id > ?2");
  if (!filter_.kind.isEmpty())
    sql += QStringLiteral(" AND m.kind = ?3");
  if (filter_.grade >= 0)
    sql += QStringLiteral(" AND ") + kMinedTeacherGrade + QStringLiteral(" = ?4");
  if (!filter_.filingType.isEmpty())
    sql += QStringLiteral(" AND d.filing_type = ?5");
  if (filter_.disagreementOnly)
    sql += QStringLiteral(" AND h.grade IS NOT NULL AND h.grade IS NOT ") + kMinedTeacherGrade;
  if (filter_.unlabelledOnly)
    sql += QStringLiteral(" AND h.grade IS NULL");
  sql += QStringLiteral(" ORDER BY m.id LIMIT %1").arg(limit);
  store::Statement st = store.prepare(sql.toStdString());
  st.bind(1, filter_.roundId).bind(2, afterKey);
  if (!filter_.kind.isEmpty())
    st.bind(3, filter_.kind.toStdString());
  if (filter_.grade >= 0)
    st.bind(4, filter_.grade);
  if (!filter_.filingType.isEmpty())
    st.bind(5, filter_.filingType.toStdString());
  std::vector<KeysetRow> rows;
  while (st.step()) {
    KeysetRow row;
    row.key = st.columnInt64(0);
    row.cells = {qstr(st.columnText(1)),
                 qstr(st.columnText(2)).simplified(),
                 qstr(st.columnText(3)),
                 optionalInt(st, 4),
                 optionalInt(st, 5),
                 optionalInt(st, 6),
                 optionalScore(st, 7),
                 optionalInt(st, 8),
                 optionalScore(st, 9),
                 qstr(st.columnText(10)),
                 QVariant::fromValue(st.columnInt64(11)),  // hidden: query id
                 QVariant::fromValue(st.columnInt64(12))}; // hidden: passage id
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
  store.prepare("UPDATE human_labels SET note = ?3 WHERE query_id = ?1 AND passage_id = ?2")
      .bind(1, queryId)
      .bind(2, passageId)
      .bind(3, note.toStdString())
      .run();
  return store.changes() > 0;
}

std::optional<HumanLabel> loadHumanLabel(store::Store& store, std::int64_t queryId, std::int64_t passageId) {
  store::Statement st = store.prepare("SELECT grade, note FROM human_labels WHERE query_id = ?1 AND passage_id = ?2");
  st.bind(1, queryId).bind(2, passageId);
  if (!st.step())
    return std::nullopt;
  return HumanLabel{static_cast<int>(st.columnInt64(0)), qstr(st.columnText(1))};
}

namespace {

store::Statement labelledPairs(store::Store& store) {
  const QString teacher =
      teacherGrade(QStringLiteral("h"), QStringLiteral("(SELECT m.grade FROM mined_examples m WHERE m.query_id = "
                                                       "h.query_id AND m.passage_id = h.passage_id AND m.grade IS NOT "
                                                       "NULL AND m.graded_by = 'teacher' ORDER BY m.id DESC LIMIT 1)"));
  return store.prepare(("SELECT h.query_id, h.passage_id, h.grade, h.note, h.labelled_at, d.filing_type, " + teacher +
                        ", q.text, p.text FROM human_labels h JOIN queries q ON q.id = h.query_id "
                        "JOIN passages p ON p.id = h.passage_id JOIN documents d ON d.id = p.document_id ORDER BY h.id")
                           .toStdString());
}

} // namespace

std::vector<GradedPair> loadGradedPairs(store::Store& store) {
  std::vector<GradedPair> pairs;
  store::Statement st = labelledPairs(store);
  while (st.step())
    if (!st.columnIsNull(6))
      pairs.push_back({st.columnText(5), static_cast<int>(st.columnInt64(2)), static_cast<int>(st.columnInt64(6))});
  return pairs;
}

int exportLabelsJsonl(store::Store& store, const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
    throw Error("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
  int written = 0;
  store::Statement st = labelledPairs(store);
  while (st.step()) {
    QJsonObject o;
    o.insert(QStringLiteral("query_id"), qint64(st.columnInt64(0)));
    o.insert(QStringLiteral("passage_id"), qint64(st.columnInt64(1)));
    o.insert(QStringLiteral("human_grade"), int(st.columnInt64(2)));
    o.insert(QStringLiteral("teacher_grade"), st.columnIsNull(6) ? QJsonValue() : QJsonValue(int(st.columnInt64(6))));
    o.insert(QStringLiteral("note"), qstr(st.columnText(3)));
    o.insert(QStringLiteral("labelled_at"), qstr(st.columnText(4)));
    o.insert(QStringLiteral("filing_type"), qstr(st.columnText(5)));
    o.insert(QStringLiteral("query"), qstr(st.columnText(7)));
    o.insert(QStringLiteral("passage"), qstr(st.columnText(8)));
    file.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
    ++written;
  }
  if (!file.flush())
    throw Error("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
  return written;
}

} // namespace distillery::ui
