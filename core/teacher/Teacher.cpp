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

std::string toString(QueryType type) {
  switch (type) {
  case QueryType::Question:
    return "question";
  case QueryType::Claim:
    return "claim";
  case QueryType::Keyword:
    return "keyword";
  case QueryType::Title:
    return "title";
  }
  return "question";
}

QueryType parseQueryType(const std::string& name) {
  for (QueryType type : allQueryTypes())
    if (toString(type) == name)
      return type;
  throw InputError("unknown query type '" + name + "' (expected question, claim, keyword or title)");
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
