#pragma once
// People's spot-check labels (human_labels): a grade 0-3 and a note per (query, passage) pair. They overrule the
// teacher in mining and training (HumanGrades.h), are the gold of the agreement panel and of gold query sets
// (GoldSet.h), and show beside every hit of the query playground.
#include <cstdint>
#include <optional>
#include <string>

namespace distillery::store {
class Store;
}

namespace distillery::eval {

/// The query set a typed query is stored in when someone labels one of its hits in the playground.
inline constexpr const char* kPlaygroundQuerySet = "playground";

/// Stores (or replaces) a label. Throws InputError for a grade outside 0-3.
void saveHumanLabel(store::Store& store, std::int64_t queryId, std::int64_t passageId, int grade,
                    const std::string& note = {});

/// Replaces the note of an existing label; false when the pair has no label yet.
bool saveHumanNote(store::Store& store, std::int64_t queryId, std::int64_t passageId, const std::string& note);

struct StoredLabel {
  int grade = 0;
  std::string note;
};
/// The label of a pair, if it has one.
std::optional<StoredLabel> loadHumanLabel(store::Store& store, std::int64_t queryId, std::int64_t passageId);

/// Labels a passage for a query known only by its text (typed in the playground): the query is stored once in the
/// corpus's "playground" query set (made when missing; split test, so no run trains on it), then labelled like any.
/// Returns the query's id. Throws InputError for an empty text or a grade outside 0-3.
std::int64_t labelQueryText(store::Store& store, std::int64_t corpusId, const std::string& queryText,
                            std::int64_t passageId, int grade);

} // namespace distillery::eval
