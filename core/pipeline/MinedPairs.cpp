#include "core/pipeline/MinedPairs.h"

#include "core/store/Store.h"
#include "core/teacher/JudgmentCache.h"

namespace distillery::pipeline {
namespace {

// The teacher's grade of a pair carried by rows under `alias`: its judgment, else `fallback`.
std::string teacherGrade(const std::string& alias, const std::string& fallback) {
  return "coalesce(" + teacher::teacherGradeSql(alias) + ", " + fallback + ")";
}

} // namespace

std::vector<MinedPairRow> loadMinedPairs(store::Store& store, const MinedPairFilter& filter, std::int64_t afterId,
                                         int limit) {
  if (filter.roundId <= 0)
    return {};
  // Not a person's label that overruled the teacher in mining (graded_by 'human').
  const std::string minedTeacher = teacherGrade("m", "CASE WHEN m.graded_by = 'teacher' THEN m.grade END");
  std::string sql = "SELECT m.id, q.text, substr(p.text, 1, 300), m.kind, " + minedTeacher +
                    ", h.grade, m.student_rank, m.student_score, m.rank_after, m.score_after, coalesce(d.filing_type, "
                    "''), m.query_id, m.passage_id FROM mined_examples m JOIN queries q ON q.id = m.query_id "
                    "JOIN passages p ON p.id = m.passage_id JOIN documents d ON d.id = p.document_id "
                    "LEFT JOIN human_labels h ON h.query_id = m.query_id AND h.passage_id = m.passage_id "
                    "WHERE m.round_id = ?1 AND m.id > ?2";
  if (!filter.kind.empty())
    sql += " AND m.kind = ?3";
  if (filter.teacherGrade)
    sql += " AND " + minedTeacher + " = ?4";
  if (!filter.filingType.empty())
    sql += " AND d.filing_type = ?5";
  if (filter.disagreementOnly)
    sql += " AND h.grade IS NOT NULL AND h.grade IS NOT " + minedTeacher;
  if (filter.unlabelledOnly)
    sql += " AND h.grade IS NULL";
  sql += " ORDER BY m.id LIMIT ?6";
  store::Statement st = store.prepare(sql);
  st.bind(1, filter.roundId).bind(2, afterId).bind(6, limit);
  if (!filter.kind.empty())
    st.bind(3, filter.kind);
  if (filter.teacherGrade)
    st.bind(4, *filter.teacherGrade);
  if (!filter.filingType.empty())
    st.bind(5, filter.filingType);
  std::vector<MinedPairRow> rows;
  while (st.step())
    rows.push_back({st.columnInt64(0), st.columnInt64(11), st.columnInt64(12), st.columnText(1), st.columnText(2),
                    st.columnText(3), st.columnOptionalInt64(4), st.columnOptionalInt64(5), st.columnOptionalInt64(6),
                    st.columnOptionalInt64(8), st.columnOptionalDouble(7), st.columnOptionalDouble(9),
                    st.columnText(10)});
  return rows;
}

std::vector<LabelledPair> loadLabelledPairs(store::Store& store) {
  const std::string teacher =
      teacherGrade("h", "(SELECT m.grade FROM mined_examples m WHERE m.query_id = h.query_id AND m.passage_id = "
                        "h.passage_id AND m.grade IS NOT NULL AND m.graded_by = 'teacher' ORDER BY m.id DESC LIMIT 1)");
  store::Statement st = store.prepare(
      "SELECT h.query_id, h.passage_id, h.grade, h.note, h.labelled_at, coalesce(d.filing_type, ''), " + teacher +
      ", q.text, p.text FROM human_labels h JOIN queries q ON q.id = h.query_id JOIN passages p ON p.id = "
      "h.passage_id JOIN documents d ON d.id = p.document_id ORDER BY h.id");
  std::vector<LabelledPair> pairs;
  while (st.step())
    pairs.push_back({st.columnInt64(0), st.columnInt64(1), static_cast<int>(st.columnInt64(2)),
                     st.columnOptionalInt64(6), st.columnText(3), st.columnText(4), st.columnText(5), st.columnText(7),
                     st.columnText(8)});
  return pairs;
}

} // namespace distillery::pipeline
