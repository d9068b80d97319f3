#pragma once
// Which queries two stored evaluations of the same query set ranked differently, and how: per query its text,
// filing type, NDCG at the evaluations' k before (A) and after (B), and both top lists with a snippet of each record
// and the grade the query's judgments gave it. For reports and the GUI ("which queries did the round fix or break?").
// Reads only the store (evaluation_queries, evaluation_rankings, queries, passages); no Qt.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace distillery::store {
class Store;
}

namespace distillery::eval {

/// One record of a stored ranking.
struct RankedRecord {
  int rank = 0; // 1-based
  std::string recordKey;
  std::string snippet;      // the start of the record's first passage (about 100 characters); empty when not found
  std::optional<int> grade; // the query's judged grade of the record; none when unjudged
};

struct QueryChange {
  std::string queryKey;
  std::string text;       // empty when the evaluation has no stored query set (scored from files)
  std::string filingType; // as B grouped it
  double ndcgA = 0;
  double ndcgB = 0;
  std::vector<RankedRecord> topA; // best first
  std::vector<RankedRecord> topB;
  double change() const { return ndcgB - ndcgA; }
};

inline constexpr std::size_t kSnippetLength = 100;

/// Every query both evaluations scored, in query key order, with each one's `top` best records. Throws InputError
/// naming the evaluation when an id is unknown, and when the two were scored at different k (not comparable).
std::vector<QueryChange> compareQueryRankings(store::Store& store, std::int64_t evaluationA, std::int64_t evaluationB,
                                              int top = 5);

struct MostChanged {
  std::vector<QueryChange> improved; // largest NDCG gain first
  std::vector<QueryChange> degraded; // largest NDCG loss first
};

/// The `count` queries whose NDCG rose most and the `count` whose NDCG fell most; ties by query key, queries whose
/// NDCG did not change left out (so each list may be shorter).
MostChanged mostChanged(std::vector<QueryChange> changes, std::size_t count = 10);

struct ChangeCounts {
  std::int64_t improved = 0;  // NDCG rose
  std::int64_t unchanged = 0; // within 1e-9
  std::int64_t degraded = 0;  // NDCG fell
};

/// Per filing type (as B grouped each query) and "ALL": how many queries B improved, left alone and degraded.
std::map<std::string, ChangeCounts> countChanges(const std::vector<QueryChange>& changes);

/// The stored evaluation of a distillation run's round under a retriever ("dense", "bm25", "hybrid"); without a
/// round, the highest round that has one. The latest when a round was scored more than once. Throws InputError naming
/// the run and round when there is none.
std::int64_t roundEvaluationId(store::Store& store, std::int64_t runId, std::optional<int> round,
                               const std::string& retriever = "dense");

/// A stored evaluation, as a picker lists it.
struct EvaluationEntry {
  std::int64_t id = 0;
  std::optional<std::int64_t> runId; // the distillation run and round it scored; none outside runs
  std::optional<int> round;
  std::string retriever; // dense | bm25 | hybrid | run:<file>
  std::optional<std::int64_t> modelId;
  std::string querySet; // empty when scored from files
  int k = 0;
  std::int64_t queries = 0; // per-query rows stored
  /// "run 1, round 2: dense (model 5)", "evaluation 7: bm25 on tatqa".
  std::string label() const;
};

/// Every stored evaluation with per-query rows (the ones compareQueryRankings can read), newest first.
std::vector<EvaluationEntry> listEvaluations(store::Store& store);

/// The first ~`length` bytes of text on one line (whitespace runs collapsed), cut at a word and a UTF-8 character
/// boundary, with "…" when cut.
std::string textSnippet(const std::string& text, std::size_t length = kSnippetLength);

} // namespace distillery::eval
