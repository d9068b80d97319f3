#include "core/eval/HumanLabels.h"

#include "core/corpus/CorpusRepository.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

namespace distillery::eval {

namespace {
constexpr int kTopGrade = 3;
}

void saveHumanLabel(store::Store& store, std::int64_t queryId, std::int64_t passageId, int grade,
                    const std::string& note) {
  if (grade < 0 || grade > kTopGrade)
    throw InputError("human grade " + std::to_string(grade) + " is outside 0-3");
  store
      .prepare("INSERT INTO human_labels(query_id, passage_id, grade, note, labelled_at) VALUES (?1, ?2, ?3, ?4, ?5) "
               "ON CONFLICT(query_id, passage_id) DO UPDATE SET grade = excluded.grade, note = excluded.note, "
               "labelled_at = excluded.labelled_at")
      .bind(1, queryId)
      .bind(2, passageId)
      .bind(3, grade)
      .bind(4, note)
      .bind(5, nowIso8601())
      .run();
}

bool saveHumanNote(store::Store& store, std::int64_t queryId, std::int64_t passageId, const std::string& note) {
  store.prepare("UPDATE human_labels SET note = ?3 WHERE query_id = ?1 AND passage_id = ?2")
      .bind(1, queryId)
      .bind(2, passageId)
      .bind(3, note)
      .run();
  return store.changes() > 0;
}

std::optional<StoredLabel> loadHumanLabel(store::Store& store, std::int64_t queryId, std::int64_t passageId) {
  store::Statement st = store.prepare("SELECT grade, note FROM human_labels WHERE query_id = ?1 AND passage_id = ?2");
  st.bind(1, queryId).bind(2, passageId);
  if (!st.step())
    return std::nullopt;
  return StoredLabel{static_cast<int>(st.columnInt64(0)), st.columnText(1)};
}

std::int64_t labelQueryText(store::Store& store, std::int64_t corpusId, const std::string& queryText,
                            std::int64_t passageId, int grade) {
  if (queryText.find_first_not_of(" \t\r\n") == std::string::npos)
    throw InputError("a label needs a query");
  if (grade < 0 || grade > kTopGrade)
    throw InputError("human grade " + std::to_string(grade) + " is outside 0-3");
  return store.transaction([&] {
    auto set = corpus::tryFindQuerySetId(store, corpusId, kPlaygroundQuerySet);
    if (!set)
      set = corpus::createQuerySet(store, corpusId, kPlaygroundQuerySet, "manual");
    auto find = store.prepare("SELECT id FROM queries WHERE query_set_id = ?1 AND text = ?2 ORDER BY id LIMIT 1");
    find.bind(1, *set).bind(2, queryText);
    std::int64_t queryId = 0;
    if (find.step()) {
      queryId = find.columnInt64(0);
    } else {
      store.prepare("INSERT INTO queries(query_set_id, text, origin, split) VALUES (?1, ?2, 'human', 'test')")
          .bind(1, *set)
          .bind(2, queryText)
          .run();
      queryId = store.lastInsertId();
    }
    find.reset();
    saveHumanLabel(store, queryId, passageId, grade);
    return queryId;
  });
}

} // namespace distillery::eval
