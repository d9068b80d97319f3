#include "core/report/RunReport.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include "core/eval/QueryChanges.h"
#include "core/eval/Statistics.h"
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/HardExampleMiner.h"
#include "core/report/MetricTable.h"
#include "core/report/Redaction.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

namespace distillery::reporting {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Table columns, in the order the report shows them.
const std::vector<std::string> kMetricNames{"mrr", "ndcg", "dcg", "recall"};
// The metrics shown with their 95% interval and tested for significance (the headline ones).
const std::vector<std::string> kTestedMetrics{"ndcg", "mrr"};
constexpr double kSignificanceLevel = 0.05;
constexpr std::size_t kChangedQueries = 10; // most improved and most degraded queries listed
constexpr int kChangedTop = 5;              // records shown before and after per listed query
// Mined kinds in the miner's order of importance (its one table of kinds); unknown ones follow alphabetically.
const std::vector<std::string> kMinedKindOrder = [] {
  std::vector<std::string> order;
  for (const auto& entry : pipeline::kMinedKindNames)
    order.emplace_back(entry.name);
  return order;
}();
constexpr int kDecimals = 4;        // table values and changes
constexpr int kSummaryDecimals = 3; // the summary sentence

// ---------------------------------------------------------------------------------------------------------------
// Formatting (locale-free: a Qt application that draws the charts sets the C locale from the environment, printf
// would follow it)

std::string fixed(double value, int decimals = kDecimals) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  return std::string(buffer, result.ptr);
}

/// "+0.0410", "-0.0120", "±0.0000" (the change as it reads once rounded).
std::string signedChange(double change, int decimals = kDecimals) {
  const std::string magnitude = fixed(std::abs(change), decimals);
  if (magnitude.find_first_not_of("0.") == std::string::npos)
    return "\u00b1" + magnitude;
  return (change > 0 ? "+" : "-") + magnitude;
}

std::string changeClass(double change) {
  const std::string text = signedChange(change);
  return text[0] == '+' ? "up" : text[0] == '-' ? "down" : "flat";
}

std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// A Markdown table cell: pipes escaped, line breaks flattened.
std::string mdCell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

/// RFC 4648 base64 with padding, for the charts embedded as data: URIs.
std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t chunk = 0;
    for (std::size_t j = 0; j < 3; ++j)
      chunk = chunk << 8 | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
    for (std::size_t j = 0; j < 4; ++j)
      out += j <= n ? kAlphabet[(chunk >> (18 - 6 * j)) & 0x3f] : '=';
  }
  return out;
}

const std::string kMissing = "\u2014"; // em dash for a value that was not stored

// ---------------------------------------------------------------------------------------------------------------
// What the report shows, read from the store

struct TrainingRow {
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  double loss = 0;
  std::optional<double> learningRate;
  std::optional<double> devMetric;
};

struct RoundInfo {
  std::int64_t id = 0;
  int index = 0;
  std::string status;
  std::string lastStep;
  std::map<std::string, std::int64_t> queriesBySplit;
  std::int64_t candidates = 0;
  std::int64_t judgments = 0;
  std::int64_t judgmentsFailed = 0;
  std::optional<std::int64_t> judgmentsCached; // judged before the round started (unknown without a start time)
  std::map<std::string, std::int64_t> mined;
  std::vector<TrainingRow> training;
};

struct RunInfo {
  std::int64_t id = 0;
  std::string name;
  std::string corpus;
  std::string status;
  std::string softwareVersion;
  std::int64_t seed = 0;
  std::string createdAt;
  std::string startedAt;
  std::string finishedAt;
  std::optional<json> config; // redacted; empty when the stored text is not JSON
  std::string querySet;       // the evaluation query set of the latest dense evaluation
};

struct ReportData {
  RunInfo run;
  std::vector<RoundInfo> rounds;
  MetricTable metrics;
  std::vector<std::string> filingTypes; // ALL first
  std::vector<int> denseRounds;         // evaluated rounds of the student, ascending
  int k = 5;
  int baselineRound = 0;
  int finalRound = 0;
  // Per-query results, as core compared them: every round with its paired tests against round 0 and BM25, and the
  // queries whose NDCG changed most from round 0 to the final round (empty with only round 0).
  std::vector<pipeline::RoundMetrics> outcome;
  std::optional<eval::MostChanged> changed;

  std::optional<double> value(int round, const std::string& type, const std::string& metric) const {
    if (const auto r = metrics.find(run.id, round, "dense", type, metric, k))
      return r->value;
    return std::nullopt;
  }
  std::optional<double> bm25(const std::string& type, const std::string& metric) const {
    if (const auto r = metrics.baseline(run.id, type, metric, k))
      return r->value;
    return std::nullopt;
  }
  std::optional<eval::Interval> interval(int round, const std::string& type, const std::string& metric) const {
    if (const auto r = metrics.find(run.id, round, "dense", type, metric, k))
      return r->ci95;
    return std::nullopt;
  }
  std::optional<eval::Interval> bm25Interval(const std::string& type, const std::string& metric) const {
    if (const auto r = metrics.baseline(run.id, type, metric, k))
      return r->ci95;
    return std::nullopt;
  }
  const pipeline::RoundMetrics* outcomeOf(int round) const {
    for (const pipeline::RoundMetrics& r : outcome)
      if (r.round == round)
        return &r;
    return nullptr;
  }
  std::optional<double> change(const std::string& type, const std::string& metric) const {
    const auto first = value(baselineRound, type, metric), last = value(finalRound, type, metric);
    if (!first || !last || finalRound == baselineRound)
      return std::nullopt;
    return *last - *first;
  }
  int queries(int round, const std::string& type) const {
    for (const std::string& metric : kMetricNames)
      if (const auto r = metrics.find(run.id, round, "dense", type, metric, k))
        return r->queryCount;
    return 0;
  }
};

std::string textOr(store::Statement& st, int column) {
  return st.columnOptionalText(column).value_or("");
}

RunInfo loadRun(store::Store& store, std::int64_t runId) {
  store::Statement st =
      store.prepare("SELECT r.id, coalesce(r.name, ''), coalesce(c.name, ''), r.config_json, r.software_version, "
                    "r.seed, r.status, r.created_at, r.started_at, r.finished_at "
                    "FROM runs r LEFT JOIN corpora c ON c.id = r.corpus_id WHERE r.id = ?1");
  st.bind(1, runId);
  if (!st.step())
    throw InputError("no run with id " + std::to_string(runId) + " in " + store.path().string());
  RunInfo run;
  run.id = st.columnInt64(0);
  run.name = st.columnText(1);
  run.corpus = st.columnText(2);
  const json config = json::parse(st.columnText(3), nullptr, /*allow_exceptions=*/false);
  if (!config.is_discarded())
    run.config = redactSecrets(config);
  run.softwareVersion = st.columnText(4);
  run.seed = st.columnInt64(5);
  run.status = st.columnText(6);
  run.createdAt = textOr(st, 7);
  run.startedAt = textOr(st, 8);
  run.finishedAt = textOr(st, 9);

  store::Statement set = store.prepare("SELECT qs.name FROM evaluations e JOIN query_sets qs ON qs.id = e.query_set_id "
                                       "WHERE e.run_id = ?1 AND e.retriever = 'dense' ORDER BY e.id DESC LIMIT 1");
  set.bind(1, runId);
  if (set.step())
    run.querySet = set.columnText(0);
  return run;
}

