#include "core/teacher/QueryGenerator.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/corpus/CorpusRepository.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

namespace distillery::teacher {
namespace {

/// The queries of one set, to find a new one that repeats one of them.
class QueryDeduplicator {
public:
  explicit QueryDeduplicator(double overlap) : overlap_(overlap) {}

  /// Why text repeats a query already added (empty when it does not).
  std::string duplicateReason(const std::string& text) const {
    const auto words = wordsOf(text);
    const std::string normalised = join(words);
    if (const auto it = byText_.find(normalised); it != byText_.end())
      return "same text as query " + std::to_string(it->second);
    const std::set<std::string> mine(words.begin(), words.end());
    if (mine.empty())
      return {};
    std::map<std::size_t, std::size_t> shared; // query index -> words in common
    for (const std::string& word : mine)
      if (const auto it = byWord_.find(word); it != byWord_.end())
        for (const std::size_t index : it->second)
          ++shared[index];
    for (const auto& [index, common] : shared) {
      const double jaccard = double(common) / double(mine.size() + wordSets_[index].size() - common);
      if (jaccard >= overlap_) {
        char figure[16];
        std::snprintf(figure, sizeof figure, "%.2f", jaccard);
        return "near-duplicate of query " + std::to_string(ids_[index]) + " (word overlap " + figure + ")";
      }
    }
    return {};
  }

  void add(std::int64_t id, const std::string& text) {
    const auto words = wordsOf(text);
    byText_.emplace(join(words), id);
    const std::size_t index = ids_.size();
    ids_.push_back(id);
    wordSets_.emplace_back(words.begin(), words.end());
    for (const std::string& word : wordSets_.back())
      byWord_[word].push_back(index);
  }

private:
  /// Lower-case runs of letters and digits: case, punctuation and spacing make no new query.
  static std::vector<std::string> wordsOf(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : text + " ") {
      if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
        word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (!word.empty()) {
        words.push_back(std::move(word));
        word.clear();
      }
    }
    return words;
  }
  static std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& word : words)
      out += (out.empty() ? "" : " ") + word;
    return out;
  }

  double overlap_;
  std::unordered_map<std::string, std::int64_t> byText_;
  std::unordered_map<std::string, std::vector<std::size_t>> byWord_;
  std::vector<std::set<std::string>> wordSets_;
  std::vector<std::int64_t> ids_;
};

} // namespace

