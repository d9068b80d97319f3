#pragma once
// What an experiment holds, at a glance (issue 25): its corpora with their filing types, its runs with their status,
// headline figures and labelling progress, what the teacher was asked and what it cost, and the latest jobs. One
// read of the store, in plain structs, for the workbench's Overview page (and anything else that wants a summary).
// The figures are the ones core stores and compares (loadRoundMetrics): nothing is recomputed here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/Statistics.h"
#include "core/store/JobLog.h"

namespace distillery::store {
class Store;
}

namespace distillery::pipeline {

/// The metrics an overview shows for each run, in this order (the run report's headline metrics too).
inline constexpr const char* kHeadlineMetrics[] = {"ndcg", "mrr"};

/// One filing type's share of a corpus.
struct FilingTypeCount {
  std::string filingType;     // documents.filing_type: 10-K, 10-Q, 8-K, ...; "unknown" when the import could not tell
  std::int64_t documents = 0; // documents of this type
  std::int64_t passages = 0;  // their passages
};

struct CorpusOverview {
  std::int64_t id = 0; // corpora.id
  std::string name;
  std::string createdAt;      // ISO 8601 UTC
  std::int64_t documents = 0; // every document of the corpus
  std::int64_t passages = 0;  // every passage of the corpus
  std::int64_t companies = 0; // distinct filers named by its documents (documents without one not counted)
  std::int64_t querySets = 0; // imported, synthetic and playground sets alike
  std::int64_t queries = 0;   // in those sets
  std::vector<FilingTypeCount> filingTypes; // most passages first, ties by name
};

/// One headline metric of one filing type in a run: BM25, the starting student and the last one, on the same
/// held-out queries at the run's cut-off k.
struct HeadlineFigure {
  std::optional<double> bm25;   // BM25's mean (the run's own BM25 evaluation); none when the run evaluated none
  std::optional<double> round0; // the first evaluated round's student (round 0: the student the run started from)
  std::optional<double> last;   // the last evaluated round's student; equals round0 while only round 0 is evaluated
  /// last - round0, paired over queries, with its interval and p-value; none while the last round is round 0
  /// or when the per-query rows are missing.
  std::optional<eval::PairedDifference> vsRound0;
  /// last - bm25, paired over queries; none without a BM25 evaluation or per-query rows.
  std::optional<eval::PairedDifference> vsBm25;
};

/// A run's headline figures for one filing type.
struct FilingTypeFigures {
  std::string filingType;   // "ALL" (every held-out query) comes first, then the filing types alphabetically
  std::int64_t queries = 0; // held-out queries of this type the last round was scored on
  eval::ByMetric<HeadlineFigure> metrics; // each of kHeadlineMetrics -> its figure
};

/// How far people have spot-checked what a run mined.
struct LabellingProgress {
  std::int64_t minedPairs = 0;    // mined_examples over all the run's rounds
  std::int64_t labelledPairs = 0; // of those, the pairs people labelled (a human_labels row on that query and passage)
  std::int64_t overruled = 0;     // of those, mined with the label's grade instead of the teacher's (graded_by human)
};

struct RunOverview {
  std::int64_t id = 0;    // runs.id
  std::string name;       // "" when it has none
  std::string corpusName; // the corpus it distils
  std::string status;     // pending | running | paused | completed | failed | cancelled (as stored)
  int roundsDone = 0;     // rounds after round 0 whose evaluation is stored
  int roundsPlanned = 0;  // the config's rounds (0 when it does not say)
  std::string createdAt;  // ISO 8601 UTC
  std::string finishedAt; // "" while not finished
  /// The last evaluated round (the "last" of the figures), and the first one (their "round0"); none before
  /// any round is evaluated, and then figures is empty.
  std::optional<int> lastRound;
  std::optional<int> firstRound;
  int k = 0;            // cut-off of the figures (the last round's evaluation k); 0 before any evaluation
  std::string judgedBy; // who graded the held-out queries (a core/eval/Judges.h value); "" when not recorded
  std::vector<FilingTypeFigures> figures; // ALL first; empty before any round is evaluated
  LabellingProgress labels;
};

/// What the teacher was asked to do, summed per teacher, as the store recorded it. Judgments are cached by
/// (teacher, prompt, query text, passage), so each stored one was paid for once however many runs read it.
struct TeacherUsageRow {
  std::string work;         // "judge" (relevance judgments) | "synthesise" (queries written)
  std::string teacherKind;  // heuristic | openai
  std::string teacherModel; // e.g. gpt-4o-mini, heuristic-lexical/v2
  std::int64_t items = 0;   // judgments stored / queries stored
  std::int64_t failed = 0;  // judgments stored as failed (a failed synthesis stores no query: always 0 there)
  std::int64_t calls = 0;   // requests sent, retries included (the items' attempts summed)
  std::int64_t inputTokens = 0;
  std::int64_t outputTokens = 0;
  double cost = 0; // estimated from the prices configured at the time; 0 when none were set (the heuristic is free)
};

struct ExperimentOverview {
  std::vector<CorpusOverview> corpora;       // by id
  std::vector<RunOverview> runs;             // newest first
  std::vector<TeacherUsageRow> teacherUsage; // judge rows first, then synthesise; each by teacher kind and model
  std::int64_t humanLabels = 0;              // every spot-check label, on mined pairs or elsewhere (playground)
  std::vector<store::JobRecord> recentJobs;  // newest first
  bool empty() const { return corpora.empty() && runs.empty(); } // nothing imported, nothing run
};

struct OverviewOptions {
  int recentJobs = 8; // jobs listed
};

/// Reads the overview of the experiment. Throws StoreError when the store cannot be read.
ExperimentOverview loadExperimentOverview(store::Store& store, const OverviewOptions& options = {});

} // namespace distillery::pipeline
