#include "core/eval/Judges.h"

namespace distillery::eval {

std::string teacherJudges(const std::string& kind, const std::string& model, const std::string& promptVersion) {
  return "teacher:" + kind + ":" + model + ":" + promptVersion;
}

std::string fileJudges(const std::string& fileName) {
  return "file:" + fileName;
}

std::string describeJudges(const std::string& judgedBy) {
  if (judgedBy == kHumanJudges)
    return "human qrels";
  if (judgedBy.rfind("file:", 0) == 0)
    return "qrels file " + judgedBy.substr(5) + " (judges not recorded)";
  if (judgedBy.rfind("teacher:", 0) == 0) {
    // teacher:<kind>:<model>:<prompt>; a model name may hold ':' (e.g. "llama3:8b"), the prompt version does not.
    const std::string rest = judgedBy.substr(8);
    const auto kindEnd = rest.find(':');
    const auto promptStart = rest.rfind(':');
    if (kindEnd != std::string::npos && promptStart != std::string::npos && promptStart > kindEnd) {
      const std::string kind = rest.substr(0, kindEnd);
      const std::string model = rest.substr(kindEnd + 1, promptStart - kindEnd - 1);
      const std::string prompt = rest.substr(promptStart + 1);
      if (kind == "heuristic")
        return "heuristic teacher (" + model + ")";
      return "LLM teacher " + model + ", prompt " + prompt;
    }
  }
  return judgedBy.empty() ? "not recorded" : judgedBy;
}

} // namespace distillery::eval
