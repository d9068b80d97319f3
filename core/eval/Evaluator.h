#pragma once
// The one call the CLI, the pipeline and the GUI make to measure a retriever: load the queries and
// judgments, retrieve (dense, BM25, hybrid) or read an external TREC run, score every query with the
// definitions of Metrics.h, and store the evaluation in the experiment (evaluations, metrics and the
// per-query rows of evaluation_queries / evaluation_rankings, all in one transaction).
//
// Which queries count: those with at least one judgment (any grade) in the qrels. Queries without
// text (retrieval only) are skipped and counted in the stored config. A query's filing type is its own
// filing_type if it has one, else the filing type of the document of its first relevant passage (the
// lowest passage id among its relevant records), else "unknown". A filing_type filter restricts both
// the passages searched and the queries scored to that filing type; company/document filters restrict
// only the passages.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <stop_token>
#include <string>
#include <vector>

#include "core/eval/Metrics.h"
#include "core/eval/TrecFormat.h"
#include "core/index/Bm25Index.h"
#include "core/index/DenseIndex.h"
#include "core/index/PassageFilter.h"
#include "core/util/EnumNames.h"
#include "core/util/Progress.h"

namespace distillery::model {
class TextEncoder;
}
namespace distillery::store {
class Store;
}

namespace distillery::eval {

enum class RetrieverKind {
  Dense,   // student bi-encoder + faiss
  Bm25,    // in-memory BM25 (core/index/Bm25Index.h)
  Hybrid,  // reciprocal-rank fusion of the dense and BM25 lists
  RunFile, // an external TREC run file: nothing retrieved, only scored
};
inline constexpr EnumName<RetrieverKind> kRetrieverKindNames[] = {
    {.value = RetrieverKind::Dense, .name = "dense"},
    {.value = RetrieverKind::Bm25, .name = "bm25"},
    {.value = RetrieverKind::Hybrid, .name = "hybrid"},
    {.value = RetrieverKind::RunFile, .name = "run", .use = EnumNameUse::WriteOnly}, // chosen by giving --run
};
constexpr std::span<const EnumName<RetrieverKind>> enumNames(RetrieverKind) {
  return kRetrieverKindNames;
}

/// "dense", "bm25", "hybrid", "run".
inline std::string toString(RetrieverKind kind) {
  return std::string(enumName(kind));
}
/// "dense", "bm25", "hybrid"; throws InputError naming the value otherwise.
inline RetrieverKind retrieverKindFromString(const std::string& text) {
  return parseEnum<RetrieverKind>(text, "retriever");
}

struct EvaluationRequest {
  std::int64_t corpusId = 0;
  // Queries and judgments: a stored query set, or files (BEIR queries.jsonl + qrels TSV/TREC).
  std::optional<std::int64_t> querySetId;
  std::optional<std::string> split; // with a query set: only queries of this split (train|dev|test)
  std::filesystem::path queriesFile;
  std::filesystem::path qrelsFile;
  std::filesystem::path runFile; // RetrieverKind::RunFile: `qid Q0 docid rank score tag`, docid = record key

  RetrieverKind retriever = RetrieverKind::Bm25;
  model::TextEncoder* encoder = nullptr; // required for Dense and Hybrid
  std::optional<std::int64_t> modelId;   // models.id of the encoder, stored with the evaluation
  int k = 5;
  int depth = 100;      // passages each retriever returns before chunks are collapsed and lists fused
  int storedDepth = 20; // records per query kept in evaluation_rankings (at least k), for TREC export
  index::PassageFilter filter;
  index::Bm25Parameters bm25;
  index::DenseIndexOptions denseIndex;
  std::filesystem::path indexDirectory; // dense index cache; empty: "<store file>.indexes" beside it
  /// When set, dense retrieval searches this index of the corpus's passages (built by the caller with the same
  /// encoder, e.g. the pipeline, which already embedded the corpus) instead of encoding the corpus again.
  const index::DenseIndex* prebuiltIndex = nullptr;
  /// The same for BM25: an index of the corpus's passages (ids and indexed texts as index::loadPassages gives them),
  /// searched instead of building one when its parameters are the request's and no filter applies.
  const index::Bm25Index* prebuiltBm25 = nullptr;
  /// Hybrid: the dense list's weight in a convex combination of min-max normalised scores (0..1, e.g. from
  /// chooseFusionWeight on a dev split); empty: reciprocal-rank fusion.
  std::optional<double> fusionWeight;

