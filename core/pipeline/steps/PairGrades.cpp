#include "core/pipeline/steps/PairGrades.h"

#include "core/teacher/Teacher.h"
#include "core/util/Hash.h"

namespace distillery::pipeline::steps {

PairGrades::PairGrades(RunContext& context)
    : context_(context), cache_(context.store), human_(eval::HumanGrades::load(context.store, context.run.corpusId)) {}

PairGrade PairGrades::of(const std::string& queryText, std::int64_t passageId) {
  PairGrade pair;
  if (const auto judgment = cache_.lookup(*context_.teacher, queryText, contentHash(context_.passageText(passageId)))) {
    pair.grade = judgment->grade;
    pair.score = judgment->score;
  }
  if (const auto label = human_.find(queryText, passageId)) {
    pair.grade = *label;
    pair.score = static_cast<double>(*label);
    pair.byHuman = true;
  }
  return pair;
}

} // namespace distillery::pipeline::steps