std::vector<RoundInfo> loadRounds(store::Store& store, std::int64_t runId) {
  std::vector<RoundInfo> rounds;
  std::vector<std::optional<std::string>> startedAt;
  {
    store::Statement st = store.prepare("SELECT id, round_index, status, coalesce(last_completed_step, ''), started_at "
                                        "FROM rounds WHERE run_id = ?1 ORDER BY round_index");
    st.bind(1, runId);
    while (st.step()) {
      RoundInfo round;
      round.id = st.columnInt64(0);
      round.index = static_cast<int>(st.columnInt64(1));
      round.status = st.columnText(2);
      round.lastStep = st.columnText(3);
      rounds.push_back(std::move(round));
      startedAt.push_back(st.columnOptionalText(4));
    }
  }
  store::Statement queries = store.prepare("SELECT split, count(*) FROM queries WHERE round_id = ?1 GROUP BY split");
  store::Statement candidates = store.prepare("SELECT count(*) FROM candidates WHERE round_id = ?1");
  // Judgments are shared through the cache (teacher, prompt, query text, passage hash), so a round's are the
  // ones matching its candidates by text and hash, whichever query row first asked for them.
  store::Statement judgments = store.prepare(
      "SELECT count(DISTINCT j.id), count(DISTINCT CASE WHEN j.status = 'failed' THEN j.id END), "
      "count(DISTINCT CASE WHEN j.created_at < ?2 THEN j.id END) "
      "FROM candidates c JOIN queries q ON q.id = c.query_id JOIN passages p ON p.id = c.passage_id "
      "JOIN judgments j ON j.query_text = q.text AND j.passage_hash = p.content_hash WHERE c.round_id = ?1");
  store::Statement mined = store.prepare("SELECT kind, count(*) FROM mined_examples WHERE round_id = ?1 GROUP BY kind");
  store::Statement training = store.prepare(
      "SELECT step, epoch, loss, learning_rate, dev_metric FROM training_log WHERE round_id = ?1 ORDER BY step");
  for (std::size_t i = 0; i < rounds.size(); ++i) {
    RoundInfo& round = rounds[i];
    queries.reset();
    queries.bind(1, round.id);
    while (queries.step())
      round.queriesBySplit[queries.columnText(0)] = queries.columnInt64(1);
    candidates.reset();
    candidates.bind(1, round.id);
    round.candidates = candidates.step() ? candidates.columnInt64(0) : 0;
    judgments.reset();
    judgments.bind(1, round.id).bind(2, startedAt[i]);
    if (judgments.step()) {
      round.judgments = judgments.columnInt64(0);
      round.judgmentsFailed = judgments.columnInt64(1);
      if (startedAt[i])
        round.judgmentsCached = judgments.columnInt64(2);
    }
    mined.reset();
    mined.bind(1, round.id);
    while (mined.step())
      round.mined[mined.columnText(0)] = mined.columnInt64(1);
    training.reset();
    training.bind(1, round.id);
    while (training.step()) {
      TrainingRow row{training.columnInt64(0), training.columnInt64(1), training.columnDouble(2), std::nullopt,
                      std::nullopt};
      if (!training.columnIsNull(3))
        row.learningRate = training.columnDouble(3);
      if (!training.columnIsNull(4))
        row.devMetric = training.columnDouble(4);
      round.training.push_back(row);
    }
  }
  return rounds;
}

int chooseK(const ReportData& data, std::int64_t runId, int requested) {
  std::set<int> ks;
  for (const MetricRecord& r : data.metrics.records())
    if (r.runId == runId && r.retriever == "dense")
      ks.insert(r.k);
  if (requested > 0) {
    if (!ks.contains(requested)) {
      std::string available;
      for (int k : ks)
        available += (available.empty() ? "" : ", ") + std::to_string(k);
      throw InputError("run " + std::to_string(runId) + " has no metrics at k=" + std::to_string(requested) +
                       " (evaluated at k=" + available + ")");
    }
    return requested;
  }
  return ks.contains(5) ? 5 : *ks.begin();
}

ReportData loadReportData(store::Store& store, std::int64_t runId, const RunReportOptions& options) {
  ReportData data;
  data.run = loadRun(store, runId);
  store::Statement evaluations = store.prepare("SELECT count(*) FROM evaluations WHERE run_id = ?1");
  evaluations.bind(1, runId);
  if (!evaluations.step() || evaluations.columnInt64(0) == 0)
    throw InputError("run " + std::to_string(runId) + " has no evaluations yet: nothing to report");
  data.metrics = MetricTable::load(store);
  data.denseRounds = data.metrics.rounds(runId, "dense");
  if (data.denseRounds.empty())
    throw InputError("run " + std::to_string(runId) + " has no stored metrics of the student yet: nothing to report");
  data.k = chooseK(data, runId, options.k);
  data.filingTypes = data.metrics.filingTypes(runId);
  data.baselineRound = data.denseRounds.front();
  data.finalRound = data.denseRounds.back();
  data.rounds = loadRounds(store, runId);
  data.outcome = pipeline::loadRoundMetrics(store, runId);
  const pipeline::RoundMetrics* first = data.outcomeOf(0);
  const pipeline::RoundMetrics* last = data.outcomeOf(data.finalRound);
  if (first && last && last != first && first->denseEvaluationId != 0 && last->denseEvaluationId != 0)
    data.changed = eval::mostChanged(
        eval::compareQueryRankings(store, first->denseEvaluationId, last->denseEvaluationId, kChangedTop),
        kChangedQueries);
  return data;
}

// ---------------------------------------------------------------------------------------------------------------
// Summary

std::string roundName(int round) {
  return "round " + std::to_string(round);
}

std::string metricTitle(const std::string& metric, int k) {
  return metricDisplayName(metric) + "@" + std::to_string(k);
}

