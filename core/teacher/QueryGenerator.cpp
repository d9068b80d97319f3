#include "core/teacher/QueryGenerator.h"

#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/corpus/CorpusRepository.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

namespace distillery::teacher {

QueryGenerationResult generateQueries(store::Store& store, Teacher& teacher, const QueryGenerationOptions& options,
                                      const ProgressCallback& progress, std::stop_token stop) {
  const double started = monotonicSeconds();
  if (options.count < 1)
    throw InputError("queries generate: --count must be at least 1");
  if (options.types.empty())
    throw InputError("queries generate: no query types given");
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
    requests.push_back({passage.id, passage.text, type, passage.filingType});
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
