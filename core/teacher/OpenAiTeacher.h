#pragma once
// The LLM teacher: an OpenAI-compatible chat-completions endpoint driven through ChatClient with the
// bundled (or user-edited) prompt templates. Unusable answers are retried once with a stricter prompt.
#include <cstdint>
#include <memory>

#include "core/teacher/PromptLibrary.h"
#include "core/teacher/Teacher.h"

namespace distillery::teacher {

/// Tokens of a prompt by the rule of thumb of about four characters (bytes of UTF-8) per token of English text for
/// GPT-style tokenizers: what the client's tokens-per-minute limit and the run estimate count, not a tokenizer.
std::int64_t promptTokenEstimate(const nlohmann::json& messages);
/// The chat messages of one grading call, exactly as they are sent (the passage clipped as the teacher clips it).
nlohmann::json judgeMessages(const PromptLibrary& prompts, const JudgeRequest& request);
/// The chat messages of one query-writing call (the type's few-shot examples included). Throws InputError when the
/// template has no instruction for the request's query type.
nlohmann::json synthesisMessages(const PromptLibrary& prompts, const SynthesisRequest& request);

class OpenAiTeacher : public Teacher {
public:
  /// Throws InputError when the config lacks an endpoint or model.
  OpenAiTeacher(TeacherConfig config, PromptLibrary prompts);
  ~OpenAiTeacher() override;

  std::string kind() const override { return "openai"; }
  std::string model() const override { return config_.model; }
  std::string promptVersion() const override { return prompts_.judge().version; }
  std::string synthesisPromptVersion() const override { return prompts_.synthesis().version; }
  int maxGrade() const override { return maxGrade_; }
  void setLog(std::function<void(const std::string& line)> log) override { log_ = std::move(log); }

  std::vector<SynthesisResult> synthesizeQueries(const std::vector<SynthesisRequest>& requests,
                                                 const ProgressCallback& progress, std::stop_token stop,
                                                 const SynthesisSink& sink = {}) override;
  std::vector<Judgment> judge(const std::vector<JudgeRequest>& requests, const ProgressCallback& progress,
                              std::stop_token stop, const JudgmentSink& sink = {}) override;

  struct CallResult;
  struct CallSpec;

private:
  void runCalls(const std::vector<CallSpec>& specs, const std::string& stage, const ProgressCallback& progress,
                std::stop_token stop, const std::function<void(std::size_t, CallResult&&)>& done);

  std::string scrubKeys(std::string text) const; // text without any endpoint's key

  TeacherConfig config_;
  PromptLibrary prompts_;
  std::vector<std::string> apiKeys_; // per serving endpoint; scrubbed from everything kept
  std::function<void(const std::string& line)> log_;
  int maxGrade_ = 3;
  bool jsonModeUsable_ = true; // turned off for the session when the endpoint refuses response_format
  bool logprobsUsable_ = true; // likewise for logprobs
};

} // namespace distillery::teacher
