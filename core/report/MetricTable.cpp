#include "core/report/MetricTable.h"

#include <algorithm>
#include <set>

#include "core/store/Store.h"

namespace distillery::reporting {

MetricTable::MetricTable(std::vector<MetricRecord> records) {
  // Later records (newer evaluations) replace earlier ones with the same key.
  for (MetricRecord& r : records) {
    r.scope = r.runId == 0 ? r.corpus + '\x1f' + r.querySet + '\x1f' + r.split : std::string();
    const auto key = std::make_tuple(r.runId, r.roundIndex, r.retriever, r.filingType, r.name, r.k, r.scope);
    const auto it = index_.find(key);
    std::size_t at = records_.size();
    if (it != index_.end()) {
      at = it->second;
      records_[at] = std::move(r);
    } else {
      index_.emplace(key, at);
      records_.push_back(std::move(r));
    }
    const MetricRecord& stored = records_[at];
    latestOfAnyScope_[std::make_tuple(stored.runId, stored.roundIndex, stored.retriever, stored.filingType, stored.name,
                                      stored.k)] = at;
  }
}

MetricTable MetricTable::load(store::Store& store) {
  std::vector<MetricRecord> records;
  store::Statement st = store.prepare(
      "SELECT coalesce(m.run_id, e.run_id, 0), coalesce(m.round_index, e.round_index, 0), "
      // A stored model evaluated outside any run is its own series: "dense model 3".
      "CASE WHEN coalesce(m.run_id, e.run_id) IS NULL AND e.model_id IS NOT NULL AND e.retriever <> 'bm25' "
      "THEN e.retriever || ' model ' || e.model_id ELSE e.retriever END, m.filing_type, "
      "m.name, m.k, m.value, m.query_count, m.ci_low, m.ci_high, "
      "coalesce(json_extract(e.config_json, '$.judged_by'), ''), coalesce(c.name, ''), "
      "coalesce(qs.name, json_extract(e.config_json, '$.queries_file'), ''), "
      "coalesce(json_extract(e.config_json, '$.split'), '') FROM metrics m JOIN evaluations e ON "
      "e.id = m.evaluation_id LEFT JOIN query_sets qs ON qs.id = e.query_set_id "
      "LEFT JOIN runs r ON r.id = coalesce(m.run_id, e.run_id) "
      // What it was evaluated on: the corpus the evaluator names, else the query set's, else the run's.
      "LEFT JOIN corpora c ON c.id = coalesce(json_extract(e.config_json, '$.corpus_id'), qs.corpus_id, r.corpus_id) "
      "ORDER BY m.evaluation_id, m.id");
  while (st.step()) {
    std::optional<eval::Interval> ci95;
    if (!st.columnIsNull(8) && !st.columnIsNull(9))
      ci95 = eval::Interval{st.columnDouble(8), st.columnDouble(9)};
    records.push_back({st.columnInt64(0), static_cast<int>(st.columnInt64(1)), st.columnText(2), st.columnText(3),
                       st.columnText(4), static_cast<int>(st.columnInt64(5)), st.columnDouble(6),
                       static_cast<int>(st.columnInt64(7)), ci95, st.columnText(10), st.columnText(11),
                       st.columnText(12), st.columnText(13)});
  }
  return MetricTable(std::move(records));
}

namespace {
bool inScope(const MetricRecord& r, std::int64_t runId, const MetricTable::Scope& scope) {
  return r.runId == runId && (!scope || r.scope == *scope);
}
} // namespace

std::optional<MetricRecord> MetricTable::find(std::int64_t runId, int round, const std::string& retriever,
                                              const std::string& filingType, const std::string& name, int k,
                                              const Scope& scope) const {
  if (!scope) {
    const auto it = latestOfAnyScope_.find(std::make_tuple(runId, round, retriever, filingType, name, k));
    if (it == latestOfAnyScope_.end())
      return std::nullopt;
    return records_[it->second];
  }
  const auto it = index_.find(std::make_tuple(runId, round, retriever, filingType, name, k, *scope));
  if (it == index_.end())
    return std::nullopt;
  return records_[it->second];
}

std::optional<MetricRecord> MetricTable::baseline(std::int64_t runId, const std::string& filingType,
                                                  const std::string& name, int k, const Scope& scope) const {
  const auto latestRound = [&](std::int64_t run, const Scope& within) -> std::optional<MetricRecord> {
    const std::vector<int> evaluated = rounds(run, "bm25", within);
    for (auto it = evaluated.rbegin(); it != evaluated.rend(); ++it)
      if (auto r = find(run, *it, "bm25", filingType, name, k, within))
        return r;
    return std::nullopt;
  };
  if (runId == 0)
    return latestRound(0, scope);
  if (auto own = latestRound(runId, std::string()))
    return own;
  // A BM25 evaluation outside runs stands in only when it was on the run's corpus (the latest such one).
  const std::string corpus = corpusOf(runId);
  for (auto it = records_.rbegin(); it != records_.rend(); ++it)
    if (it->runId == 0 && it->retriever == "bm25" && it->filingType == filingType && it->name == name && it->k == k &&
        (corpus.empty() || it->corpus == corpus))
      return *it;
  return std::nullopt;
}

std::vector<std::string> MetricTable::filingTypes(std::int64_t runId, const Scope& scope) const {
  std::set<std::string> types;
  for (const MetricRecord& r : records_)
    if (inScope(r, runId, scope) && r.filingType != "ALL")
      types.insert(r.filingType);
  std::vector<std::string> result;
  if (std::any_of(records_.begin(), records_.end(),
                  [&](const MetricRecord& r) { return inScope(r, runId, scope) && r.filingType == "ALL"; }))
    result.push_back("ALL");
  result.insert(result.end(), types.begin(), types.end());
  return result;
}

std::vector<std::string> MetricTable::retrievers(std::int64_t runId, const Scope& scope) const {
  std::vector<std::string> names;
  for (const MetricRecord& r : records_)
    if (inScope(r, runId, scope) && std::find(names.begin(), names.end(), r.retriever) == names.end())
      names.push_back(r.retriever);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<int> MetricTable::rounds(std::int64_t runId, const std::string& retriever, const Scope& scope) const {
  std::set<int> rounds;
  for (const MetricRecord& r : records_)
    if (inScope(r, runId, scope) && r.retriever == retriever)
      rounds.insert(r.roundIndex);
  return {rounds.begin(), rounds.end()};
}

std::vector<int> MetricTable::ks() const {
  std::set<int> ks;
  for (const MetricRecord& r : records_)
    ks.insert(r.k);
  return {ks.begin(), ks.end()};
}

std::vector<MetricScope> MetricTable::scopes() const {
  std::map<std::string, MetricScope> byKey; // ordered by corpus, then query set, then split
  for (const MetricRecord& r : records_)
    if (r.runId == 0)
      byKey.emplace(r.scope, MetricScope{r.scope, r.corpus, r.querySet, r.split});
  std::vector<MetricScope> result;
  for (auto& [key, scope] : byKey)
    result.push_back(std::move(scope));
  return result;
}

std::string MetricTable::corpusOf(std::int64_t runId) const {
  for (const MetricRecord& r : records_)
    if (r.runId == runId && !r.corpus.empty())
      return r.corpus;
  return {};
}

std::string metricDisplayName(const std::string& name) {
  if (name == "mrr")
    return "MRR";
  if (name == "dcg")
    return "DCG";
  if (name == "ndcg")
    return "NDCG";
  if (name == "recall")
    return "Recall";
  return name;
}

} // namespace distillery::reporting
