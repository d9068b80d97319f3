#pragma once
// Versioned prompt templates (resources/prompts/*.json). They are looked up on disk so users can edit
// copies (an override directory first, then beside the executable, then the source tree) and are also
// compiled in, so a lone binary still works. An edited template gets a version suffix derived from its
// content, so judgments made with different wording never share a cache entry.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace distillery::teacher {

struct PromptTemplate {
  std::string name;    // judge-relevance | synthesize-queries
  std::string version; // e.g. "judge-relevance/v1"; "+<hash>" appended when the text differs from the bundled one
  nlohmann::json spec; // the whole template document (system, user, strict_retry, types, ...)
  std::string source;  // the file it came from, or "built-in"

  /// A string field of the template; throws Error naming the template and field when missing.
  std::string text(const std::string& field) const;
};

class PromptLibrary {
public:
  static constexpr const char* kJudgeTemplate = "judge-relevance";
  static constexpr const char* kSynthesisTemplate = "synthesize-queries";

  /// Loads both templates; overrideDirectory (may be empty) is searched first.
  /// Throws InputError when a file found on disk is not a valid template (naming the file).
  static PromptLibrary load(const std::string& overrideDirectory = {});

  /// Directories searched, in order: the override, $DISTILLERY_PROMPT_DIR, beside the executable
  /// (../share/distillery/prompts, ../resources/prompts), the source tree's resources/prompts.
  static std::vector<std::filesystem::path> searchDirectories(const std::string& overrideDirectory);

  /// Replaces {{name}} placeholders; unknown placeholders are left as they are.
  static std::string render(std::string_view text, const std::map<std::string, std::string>& values);

  const PromptTemplate& judge() const { return judge_; }
  const PromptTemplate& synthesis() const { return synthesis_; }

private:
  PromptTemplate judge_;
  PromptTemplate synthesis_;
};

} // namespace distillery::teacher
