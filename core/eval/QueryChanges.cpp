#include "core/eval/QueryChanges.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/eval/Metrics.h"
#include "core/store/Store.h"
#include "core/util/Error.h"

namespace distillery::eval {
namespace {

struct ScoredQuery {
  std::string filingType;
  double ndcg = 0;
  Judgments judgments;
};

struct StoredEvaluation {
  int k = 0;
  std::optional<std::int64_t> querySetId;
  std::optional<std::int64_t> corpusId;
  std::map<std::string, ScoredQuery> queries;             // by query key
  std::map<std::string, std::vector<std::string>> ranked; // query key -> record keys, best first
};

StoredEvaluation loadEvaluation(store::Store& store, std::int64_t evaluationId, int top) {
  store::Statement head = store.prepare("SELECT k, query_set_id, json_extract(config_json, '$.corpus_id') "
                                        "FROM evaluations WHERE id = ?1");
  head.bind(1, evaluationId);
  if (!head.step())
    throw InputError("no evaluation with id " + std::to_string(evaluationId) + " in " + store.path().string());
  StoredEvaluation evaluation;
  evaluation.k = static_cast<int>(head.columnInt64(0));
  evaluation.querySetId = head.columnOptionalInt64(1);
  evaluation.corpusId = head.columnOptionalInt64(2);

  store::Statement queries = store.prepare(
      "SELECT query_key, filing_type, ndcg, judgments_json FROM evaluation_queries WHERE evaluation_id = ?1");
  queries.bind(1, evaluationId);
  while (queries.step()) {
    ScoredQuery& query = evaluation.queries[queries.columnText(0)];
    query.filingType = queries.columnText(1);
    query.ndcg = queries.columnDouble(2);
    const nlohmann::json judgments = nlohmann::json::parse(queries.columnText(3), nullptr, /*allow_exceptions=*/false);
    if (!judgments.is_object())
      throw InputError("evaluation " + std::to_string(evaluationId) + ": the stored judgments of query '" +
                       queries.columnText(0) + "' are not a JSON object");
    for (const auto& [record, grade] : judgments.items())
      if (grade.is_number_integer())
        query.judgments[record] = grade.get<int>();
  }

  store::Statement ranked = store.prepare("SELECT query_key, record_key FROM evaluation_rankings "
                                          "WHERE evaluation_id = ?1 AND rank <= ?2 ORDER BY query_key, rank");
  ranked.bind(1, evaluationId).bind(2, top);
  while (ranked.step())
    evaluation.ranked[ranked.columnText(0)].push_back(ranked.columnText(1));
  return evaluation;
}

/// Query key (external_id, else 'q' || id, as the evaluator keys them) -> text, for a query set.
std::map<std::string, std::string> queryTexts(store::Store& store, std::int64_t querySetId) {
  store::Statement select = store.prepare("SELECT id, external_id, text FROM queries WHERE query_set_id = ?1");
  select.bind(1, querySetId);
  std::map<std::string, std::string> texts;
  while (select.step()) {
    std::string key = select.columnOptionalText(1).value_or("q"); // no external id: 'q' || id
    if (select.columnIsNull(1))
      key += std::to_string(select.columnInt64(0)); // appended: "q" + id trips GCC 12's false -Wrestrict here
    texts[key] = select.columnText(2);
  }
  return texts;
}

/// Snippets of records' first passages (lowest passage id, as the evaluator picks a record's first), looked up once.
class SnippetCache {
public:
  SnippetCache(store::Store& store, std::optional<std::int64_t> corpusId)
      : select_(store.prepare("SELECT text FROM passages WHERE record_key = ?1 AND (?2 IS NULL OR corpus_id = ?2) "
                              "ORDER BY id LIMIT 1")),
        corpusId_(corpusId) {}

  const std::string& snippet(const std::string& recordKey) {
    const auto found = cache_.find(recordKey);
    if (found != cache_.end())
      return found->second;
    select_.reset();
    select_.bind(1, recordKey).bind(2, corpusId_);
    return cache_[recordKey] = select_.step() ? textSnippet(select_.columnText(0)) : std::string();
  }

private:
  store::Statement select_;
  std::optional<std::int64_t> corpusId_;
  std::map<std::string, std::string> cache_;
};

std::vector<RankedRecord> topList(const std::vector<std::string>& keys, const Judgments& judgments,
                                  SnippetCache& snippets) {
  std::vector<RankedRecord> records;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto grade = judgments.find(keys[i]);
    records.push_back({static_cast<int>(i) + 1, keys[i], snippets.snippet(keys[i]),
                       grade == judgments.end() ? std::nullopt : std::optional<int>(grade->second)});
  }
  return records;
}

bool isContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

} // namespace

std::string textSnippet(const std::string& text, std::size_t length) {
  std::string flat;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (!space)
      flat += c;
    else if (!flat.empty() && flat.back() != ' ')
      flat += ' ';
  }
  while (!flat.empty() && flat.back() == ' ')
    flat.pop_back();
  if (flat.size() <= length)
    return flat;
  std::size_t cut = length;
  while (cut > 0 && isContinuationByte(flat[cut]))
    --cut;
  // Prefer ending at a word when one ends in the last third, so the snippet does not stop mid-word.
  const std::size_t space = flat.rfind(' ', cut);
  if (space != std::string::npos && space >= length * 2 / 3)
    cut = space;
  flat.resize(cut);
  while (!flat.empty() && flat.back() == ' ')
    flat.pop_back();
  return flat + "\u2026";
}