  /// MRR and Recall count grades >= this as relevant; empty: by the qrels' scale (defaultRelevantFrom of the query
  /// set's grade_scale, else of the top grade in its or the file's qrels).
  std::optional<int> relevantFrom;
  int bootstrapResamples = 1000; // for each mean's 95% interval (fixed seed)

  std::optional<std::int64_t> runId; // distillation run and round this evaluation belongs to
  std::optional<int> roundIndex;

  ProgressCallback progress;
  std::stop_token stop;
};

/// One query's outcome.
struct QueryOutcome {
  QueryMetrics metrics;
  std::vector<RunEntry> ranking; // distinct records, best first, storedDepth long at most
};

struct EvaluationResult {
  std::int64_t evaluationId = 0;
  MetricsTable table;
  std::vector<QueryOutcome> queries;
  std::int64_t skippedQueries = 0; // judged queries without text
};

/// The weighted hybrid's dense weight that scores best on held-out tuning queries.
struct FusionChoice {
  double denseWeight = 0.0;                            // 0..1; 0 is BM25 alone
  double ndcg = 0.0;                                   // mean NDCG@k of the tuning queries at that weight
  std::int64_t queries = 0;                            // tuning queries scored (0: none, denseWeight meaningless)
  std::vector<std::pair<double, double>> ndcgByWeight; // (weight, NDCG@k) for each weight tried
};
inline constexpr int kFusionGridSteps = 20; // weights 0, 0.05, ..., 1

/// Chooses the dense weight of the weighted hybrid on the tuning request's queries (e.g. a query set's dev split):
/// both retrievers run once and every weight of the grid is scored by NDCG@k; nothing is stored. The request's
/// retriever, encoder and index are used as evaluate() uses them (it needs an encoder).
FusionChoice chooseFusionWeight(store::Store& store, const EvaluationRequest& tuning);

/// The dense index of the corpus's passages (as index::loadPassages gives them) under request.encoder, with the
/// request's corpusId, denseIndex, indexDirectory, progress and stop: loaded from the cache beside the store when its
/// fingerprint (encoder, index kind, every passage's id and text) matches, else encoded, built and cached there.
index::DenseIndex openCorpusDenseIndex(store::Store& store, const EvaluationRequest& request,
                                       const std::vector<index::PassageRecord>& passages);

/// Runs an evaluation and stores it. Throws InputError for bad files/ids (naming them) and when no judged query is
/// left to score, Cancelled when stopped; nothing is stored unless the evaluation completes.
EvaluationResult evaluate(store::Store& store, const EvaluationRequest& request);

/// A stored evaluation's metrics table (with its intervals and relevance threshold).
MetricsTable loadMetrics(store::Store& store, std::int64_t evaluationId);

/// A stored evaluation's per-query metrics, in query key order.
std::vector<QueryMetrics> loadQueryMetrics(store::Store& store, std::int64_t evaluationId);

/// Scores a stored evaluation of a query set again from its stored rankings against the set's judgments as they are
/// now (e.g. after a run's held-out pool grew), replacing its per-query and aggregate metrics; the same queries,
/// filing types, k and threshold. Returns the new table. Throws InputError for an unknown evaluation or one scored
/// from files (whose judgments cannot have changed in the store).
MetricsTable rescoreEvaluation(store::Store& store, std::int64_t evaluationId);

/// A digest of the judgments an evaluation was scored against ("judgments_fingerprint" in its config): two stored
/// figures are comparable when their fingerprints match.
std::string judgmentsFingerprint(store::Store& store, std::int64_t evaluationId);

/// TREC export of a stored evaluation: its rankings as a run file (tag = retriever) and the judgments
/// it was scored against as qrels. Throws InputError when the evaluation does not exist.
void exportTrecRun(store::Store& store, std::int64_t evaluationId, std::ostream& out);
void exportTrecQrels(store::Store& store, std::int64_t evaluationId, std::ostream& out);

} // namespace distillery::eval
