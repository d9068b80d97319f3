#include "core/eval/HumanGrades.h"

#include "core/store/Store.h"

namespace distillery::eval {

HumanGrades HumanGrades::load(store::Store& store, std::int64_t corpusId) {
  HumanGrades grades;
  store::Statement select =
      store.prepare("SELECT q.text, h.passage_id, h.grade FROM human_labels h JOIN queries q ON q.id = h.query_id "
                    "JOIN query_sets s ON s.id = q.query_set_id WHERE s.corpus_id = ?1 ORDER BY h.labelled_at, h.id");
  select.bind(1, corpusId);
  while (select.step())
    grades.grades_[{select.columnText(0), select.columnInt64(1)}] = static_cast<int>(select.columnInt64(2));
  return grades;
}

std::optional<int> HumanGrades::find(const std::string& queryText, std::int64_t passageId) const {
  const auto it = grades_.find({queryText, passageId});
  return it == grades_.end() ? std::nullopt : std::optional<int>(it->second);
}

} // namespace distillery::eval