QueryGenerationResult generateQueries(store::Store& store, Teacher& teacher, const QueryGenerationOptions& options,
                                      const ProgressCallback& progress, std::stop_token stop) {
  const double started = monotonicSeconds();
  if (options.count < 1)
    throw InputError("queries generate: --count must be at least 1");
  if (options.types.empty())
    throw InputError("queries generate: no query types given");
  if (!(options.nearDuplicateOverlap > 0.0 && options.nearDuplicateOverlap <= 1.0))
    throw InputError("queries generate: the near-duplicate overlap must be in (0, 1]");
  if (options.split != "train" && options.split != "dev" && options.split != "test")
    throw InputError("queries generate: split must be train, dev or test, not '" + options.split + "'");
  const std::int64_t corpusId = corpus::findCorpusId(store, options.corpus);
  std::vector<corpus::PassageRecord> passages = corpus::loadPassages(store, corpusId);
  std::erase_if(passages, [](const corpus::PassageRecord& p) { return p.nearDuplicateOf.has_value(); });
  if (passages.empty())
    throw InputError("corpus '" + options.corpus + "' has no passages to write queries for");

  QueryGenerationResult result;
  result.querySet = options.querySet.empty() ? "synthetic-" + teacher.model() : options.querySet;
  if (const auto existing = corpus::tryFindQuerySetId(store, corpusId, result.querySet))
    result.querySetId = *existing;
  else
    result.querySetId = corpus::createQuerySet(store, corpusId, result.querySet, "synthetic");

  // Evenly spaced passages cover every document and filing type, deterministically, unless the caller chose.
  std::vector<const corpus::PassageRecord*> chosen;
  if (options.passageIds.empty()) {
    const std::size_t wanted = static_cast<std::size_t>(std::min<std::int64_t>(options.count, passages.size()));
    for (std::size_t i = 0; i < wanted; ++i)
      chosen.push_back(&passages[i * passages.size() / wanted]);
  } else {
    std::unordered_map<std::int64_t, const corpus::PassageRecord*> byId;
    for (const auto& passage : passages)
      byId.emplace(passage.id, &passage);
    for (const std::int64_t id : options.passageIds) {
      const auto it = byId.find(id);
      if (it == byId.end())
        throw InputError("queries generate: passage " + std::to_string(id) + " is not in corpus '" + options.corpus +
                         "' (or is a near-duplicate)");
      chosen.push_back(it->second);
    }
  }
  std::unordered_map<std::int64_t, std::string> titles; // document id -> title
  store::Statement titleOf = store.prepare("SELECT id, COALESCE(title, '') FROM documents WHERE corpus_id = ?1");
  titleOf.bind(1, corpusId);
  while (titleOf.step())
    titles.emplace(titleOf.columnInt64(0), titleOf.columnText(1));
  QueryDeduplicator deduplicator(options.nearDuplicateOverlap);
  store::Statement inSet = store.prepare("SELECT id, text FROM queries WHERE query_set_id = ?1 ORDER BY id");
  inSet.bind(1, result.querySetId);
  while (inSet.step())
    deduplicator.add(inSet.columnInt64(0), inSet.columnText(1));

  std::vector<SynthesisRequest> requests;
  std::vector<std::string> externalIds;
  store::Statement exists = store.prepare("SELECT 1 FROM queries WHERE query_set_id = ?1 AND external_id = ?2");
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const corpus::PassageRecord& passage = *chosen[i];
    const QueryType type = options.types[i % options.types.size()];
    const std::string externalId = "syn:" + std::to_string(passage.id) + ":" + toString(type) + ":" + teacher.model() +
                                   ":" + teacher.synthesisPromptVersion();
    exists.reset();
    exists.bind(1, result.querySetId).bind(2, externalId);
    if (exists.step()) {
      ++result.existing;
      continue;
    }
    SynthesisRequest request{passage.id, passage.text, type, passage.filingType};
    request.company = passage.company;
    request.period = passage.period;
    request.section = passage.section;
    if (const auto title = titles.find(passage.documentId); title != titles.end())
      request.title = title->second;
    requests.push_back(std::move(request));
    externalIds.push_back(externalId);
  }

  const std::string origin = teacher.kind() == "heuristic" ? "heuristic" : "teacher:" + teacher.model();
  store::Statement insert = store.prepare(
      "INSERT OR IGNORE INTO queries(query_set_id, external_id, text, query_type, source_passage_id, origin, "
      "filing_type, split, round_id, metadata_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  const auto storeAnswer = [&](std::size_t index, const SynthesisResult& synthesis) {
    result.usage.add(synthesis.usage);
    if (!synthesis.ok) {
      ++result.failed;
      result.failures.push_back(
          {synthesis.passageId, synthesis.type, synthesis.failureReason, synthesis.transientFailure});
      return;
    }
    if (std::string reason = deduplicator.duplicateReason(synthesis.query); !reason.empty()) {
      ++result.duplicates;
      report(progress, {"synthesise", static_cast<std::int64_t>(index + 1), static_cast<std::int64_t>(requests.size())},
             {MessageId::DroppedQuery,
              {std::to_string(synthesis.passageId), toString(synthesis.type), synthesis.query, reason}});
      result.dropped.push_back({synthesis.passageId, synthesis.type, synthesis.query, std::move(reason)});
      return;
    }
    const nlohmann::json metadata = {{"teacher_kind", teacher.kind()},
                                     {"teacher_model", teacher.model()},
                                     {"prompt_version", teacher.synthesisPromptVersion()},
                                     {"attempts", synthesis.attempts},
                                     {"input_tokens", synthesis.usage.inputTokens},
                                     {"output_tokens", synthesis.usage.outputTokens},
                                     {"cost", synthesis.usage.cost}};
    insert.bind(1, result.querySetId)
        .bind(2, externalIds[index])
        .bind(3, synthesis.query)
        .bind(4, toString(synthesis.type))
        .bind(5, synthesis.passageId)
        .bind(6, origin)
        .bind(7, requests[index].filingType)
        .bind(8, options.split)
        .bind(9, options.roundId)
        .bind(10, metadata.dump());
    insert.run();
    if (store.changes() > 0) {
      ++result.generated;
      result.queryIds.push_back(store.lastInsertId());
      deduplicator.add(store.lastInsertId(), synthesis.query);
    }
  };
  // An endpoint answers in any order; the queries are stored in the order they were asked for, so their ids - and
  // what a run seeds and orders by them - are the same in every run and in a run resumed after a crash. Answers
  // that arrive early wait for the ones before them (only those are lost when the process is killed).
  std::map<std::size_t, SynthesisResult> early;
  std::size_t next = 0;
  const auto storeWaiting = [&](bool all) {
    for (auto it = early.begin(); it != early.end() && (all || it->first == next); it = early.erase(it)) {
      storeAnswer(it->first, it->second);
      next = it->first + 1;
    }
  };
  const auto sink = [&](std::size_t index, const SynthesisResult& synthesis) {
    early.emplace(index, synthesis);
    storeWaiting(false);
  };
  if (!requests.empty()) {
    try {
      teacher.synthesizeQueries(requests, progress, stop, sink);
      storeWaiting(true); // none, unless a teacher skipped an index
    } catch (const Cancelled&) {
      storeWaiting(true); // paid for: keep them, out of order, rather than pay again
      throw;
    }
  }
  result.seconds = monotonicSeconds() - started;
  return result;
}

} // namespace distillery::teacher
