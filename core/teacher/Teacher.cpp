#include "core/teacher/Teacher.h"

#include "core/teacher/HeuristicTeacher.h"
#include "core/teacher/OpenAiTeacher.h"
#include "core/teacher/PromptLibrary.h"
#include "core/util/Error.h"

namespace distillery::teacher {

const std::vector<QueryType>& allQueryTypes() {
  static const std::vector<QueryType> types = {QueryType::Question, QueryType::Claim, QueryType::Keyword,
                                               QueryType::Title};
  return types;
}

void TeacherUsage::add(const TeacherUsage& other) {
  calls += other.calls;
  inputTokens += other.inputTokens;
  outputTokens += other.outputTokens;
  cost += other.cost;
}

std::unique_ptr<Teacher> makeTeacher(const TeacherConfig& config) {
  if (config.kind == "heuristic")
    return std::make_unique<HeuristicTeacher>();
  if (config.kind == "openai")
    return std::make_unique<OpenAiTeacher>(config, PromptLibrary::load(config.promptDirectory));
  throw InputError("teacher: unknown kind '" + config.kind + "' (expected heuristic or openai)");
}

} // namespace distillery::teacher
