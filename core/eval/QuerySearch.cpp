#include "core/eval/QuerySearch.h"

#include <unordered_map>
#include <unordered_set>

#include "core/index/RankFusion.h"
#include "core/model/TextEncoder.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Hash.h"

namespace distillery::eval {

std::vector<std::optional<int>> rankMoves(const std::vector<PassageHit>& reference,
                                          const std::vector<PassageHit>& list) {
  std::unordered_map<std::int64_t, int> rankIn;
  for (const PassageHit& hit : reference)
    rankIn.emplace(hit.passageId, hit.rank);
  std::vector<std::optional<int>> moves;
  moves.reserve(list.size());
  for (const PassageHit& hit : list) {
    const auto it = rankIn.find(hit.passageId);
    moves.push_back(it == rankIn.end() ? std::nullopt : std::optional<int>(it->second - hit.rank));
  }
  return moves;
}

CorpusSearcher::CorpusSearcher(store::Store& store, std::int64_t corpusId, index::Bm25Parameters bm25,
                               index::DenseIndexOptions denseIndex, std::filesystem::path indexDirectory)
    : store_(store), corpusId_(corpusId), bm25Parameters_(bm25), denseOptions_(denseIndex),
      indexDirectory_(std::move(indexDirectory)) {
  if (!store.prepare("SELECT 1 FROM corpora WHERE id = ?1").bind(1, corpusId).step())
    throw InputError("no corpus with id " + std::to_string(corpusId) + " in " + store.path().string());
  passages_ = index::loadPassages(store, corpusId);
  if (passages_.empty())
    throw InputError("the corpus has no passages to search: import filings first");
}

CorpusSearcher::~CorpusSearcher() = default;

const index::Bm25Index& CorpusSearcher::bm25(const SearchOptions& options) {
  if (!bm25_) {
    std::vector<std::int64_t> ids;
    std::vector<std::string> texts;
    ids.reserve(passages_.size());
    texts.reserve(passages_.size());
    for (const auto& passage : passages_) {
      ids.push_back(passage.id);
      texts.push_back(passage.text);
    }
    bm25_ = std::make_unique<index::Bm25Index>(
        index::Bm25Index::build(ids, texts, bm25Parameters_, options.progress, options.stop));
  }
  return *bm25_;
}

const index::DenseIndex& CorpusSearcher::dense(const SearchOptions& options) {
  if (!options.encoder)
    throw InputError("the " + toString(options.retriever) + " retriever needs a model");
  auto& slot = denseByModel_[options.encoder->name()];
  if (!slot) {
    EvaluationRequest request;
    request.corpusId = corpusId_;
    request.encoder = options.encoder;
    request.denseIndex = denseOptions_;
    request.indexDirectory = indexDirectory_;
    request.progress = options.progress;
    request.stop = options.stop;
    slot = std::make_unique<index::DenseIndex>(openCorpusDenseIndex(store_, request, passages_));
  }
  return *slot;
}

const std::unordered_set<std::int64_t>& CorpusSearcher::allowed(const index::PassageFilter& filter) {
  const std::string key = filter.toString();
  auto found = allowedByFilter_.find(key);
  if (found == allowedByFilter_.end()) {
    if (allowedByFilter_.size() >= kFiltersKept)
      allowedByFilter_.clear();
    found = allowedByFilter_.emplace(key, index::passageIds(store_, corpusId_, filter)).first;
  }
  return found->second;
}

std::vector<PassageHit> CorpusSearcher::search(const std::string& query, const SearchOptions& options) {
  if (query.find_first_not_of(" \t\r\n") == std::string::npos)
    throw InputError("the query is empty");
  if (options.k <= 0)
    throw InputError("k must be a positive number of passages, got " + std::to_string(options.k));
  if (options.retriever == RetrieverKind::RunFile)
    throw InputError("a run file does not retrieve: choose bm25, dense or hybrid");
  const std::unordered_set<std::int64_t>* allowedIds = options.filter.empty() ? nullptr : &allowed(options.filter);
  // A fused list draws from deeper lists, as the evaluator's does (its depth, 100, or k when larger).
  const bool fused = options.retriever == RetrieverKind::Hybrid;
  const int depth = fused ? std::max(options.k, 100) : options.k;

  index::HitList bm25Hits, denseHits;
  if (options.retriever != RetrieverKind::Dense)
    bm25Hits = bm25(options).search({query}, depth, allowedIds).front();
  if (options.retriever != RetrieverKind::Bm25) {
    const index::DenseIndex& index = dense(options);
    const std::vector<float> vector = options.encoder->encode({query}, model::TextRole::Query, {});
    denseHits = index.search(vector, depth, allowedIds).front();
  }
  throwIfStopped(options.stop);
  index::HitList hits;
  if (options.retriever == RetrieverKind::Bm25)
    hits = std::move(bm25Hits);
  else if (options.retriever == RetrieverKind::Dense)
    hits = std::move(denseHits);
  else if (options.fusionWeight)
    hits = index::weightedScoreFusion(denseHits, bm25Hits, *options.fusionWeight, options.k);
  else
    hits = index::reciprocalRankFusion({denseHits, bm25Hits}, options.k);
  if (hits.size() > static_cast<std::size_t>(options.k))
    hits.resize(static_cast<std::size_t>(options.k));

  std::vector<PassageHit> out;
  out.reserve(hits.size());
  for (std::size_t i = 0; i < hits.size(); ++i)
    out.push_back({static_cast<int>(i + 1), hits[i].id, hits[i].score});
  describe(query, out);
  return out;
}

// Each hit's document and text, and the grade stored for this query text: a person's label, else a query set's
// qrels for the hit's record, else the teacher's latest successful judgment (keyed as the judgment cache keys it:
// query text and the passage's content hash).
void CorpusSearcher::describe(const std::string& query, std::vector<PassageHit>& hits) {
  std::unordered_map<std::int64_t, int> labels;
  store::Statement human = store_.prepare(
      "SELECT h.passage_id, h.grade FROM human_labels h JOIN queries q ON q.id = h.query_id WHERE q.text = ?1 "
      "ORDER BY h.labelled_at, h.id");
  human.bind(1, query);
  while (human.step())
    labels[human.columnInt64(0)] = static_cast<int>(human.columnInt64(1)); // the latest label wins
  // The qrels of the corpus's query sets holding this query text (record key -> grade; the first set's, by id).
  std::unordered_map<std::string, int> qrels;
  store::Statement judged = store_.prepare(
      "SELECT r.record_key, r.grade FROM qrels r JOIN queries q ON q.id = r.query_id JOIN query_sets s ON s.id = "
      "q.query_set_id WHERE q.text = ?1 AND s.corpus_id = ?2 ORDER BY s.id DESC, q.id DESC");
  judged.bind(1, query).bind(2, corpusId_);
  while (judged.step())
    qrels[judged.columnText(0)] = static_cast<int>(judged.columnInt64(1)); // the earliest set's grade is written last
  store::Statement passage =
      store_.prepare("SELECT p.record_key, p.text, d.external_id, coalesce(d.filing_type, ''), coalesce(d.company, '') "
                     "FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id = ?1");
  store::Statement teacher = store_.prepare("SELECT grade FROM judgments WHERE query_text = ?1 AND passage_hash = ?2 "
                                            "AND status = 'ok' AND grade IS NOT NULL ORDER BY id DESC LIMIT 1");
  for (PassageHit& hit : hits) {
    passage.bind(1, hit.passageId);
    if (passage.step()) {
      hit.recordKey = passage.columnText(0);
      hit.text = passage.columnText(1);
      hit.document = passage.columnText(2);
      hit.filingType = passage.columnText(3);
      hit.company = passage.columnText(4);
    }
    passage.reset();
    if (const auto label = labels.find(hit.passageId); label != labels.end()) {
      hit.grade = label->second;
      hit.gradedBy = HitGradeSource::Human;
      continue;
    }
    if (const auto grade = qrels.find(hit.recordKey); grade != qrels.end()) {
      hit.grade = grade->second;
      hit.gradedBy = HitGradeSource::QuerySet;
      continue;
    }
    teacher.bind(1, query).bind(2, contentHash(hit.text));
    if (teacher.step()) {
      hit.grade = static_cast<int>(teacher.columnInt64(0));
      hit.gradedBy = HitGradeSource::Teacher;
    }
    teacher.reset();
  }
}

} // namespace distillery::eval
