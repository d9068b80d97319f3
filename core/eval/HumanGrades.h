#pragma once
// People's grades overrule the teacher's: a pair labelled in the pair inspector keeps that label in every later
// mining and training step, also when a later round or run asks the same query text about the same passage.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace distillery::store {
class Store;
}

namespace distillery::eval {

class HumanGrades {
public:
  /// Every label on the corpus's queries; a pair labelled more than once under the same query text keeps its latest.
  static HumanGrades load(store::Store& store, std::int64_t corpusId);

  /// People's grade (0-3) of the passage for this query text, when someone labelled it.
  std::optional<int> find(const std::string& queryText, std::int64_t passageId) const;
  bool empty() const { return grades_.empty(); }
  std::size_t size() const { return grades_.size(); }

private:
  std::map<std::pair<std::string, std::int64_t>, int> grades_; // (query text, passage id) -> grade
};

} // namespace distillery::eval