std::string summarySentence(const ReportData& d) {
  const std::string mrr = metricTitle("mrr", d.k), ndcg = metricTitle("ndcg", d.k);
  if (d.finalRound == d.baselineRound)
    return "Only " + roundName(d.baselineRound) + " has been evaluated so far: no change to report yet.";
  std::ostringstream out;
  out << "Final round (" << d.finalRound << ") vs " << roundName(d.baselineRound) << ": ";
  if (const auto change = d.change("ALL", "mrr"))
    out << mrr << " " << signedChange(*change, kSummaryDecimals) << " overall";
  else
    out << mrr << " not evaluated overall";
  int improved = 0, compared = 0;
  for (const std::string& type : d.filingTypes)
    if (type != "ALL")
      if (const auto change = d.change(type, "ndcg")) {
        ++compared;
        improved += signedChange(*change, kSummaryDecimals)[0] == '+' ? 1 : 0;
      }
  if (compared > 0)
    out << "; " << ndcg << " improved for " << improved << " of " << compared << " filing type"
        << (compared == 1 ? "" : "s");
  out << ".";
  const auto finalNdcg = d.value(d.finalRound, "ALL", "ndcg");
  const auto bm25Ndcg = d.bm25("ALL", "ndcg");
  if (finalNdcg && bm25Ndcg)
    out << " Against BM25 the final student's " << ndcg << " overall is "
        << signedChange(*finalNdcg - *bm25Ndcg, kSummaryDecimals) << " (" << fixed(*finalNdcg, kSummaryDecimals)
        << " vs " << fixed(*bm25Ndcg, kSummaryDecimals) << ").";
  return out.str();
}

json optionalNumber(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

// ---------------------------------------------------------------------------------------------------------------
// Is the gain real? The paired tests core computed per query (loadRoundMetrics); nothing is recomputed here.

using Comparison = eval::ByGroupAndMetric<eval::PairedDifference>;

/// The final round's paired comparison against round 0's student or against BM25; none when not stored.
const Comparison* finalComparison(const ReportData& d, bool againstBm25) {
  const pipeline::RoundMetrics* last = d.outcomeOf(d.finalRound);
  if (!last)
    return nullptr;
  const auto& comparison = againstBm25 ? last->vsBm25 : last->vsRound0;
  return comparison && comparison->contains(eval::kAllFilingTypes) ? &*comparison : nullptr;
}

/// The cut-off the per-query figures were scored at (the final round's evaluation), which the tests are about.
int testedK(const ReportData& d) {
  const pipeline::RoundMetrics* last = d.outcomeOf(d.finalRound);
  return last ? last->dense.k : d.k;
}

/// ALL first, then the report's filing types, then any others the comparison has.
std::vector<std::string> comparisonGroups(const ReportData& d, const Comparison& comparison) {
  std::vector<std::string> groups{eval::kAllFilingTypes};
  for (const std::string& type : d.filingTypes)
    if (comparison.contains(type) && std::find(groups.begin(), groups.end(), type) == groups.end())
      groups.push_back(type);
  for (const auto& [type, metrics] : comparison)
    if (std::find(groups.begin(), groups.end(), type) == groups.end())
      groups.push_back(type);
  return groups;
}

/// "p = 0.41", "p = 0.003", "p < 0.001": three decimals below 0.1, so a p near the level never rounds across it.
std::string pText(double p) {
  return p < 0.001 ? "p < 0.001" : "p = " + fixed(p, p < 0.1 ? 3 : 2);
}

std::string verdict(const eval::PairedDifference& paired) {
  if (!paired.p)
    return "no queries to compare";
  return paired.significant(kSignificanceLevel) ? "significant (" + pText(*paired.p) + ")"
                                                : "not significant: could be noise (" + pText(*paired.p) + ")";
}

/// "a", "a and b", "a, b and c".
std::string joinWords(const std::vector<std::string>& items, const std::string& conjunction) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " " + conjunction + " " : ", ") + items[i];
  return out;
}

/// "overall and for 10-K and 10-Q", "for 8-K (p = 0.21)", "overall (p = 0.41)".
std::string groupsPhrase(const std::string& overall, const std::vector<std::string>& types,
                         const std::string& conjunction) {
  std::string out = overall;
  if (!types.empty())
    out += (overall.empty() ? "" : " " + conjunction + " ") + "for " + joinWords(types, conjunction);
  return out;
}

std::string significanceSentence(const ReportData& d) {
  if (d.finalRound == d.baselineRound)
    return "Only " + roundName(d.baselineRound) + " has been evaluated: there is nothing to compare yet.";
  const Comparison* vs = finalComparison(d, false);
  const eval::PairedDifference* all = vs ? eval::findByGroupAndMetric(*vs, eval::kAllFilingTypes, "ndcg") : nullptr;
  if (!all || !all->p)
    return "The per-query results of " + roundName(0) + " and " + roundName(d.finalRound) +
           " are not both stored: whether the change is real cannot be tested.";
  const std::string ndcg = metricTitle("ndcg", testedK(d));
  const bool gain = all->diff >= 0;
  bool overallSignificant = false;
  std::string overallNot;
  std::vector<std::string> significant, notSignificant, opposite;
  for (const std::string& group : comparisonGroups(d, *vs)) {
    const eval::PairedDifference* paired = eval::findByGroupAndMetric(*vs, group, "ndcg");
    if (!paired || !paired->p)
      continue;
    const bool isSignificant = paired->significant(kSignificanceLevel);
    const std::string withP = " (" + pText(*paired->p) + ")";
    if (group == eval::kAllFilingTypes) {
      overallSignificant = isSignificant;
      if (!isSignificant)
        overallNot = "overall" + withP;
    } else if (isSignificant && paired->diff != 0 && (paired->diff > 0) != gain) // a real move the other way
      opposite.push_back(group + withP);
    else if (isSignificant)
      significant.push_back(group);
    else
      notSignificant.push_back(group + withP);
  }
  std::string out = "The final round's " + ndcg + " " +
                    (all->diff == 0 ? "change"
                     : gain         ? "gain"
                                    : "drop") +
                    " over " + roundName(0) + " (" + signedChange(all->diff, kSummaryDecimals) + " overall) is ";
  if (overallSignificant || !significant.empty()) {
    out += "significant " + groupsPhrase(overallSignificant ? "overall" : "", significant, "and");
    if (!overallNot.empty() || !notSignificant.empty())
      out += "; not " + groupsPhrase(overallNot, notSignificant, "or");
  } else {
    out += "not significant " + groupsPhrase(overallNot, notSignificant, "or") + ": it could be noise";
  }
  if (!opposite.empty())
    out += "; for " + joinWords(opposite, "and") + " it is a significant " + (gain ? "drop" : "gain");
  out += ".";
  if (const Comparison* bm25 = finalComparison(d, true))
    if (const eval::PairedDifference* paired = eval::findByGroupAndMetric(*bm25, eval::kAllFilingTypes, "ndcg");
        paired && paired->p)
      out += " Against BM25 the final student's " + ndcg + " is " + signedChange(paired->diff, kSummaryDecimals) +
             " overall: " + verdict(*paired) + ".";
  return out;
}