std::vector<QueryChange> compareQueryRankings(store::Store& store, std::int64_t evaluationA, std::int64_t evaluationB,
                                              int top) {
  const StoredEvaluation a = loadEvaluation(store, evaluationA, top);
  const StoredEvaluation b = loadEvaluation(store, evaluationB, top);
  if (a.k != b.k)
    throw InputError("evaluations " + std::to_string(evaluationA) + " and " + std::to_string(evaluationB) +
                     " were scored at different k (" + std::to_string(a.k) + " and " + std::to_string(b.k) +
                     "): their per-query NDCG cannot be compared");
  // Query texts from either evaluation's set (normally the same set).
  std::map<std::string, std::string> texts;
  for (const auto& set : {b.querySetId, a.querySetId})
    if (set)
      texts.merge(queryTexts(store, *set));
  SnippetCache snippets(store, b.corpusId ? b.corpusId : a.corpusId);

  static const std::vector<std::string> none;
  const auto rankedOf = [&](const StoredEvaluation& evaluation, const std::string& key) -> const auto& {
    const auto found = evaluation.ranked.find(key);
    return found == evaluation.ranked.end() ? none : found->second;
  };
  std::vector<QueryChange> changes;
  for (const auto& [key, before] : a.queries) {
    const auto after = b.queries.find(key);
    if (after == b.queries.end())
      continue;
    QueryChange change;
    change.queryKey = key;
    if (const auto text = texts.find(key); text != texts.end())
      change.text = text->second;
    change.filingType = after->second.filingType;
    change.ndcgA = before.ndcg;
    change.ndcgB = after->second.ndcg;
    change.topA = topList(rankedOf(a, key), before.judgments, snippets);
    change.topB = topList(rankedOf(b, key), after->second.judgments, snippets);
    changes.push_back(std::move(change));
  }
  return changes;
}

std::string EvaluationEntry::label() const {
  std::string text = runId ? "run " + std::to_string(*runId) + ", round " + std::to_string(round.value_or(0)) + ": "
                           : "evaluation " + std::to_string(id) + ": ";
  text += retriever;
  if (modelId)
    text += " (model " + std::to_string(*modelId) + ")";
  if (!runId && !querySet.empty())
    text += " on " + querySet;
  return text;
}

std::vector<EvaluationEntry> listEvaluations(store::Store& store) {
  store::Statement select =
      store.prepare("SELECT e.id, e.run_id, e.round_index, e.retriever, e.model_id, coalesce(s.name, ''), e.k, "
                    "(SELECT COUNT(*) FROM evaluation_queries q WHERE q.evaluation_id = e.id) AS n FROM evaluations e "
                    "LEFT JOIN query_sets s ON s.id = e.query_set_id WHERE n > 0 ORDER BY e.id DESC");
  std::vector<EvaluationEntry> entries;
  while (select.step()) {
    EvaluationEntry entry;
    entry.id = select.columnInt64(0);
    if (!select.columnIsNull(1))
      entry.runId = select.columnInt64(1);
    if (!select.columnIsNull(2))
      entry.round = static_cast<int>(select.columnInt64(2));
    entry.retriever = select.columnText(3);
    if (!select.columnIsNull(4))
      entry.modelId = select.columnInt64(4);
    entry.querySet = select.columnText(5);
    entry.k = static_cast<int>(select.columnInt64(6));
    entry.queries = select.columnInt64(7);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::map<std::string, ChangeCounts> countChanges(const std::vector<QueryChange>& changes) {
  constexpr double kSame = 1e-9;
  std::map<std::string, ChangeCounts> counts;
  for (const QueryChange& change : changes)
    for (const std::string& group : {std::string("ALL"), change.filingType}) {
      ChangeCounts& c = counts[group];
      if (change.change() > kSame)
        ++c.improved;
      else if (change.change() < -kSame)
        ++c.degraded;
      else
        ++c.unchanged;
    }
  return counts;
}

std::int64_t roundEvaluationId(store::Store& store, std::int64_t runId, std::optional<int> round,
                               const std::string& retriever) {
  if (!store.prepare("SELECT 1 FROM runs WHERE id = ?1").bind(1, runId).step())
    throw InputError("no run with id " + std::to_string(runId) + " in " + store.path().string());
  store::Statement select =
      store.prepare("SELECT id FROM evaluations WHERE run_id = ?1 AND retriever = ?2 AND (?3 IS NULL OR round_index = "
                    "?3) ORDER BY round_index DESC, id DESC LIMIT 1");
  select.bind(1, runId).bind(2, retriever).bind(3, round);
  if (!select.step())
    throw InputError("run " + std::to_string(runId) +
                     (round ? " has no " + retriever + " evaluation of round " + std::to_string(*round)
                            : " has no " + retriever + " evaluation yet"));
  return select.columnInt64(0);
}

MostChanged mostChanged(std::vector<QueryChange> changes, std::size_t count) {
  // Values below this are rounding noise of the same ranking scored twice, not a change.
  constexpr double kNoChange = 1e-12;
  MostChanged result;
  for (QueryChange& change : changes) {
    if (change.change() > kNoChange)
      result.improved.push_back(std::move(change));
    else if (change.change() < -kNoChange)
      result.degraded.push_back(std::move(change));
  }
  const auto byMagnitude = [](const QueryChange& x, const QueryChange& y) {
    const double dx = std::abs(x.change()), dy = std::abs(y.change());
    return dx != dy ? dx > dy : x.queryKey < y.queryKey;
  };
  for (std::vector<QueryChange>* list : {&result.improved, &result.degraded}) {
    std::stable_sort(list->begin(), list->end(), byMagnitude);
    if (list->size() > count)
      list->resize(count);
  }
  return result;
}

} // namespace distillery::eval
