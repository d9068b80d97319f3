#pragma once
// A pair's grade as the mine and train steps read it: the teacher's judgment from the judgment cache, with a
// person's label overruling it, as the grade and as the score the false-negative guard compares.
#include <cstdint>
#include <optional>
#include <string>

#include "core/eval/HumanGrades.h"
#include "core/pipeline/RunContext.h"
#include "core/teacher/JudgmentCache.h"

namespace distillery::pipeline::steps {

struct PairGrade {
  std::optional<int> grade;    // 0 .. the teacher's top grade; empty when unjudged and not labelled
  std::optional<double> score; // the teacher's finer score (same scale) when it has one; a label as a number
  bool byHuman = false;        // a person's label overruled the teacher
};

class PairGrades {
public:
  /// Reads the people's labels on the run's corpus once.
  explicit PairGrades(RunContext& context);
  /// Judgments are keyed by query text and passage content: identical queries share them.
  PairGrade of(const std::string& queryText, std::int64_t passageId);

private:
  RunContext& context_;
  teacher::JudgmentCache cache_;
  eval::HumanGrades human_;
};

} // namespace distillery::pipeline::steps