json comparisonJson(const ReportData& d, const Comparison* comparison) {
  if (!comparison)
    return nullptr;
  json groups = json::object();
  for (const std::string& group : comparisonGroups(d, *comparison))
    for (const std::string& metric : kTestedMetrics)
      if (const eval::PairedDifference* paired = eval::findByGroupAndMetric(*comparison, group, metric))
        groups[group][metric + "@" + std::to_string(testedK(d))] = {
            {"diff", paired->diff},
            {"ci95", paired->ci95 ? json::array({paired->ci95->low, paired->ci95->high}) : json(nullptr)},
            {"p", optionalNumber(paired->p)},
            {"significant", paired->significant(kSignificanceLevel)},
            {"queries", paired->queries}};
  return groups;
}

json significanceJson(const ReportData& d) {
  return {{"k", testedK(d)},
          {"level", kSignificanceLevel},
          {"final_round", d.finalRound},
          {"sentence", significanceSentence(d)},
          {"vs_round0", comparisonJson(d, finalComparison(d, false))},
          {"vs_bm25", comparisonJson(d, finalComparison(d, true))}};
}

json changedQueriesJson(const ReportData& d) {
  if (!d.changed)
    return nullptr;
  const auto list = [](const std::vector<eval::QueryChange>& changes) {
    json out = json::array();
    for (const eval::QueryChange& change : changes)
      out.push_back({{"query_key", change.queryKey},
                     {"filing_type", change.filingType},
                     {"ndcg_before", change.ndcgA},
                     {"ndcg_after", change.ndcgB}});
    return out;
  };
  return {{"k", testedK(d)}, {"improved", list(d.changed->improved)}, {"degraded", list(d.changed->degraded)}};
}

json summaryJson(const ReportData& d) {
  json types = json::object();
  for (const std::string& type : d.filingTypes) {
    json entry = {{"queries", d.queries(d.finalRound, type)}};
    for (const std::string& metric : kMetricNames) {
      const std::string key = metric + "@" + std::to_string(d.k);
      entry[key] = {{"bm25", optionalNumber(d.bm25(type, metric))},
                    {"round0", optionalNumber(d.value(d.baselineRound, type, metric))},
                    {"final", optionalNumber(d.value(d.finalRound, type, metric))},
                    {"change", optionalNumber(d.change(type, metric))}};
    }
    types[type] = entry;
  }
  return {{"k", d.k},
          {"baseline_round", d.baselineRound},
          {"final_round", d.finalRound},
          {"sentence", summarySentence(d)},
          {"filing_types", types},
          {"significance", significanceJson(d)},
          {"changed_queries", changedQueriesJson(d)}};
}

// ---------------------------------------------------------------------------------------------------------------
// Charts

struct Chart {
  std::string file; // name beside the report
  std::string title;
  std::string png; // the file's bytes
};

/// The bars of one metric per filing type (ALL first): BM25, round 0 and the final round, each with its 95% interval.
BarChartSpec comparisonBars(const ReportData& d, const std::string& metric, const ChartSize& size) {
  BarChartSpec chart;
  chart.title = metricTitle(metric, d.k) + " per filing type: " + roundName(d.finalRound) + " vs " +
                roundName(d.baselineRound) + " vs BM25";
  chart.yAxisTitle = metricTitle(metric, d.k);
  chart.size = size;
  for (const std::string& type : d.filingTypes)
    chart.categories.push_back(type == "ALL" ? "all" : type);
  struct Source {
    std::string name;
    std::function<std::optional<MetricRecord>(const std::string&)> lookup;
  };
  std::vector<Source> sources{
      {"BM25", [&](const std::string& t) { return d.metrics.baseline(d.run.id, t, metric, d.k); }},
      {roundName(0), [&](const std::string& t) { return d.metrics.find(d.run.id, 0, "dense", t, metric, d.k); }}};
  if (d.finalRound != 0)
    sources.push_back({roundName(d.finalRound), [&](const std::string& t) {
                         return d.metrics.find(d.run.id, d.finalRound, "dense", t, metric, d.k);
                       }});
  for (std::size_t s = 0; s < sources.size(); ++s) {
    BarSeries series{sources[s].name, static_cast<ColourIndex>(s), {}, {}};
    for (const std::string& type : d.filingTypes) {
      const std::optional<MetricRecord> record = sources[s].lookup(type);
      series.values.push_back(record ? std::optional<double>(record->value) : std::nullopt);
      series.errors.push_back(record && record->ci95 ? std::optional<ErrorBar>({record->ci95->low, record->ci95->high})
                                                     : std::nullopt);
    }
    chart.series.push_back(std::move(series));
  }
  return chart;
}

/// MRR and NDCG over all queries across the student's evaluated rounds, with their 95% intervals.
LineChartSpec roundLines(const ReportData& d, const ChartSize& size) {
  LineChartSpec chart;
  chart.title = metricTitle("mrr", d.k) + " and " + metricTitle("ndcg", d.k) + " across rounds (all queries)";
  chart.xAxisTitle = "round";
  chart.yAxisTitle = "score@" + std::to_string(d.k);
  chart.wholeNumberX = true;
  chart.size = size;
  ColourIndex colour = 1; // grey stays the baseline's
  for (const std::string metric : {"mrr", "ndcg"}) {
    LineSeries line{metricTitle(metric, d.k) + ", all", colour++, {}, {}, {}, true, true};
    for (int round : d.denseRounds)
      if (const auto record = d.metrics.find(d.run.id, round, "dense", "ALL", metric, d.k)) {
        line.x.push_back(round);
        line.y.push_back(record->value);
        line.errors.push_back(record->ci95 ? std::optional<ErrorBar>({record->ci95->low, record->ci95->high})
                                           : std::nullopt);
      }
    chart.series.push_back(std::move(line));
  }
  return chart;
}

/// One training loss curve per round that trained; none when no round did.
std::optional<LineChartSpec> lossCurves(const ReportData& d, const ChartSize& size) {
  LineChartSpec chart;
  chart.title = "Training loss per round";
  chart.xAxisTitle = "training step";
  chart.yAxisTitle = "loss";
  chart.size = size;
  ColourIndex colour = 2; // the round's orange first, as in the bars
  for (const RoundInfo& round : d.rounds) {
    if (round.training.empty())
      continue;
    LineSeries curve{roundName(round.index), colour++, {}, {}, {}, false, false};
    for (const TrainingRow& row : round.training) {
      curve.x.push_back(static_cast<double>(row.step));
      curve.y.push_back(row.loss);
    }
    chart.series.push_back(std::move(curve));
  }
  if (chart.series.empty())
    return std::nullopt;
  return chart;
}

