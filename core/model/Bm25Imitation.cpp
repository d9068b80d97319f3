#include "core/model/Bm25Imitation.h"

#include "core/index/Bm25Index.h"
#include "core/model/StudentModel.h"
#include "core/model/TrainingLoop.h"
#include "core/util/Error.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <numeric>
#include <random>
#include <string_view>
#include <unordered_map>

namespace distillery::model {
namespace {

std::vector<std::string_view> whitespaceWords(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
    const auto start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
    if (i > start)
      words.push_back(text.substr(start, i - start));
  }
  return words;
}

/// Pseudo-queries for every step, cut from the passages in a shuffled order that restarts when used up. A
/// passage is split into words when its turn comes (the words of every passage at once were a gigabyte or
/// two at a million passages, for the few thousand that a build's steps use).
class PseudoQueryWriter {
public:
  PseudoQueryWriter(const std::vector<std::string>& passages, const Bm25ImitationOptions& options)
      : options_(options), random_(options.seed), passages_(passages) {
    for (std::size_t p = 0; p < passages.size(); ++p)
      if (std::any_of(passages[p].begin(), passages[p].end(),
                      [](char c) { return !std::isspace(static_cast<unsigned char>(c)); }))
        order_.push_back(p);
    if (order_.size() < 2)
      throw InputError("the corpus has fewer than two passages with words; the default student needs more");
    cursor_ = order_.size();
  }

  std::string next() {
    if (cursor_ >= order_.size()) {
      std::vector<std::size_t> positions(order_.size());
      std::iota(positions.begin(), positions.end(), std::size_t{0});
      std::shuffle(positions.begin(), positions.end(), random_);
      shuffled_ = std::move(positions);
      cursor_ = 0;
    }
    const auto words = whitespaceWords(passages_[order_[shuffled_[cursor_++]]]);
    const auto count = static_cast<int>(words.size());
    const int length =
        std::min(count, std::uniform_int_distribution<int>(options_.queryMinWords, options_.queryMaxWords)(random_));
    std::vector<int> picked;
    if (std::bernoulli_distribution(options_.keywordFraction)(random_)) {
      // A keyword query: words from anywhere in the passage, kept in passage order.
      std::vector<int> all(static_cast<std::size_t>(count));
      std::iota(all.begin(), all.end(), 0);
      std::shuffle(all.begin(), all.end(), random_);
      picked.assign(all.begin(), all.begin() + length);
      std::sort(picked.begin(), picked.end());
    } else {
      const int start = std::uniform_int_distribution<int>(0, count - length)(random_);
      picked.resize(static_cast<std::size_t>(length));
      std::iota(picked.begin(), picked.end(), start);
    }
    std::string query;
    for (const int w : picked) {
      if (!query.empty())
        query += ' ';
      query += words[static_cast<std::size_t>(w)];
    }
    return query;
  }

private:
  const Bm25ImitationOptions& options_;
  std::mt19937_64 random_;
  const std::vector<std::string>& passages_;
  std::vector<std::size_t> order_; // the passages with words
  std::vector<std::size_t> shuffled_;
  std::size_t cursor_ = 0;
};

/// Token ids of the texts (of those `wanted` marks, when given; the others' rows stay empty).
std::vector<std::vector<std::int64_t>> tokenizeAll(const StudentModel& student, const std::vector<std::string>& texts,
                                                   TextRole role, int maxLength,
                                                   const std::vector<bool>* wanted = nullptr) {
  std::vector<std::vector<std::int64_t>> rows(texts.size());
  at::parallel_for(0, static_cast<std::int64_t>(texts.size()), 64, [&](std::int64_t begin, std::int64_t end) {
    for (auto i = begin; i < end; ++i)
      if (!wanted || (*wanted)[static_cast<std::size_t>(i)])
        rows[static_cast<std::size_t>(i)] =
            student.tokenizer().encodeIds(student.applyPrefix(texts[static_cast<std::size_t>(i)], role), maxLength);
  });
  return rows;
}

torch::Tensor& wordEmbeddings(StudentModel& student) {
  for (auto& [name, tensor] : student.namedParameters())
    if (name == "embeddings.word_embeddings.weight")
      return const_cast<torch::Tensor&>(tensor);
  throw Error("student has no word embeddings");
}

} // namespace

