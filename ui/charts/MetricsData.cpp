#include "ui/charts/MetricsData.h"

#include <algorithm>
#include <set>

#include "core/store/Store.h"

namespace distillery::ui {

MetricTable::MetricTable(std::vector<MetricRecord> records) {
  // Later records (newer evaluations) replace earlier ones with the same key.
  for (MetricRecord& r : records) {
    const auto key = std::make_tuple(r.runId, r.roundIndex, r.retriever, r.filingType, r.name, r.k);
    const auto it = index_.find(key);
    if (it != index_.end()) {
      records_[it->second] = std::move(r);
    } else {
      index_.emplace(key, records_.size());
      records_.push_back(std::move(r));
    }
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
      "coalesce(json_extract(e.config_json, '$.judged_by'), '') FROM metrics m JOIN evaluations e ON "
      "e.id = m.evaluation_id ORDER BY m.evaluation_id, m.id");
  while (st.step()) {
    std::optional<eval::Interval> ci95;
    if (!st.columnIsNull(8) && !st.columnIsNull(9))
      ci95 = eval::Interval{st.columnDouble(8), st.columnDouble(9)};
    records.push_back({st.columnInt64(0), static_cast<int>(st.columnInt64(1)), st.columnText(2), st.columnText(3),
                       st.columnText(4), static_cast<int>(st.columnInt64(5)), st.columnDouble(6),
                       static_cast<int>(st.columnInt64(7)), ci95, st.columnText(10)});
  }
  return MetricTable(std::move(records));
}

std::optional<MetricRecord> MetricTable::find(std::int64_t runId, int round, const std::string& retriever,
                                              const std::string& filingType, const std::string& name, int k) const {
  const auto it = index_.find(std::make_tuple(runId, round, retriever, filingType, name, k));
  if (it == index_.end())
    return std::nullopt;
  return records_[it->second];
}

std::optional<MetricRecord> MetricTable::baseline(std::int64_t runId, const std::string& filingType,
                                                  const std::string& name, int k) const {
  for (std::int64_t run : {runId, std::int64_t{0}}) {
    const std::vector<int> evaluated = rounds(run, "bm25");
    for (auto it = evaluated.rbegin(); it != evaluated.rend(); ++it)
      if (auto r = find(run, *it, "bm25", filingType, name, k))
        return r;
  }
  return std::nullopt;
}

std::vector<std::string> MetricTable::filingTypes(std::int64_t runId) const {
  std::set<std::string> types;
  for (const MetricRecord& r : records_)
    if (r.runId == runId && r.filingType != "ALL")
      types.insert(r.filingType);
  std::vector<std::string> result;
  if (std::any_of(records_.begin(), records_.end(),
                  [&](const MetricRecord& r) { return r.runId == runId && r.filingType == "ALL"; }))
    result.push_back("ALL");
  result.insert(result.end(), types.begin(), types.end());
  return result;
}

std::vector<std::string> MetricTable::retrievers(std::int64_t runId) const {
  std::vector<std::string> names;
  for (const MetricRecord& r : records_)
    if (r.runId == runId && std::find(names.begin(), names.end(), r.retriever) == names.end())
      names.push_back(r.retriever);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<int> MetricTable::rounds(std::int64_t runId, const std::string& retriever) const {
  std::set<int> rounds;
  for (const MetricRecord& r : records_)
    if (r.runId == runId && r.retriever == retriever)
      rounds.insert(r.roundIndex);
  return {rounds.begin(), rounds.end()};
}

std::vector<int> MetricTable::ks() const {
  std::set<int> ks;
  for (const MetricRecord& r : records_)
    ks.insert(r.k);
  return {ks.begin(), ks.end()};
}

} // namespace distillery::ui
