#pragma once
// Query synthesis for a corpus: picks passages spread evenly over the corpus, asks the teacher for
// queries of the requested types, and stores each query as it arrives in a synthetic query set
// (with its type, source passage, filing type and the teacher that wrote it). The teacher sees the passage's
// document (company, filing type, period, section, title). A passage/type pair already in the set is not sent
// again, so a rerun after a crash pays only for what is missing. A query the set already holds, word for word or
// nearly, is dropped (counted and reported through progress with the reason), so sampled queries stay varied.
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/store/Store.h"
#include "core/teacher/Teacher.h"

namespace distillery::teacher {

struct QueryGenerationOptions {
  std::string corpus;                             // corpus name
  std::int64_t count = 100;                       // queries wanted (one passage per query)
  std::vector<QueryType> types = allQueryTypes(); // assigned round-robin over the chosen passages
  std::string querySet;                           // empty: "synthetic-<teacher model>"
  std::string split = "train";                    // train | dev | test
  std::optional<std::int64_t> roundId;            // rounds.id when a pipeline round asks
  /// The passages to write queries for (e.g. a pipeline's stratified sample); empty: evenly spaced ones.
  std::vector<std::int64_t> passageIds;
  /// A new query whose set of words shares at least this fraction (Jaccard) with a query already in the set is a
  /// near-duplicate and is dropped; one whose normalised text (lower case, words only) equals one is a duplicate.
  double nearDuplicateOverlap = 0.8;
};

/// A synthesised query that was not stored because the set already had it (or nearly).
struct DroppedQuery {
  std::int64_t passageId = 0;
  QueryType type = QueryType::Question;
  std::string query;
  std::string reason; // e.g. "same text as query 17" or "near-duplicate of query 17 (word overlap 0.83)"
};

struct SynthesisFailure {
  std::int64_t passageId = 0;
  QueryType type = QueryType::Question;
  std::string reason;
  bool transient = false; // the endpoint failed, not the answer
};

struct QueryGenerationResult {
  std::int64_t querySetId = 0;
  std::string querySet;
  std::int64_t generated = 0; // new queries stored
  std::int64_t existing = 0;  // already in the set from an earlier run; not asked again
  std::int64_t failed = 0;
  std::vector<SynthesisFailure> failures;
  std::int64_t duplicates = 0; // written but dropped as (near-)duplicates of queries in the set
  std::vector<DroppedQuery> dropped;
  std::vector<std::int64_t> queryIds; // of the new queries
  TeacherUsage usage;
  double seconds = 0;
};

/// Throws InputError when the corpus is unknown or empty or the options are invalid; Cancelled on stop
/// (queries stored before it stay).
QueryGenerationResult generateQueries(store::Store& store, Teacher& teacher, const QueryGenerationOptions& options,
                                      const ProgressCallback& progress, std::stop_token stop);

} // namespace distillery::teacher
