#pragma once
// One query against a corpus, as an analyst asks it in the query playground or with `distillery-cli search`: the top k
// passages under BM25, a dense model or their hybrid, each with its document, filing type, score and the grade a
// person or the teacher gave the pair, when one is stored. A CorpusSearcher keeps the corpus's passages, its BM25
// index and one dense index per model, so only the first query on a model pays for embedding (or loading) the corpus.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/eval/Evaluator.h"
#include "core/index/Bm25Index.h"
#include "core/index/DenseIndex.h"
#include "core/index/PassageFilter.h"
#include "core/util/Progress.h"

namespace distillery::model {
class TextEncoder;
}
namespace distillery::store {
class Store;
}

namespace distillery::eval {

struct SearchOptions {
  RetrieverKind retriever = RetrieverKind::Bm25; // Dense, Bm25 or Hybrid
  model::TextEncoder* encoder = nullptr;         // Dense and Hybrid: the model (its index is built once and kept)
  int k = 10;                                    // passages returned
  index::PassageFilter filter;                   // filing type, company, document, as `eval --filter`
  /// Hybrid: the dense list's weight in min-max score fusion (0..1); empty: reciprocal-rank fusion.
  std::optional<double> fusionWeight;
  ProgressCallback progress; // building indexes on the first query of a model
  std::stop_token stop;
};

/// Who graded a hit for this query: a person's spot-check label first, then the judgments of a query set that holds
/// the query (the qrels an evaluation scores against: imported, gold or a run's held-out pool), then the teacher's.
enum class HitGradeSource { None, Teacher, QuerySet, Human };
inline constexpr EnumName<HitGradeSource> kHitGradeSourceNames[] = {
    {.value = HitGradeSource::None, .name = "unjudged"},
    {.value = HitGradeSource::Teacher, .name = "teacher"},
    {.value = HitGradeSource::QuerySet, .name = "qrels"},
    {.value = HitGradeSource::Human, .name = "human"},
};
constexpr std::span<const EnumName<HitGradeSource>> enumNames(HitGradeSource) {
  return kHitGradeSourceNames;
}

struct PassageHit {
  int rank = 0; // 1-based
  std::int64_t passageId = 0;
  double score = 0; // the retriever's score: BM25, cosine, or the fused score; comparable within one list only
  std::string recordKey;
  std::string document; // the document's external id (e.g. the filing's accession or BEIR record id)
  std::string filingType;
  std::string company;
  std::string text;         // the passage's own text
  std::optional<int> grade; // 0-3, when someone judged this query text against this passage
  HitGradeSource gradedBy = HitGradeSource::None;
};

/// How far each hit of `list` moved against `reference` (e.g. the column to its left): its rank in reference minus its
/// rank in list, so +2 means two places higher in list; empty when reference does not hold the passage.
std::vector<std::optional<int>> rankMoves(const std::vector<PassageHit>& reference,
                                          const std::vector<PassageHit>& list);

class CorpusSearcher {
public:
  /// Reads the corpus's passages; throws InputError when the corpus id is unknown or has no passages.
  CorpusSearcher(store::Store& store, std::int64_t corpusId, index::Bm25Parameters bm25 = {},
                 index::DenseIndexOptions denseIndex = {}, std::filesystem::path indexDirectory = {});
  CorpusSearcher(const CorpusSearcher&) = delete;
  CorpusSearcher& operator=(const CorpusSearcher&) = delete;
  ~CorpusSearcher();

  /// The top options.k passages for the query, best first. BM25's statistics are the whole corpus's; a filter
  /// restricts the hits. Throws InputError for an empty query, a missing model for Dense/Hybrid or a retriever that
  /// does not retrieve (RunFile).
  std::vector<PassageHit> search(const std::string& query, const SearchOptions& options);

  std::int64_t passageCount() const { return static_cast<std::int64_t>(passages_.size()); }

private:
  const index::Bm25Index& bm25(const SearchOptions& options);
  const index::DenseIndex& dense(const SearchOptions& options);
  /// The passages a filter lets through, read once per filter (the playground asks the same filter many times).
  const std::unordered_set<std::int64_t>& allowed(const index::PassageFilter& filter);
  void describe(const std::string& query, std::vector<PassageHit>& hits);

  store::Store& store_;
  std::int64_t corpusId_;
  index::Bm25Parameters bm25Parameters_;
  index::DenseIndexOptions denseOptions_;
  std::filesystem::path indexDirectory_;
  std::vector<index::PassageRecord> passages_;
  std::unique_ptr<index::Bm25Index> bm25_;
  std::map<std::string, std::unique_ptr<index::DenseIndex>> denseByModel_; // by TextEncoder::name()
  static constexpr std::size_t kFiltersKept = 8;
  std::map<std::string, std::unordered_set<std::int64_t>> allowedByFilter_; // by PassageFilter::toString()
};

} // namespace distillery::eval
