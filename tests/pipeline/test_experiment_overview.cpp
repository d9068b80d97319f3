// The experiment overview (issue 25) on a store of known content, written with plain SQL as core writes it: two
// corpora, a run evaluated at rounds 0 and 1 with BM25, a pending run, the teacher's judgments and queries with their
// usage, labels on mined pairs and elsewhere, and jobs. Every count and figure is checked against values worked out
// by hand in the comments beside them.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "core/pipeline/ExperimentOverview.h"
#include "core/store/JobLog.h"
#include "core/store/Store.h"

using namespace distillery;

namespace {

// Per-query values of the held-out queries q1, q2 (10-K) and q3, q4 (8-K): NDCG@5 and MRR@5 of each retriever.
struct QueryValues {
  std::vector<double> ndcg, mrr;
};
const QueryValues kBm25{{0.5, 0.3, 0.4, 0.2}, {1.0, 0.5, 0.5, 0.0}};
const QueryValues kRound0{{0.4, 0.4, 0.2, 0.2}, {0.5, 0.5, 0.25, 0.25}};
const QueryValues kRound1{{0.6, 0.8, 0.3, 0.1}, {1.0, 1.0, 0.5, 0.0}};
const char* const kQueryTypes[] = {"10-K", "10-K", "8-K", "8-K"};

std::int64_t insert(store::Store& store, const std::string& sql) {
  store.exec(sql);
  return store.lastInsertId();
}

/// An evaluation of run 1 with its per-query rows and, per group (ALL, 10-K, 8-K), the means as metrics rows.
void storeEvaluation(store::Store& store, int round, const char* retriever, const QueryValues& values) {
  const std::int64_t id = insert(store, "INSERT INTO evaluations(run_id, round_index, retriever, k, config_json, "
                                        "created_at) VALUES (1, " +
                                            std::to_string(round) + ", '" + retriever +
                                            "', 5, '{\"judged_by\": \"human\"}', '2026-01-02T00:00:00Z')");
  std::map<std::string, std::vector<int>> groups{{"ALL", {0, 1, 2, 3}}, {"10-K", {0, 1}}, {"8-K", {2, 3}}};
  for (int q = 0; q < 4; ++q)
    store
        .prepare("INSERT INTO evaluation_queries(evaluation_id, query_key, filing_type, mrr, dcg, ndcg, recall, "
                 "judgments_json) VALUES (?1, ?2, ?3, ?4, 0, ?5, 0, '{}')")
        .bind(1, id)
        .bind(2, "q" + std::to_string(q + 1))
        .bind(3, kQueryTypes[q])
        .bind(4, values.mrr[q])
        .bind(5, values.ndcg[q])
        .run();
  for (const auto& [group, members] : groups)
    for (const auto& [name, list] : {std::pair{"ndcg", &values.ndcg}, std::pair{"mrr", &values.mrr}}) {
      double sum = 0;
      for (int q : members)
        sum += (*list)[q];
      store
          .prepare("INSERT INTO metrics(evaluation_id, run_id, round_index, filing_type, name, k, value, query_count) "
                   "VALUES (?1, 1, ?2, ?3, ?4, 5, ?5, ?6)")
          .bind(1, id)
          .bind(2, round)
          .bind(3, group)
          .bind(4, name)
          .bind(5, sum / double(members.size()))
          .bind(6, static_cast<std::int64_t>(members.size()))
          .run();
    }
}

void seed(store::Store& store) {
  store.exec(R"sql(
INSERT INTO corpora(id, name, created_at) VALUES (1, 'filings', '2026-01-01T00:00:00Z'), (2, 'empty', '2026-01-03T00:00:00Z');
-- 10-K: 2 documents (Acme, Globex), 3 + 2 passages; 8-K: 1 document (Acme), 1 passage; 10-Q: 1 without a company, 2.
INSERT INTO documents(id, corpus_id, filing_type, company, content_hash, imported_at) VALUES
  (1, 1, '10-K', 'Acme', 'd1', 't'), (2, 1, '10-K', 'Globex', 'd2', 't'), (3, 1, '8-K', 'Acme', 'd3', 't'),
  (4, 1, '10-Q', NULL, 'd4', 't');
INSERT INTO passages(id, document_id, corpus_id, record_key, ordinal, text, token_count, content_hash) VALUES
  (1, 1, 1, 'p1', 0, 'a', 1, 'h1'), (2, 1, 1, 'p2', 1, 'b', 1, 'h2'), (3, 1, 1, 'p3', 2, 'c', 1, 'h3'),
  (4, 2, 1, 'p4', 0, 'd', 1, 'h4'), (5, 2, 1, 'p5', 1, 'e', 1, 'h5'), (6, 3, 1, 'p6', 0, 'f', 1, 'h6'),
  (7, 4, 1, 'p7', 0, 'g', 1, 'h7'), (8, 4, 1, 'p8', 1, 'h', 1, 'h8');
INSERT INTO query_sets(id, corpus_id, name, origin, created_at) VALUES (1, 1, 'held-out', 'imported', 't'),
  (2, 1, 'synthetic', 'synthetic', 't');
INSERT INTO queries(id, query_set_id, external_id, text) VALUES (1, 1, 'q1', 'one'), (2, 1, 'q2', 'two'),
  (3, 1, 'q3', 'three'), (4, 1, 'q4', 'four');
-- Two written by the LLM teacher: 2 + 1 calls, 100 + 50 input and 10 + 5 output tokens, cost 0.002 + 0.001.
INSERT INTO queries(id, query_set_id, external_id, text, origin, metadata_json) VALUES
  (5, 2, 's1', 'five', 'teacher:gpt-x', '{"teacher_kind": "openai", "teacher_model": "gpt-x", "attempts": 2,
     "input_tokens": 100, "output_tokens": 10, "cost": 0.002}'),
  (6, 2, 's2', 'six', 'teacher:gpt-x', '{"teacher_kind": "openai", "teacher_model": "gpt-x", "attempts": 1,
     "input_tokens": 50, "output_tokens": 5, "cost": 0.001}');
-- The LLM judged 3 pairs (one failed after 3 attempts): 5 calls, 1000 input and 100 output tokens, cost 0.05.
-- The heuristic judged 2, for nothing.
INSERT INTO judgments(teacher_kind, teacher_model, prompt_version, query_text, passage_hash, status, attempts,
  input_tokens, output_tokens, cost, created_at) VALUES
  ('openai', 'gpt-x', 'v1', 'one', 'h1', 'ok', 1, 200, 20, 0.01, 't'),
  ('openai', 'gpt-x', 'v1', 'one', 'h2', 'ok', 1, 200, 20, 0.01, 't'),
  ('openai', 'gpt-x', 'v1', 'two', 'h3', 'failed', 3, 600, 60, 0.03, 't'),
  ('heuristic', 'lexical', 'v1', 'one', 'h1', 'ok', 1, NULL, NULL, NULL, 't'),
  ('heuristic', 'lexical', 'v1', 'two', 'h3', 'ok', 1, NULL, NULL, NULL, 't');
INSERT INTO runs(id, corpus_id, name, config_json, software_version, seed, status, created_at, finished_at) VALUES
  (1, 1, 'first', '{"rounds": 1}', '0.1', 1, 'completed', '2026-01-02T00:00:00Z', '2026-01-02T01:00:00Z'),
  (2, 1, NULL, '{"rounds": 2}', '0.1', 1, 'pending', '2026-01-03T00:00:00Z', NULL);
INSERT INTO rounds(id, run_id, round_index, status, last_completed_step) VALUES (1, 1, 0, 'completed', 'evaluate'),
  (2, 1, 1, 'completed', 'evaluate');
-- Round 1 mined 3 pairs; people labelled one of them (which then overruled the teacher) and a pair never mined.
INSERT INTO mined_examples(round_id, query_id, passage_id, kind, grade, graded_by) VALUES
  (2, 1, 1, 'hard_positive', 3, 'human'), (2, 1, 2, 'hard_negative', 0, 'teacher'), (2, 2, 3, 'easy_positive', 2, 'teacher');
INSERT INTO human_labels(query_id, passage_id, grade, labelled_at) VALUES (1, 1, 3, 't'), (3, 4, 1, 't');
)sql");
  storeEvaluation(store, 0, "bm25", kBm25);
  storeEvaluation(store, 0, "dense", kRound0);
  storeEvaluation(store, 1, "dense", kRound1);
}

const pipeline::HeadlineFigure& figure(const pipeline::RunOverview& run, const std::string& type,
                                       const std::string& metric) {
  for (const auto& figures : run.figures)
    if (figures.filingType == type)
      return figures.metrics.at(metric);
  throw std::runtime_error("no figures for " + type);
}

bool near(const std::optional<double>& value, double expected) {
  return value && std::abs(*value - expected) < 1e-9;
}

} // namespace

class ExperimentOverviewTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  store::Store open(const QString& name) {
    return store::Store::open(dir_.filePath(name).toStdString(), store::OpenMode::CreateNew);
  }

private slots:
  void emptyExperimentHasNothingToShow() {
    store::Store store = open(QStringLiteral("empty.distillery"));
    const pipeline::ExperimentOverview overview = pipeline::loadExperimentOverview(store);
    QVERIFY(overview.empty());
    QVERIFY(overview.runs.empty());
    QVERIFY(overview.teacherUsage.empty());
    QVERIFY(overview.recentJobs.empty());
    QCOMPARE(overview.humanLabels, std::int64_t(0));
  }

  void corporaCountDocumentsPassagesAndCompaniesPerFilingType() {
    store::Store store = open(QStringLiteral("corpora.distillery"));
    seed(store);
    const pipeline::ExperimentOverview overview = pipeline::loadExperimentOverview(store);
    QVERIFY(!overview.empty());
    QCOMPARE(overview.corpora.size(), std::size_t(2));
    const pipeline::CorpusOverview& filings = overview.corpora[0];
    QCOMPARE(filings.name, std::string("filings"));
    QCOMPARE(filings.documents, std::int64_t(4));
    QCOMPARE(filings.passages, std::int64_t(8));
    QCOMPARE(filings.companies, std::int64_t(2)); // Acme, Globex; the 10-Q names none
    QCOMPARE(filings.querySets, std::int64_t(2));
    QCOMPARE(filings.queries, std::int64_t(6));
    QCOMPARE(filings.filingTypes.size(), std::size_t(3)); // most passages first
    QCOMPARE(filings.filingTypes[0].filingType, std::string("10-K"));
    QCOMPARE(filings.filingTypes[0].documents, std::int64_t(2));
    QCOMPARE(filings.filingTypes[0].passages, std::int64_t(5));
    QCOMPARE(filings.filingTypes[1].filingType, std::string("10-Q"));
    QCOMPARE(filings.filingTypes[1].passages, std::int64_t(2));
    QCOMPARE(filings.filingTypes[2].filingType, std::string("8-K"));
    QCOMPARE(filings.filingTypes[2].documents, std::int64_t(1));
    QCOMPARE(filings.filingTypes[2].passages, std::int64_t(1));
    const pipeline::CorpusOverview& empty = overview.corpora[1];
    QCOMPARE(empty.name, std::string("empty"));
    QCOMPARE(empty.passages, std::int64_t(0));
    QVERIFY(empty.filingTypes.empty());
  }

  void runsShowStatusAndTheLastRoundAgainstRound0AndBm25() {
    store::Store store = open(QStringLiteral("runs.distillery"));
    seed(store);
    const pipeline::ExperimentOverview overview = pipeline::loadExperimentOverview(store);
    QCOMPARE(overview.runs.size(), std::size_t(2));
    const pipeline::RunOverview& pending = overview.runs[0]; // newest first
    QCOMPARE(pending.id, std::int64_t(2));
    QCOMPARE(pending.status, std::string("pending"));
    QCOMPARE(pending.roundsPlanned, 2);
    QVERIFY(!pending.lastRound);
    QVERIFY(pending.figures.empty());

    const pipeline::RunOverview& run = overview.runs[1];
    QCOMPARE(run.id, std::int64_t(1));
    QCOMPARE(run.name, std::string("first"));
    QCOMPARE(run.corpusName, std::string("filings"));
    QCOMPARE(run.status, std::string("completed"));
    QCOMPARE(run.roundsDone, 1);
    QCOMPARE(run.roundsPlanned, 1);
    QCOMPARE(run.finishedAt, std::string("2026-01-02T01:00:00Z"));
    QCOMPARE(run.firstRound, std::optional<int>(0));
    QCOMPARE(run.lastRound, std::optional<int>(1));
    QCOMPARE(run.k, 5);
    QCOMPARE(run.judgedBy, std::string("human"));
    QCOMPARE(run.figures.size(), std::size_t(3));
    QCOMPARE(run.figures[0].filingType, std::string("ALL"));
    QCOMPARE(run.figures[0].queries, std::int64_t(4));
    QCOMPARE(run.figures[1].filingType, std::string("10-K"));
    QCOMPARE(run.figures[1].queries, std::int64_t(2));
    QCOMPARE(run.figures[2].filingType, std::string("8-K"));

    // NDCG@5 over all four queries: BM25 (0.5+0.3+0.4+0.2)/4 = 0.35, round 0 1.2/4 = 0.3, round 1 1.8/4 = 0.45.
    const pipeline::HeadlineFigure& ndcg = figure(run, "ALL", "ndcg");
    QVERIFY(near(ndcg.bm25, 0.35));
    QVERIFY(near(ndcg.round0, 0.3));
    QVERIFY(near(ndcg.last, 0.45));
    // Paired per query: round 1 - round 0 = (0.2, 0.4, 0.1, -0.1), mean 0.15; exact sign-flip test over 16 patterns,
    // 6 of them at least as extreme: p = 0.375, not significant. Round 1 - BM25 = (0.1, 0.5, -0.1, -0.1), mean 0.1.
    QVERIFY(ndcg.vsRound0);
    QVERIFY(near(ndcg.vsRound0->diff, 0.15));
    QCOMPARE(ndcg.vsRound0->queries, std::int64_t(4));
    QVERIFY(!ndcg.vsRound0->significant());
    QVERIFY(ndcg.vsBm25);
    QVERIFY(near(ndcg.vsBm25->diff, 0.1));
    // MRR@5 of the 10-K queries: BM25 (1 + 0.5)/2 = 0.75, round 0 0.5, round 1 1.0; paired gain (0.5, 0.5) = 0.5.
    const pipeline::HeadlineFigure& mrr = figure(run, "10-K", "mrr");
    QVERIFY(near(mrr.bm25, 0.75));
    QVERIFY(near(mrr.round0, 0.5));
    QVERIFY(near(mrr.last, 1.0));
    QVERIFY(mrr.vsRound0 && near(mrr.vsRound0->diff, 0.5));
    // NDCG@5 of the 8-K queries: round 0 (0.2+0.2)/2 = 0.2, round 1 (0.3+0.1)/2 = 0.2, BM25 (0.4+0.2)/2 = 0.3.
    const pipeline::HeadlineFigure& eightK = figure(run, "8-K", "ndcg");
    QVERIFY(near(eightK.round0, 0.2));
    QVERIFY(near(eightK.last, 0.2));
    QVERIFY(near(eightK.bm25, 0.3));
  }

  void onlyRound0EvaluatedHasNoChangeYet() {
    store::Store store = open(QStringLiteral("round0.distillery"));
    seed(store);
    store.exec("DELETE FROM evaluations WHERE round_index = 1; UPDATE rounds SET last_completed_step = 'train' WHERE "
               "round_index = 1");
    const pipeline::RunOverview run = pipeline::loadExperimentOverview(store).runs[1];
    QCOMPARE(run.lastRound, std::optional<int>(0));
    const pipeline::HeadlineFigure& ndcg = figure(run, "ALL", "ndcg");
    QVERIFY(near(ndcg.last, 0.3));
    QVERIFY(near(ndcg.round0, 0.3));
    QVERIFY(!ndcg.vsRound0);
    QVERIFY(ndcg.vsBm25 && near(ndcg.vsBm25->diff, -0.05)); // 0.3 - 0.35
  }

  void labellingProgressCountsMinedPairsPeopleLabelled() {
    store::Store store = open(QStringLiteral("labels.distillery"));
    seed(store);
    const pipeline::ExperimentOverview overview = pipeline::loadExperimentOverview(store);
    QCOMPARE(overview.humanLabels, std::int64_t(2));
    const pipeline::LabellingProgress& labels = overview.runs[1].labels;
    QCOMPARE(labels.minedPairs, std::int64_t(3));
    QCOMPARE(labels.labelledPairs, std::int64_t(1)); // (q1, p1); the label on (q3, p4) is on no mined pair
    QCOMPARE(labels.overruled, std::int64_t(1));
    QCOMPARE(overview.runs[0].labels.minedPairs, std::int64_t(0));
  }

  void teacherUsageSumsJudgmentsAndWrittenQueriesPerTeacher() {
    store::Store store = open(QStringLiteral("teacher.distillery"));
    seed(store);
    const std::vector<pipeline::TeacherUsageRow> rows = pipeline::loadExperimentOverview(store).teacherUsage;
    QCOMPARE(rows.size(), std::size_t(3));
    QCOMPARE(rows[0].work, std::string("judge"));
    QCOMPARE(rows[0].teacherKind, std::string("heuristic"));
    QCOMPARE(rows[0].items, std::int64_t(2));
    QCOMPARE(rows[0].calls, std::int64_t(2));
    QCOMPARE(rows[0].inputTokens, std::int64_t(0));
    QCOMPARE(rows[0].cost, 0.0);
    QCOMPARE(rows[1].work, std::string("judge"));
    QCOMPARE(rows[1].teacherModel, std::string("gpt-x"));
    QCOMPARE(rows[1].items, std::int64_t(3));
    QCOMPARE(rows[1].failed, std::int64_t(1));
    QCOMPARE(rows[1].calls, std::int64_t(5));
    QCOMPARE(rows[1].inputTokens, std::int64_t(1000));
    QCOMPARE(rows[1].outputTokens, std::int64_t(100));
    QVERIFY(std::abs(rows[1].cost - 0.05) < 1e-12);
    QCOMPARE(rows[2].work, std::string("synthesise"));
    QCOMPARE(rows[2].teacherKind, std::string("openai"));
    QCOMPARE(rows[2].items, std::int64_t(2));
    QCOMPARE(rows[2].failed, std::int64_t(0));
    QCOMPARE(rows[2].calls, std::int64_t(3));
    QCOMPARE(rows[2].inputTokens, std::int64_t(150));
    QCOMPARE(rows[2].outputTokens, std::int64_t(15));
    QVERIFY(std::abs(rows[2].cost - 0.003) < 1e-12);
  }

  void recentJobsNewestFirstWithTheirRunOrCorpus() {
    store::Store store = open(QStringLiteral("jobs.distillery"));
    seed(store);
    const std::int64_t import = store::startJob(store, "import", R"({"corpus": "filings"})");
    store::finishJob(store, import, "completed", 8, 8, std::nullopt, {{"info", "8 passages"}});
    const std::int64_t run = store::startJob(store, "run", R"({"run_id": 1, "max_steps": 0})");
    store::finishJob(store, run, "failed", 1, 6, std::string("boom"), {{"error", "boom"}});
    store::startJob(store, "evaluate", "{}", 2);
    store.exec("INSERT INTO jobs(kind, params_json, created_at) VALUES ('import', 'not json', 't')");

    const std::vector<store::JobRecord> jobs = pipeline::loadExperimentOverview(store, {.recentJobs = 3}).recentJobs;
    QCOMPARE(jobs.size(), std::size_t(3));
    QCOMPARE(jobs[0].kind, std::string("import")); // unreadable parameters: no run, no corpus
    QVERIFY(!jobs[0].runId);
    QCOMPARE(jobs[0].corpus, std::string());
    QCOMPARE(jobs[1].kind, std::string("evaluate"));
    QCOMPARE(jobs[1].status, std::string("running"));
    QCOMPARE(jobs[1].runId, std::optional<std::int64_t>(2));
    QCOMPARE(jobs[1].finishedAt, std::string());
    QCOMPARE(jobs[2].kind, std::string("run"));
    QCOMPARE(jobs[2].status, std::string("failed"));
    QCOMPARE(jobs[2].runId, std::optional<std::int64_t>(1)); // from its parameters
    QCOMPARE(jobs[2].error, std::string("boom"));
    QCOMPARE(jobs[2].progressDone, std::int64_t(1));
    QCOMPARE(jobs[2].progressTotal, std::int64_t(6));
    QVERIFY(!jobs[2].finishedAt.empty());
    const std::vector<store::JobRecord> all = store::recentJobs(store, 10);
    QCOMPARE(all.size(), std::size_t(4));
    QCOMPARE(all[3].corpus, std::string("filings"));
  }
};

QTEST_GUILESS_MAIN(ExperimentOverviewTest)
#include "test_experiment_overview.moc"
