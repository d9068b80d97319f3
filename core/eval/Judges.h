#pragma once
// Where the judgments behind a figure came from, so that no figure is read without knowing whether people, an LLM or
// the offline heuristic graded it. Stored in query_sets.judged_by and in each evaluation's config ("judged_by").
//
//   "human"                                 imported qrels (BEIR, TREC): people's judgments
//   "teacher:<kind>:<model>:<prompt>"       a teacher's grades (kind heuristic or openai), e.g. a run's held-out pool
//   "file:<name>"                           qrels read from a file at evaluation time: judges not recorded
#include <string>

namespace distillery::eval {

inline constexpr const char* kHumanJudges = "human";

/// The judged_by value of a teacher's grades.
std::string teacherJudges(const std::string& kind, const std::string& model, const std::string& promptVersion);

/// The judged_by value of a qrels file given to an evaluation.
std::string fileJudges(const std::string& fileName);

/// In words, for tables and reports: "human qrels", "heuristic teacher (heuristic-lexical/v2)",
/// "LLM teacher gpt-4o-mini, prompt judge-relevance/v2", "qrels file test.tsv (judges not recorded)", "not recorded".
std::string describeJudges(const std::string& judgedBy);

} // namespace distillery::eval
