#pragma once
// Okapi BM25 over a corpus' passages, in memory.
//
// Tokenisation: text is split into maximal runs of ASCII letters and digits (bytes >= 0x80 also count
// as letters, so non-ASCII words stay whole), ASCII letters lowercased; no stemming, no stop words.
// Scoring, for a query with distinct terms t (a repeated query term counts once):
//   score(q, p) = sum_t idf(t) * tf(t,p) * (k1 + 1) / (tf(t,p) + k1 * (1 - b + b * |p| / avgdl))
//   idf(t)      = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))      (Lucene's always-positive idf)
// with |p| the passage's token count, avgdl the mean over the indexed passages, N their number.
// Defaults k1 = 0.9, b = 0.4 (Anserini's BEIR baseline). Ties in score are broken by passage id.
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/index/SearchHit.h"
#include "core/util/Progress.h"

namespace distillery::index {

struct Bm25Parameters {
  double k1 = 0.9; // term-frequency saturation
  double b = 0.4;  // length normalisation strength (0: none, 1: full)
};

/// The tokens BM25 indexes and searches with (see the header comment).
std::vector<std::string> bm25Tokens(std::string_view text);

class Bm25Index {
public:
  /// Indexes texts[i] under ids[i]. Progress is reported per 1,000 passages; stop is checked as often.
  static Bm25Index build(const std::vector<std::int64_t>& ids, const std::vector<std::string>& texts,
                         const Bm25Parameters& parameters = {}, const ProgressCallback& progress = {},
                         std::stop_token stop = {});

  Bm25Index(Bm25Index&&) noexcept;
  Bm25Index& operator=(Bm25Index&&) noexcept;
  ~Bm25Index();

  /// Batched search (queries run in parallel): one hit list per query, sorted by score descending then
  /// id ascending, at most k long. Passages sharing no term with the query are never returned.
  /// allowedIds, when given, restricts results to those ids.
  std::vector<HitList> search(const std::vector<std::string>& queries, int k,
                              const std::unordered_set<std::int64_t>* allowedIds = nullptr) const;

  std::int64_t size() const;
  const Bm25Parameters& parameters() const;

private:
  struct Impl;
  explicit Bm25Index(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace distillery::index
