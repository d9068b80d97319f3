#include "core/pipeline/ExperimentOverview.h"

#include <algorithm>
#include <string_view>

#include "core/corpus/CorpusRepository.h"
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/RunRepository.h"
#include "core/store/Store.h"

namespace distillery::pipeline {
namespace {

std::vector<CorpusOverview> loadCorpora(store::Store& store) {
  store::Statement types =
      store.prepare("SELECT d.filing_type, count(DISTINCT d.id), count(p.id) FROM documents d LEFT JOIN passages p ON "
                    "p.document_id = d.id WHERE d.corpus_id = ?1 GROUP BY d.filing_type");
  store::Statement details = store.prepare(
      "SELECT c.created_at, (SELECT count(DISTINCT company) FROM documents WHERE corpus_id = c.id AND "
      "coalesce(company, '') <> ''), (SELECT count(*) FROM query_sets WHERE corpus_id = c.id), (SELECT count(*) FROM "
      "queries q JOIN query_sets s ON s.id = q.query_set_id WHERE s.corpus_id = c.id) FROM corpora c WHERE c.id = ?1");
  std::vector<CorpusOverview> corpora;
  for (const corpus::CorpusInfo& info : corpus::listCorpora(store)) {
    CorpusOverview corpus{.id = info.id, .name = info.name, .documents = info.documents, .passages = info.passages};
    details.reset();
    details.bind(1, info.id);
    if (details.step()) {
      corpus.createdAt = details.columnText(0);
      corpus.companies = details.columnInt64(1);
      corpus.querySets = details.columnInt64(2);
      corpus.queries = details.columnInt64(3);
    }
    types.reset();
    types.bind(1, info.id);
    while (types.step())
      corpus.filingTypes.push_back({types.columnText(0), types.columnInt64(1), types.columnInt64(2)});
    std::sort(corpus.filingTypes.begin(), corpus.filingTypes.end(),
              [](const FilingTypeCount& a, const FilingTypeCount& b) {
                return a.passages != b.passages ? a.passages > b.passages : a.filingType < b.filingType;
              });
    corpora.push_back(std::move(corpus));
  }
  return corpora;
}

/// The paired difference of one group and metric, if the comparison holds it.
std::optional<eval::PairedDifference> pairedOf(const std::optional<eval::ByGroupAndMetric<eval::PairedDifference>>& c,
                                               const std::string& group, const std::string& metric) {
  const eval::PairedDifference* found = c ? eval::findByGroupAndMetric(*c, group, metric) : nullptr;
  return found ? std::optional(*found) : std::nullopt;
}

std::optional<double> meanOf(const eval::MetricsTable* table, const std::string& group, const std::string& metric) {
  if (!table)
    return std::nullopt;
  const auto found = table->groups.find(group);
  return found == table->groups.end() ? std::nullopt : std::optional(eval::metricValue(found->second.mean, metric));
}

/// The figures of every filing type the last round was scored on: the first evaluated round against the last, and
/// BM25 (stored with round 0), as loadRoundMetrics compared them.
void addFigures(RunOverview& run, const std::vector<RoundMetrics>& rounds) {
  if (rounds.empty())
    return;
  const RoundMetrics& first = rounds.front();
  const RoundMetrics& last = rounds.back();
  const eval::MetricsTable* bm25 = nullptr;
  for (const RoundMetrics& round : rounds)
    if (round.bm25 && !bm25)
      bm25 = &*round.bm25;
  run.firstRound = first.round;
  run.lastRound = last.round;
  run.k = last.dense.k;
  run.judgedBy = last.dense.judgedBy;
  std::vector<std::string> groups;
  for (const auto& [group, summary] : last.dense.groups)
    if (group != eval::kAllFilingTypes)
      groups.push_back(group);
  if (last.dense.groups.contains(eval::kAllFilingTypes))
    groups.insert(groups.begin(), eval::kAllFilingTypes);
  for (const std::string& group : groups) {
    FilingTypeFigures figures{.filingType = group, .queries = last.dense.groups.at(group).queries};
    for (const char* metric : kHeadlineMetrics) {
      HeadlineFigure& figure = figures.metrics[metric];
      figure.bm25 = meanOf(bm25, group, metric);
      figure.round0 = meanOf(&first.dense, group, metric);
      figure.last = meanOf(&last.dense, group, metric);
      if (&last != &first)
        figure.vsRound0 = pairedOf(last.vsRound0, group, metric);
      figure.vsBm25 = pairedOf(last.vsBm25, group, metric);
    }
    run.figures.push_back(std::move(figures));
  }
}

std::vector<RunOverview> loadRuns(store::Store& store) {
  store::Statement times = store.prepare("SELECT created_at, coalesce(finished_at, '') FROM runs WHERE id = ?1");
  store::Statement labels = store.prepare(
      "SELECT count(*), count(h.id), coalesce(sum(m.graded_by = 'human'), 0) FROM mined_examples m JOIN rounds r ON "
      "r.id = m.round_id LEFT JOIN human_labels h ON h.query_id = m.query_id AND h.passage_id = m.passage_id "
      "WHERE r.run_id = ?1");
  std::vector<RunOverview> runs;
  for (const RunSummary& summary : listRuns(store)) {
    RunOverview run{.id = summary.id,
                    .name = summary.name,
                    .corpusName = summary.corpusName,
                    .status = summary.status,
                    .roundsDone = summary.roundsDone,
                    .roundsPlanned = summary.roundsPlanned};
    times.reset();
    times.bind(1, run.id);
    if (times.step()) {
      run.createdAt = times.columnText(0);
      run.finishedAt = times.columnText(1);
    }
    labels.reset();
    labels.bind(1, run.id);
    if (labels.step())
      run.labels = {labels.columnInt64(0), labels.columnInt64(1), labels.columnInt64(2)};
    addFigures(run, loadRoundMetrics(store, run.id));
    runs.push_back(std::move(run));
  }
  std::reverse(runs.begin(), runs.end());
  return runs;
}

std::vector<TeacherUsageRow> loadTeacherUsage(store::Store& store) {
  // Judgments keep their usage in columns; a synthesised query keeps its call's in metadata_json (QueryGenerator).
  constexpr std::string_view kJudged =
      "SELECT 'judge', teacher_kind, teacher_model, count(*), coalesce(sum(status = 'failed'), 0), "
      "coalesce(sum(attempts), 0), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), "
      "coalesce(sum(cost), 0) FROM judgments GROUP BY teacher_kind, teacher_model ORDER BY teacher_kind, "
      "teacher_model";
  constexpr std::string_view kSynthesised =
      "SELECT 'synthesise', kind, model, count(*), 0, coalesce(sum(attempts), 0), coalesce(sum(input_tokens), 0), "
      "coalesce(sum(output_tokens), 0), coalesce(sum(cost), 0) FROM (SELECT json_extract(metadata_json, "
      "'$.teacher_kind') AS kind, coalesce(json_extract(metadata_json, '$.teacher_model'), '') AS model, "
      "coalesce(json_extract(metadata_json, '$.attempts'), 1) AS attempts, json_extract(metadata_json, "
      "'$.input_tokens') AS input_tokens, json_extract(metadata_json, '$.output_tokens') AS output_tokens, "
      "json_extract(metadata_json, '$.cost') AS cost FROM queries WHERE json_valid(metadata_json)) WHERE kind IS NOT "
      "NULL GROUP BY kind, model ORDER BY kind, model";
  std::vector<TeacherUsageRow> rows;
  for (const std::string_view sql : {kJudged, kSynthesised}) {
    store::Statement select = store.prepare(sql);
    while (select.step())
      rows.push_back({.work = select.columnText(0),
                      .teacherKind = select.columnText(1),
                      .teacherModel = select.columnText(2),
                      .items = select.columnInt64(3),
                      .failed = select.columnInt64(4),
                      .calls = select.columnInt64(5),
                      .inputTokens = select.columnInt64(6),
                      .outputTokens = select.columnInt64(7),
                      .cost = select.columnDouble(8)});
  }
  return rows;
}

} // namespace

ExperimentOverview loadExperimentOverview(store::Store& store, const OverviewOptions& options) {
  ExperimentOverview overview;
  overview.corpora = loadCorpora(store);
  overview.runs = loadRuns(store);
  overview.teacherUsage = loadTeacherUsage(store);
  overview.humanLabels = store.queryInt64("SELECT count(*) FROM human_labels");
  overview.recentJobs = store::recentJobs(store, options.recentJobs);
  return overview;
}

} // namespace distillery::pipeline