std::vector<Chart> renderCharts(const ReportData& d, ChartRenderer& renderer, const RunReportOptions& options) {
  std::vector<Chart> charts;
  const auto add = [&](const std::string& file, const std::string& title, std::string png) {
    if (png.empty())
      throw Error("could not render the chart " + file);
    charts.push_back({file, title, std::move(png)});
  };
  for (const std::string metric : {"mrr", "ndcg"}) {
    const BarChartSpec bars = comparisonBars(d, metric, options.chartSize);
    add("bars-" + metric + ".png", bars.title, renderer.renderBars(bars));
  }
  const LineChartSpec rounds = roundLines(d, options.chartSize);
  add("rounds.png", rounds.title, renderer.renderLines(rounds));
  if (const std::optional<LineChartSpec> loss = lossCurves(d, options.chartSize))
    add("loss.png", loss->title, renderer.renderLines(*loss));
  return charts;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared content of both formats: tables as rows of cells, rendered to HTML or Markdown.

struct Cell {
  std::string text;
  std::string cssClass; // up | down | flat for changes; empty otherwise
};
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<Cell>> rows;
};

Cell valueCell(const std::optional<double>& value) {
  return {value ? fixed(*value) : kMissing, ""};
}

Cell changeCell(const std::optional<double>& change) {
  if (!change)
    return {kMissing, ""};
  return {signedChange(*change), changeClass(*change)};
}

Cell intervalCell(const std::optional<eval::Interval>& ci) {
  return {ci ? fixed(ci->low) + "\u2013" + fixed(ci->high) : kMissing, ""};
}

bool hasInterval(const std::string& metric) {
  return std::find(kTestedMetrics.begin(), kTestedMetrics.end(), metric) != kTestedMetrics.end();
}

std::string intervalTitle(const std::string& column) {
  return column + " 95% CI";
}

