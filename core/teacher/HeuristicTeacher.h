#pragma once
// The offline teacher, used when no endpoint is configured: extractive query writing (key terms into
// keyword queries and titles, the most informative sentence into claims and questions) and a lexical
// grader (BM25-style term overlap mapped to 0-3). Deterministic; every rationale says it is heuristic.
#include "core/teacher/Teacher.h"

namespace distillery::teacher {

class HeuristicTeacher : public Teacher {
public:
  std::string kind() const override { return "heuristic"; }
  std::string model() const override { return "heuristic-bm25"; }
  std::string promptVersion() const override { return "heuristic-lexical/v2"; }
  std::string synthesisPromptVersion() const override { return "heuristic-extractive/v2"; }

  std::vector<SynthesisResult> synthesizeQueries(const std::vector<SynthesisRequest>& requests,
                                                 const ProgressCallback& progress, std::stop_token stop,
                                                 const SynthesisSink& sink = {}) override;
  std::vector<Judgment> judge(const std::vector<JudgeRequest>& requests, const ProgressCallback& progress,
                              std::stop_token stop, const JudgmentSink& sink = {}) override;

  /// The single-item forms (pure functions of their input).
  static Judgment judgeOne(const JudgeRequest& request);
  static Judgment judgeOne(const std::string& query, const std::string& passage);
  static SynthesisResult synthesizeOne(const SynthesisRequest& request);
};

} // namespace distillery::teacher
