#include "core/index/Bm25Index.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>
#include <unordered_map>

#include "core/util/Error.h"

namespace distillery::index {
namespace {

bool isTokenByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

struct Posting {
  std::int32_t passage; // position in the index, not the passage id
  std::int32_t frequency;
};

} // namespace

std::vector<std::string> bm25Tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !isTokenByte(static_cast<unsigned char>(text[i])))
      ++i;
    std::size_t start = i;
    while (i < text.size() && isTokenByte(static_cast<unsigned char>(text[i])))
      ++i;
    if (i > start) {
      std::string token(text.substr(start, i - start));
      for (char& c : token)
        if (c >= 'A' && c <= 'Z')
          c = static_cast<char>(c - 'A' + 'a');
      tokens.push_back(std::move(token));
    }
  }
  return tokens;
}

struct Bm25Index::Impl {
  Bm25Parameters parameters;
  std::vector<std::int64_t> ids;
  std::vector<float> lengthNorm; // k1 * (1 - b + b * |p| / avgdl), per passage
  std::unordered_map<std::string, std::int32_t> termIds;
  std::vector<std::vector<Posting>> postings; // by term id
  std::vector<double> idf;                    // by term id

  HitList searchOne(const std::string& query, int k, const std::unordered_set<std::int64_t>* allowed,
                    std::vector<double>& scores, std::vector<std::int32_t>& touched) const {
    touched.clear();
    const double k1 = parameters.k1;
    // Each distinct query term counts once, as in Anserini/Lucene bag-of-words queries.
    std::vector<std::string> terms = bm25Tokens(query);
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    for (const std::string& token : terms) {
      auto term = termIds.find(token);
      if (term == termIds.end())
        continue;
      const double weight = idf[static_cast<std::size_t>(term->second)];
      for (const Posting& posting : postings[static_cast<std::size_t>(term->second)]) {
        double& score = scores[static_cast<std::size_t>(posting.passage)];
        if (score == 0.0)
          touched.push_back(posting.passage);
        const double tf = posting.frequency;
        score += weight * tf * (k1 + 1.0) / (tf + lengthNorm[static_cast<std::size_t>(posting.passage)]);
      }
    }
    HitList hits;
    hits.reserve(touched.size());
    for (std::int32_t passage : touched) {
      const std::int64_t id = ids[static_cast<std::size_t>(passage)];
      if (!allowed || allowed->count(id))
        hits.push_back({id, static_cast<float>(scores[static_cast<std::size_t>(passage)])});
      scores[static_cast<std::size_t>(passage)] = 0.0;
    }
    sortAndTruncate(hits, static_cast<std::size_t>(std::max(k, 0)));
    return hits;
  }
};

Bm25Index::Bm25Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Bm25Index::Bm25Index(Bm25Index&&) noexcept = default;
Bm25Index& Bm25Index::operator=(Bm25Index&&) noexcept = default;
Bm25Index::~Bm25Index() = default;

Bm25Index Bm25Index::build(const std::vector<std::int64_t>& ids, const std::vector<std::string>& texts,
                           const Bm25Parameters& parameters, const ProgressCallback& progress, std::stop_token stop) {
  if (ids.size() != texts.size())
    throw Error("bm25: " + std::to_string(ids.size()) + " ids for " + std::to_string(texts.size()) + " texts");
  if (ids.size() > static_cast<std::size_t>(INT32_MAX))
    throw Error("bm25: too many passages for one index");
  if (parameters.k1 < 0 || parameters.b < 0 || parameters.b > 1)
    throw InputError("bm25: k1 must be >= 0 and b within [0, 1]");
  auto impl = std::make_unique<Impl>();
  impl->parameters = parameters;
  impl->ids = ids;
  const auto n = static_cast<std::int64_t>(ids.size());
  std::vector<std::int32_t> lengths(ids.size());
  double totalLength = 0;
  std::unordered_map<std::int32_t, std::int32_t> frequencies;
  for (std::size_t p = 0; p < texts.size(); ++p) {
    if (p % 1000 == 0) {
      throwIfStopped(stop);
      report(progress, {"bm25", static_cast<std::int64_t>(p), n}, {MessageId::IndexingPassages});
    }
    frequencies.clear();
    const auto tokens = bm25Tokens(texts[p]);
    for (const std::string& token : tokens) {
      auto [it, inserted] = impl->termIds.try_emplace(token, static_cast<std::int32_t>(impl->postings.size()));
      if (inserted)
        impl->postings.emplace_back();
      ++frequencies[it->second];
    }
    for (const auto& [term, frequency] : frequencies)
      impl->postings[static_cast<std::size_t>(term)].push_back({static_cast<std::int32_t>(p), frequency});
    lengths[p] = static_cast<std::int32_t>(tokens.size());
    totalLength += static_cast<double>(tokens.size());
  }
  // Growing lists hold up to twice their postings; the index lives for a whole run.
  for (auto& list : impl->postings)
    list.shrink_to_fit();
  impl->postings.shrink_to_fit();
  const double averageLength = n > 0 ? totalLength / static_cast<double>(n) : 0.0;
  impl->lengthNorm.resize(ids.size());
  for (std::size_t p = 0; p < ids.size(); ++p) {
    const double relative = averageLength > 0 ? lengths[p] / averageLength : 0.0;
    impl->lengthNorm[p] = static_cast<float>(parameters.k1 * (1.0 - parameters.b + parameters.b * relative));
  }
  impl->idf.resize(impl->postings.size());
  for (std::size_t t = 0; t < impl->postings.size(); ++t) {
    const double df = static_cast<double>(impl->postings[t].size());
    impl->idf[t] = std::log(1.0 + (static_cast<double>(n) - df + 0.5) / (df + 0.5));
  }
  report(progress, {"bm25", n, n}, {MessageId::Indexed});
  return Bm25Index(std::move(impl));
}

std::vector<HitList> Bm25Index::search(const std::vector<std::string>& queries, int k,
                                       const std::unordered_set<std::int64_t>* allowedIds) const {
  std::vector<HitList> results(queries.size());
  const std::size_t workers =
      std::max<std::size_t>(1, std::min<std::size_t>(std::thread::hardware_concurrency(), queries.size() / 64 + 1));
  // A worker's failure (std::bad_alloc when memory runs out) reaches the caller after every worker has stopped,
  // instead of ending the process through std::terminate.
  std::vector<std::exception_ptr> failures(workers);
  auto work = [&](std::size_t worker) {
    try {
      std::vector<double> scores(impl_->ids.size(), 0.0);
      std::vector<std::int32_t> touched;
      for (std::size_t q = worker; q < queries.size(); q += workers)
        results[q] = impl_->searchOne(queries[q], k, allowedIds, scores, touched);
    } catch (...) {
      failures[worker] = std::current_exception();
    }
  };
  if (workers == 1) {
    work(0);
  } else {
    std::vector<std::jthread> threads;
    for (std::size_t w = 0; w < workers; ++w)
      threads.emplace_back(work, w);
  }
  for (const auto& failure : failures)
    if (failure)
      std::rethrow_exception(failure);
  return results;
}

std::int64_t Bm25Index::size() const {
  return static_cast<std::int64_t>(impl_->ids.size());
}

const Bm25Parameters& Bm25Index::parameters() const {
  return impl_->parameters;
}

} // namespace distillery::index
