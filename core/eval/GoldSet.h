#pragma once
// Gold query sets: the pairs people labelled in the pair inspector, saved as a query set of their own whose
// judgments are those labels (judged_by "human", 0-3 scale), so that they are evaluated like imported qrels
// (`eval --query-set NAME`) and exported for other tools (BEIR queries.jsonl + qrels TSV, TREC qrels).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

namespace distillery::store {
class Store;
}

namespace distillery::eval {

/// The query_sets.origin of a gold set.
inline constexpr const char* kGoldOrigin = "gold";

struct GoldSetOptions {
  std::int64_t corpusId = 0;
  std::string name; // the new query set's name; the corpus must not have one by that name
  std::optional<std::int64_t>
      runId; // only labels on this distillation run's queries; every label of the corpus when empty
};

struct GoldSetSummary {
  std::int64_t querySetId = 0;
  std::int64_t labels = 0;     // human labels read
  std::int64_t queries = 0;    // gold queries: labelled query texts (the same text in two rounds is one query)
  std::int64_t judgments = 0;  // qrels rows: labels per record (a record's chunks collapse to their highest grade)
  std::int64_t noRelevant = 0; // gold queries without a record graded 2 or more (they score 0 for MRR and Recall)
  std::int64_t trainedOn = 0;  // gold queries that a run trained or early-stopped on (split train or dev): a
                               // model of that run has seen them, so its figures on them are not held out
};

/// Saves the labelled pairs as a new query set (origin "gold", split test, grade scale 0-3, judged by "human").
/// Throws InputError when no label matches, when the name is taken, or when runId names no run of the corpus;
/// nothing is written then.
GoldSetSummary saveGoldQuerySet(store::Store& store, const GoldSetOptions& options);

/// Writes a stored query set in BEIR layout: DIRECTORY/queries.jsonl (_id, text, filing_type when known) and
/// DIRECTORY/qrels/<split>.tsv per split (query-id, corpus-id, score, with the header line). The corpus itself is
/// not written: the records are the corpus's own (passages.record_key). Each file is replaced all at once.
void exportQuerySetBeir(store::Store& store, std::int64_t querySetId, const std::filesystem::path& directory);

/// Writes a stored query set's judgments as TREC qrels (`qid 0 docid grade`).
void exportQuerySetTrecQrels(store::Store& store, std::int64_t querySetId, std::ostream& out);

} // namespace distillery::eval