Bm25ImitationReport imitateBm25(StudentModel& student, const std::vector<std::string>& passages,
                                const Bm25ImitationOptions& options) {
  Bm25ImitationReport result;
  PseudoQueryWriter writer(passages, options);
  if (options.steps <= 0)
    return result;
  const auto batchSize = static_cast<std::size_t>(std::max(1, options.batchSize));
  const auto total = static_cast<std::size_t>(options.steps) * batchSize;
  report(options.progress, {"train default student", 0, options.steps}, {MessageId::Bm25RanksPseudoQueries});
  std::vector<std::string> queries;
  queries.reserve(total);
  for (std::size_t i = 0; i < total; ++i)
    queries.push_back(writer.next());
  std::vector<std::int64_t> ids(passages.size());
  std::iota(ids.begin(), ids.end(), std::int64_t{0});
  // The index only ranks the pseudo-queries: freed before training (a million passages' postings are a gigabyte).
  const auto lists =
      index::Bm25Index::build(ids, passages, {}, {}, options.stop).search(queries, std::max(1, options.candidates));
  throwIfStopped(options.stop);

  const int passageLimit =
      static_cast<int>(std::min(student.config().maxSequenceLength, student.config().maxPositions));
  // Only the passages of some list are ever a row: at most steps x batch x candidates of them.
  std::vector<bool> listed(passages.size(), false);
  for (const auto& list : lists)
    for (const auto& hit : list)
      listed[static_cast<std::size_t>(hit.id)] = true;
  const auto passageRows = tokenizeAll(student, passages, TextRole::Passage, passageLimit, &listed);
  const auto queryRows = tokenizeAll(student, queries, TextRole::Query, options.queryMaxLength);

  TrainingSchedule schedule;
  schedule.totalSteps = options.steps;
  schedule.learningRate = options.learningRate;
  schedule.warmupFraction = 0.1;
  schedule.weightDecay = 0.0; // decay would pull every token towards zero, the IDF weights with them
  TrainingLoop loop({wordEmbeddings(student)}, schedule);

  std::deque<double> recent;
  for (int step = 0; step < options.steps; ++step) {
    throwIfStopped(options.stop);
    // Rows: this step's pseudo-queries with a BM25 list, then the union of their lists' passages.
    std::vector<std::vector<std::int64_t>> rows;
    std::vector<std::size_t> batch;
    std::unordered_map<std::int64_t, std::int64_t> column; // passage -> candidate column
    std::vector<std::int64_t> candidates;
    for (std::size_t b = 0; b < batchSize; ++b) {
      const auto q = static_cast<std::size_t>(step) * batchSize + b;
      if (lists[q].empty())
        continue;
      batch.push_back(q);
      rows.push_back(queryRows[q]);
      for (const auto& hit : lists[q])
        if (column.emplace(hit.id, static_cast<std::int64_t>(candidates.size())).second)
          candidates.push_back(hit.id);
    }
    if (batch.empty() || candidates.size() < 2)
      continue;
    for (const auto passage : candidates)
      rows.push_back(passageRows[static_cast<std::size_t>(passage)]);

    // The teacher: softmax over each list of BM25 scores relative to the list's best; zero outside the list.
    const auto batchRows = static_cast<std::int64_t>(batch.size());
    auto teacher = torch::zeros({batchRows, static_cast<std::int64_t>(candidates.size())});
    auto weights = teacher.accessor<float, 2>();
    for (std::int64_t b = 0; b < batchRows; ++b) {
      const auto& list = lists[batch[static_cast<std::size_t>(b)]];
      const double top = std::max(1e-9, static_cast<double>(list.front().score));
      double sum = 0;
      for (const auto& hit : list)
        sum += std::exp((hit.score / top - 1.0) / options.teacherTemperature);
      for (const auto& hit : list)
        weights[b][column.at(hit.id)] =
            static_cast<float>(std::exp((hit.score / top - 1.0) / options.teacherTemperature) / sum);
    }
    const auto embeddings = student.embedTokenBags(rows);
    const auto logits = torch::matmul(embeddings.narrow(0, 0, batchRows),
                                      embeddings.narrow(0, batchRows, embeddings.size(0) - batchRows).t()) /
                        options.studentTemperature;
    // KL(teacher || student): zero when the student ranks each list exactly as BM25 does.
    const auto target = teacher.to(logits.device());
    const auto loss = (target * (target.clamp_min(1e-30).log() - torch::log_softmax(logits, 1))).sum(1).mean();
    const double value = loop.step(loss);
    if (result.steps == 0)
      result.firstLoss = value;
    recent.push_back(value);
    if (recent.size() > 20)
      recent.pop_front();
    ++result.steps;
    if (step % 10 == 0 || step + 1 == options.steps)
      report(options.progress, {"train default student", step + 1, options.steps},
             {MessageId::Loss, {MessageArg::real(value)}});
  }
  result.lastLoss = recent.empty() ? 0 : std::accumulate(recent.begin(), recent.end(), 0.0) / double(recent.size());
  return result;
}

} // namespace distillery::model