/// Final round beside round 0 and BM25 with the change, every metric, every filing type; NDCG and MRR each with
/// their 95% interval in the column after the value.
Table comparisonTable(const ReportData& d) {
  Table t;
  t.header = {"Filing type", "Queries"};
  const bool hasChange = d.finalRound != d.baselineRound;
  for (const std::string& metric : kMetricNames) {
    const std::string m = metricTitle(metric, d.k);
    std::vector<std::string> columns{m + " BM25", m + " " + roundName(d.baselineRound)};
    if (hasChange)
      columns.push_back(m + " " + roundName(d.finalRound));
    for (const std::string& column : columns) {
      t.header.push_back(column);
      if (hasInterval(metric))
        t.header.push_back(intervalTitle(column));
    }
    if (hasChange)
      t.header.push_back(m + " change");
  }
  for (const std::string& type : d.filingTypes) {
    std::vector<Cell> row{{type, ""}, {std::to_string(d.queries(d.finalRound, type)), ""}};
    for (const std::string& metric : kMetricNames) {
      const bool interval = hasInterval(metric);
      row.push_back(valueCell(d.bm25(type, metric)));
      if (interval)
        row.push_back(intervalCell(d.bm25Interval(type, metric)));
      std::vector<int> rounds{d.baselineRound};
      if (hasChange)
        rounds.push_back(d.finalRound);
      for (int round : rounds) {
        row.push_back(valueCell(d.value(round, type, metric)));
        if (interval)
          row.push_back(intervalCell(d.interval(round, type, metric)));
      }
      if (hasChange)
        row.push_back(changeCell(d.change(type, metric)));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

/// One evaluated round of the student; later rounds show their change vs round 0 beside each value, NDCG and MRR
/// their 95% interval.
Table roundTable(const ReportData& d, int round) {
  Table t;
  t.header = {"Filing type"};
  for (const std::string& metric : kMetricNames) {
    t.header.push_back(metricTitle(metric, d.k));
    if (hasInterval(metric))
      t.header.push_back(intervalTitle(metricTitle(metric, d.k)));
    if (round != d.baselineRound)
      t.header.push_back("change");
  }
  t.header.push_back("Queries");
  for (const std::string& type : d.filingTypes) {
    std::vector<Cell> row{{type, ""}};
    for (const std::string& metric : kMetricNames) {
      const auto value = d.value(round, type, metric);
      row.push_back(valueCell(value));
      if (hasInterval(metric))
        row.push_back(intervalCell(d.interval(round, type, metric)));
      if (round != d.baselineRound) {
        const auto first = d.value(d.baselineRound, type, metric);
        row.push_back(changeCell(value && first ? std::optional<double>(*value - *first) : std::nullopt));
      }
    }
    row.push_back({std::to_string(d.queries(round, type)), ""});
    t.rows.push_back(std::move(row));
  }
  return t;
}

/// The final round's paired tests against round 0 or BM25: per filing type and tested metric, the mean per-query
/// difference, its interval, p and the verdict.
Table significanceTable(const ReportData& d, const Comparison& comparison) {
  Table t;
  t.header = {"Filing type", "Metric", "Queries", "Difference", "Difference 95% CI", "p", "Verdict"};
  for (const std::string& group : comparisonGroups(d, comparison))
    for (const std::string& metric : kTestedMetrics)
      if (const eval::PairedDifference* paired = eval::findByGroupAndMetric(comparison, group, metric))
        t.rows.push_back(
            {{group, ""},
             {metricTitle(metric, testedK(d)), ""},
             {std::to_string(paired->queries), ""},
             changeCell(paired->diff),
             {paired->ci95 ? signedChange(paired->ci95->low) + " to " + signedChange(paired->ci95->high) : kMissing,
              ""},
             {!paired->p           ? kMissing
              : *paired->p < 0.001 ? "< 0.001"
                                   : fixed(*paired->p, 3),
              ""},
             {verdict(*paired), ""}});
  return t;
}

/// The significance section's parts, rendered alike in HTML and Markdown.
struct SignificanceSection {
  std::string sentence;
  std::string explanation;                           // empty when there is nothing to test
  std::vector<std::pair<std::string, Table>> tables; // subheading, table
};

SignificanceSection significanceSection(const ReportData& d) {
  SignificanceSection section{significanceSentence(d), {}, {}};
  const Comparison* vsRound0 = d.finalRound == d.baselineRound ? nullptr : finalComparison(d, false);
  const Comparison* vsBm25 = finalComparison(d, true);
  if (vsRound0)
    section.tables.emplace_back("Final student (" + roundName(d.finalRound) + ") vs " + roundName(0) + "'s student",
                                significanceTable(d, *vsRound0));
  if (vsBm25)
    section.tables.emplace_back("Final student (" + roundName(d.finalRound) + ") vs BM25",
                                significanceTable(d, *vsBm25));
  if (!section.tables.empty())
    section.explanation = "Paired over the same held-out queries: the mean per-query difference, its 95% bootstrap "
                          "interval, and the p-value of a two-sided sign-flip randomisation test. A difference is "
                          "called significant when p < " +
                          fixed(kSignificanceLevel, 2) +
                          "; otherwise chance alone could have produced it (which is not proof that there is none).";
  return section;
}

/// One listed query of the changed-queries section: a heading, its text and its top records before and after.
struct ChangedQuery {
  std::string heading;
  std::string text;
  Table table;
};

std::string gradeText(const std::optional<int>& grade) {
  return grade ? std::to_string(*grade) : "unjudged";
}

std::vector<ChangedQuery> changedQueries(const ReportData& d, const std::vector<eval::QueryChange>& changes) {
  const std::string ndcg = metricTitle("ndcg", testedK(d));
  std::vector<ChangedQuery> out;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const eval::QueryChange& change = changes[i];
    ChangedQuery query;
    query.heading = std::to_string(i + 1) + ". " + change.queryKey + " (" + change.filingType + "): " + ndcg + " " +
                    fixed(change.ndcgA) + " \u2192 " + fixed(change.ndcgB) + " (" + signedChange(change.change()) + ")";
    query.text = change.text.empty() ? "(query text not stored)" : change.text;
    query.table.header = {"Rank",    "Before (" + roundName(0) + ")",           "Grade",
                          "Passage", "After (" + roundName(d.finalRound) + ")", "Grade",
                          "Passage"};
    for (std::size_t r = 0; r < std::max(change.topA.size(), change.topB.size()); ++r) {
      std::vector<Cell> row{{std::to_string(r + 1), ""}};
      for (const std::vector<eval::RankedRecord>* list : {&change.topA, &change.topB}) {
        if (r < list->size()) {
          const eval::RankedRecord& record = (*list)[r];
          row.push_back({record.recordKey, ""});
          row.push_back({gradeText(record.grade), ""});
          row.push_back({record.snippet.empty() ? kMissing : record.snippet, "passage"});
        } else {
          row.insert(row.end(), 3, Cell{kMissing, ""});
        }
      }
      query.table.rows.push_back(std::move(row));
    }
    out.push_back(std::move(query));
  }
  return out;
}

/// "Most improved" and "Most degraded" with their listed queries; empty lists left out.
std::vector<std::pair<std::string, std::vector<ChangedQuery>>> changedQuerySections(const ReportData& d) {
  std::vector<std::pair<std::string, std::vector<ChangedQuery>>> sections;
  if (!d.changed)
    return sections;
  if (!d.changed->improved.empty())
    sections.emplace_back("Most improved", changedQueries(d, d.changed->improved));
  if (!d.changed->degraded.empty())
    sections.emplace_back("Most degraded", changedQueries(d, d.changed->degraded));
  return sections;
}

/// The changed-queries section's introduction; why it is empty when it is.
std::string changedQueriesIntro(const ReportData& d) {
  const std::string ndcg = metricTitle("ndcg", testedK(d));
  if (d.finalRound == d.baselineRound)
    return "Only " + roundName(d.baselineRound) + " has been evaluated: there is nothing to compare yet.";
  if (!d.changed)
    return "The rankings of " + roundName(0) + " and " + roundName(d.finalRound) +
           " are not both stored: no query can be compared.";
  if (d.changed->improved.empty() && d.changed->degraded.empty())
    return "No held-out query's " + ndcg + " changed between " + roundName(0) + " and " + roundName(d.finalRound) + ".";
  return "The held-out queries whose " + ndcg + " rose or fell most from " + roundName(0) + "'s student to " +
         roundName(d.finalRound) + "'s (at most " + std::to_string(kChangedQueries) +
         " each; unchanged queries left out), with each student's top " + std::to_string(kChangedTop) +
         " records, the start of each record's first passage and the query's judged grade of it.";
}

Table countsTable(const ReportData& d) {
  Table t;
  t.header = {"Round",     "Status",           "Last completed step", "Train queries", "Dev queries",    "Candidates",
              "Judgments", "Failed judgments", "Cached judgments",    "New judgments", "Training steps", "Final loss"};
  for (const RoundInfo& r : d.rounds) {
    const auto split = [&](const char* name) {
      const auto it = r.queriesBySplit.find(name);
      return std::to_string(it == r.queriesBySplit.end() ? 0 : it->second);
    };
    t.rows.push_back({{std::to_string(r.index), ""},
                      {r.status, ""},
                      {r.lastStep.empty() ? kMissing : r.lastStep, ""},
                      {split("train"), ""},
                      {split("dev"), ""},
                      {std::to_string(r.candidates), ""},
                      {std::to_string(r.judgments), ""},
                      {std::to_string(r.judgmentsFailed), ""},
                      {r.judgmentsCached ? std::to_string(*r.judgmentsCached) : kMissing, ""},
                      {r.judgmentsCached ? std::to_string(r.judgments - *r.judgmentsCached) : kMissing, ""},
                      {std::to_string(r.training.size()), ""},
                      {r.training.empty() ? kMissing : fixed(r.training.back().loss), ""}});
  }
  return t;
}

std::vector<std::string> minedKinds(const ReportData& d) {
  std::set<std::string> present;
  for (const RoundInfo& r : d.rounds)
    for (const auto& [kind, count] : r.mined)
      present.insert(kind);
  std::vector<std::string> kinds;
  for (const std::string& kind : kMinedKindOrder)
    if (present.erase(kind))
      kinds.push_back(kind);
  kinds.insert(kinds.end(), present.begin(), present.end());
  return kinds;
}

Table minedTable(const ReportData& d) {
  Table t;
  const std::vector<std::string> kinds = minedKinds(d);
  t.header = {"Round"};
  t.header.insert(t.header.end(), kinds.begin(), kinds.end());
  for (const RoundInfo& r : d.rounds) {
    if (r.mined.empty())
      continue;
    std::vector<Cell> row{{std::to_string(r.index), ""}};
    for (const std::string& kind : kinds) {
      const auto it = r.mined.find(kind);
      row.push_back({std::to_string(it == r.mined.end() ? 0 : it->second), ""});
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table trainingTable(const ReportData& d) {
  Table t;
  t.header = {"Round",      "Steps",       "Epochs",          "First loss",
              "Final loss", "Lowest loss", "Best dev metric", "Final learning rate"};
  for (const RoundInfo& r : d.rounds) {
    if (r.training.empty())
      continue;
    double lowest = r.training.front().loss;
    std::optional<double> bestDev;
    std::int64_t epochs = 0;
    for (const TrainingRow& row : r.training) {
      lowest = std::min(lowest, row.loss);
      epochs = std::max(epochs, row.epoch + 1);
      if (row.devMetric)
        bestDev = std::max(bestDev.value_or(*row.devMetric), *row.devMetric);
    }
    const auto& lr = r.training.back().learningRate;
    std::ostringstream lrText;
    if (lr)
      lrText << *lr;
    t.rows.push_back({{std::to_string(r.index), ""},
                      {std::to_string(r.training.size()), ""},
                      {std::to_string(epochs), ""},
                      {fixed(r.training.front().loss), ""},
                      {fixed(r.training.back().loss), ""},
                      {fixed(lowest), ""},
                      {bestDev ? fixed(*bestDev) : kMissing, ""},
                      {lr ? lrText.str() : kMissing, ""}});
  }
  return t;
}

/// Header facts: label, value.
std::vector<std::pair<std::string, std::string>> runFacts(const ReportData& d) {
  const RunInfo& r = d.run;
  std::vector<std::pair<std::string, std::string>> facts{{"Run", std::to_string(r.id)}};
  if (!r.name.empty())
    facts.emplace_back("Name", r.name);
  facts.emplace_back("Corpus", r.corpus.empty() ? kMissing : r.corpus);
  facts.emplace_back("Status", r.status);
  facts.emplace_back("Software version", r.softwareVersion);
  facts.emplace_back("Seed", std::to_string(r.seed));
  facts.emplace_back("Created", r.createdAt.empty() ? kMissing : r.createdAt);
  facts.emplace_back("Started", r.startedAt.empty() ? kMissing : r.startedAt);
  facts.emplace_back("Finished", r.finishedAt.empty() ? kMissing : r.finishedAt);
  if (r.config) {
    if (const auto student = r.config->find("student"); student != r.config->end() && student->is_string())
      facts.emplace_back("Student", student->get<std::string>());
    if (const auto teacher = r.config->find("teacher"); teacher != r.config->end() && teacher->is_object()) {
      const std::string kind = teacher->value("kind", std::string());
      std::string text =
          kind == "heuristic" ? "heuristic (extractive query writer and lexical grader, not an LLM)" : kind;
      if (teacher->contains("model") && (*teacher)["model"].is_string())
        text += ", model " + (*teacher)["model"].get<std::string>();
      facts.emplace_back("Teacher", text);
    }
  }
  if (!r.querySet.empty())
    facts.emplace_back("Evaluation query set", r.querySet);
  facts.emplace_back("Metrics at", "k = " + std::to_string(d.k));
  return facts;
}

std::string configText(const ReportData& d) {
  return d.run.config ? d.run.config->dump(2) : "(the stored config is not valid JSON; not shown)";
}

// ---------------------------------------------------------------------------------------------------------------
// HTML

void htmlTable(std::ostringstream& out, const Table& t) {
  out << "<table>\n<thead><tr>";
  for (const std::string& h : t.header)
    out << "<th>" << htmlEscape(h) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out << "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const char* tag = c == 0 ? "th" : "td";
      out << "<" << tag;
      if (!row[c].cssClass.empty())
        out << " class=\"" << row[c].cssClass << "\"";
      out << ">" << htmlEscape(row[c].text) << "</" << tag << ">";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n";
}

void htmlChart(std::ostringstream& out, const std::vector<Chart>& charts, const std::string& file) {
  for (const Chart& chart : charts)
    if (chart.file == file)
      out << "<figure><img alt=\"" << htmlEscape(chart.title) << "\" src=\"data:image/png;base64," << base64(chart.png)
          << "\"><figcaption>" << htmlEscape(chart.title) << "</figcaption></figure>\n";
}

std::string renderHtml(const ReportData& d, const std::vector<Chart>& charts) {
  std::ostringstream out;
  const std::string title =
      "Distillery run " + std::to_string(d.run.id) + (d.run.name.empty() ? "" : ": " + d.run.name);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << htmlEscape(title)
      << "</title>\n<style>\n"
         "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}\n"
         "table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}\n"
         "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;white-space:nowrap}\n"
         "thead th{background:#f0f3f6}tbody th{text-align:left}\n"
         "table.facts th,table.facts td{text-align:left;white-space:normal}\n"
         ".up{color:#1a7f37;font-weight:600}.down{color:#c62828;font-weight:600}.flat{color:#777}\n"
         ".summary{font-size:1.1em;padding:.6em 1em;background:#f6f8fa;border-left:4px solid #2b7bb9}\n"
         "figure{margin:1em 0}img{max-width:100%}figcaption{color:#555;font-size:.9em}\n"
         "td.passage{text-align:left;white-space:normal;min-width:16em;max-width:28em}\n"
         ".query{font-style:italic}\n"
         "pre{background:#f6f8fa;padding:1em;overflow:auto;font-size:.85em}\n"
         "footer{color:#777;font-size:.85em;margin-top:3em}\n"
         "</style>\n</head>\n<body>\n<h1>"
      << htmlEscape(title) << "</h1>\n<table class=\"facts\">\n";
  for (const auto& [label, value] : runFacts(d))
    out << "<tr><th>" << htmlEscape(label) << "</th><td>" << htmlEscape(value) << "</td></tr>\n";
  out << "</table>\n<p class=\"summary\">" << htmlEscape(summarySentence(d)) << "</p>\n";

  out << "<h2>Final " << htmlEscape(roundName(d.finalRound)) << " vs " << htmlEscape(roundName(d.baselineRound))
      << " and BM25</h2>\n";
  htmlTable(out, comparisonTable(d));
  htmlChart(out, charts, "bars-mrr.png");
  htmlChart(out, charts, "bars-ndcg.png");
  htmlChart(out, charts, "rounds.png");

  const SignificanceSection significance = significanceSection(d);
  out << "<h2>Is the gain real?</h2>\n<p class=\"summary\">" << htmlEscape(significance.sentence) << "</p>\n";
  if (!significance.explanation.empty())
    out << "<p>" << htmlEscape(significance.explanation) << "</p>\n";
  for (const auto& [heading, table] : significance.tables) {
    out << "<h3>" << htmlEscape(heading) << "</h3>\n";
    htmlTable(out, table);
  }

  out << "<h2>Metrics per round (dense student)</h2>\n";
  for (int round : d.denseRounds) {
    out << "<h3>" << htmlEscape(roundName(round)) << "</h3>\n";
    htmlTable(out, roundTable(d, round));
  }

  out << "<h2>Queries that changed most</h2>\n<p>" << htmlEscape(changedQueriesIntro(d)) << "</p>\n";
  for (const auto& [title, queries] : changedQuerySections(d)) {
    out << "<h3>" << title << "</h3>\n";
    for (const ChangedQuery& query : queries) {
      out << "<h4>" << htmlEscape(query.heading) << "</h4>\n<p class=\"query\">" << htmlEscape(query.text) << "</p>\n";
      htmlTable(out, query.table);
    }
  }

  out << "<h2>What each round produced</h2>\n";
  htmlTable(out, countsTable(d));
  const Table mined = minedTable(d);
  if (!mined.rows.empty()) {
    out << "<h3>Mined examples per kind</h3>\n";
    htmlTable(out, mined);
  }
  const Table training = trainingTable(d);
  if (!training.rows.empty()) {
    out << "<h2>Training</h2>\n";
    htmlTable(out, training);
    htmlChart(out, charts, "loss.png");
  }
  out << "<h2>Configuration</h2>\n<p>As recorded with the run; secret fields (API keys, authorization) are "
         "removed.</p>\n<pre>"
      << htmlEscape(configText(d)) << "</pre>\n<footer>Written by Distillery " << htmlEscape(DISTILLERY_VERSION)
      << " at " << htmlEscape(nowIso8601()) << ".</footer>\n</body>\n</html>\n";
  return out.str();
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown

void mdTable(std::ostringstream& out, const Table& t) {
  out << "|";
  for (const std::string& h : t.header)
    out << " " << mdCell(h) << " |";
  out << "\n|";
  for (std::size_t c = 0; c < t.header.size(); ++c)
    out << (c == 0 ? " :--- |" : " ---: |");
  out << "\n";
  for (const auto& row : t.rows) {
    out << "|";
    for (const Cell& cell : row)
      out << " " << mdCell(cell.text) << " |";
    out << "\n";
  }
  out << "\n";
}

void mdChart(std::ostringstream& out, const std::vector<Chart>& charts, const std::string& file) {
  for (const Chart& chart : charts)
    if (chart.file == file)
      out << "![" << mdCell(chart.title) << "](" << chart.file << ")\n\n";
}

std::string renderMarkdown(const ReportData& d, const std::vector<Chart>& charts) {
  std::ostringstream out;
  out << "# Distillery run " << d.run.id << (d.run.name.empty() ? "" : ": " + d.run.name) << "\n\n";
  out << "| | |\n| :--- | :--- |\n";
  for (const auto& [label, value] : runFacts(d))
    out << "| " << mdCell(label) << " | " << mdCell(value) << " |\n";
  out << "\n**" << summarySentence(d) << "**\n\n";
  out << "## Final " << roundName(d.finalRound) << " vs " << roundName(d.baselineRound) << " and BM25\n\n";
  mdTable(out, comparisonTable(d));
  mdChart(out, charts, "bars-mrr.png");
  mdChart(out, charts, "bars-ndcg.png");
  mdChart(out, charts, "rounds.png");
  const SignificanceSection significance = significanceSection(d);
  out << "## Is the gain real?\n\n**" << significance.sentence << "**\n\n";
  if (!significance.explanation.empty())
    out << significance.explanation << "\n\n";
  for (const auto& [heading, table] : significance.tables) {
    out << "### " << heading << "\n\n";
    mdTable(out, table);
  }
  out << "## Metrics per round (dense student)\n\n";
  for (int round : d.denseRounds) {
    out << "### " << roundName(round) << "\n\n";
    mdTable(out, roundTable(d, round));
  }
  out << "## Queries that changed most\n\n" << changedQueriesIntro(d) << "\n\n";
  for (const auto& [title, queries] : changedQuerySections(d)) {
    out << "### " << title << "\n\n";
    for (const ChangedQuery& query : queries) {
      out << "#### " << mdCell(query.heading) << "\n\n> " << mdCell(query.text) << "\n\n";
      mdTable(out, query.table);
    }
  }
  out << "## What each round produced\n\n";
  mdTable(out, countsTable(d));
  const Table mined = minedTable(d);
  if (!mined.rows.empty()) {
    out << "### Mined examples per kind\n\n";
    mdTable(out, mined);
  }
  const Table training = trainingTable(d);
  if (!training.rows.empty()) {
    out << "## Training\n\n";
    mdTable(out, training);
    mdChart(out, charts, "loss.png");
  }
  out << "## Configuration\n\nAs recorded with the run; secret fields (API keys, authorization) are removed.\n\n"
      << "```json\n"
      << configText(d) << "\n```\n\n_Written by Distillery " << DISTILLERY_VERSION << " at " << nowIso8601() << "._\n";
  return out.str();
}

// ---------------------------------------------------------------------------------------------------------------
// Writing: everything staged under hidden temporary names first, then renamed into place.

void writeFileOrThrow(const fs::path& path, const fs::path& shownAs, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw Error("cannot write " + shownAs.string() + ": " + std::strerror(errno));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out)
    throw Error("failed writing " + shownAs.string() + ": " + std::strerror(errno));
}

std::vector<fs::path> commitFiles(const fs::path& outDir,
                                  const std::vector<std::pair<std::string, std::string>>& files) {
  std::error_code ec;
  fs::create_directories(outDir, ec);
  if (ec || !fs::is_directory(outDir))
    throw Error("cannot create the report folder " + outDir.string() + ": " +
                (ec ? ec.message() : std::string("a file of that name exists")));
  std::vector<fs::path> staged;
  const auto discardStaged = [&] {
    for (const fs::path& p : staged)
      fs::remove(p, ec);
  };
  try {
    for (const auto& [name, bytes] : files) {
      const fs::path temporary = outDir / ("." + name + ".partial");
      staged.push_back(temporary);
      writeFileOrThrow(temporary, outDir / name, bytes);
    }
  } catch (...) {
    discardStaged();
    throw;
  }
  std::vector<fs::path> written;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const fs::path target = outDir / files[i].first;
    fs::rename(staged[i], target, ec);
    if (ec) {
      staged.erase(staged.begin(), staged.begin() + static_cast<std::ptrdiff_t>(i));
      discardStaged();
      throw Error("cannot move the report into place at " + target.string() + ": " + ec.message());
    }
    written.push_back(target);
  }
  return written;
}

} // namespace

ReportFormat reportFormatFromString(const std::string& text) {
  if (text == "html")
    return ReportFormat::Html;
  if (text == "md" || text == "markdown")
    return ReportFormat::Markdown;
  if (text == "both")
    return ReportFormat::Both;
  throw InputError("unknown report format '" + text + "' (expected html, md or both)");
}

RunReportResult writeRunReport(store::Store& store, std::int64_t runId, const fs::path& outDir, ChartRenderer& renderer,
                               const RunReportOptions& options) {
  const ReportData data = loadReportData(store, runId, options);
  const std::vector<Chart> charts = renderCharts(data, renderer, options);

  // Charts first and the report files last, so a report file never points at a chart still missing.
  std::vector<std::pair<std::string, std::string>> files;
  for (const Chart& chart : charts)
    files.emplace_back(chart.file, chart.png);
  if (options.format != ReportFormat::Html)
    files.emplace_back("report.md", renderMarkdown(data, charts));
  if (options.format != ReportFormat::Markdown)
    files.emplace_back("report.html", renderHtml(data, charts));

  RunReportResult result;
  result.files = commitFiles(outDir, files);
  // A chart an earlier report of this folder wrote but this one has not (no training yet) would mislead.
  for (const char* chart : {"bars-mrr.png", "bars-ndcg.png", "rounds.png", "loss.png"})
    if (std::none_of(charts.begin(), charts.end(), [&](const Chart& c) { return c.file == chart; })) {
      std::error_code ec;
      fs::remove(outDir / chart, ec);
    }
  result.summary = summaryJson(data);
  return result;
}

} // namespace distillery::reporting
