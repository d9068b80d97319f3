// Evaluator end to end on a small hand-made corpus: retrieval (BM25, dense with a test encoder,
// hybrid), chunk collapsing, filing types, filters, storage, TREC export and re-import, cancellation.
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/eval/Evaluator.h"
#include "core/index/Bm25Index.h"
#include "core/model/TextEncoder.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "tests/support/HandMadeStore.h"

using namespace distillery;
using namespace distillery::eval;
using namespace distillery::test;

namespace {

std::vector<std::string> keys(const std::vector<RunEntry>& ranking) {
  std::vector<std::string> out;
  for (const RunEntry& entry : ranking)
    out.push_back(entry.docKey);
  return out;
}

// A deterministic bag-of-words encoder: each token adds 1 to a hashed dimension; rows are normalised.
class HashingEncoder : public model::TextEncoder {
public:
  int calls = 0;
  std::size_t textsEncoded = 0;
  std::string name() const override { return "hashing-test-encoder"; }
  int dimension() const override { return 64; }
  std::vector<float> encode(const std::vector<std::string>& texts, model::TextRole,
                            const model::EncodeOptions& options) override {
    ++calls;
    textsEncoded += texts.size();
    throwIfStopped(options.stop);
    std::vector<float> out(texts.size() * 64, 0.0f);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      float norm = 0;
      for (const std::string& token : index::bm25Tokens(texts[i]))
        out[i * 64 + std::hash<std::string>{}(token) % 64] += 1.0f;
      for (std::size_t j = 0; j < 64; ++j)
        norm += out[i * 64 + j] * out[i * 64 + j];
      norm = norm > 0 ? std::sqrt(norm) : 1.0f;
      for (std::size_t j = 0; j < 64; ++j)
        out[i * 64 + j] /= norm;
    }
    return out;
  }
};

bool near(double a, double b) {
  return std::abs(a - b) < 1e-6;
}

} // namespace

class EvaluatorTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::string storePath_;
  std::int64_t corpus_ = 0;
  std::int64_t querySet_ = 0;

  std::string file(const char* name) const { return dir_.filePath(QString::fromLatin1(name)).toStdString(); }

  EvaluationRequest baseRequest() const {
    EvaluationRequest request;
    request.corpusId = corpus_;
    request.querySetId = querySet_;
    request.k = 5;
    return request;
  }

private slots:
  void initTestCase() {
    storePath_ = file("experiment.db");
    store::Store s = store::Store::open(storePath_, store::OpenMode::CreateNew);
    s.prepare("INSERT INTO corpora(name, created_at) VALUES ('fin', 'now')").run();
    corpus_ = s.lastInsertId();
    const auto tenK = insertDocument(s, corpus_, "AAPL-2023", "10-K", "Apple");
    const auto eightK = insertDocument(s, corpus_, "ACME-8K", "8-K", "Acme");
    insertPassage(s, corpus_, tenK, 0, "r1", "apple revenue grew in fiscal 2023");
    insertPassage(s, corpus_, tenK, 1, "r1", "apple iphone sales drove revenue higher");
    insertPassage(s, corpus_, tenK, 2, "r2", "risk factors include supply chain disruption");
    insertPassage(s, corpus_, eightK, 0, "r3", "merger agreement signed with acme holdings");
    insertPassage(s, corpus_, eightK, 1, "r4", "dividend declared by the board of directors");
    s.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (?1, 'qs', 'manual', 'now')")
        .bind(1, corpus_)
        .run();
    querySet_ = s.lastInsertId();
    insertQuery(s, querySet_, "q1", "apple revenue", std::nullopt, {{"r1", 2}, {"r2", 0}});
    insertQuery(s, querySet_, "q2", "merger agreement", std::nullopt, {{"r3", 1}});
    // q3's own filing type wins; r9 is judged relevant but is not in the corpus.
    insertQuery(s, querySet_, "q3", "supply chain risk", std::string("10-K"), {{"r2", 1}, {"r9", 1}});
    insertQuery(s, querySet_, "q4", "unjudged query", std::nullopt, {});
  }

  void bm25EvaluationIsScoredGroupedAndStored() {
    store::Store s = store::Store::open(storePath_);
    EvaluationRequest request = baseRequest();
    std::vector<std::string> stages;
    request.progress = [&](const Progress& p) { stages.push_back(p.stage); };
    const EvaluationResult result = evaluate(s, request);
    QVERIFY(!stages.empty());

    QCOMPARE(result.queries.size(), std::size_t(3)); // q4 has no judgments
    const auto& all = result.table.groups.at("ALL");
    QCOMPARE(all.queries, std::int64_t(3));
    // q1: r1 first (its two chunks count once): 1, dcg 2, ndcg 1, recall 1. q2: all 1.
    // q3: r2 first: mrr 1, dcg 1, ndcg 1 / (1 + 1/log2 3), recall 1/2.
    const double ndcg3 = 1.0 / (1.0 + 1.0 / std::log2(3.0));
    QVERIFY(near(all.mean.mrr, 1.0));
    QVERIFY(near(all.mean.dcg, (2.0 + 1.0 + 1.0) / 3));
    QVERIFY(near(all.mean.ndcg, (1.0 + 1.0 + ndcg3) / 3));
    QVERIFY(near(all.mean.recall, (1.0 + 1.0 + 0.5) / 3));
    QCOMPARE(result.table.groups.at("10-K").queries, std::int64_t(2)); // q1 via r1's document, q3 its own
    QCOMPARE(result.table.groups.at("8-K").queries, std::int64_t(1));  // q2 via r3's document
    QVERIFY(near(result.table.groups.at("10-K").mean.recall, 0.75));
    const auto& q1 = result.queries[0];
    QCOMPARE(q1.metrics.queryKey, std::string("q1"));
    QCOMPARE(q1.ranking.front().docKey, std::string("r1"));
    for (std::size_t i = 1; i < q1.ranking.size(); ++i)
      QVERIFY(q1.ranking[i].docKey != "r1");

    // Stored: one evaluation, 4 metrics x 3 groups, per-query rows, and loadMetrics reads them back.
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM evaluations WHERE id = " + std::to_string(result.evaluationId) +
                          " AND retriever = 'bm25' AND k = 5"),
             std::int64_t(1));
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM metrics WHERE evaluation_id = " + std::to_string(result.evaluationId)),
             std::int64_t(12));
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM evaluation_queries WHERE evaluation_id = " +
                          std::to_string(result.evaluationId)),
             std::int64_t(3));
    const MetricsTable loaded = loadMetrics(s, result.evaluationId);
    QCOMPARE(loaded.k, 5);
    QVERIFY(near(loaded.groups.at("ALL").mean.ndcg, all.mean.ndcg));
    QCOMPARE(loaded.groups.at("8-K").queries, std::int64_t(1));
  }

  void exportedRunScoresTheSameWhenImported() {
    store::Store s = store::Store::open(storePath_);
    const EvaluationResult original = evaluate(s, baseRequest());
    {
      std::ofstream run(file("bm25.run")), qrels(file("bm25.qrels"));
      exportTrecRun(s, original.evaluationId, run);
      exportTrecQrels(s, original.evaluationId, qrels);
    }
    const Qrels qrels = readQrels(file("bm25.qrels"));
    QCOMPARE(qrels.size(), std::size_t(3));
    QCOMPARE(qrels.at("q1").at("r1"), 2);
    QCOMPARE(qrels.at("q3").at("r9"), 1);

    EvaluationRequest request = baseRequest();
    request.querySetId.reset();
    request.qrelsFile = file("bm25.qrels");
    request.retriever = RetrieverKind::RunFile;
    request.runFile = file("bm25.run");
    const EvaluationResult imported = evaluate(s, request);
    for (const auto& [group, summary] : original.table.groups) {
      QVERIFY(imported.table.groups.count(group));
      QVERIFY(near(imported.table.groups.at(group).mean.ndcg, summary.mean.ndcg));
      QVERIFY(near(imported.table.groups.at(group).mean.mrr, summary.mean.mrr));
      QCOMPARE(imported.table.groups.at(group).queries, summary.queries);
    }
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM evaluations WHERE retriever = 'run:bm25.run'"), std::int64_t(1));
  }

  void runFileOrderIsScoreThenRankThenDocid() {
    store::Store s = store::Store::open(storePath_);
    // q1: lines out of score order; q2: equal scores, the rank column decides; q3: equal score and rank,
    // docid decides (r2 < r7).
    std::ofstream(file("handmade.run")) << "q1 Q0 r1 1 3.0 other\nq1 Q0 r2 2 9.5 other\n"
                                           "q2 Q0 r4 1 1.0 other\nq2 Q0 r3 2 1.0 other\n"
                                           "q3 Q0 r7 1 2.0 other\nq3 Q0 r2 1 2.0 other\n";
    EvaluationRequest request = baseRequest();
    request.retriever = RetrieverKind::RunFile;
    request.runFile = file("handmade.run");
    const EvaluationResult result = evaluate(s, request);
    QVERIFY(near(result.queries[0].metrics.values.mrr, 0.5));
    QVERIFY(near(result.queries[1].metrics.values.mrr, 0.5));
    QVERIFY(near(result.queries[2].metrics.values.mrr, 1.0));
    QVERIFY(near(result.table.groups.at("ALL").mean.mrr, 2.0 / 3));
    std::ofstream(file("partial.run")) << "q1 Q0 r1 1 3.0 other\n";
    request.runFile = file("partial.run");
    const EvaluationResult partial = evaluate(s, request);
    QCOMPARE(partial.table.groups.at("ALL").queries, std::int64_t(3)); // queries missing from a run score 0
    QVERIFY(near(partial.table.groups.at("ALL").mean.mrr, 1.0 / 3));
  }

  void denseAndHybridUseACachedIndexBesideTheStore() {
    store::Store s = store::Store::open(storePath_);
    HashingEncoder encoder;
    EvaluationRequest request = baseRequest();
    request.retriever = RetrieverKind::Dense;
    request.encoder = &encoder;
    const EvaluationResult first = evaluate(s, request);
    QCOMPARE(encoder.textsEncoded, std::size_t(5 + 3));      // passages, then queries
    QVERIFY(near(first.queries[1].metrics.values.mrr, 1.0)); // "merger agreement" finds r3
    QVERIFY(std::filesystem::exists(storePath_ + ".indexes"));

    request.retriever = RetrieverKind::Hybrid;
    const EvaluationResult hybrid = evaluate(s, request);
    QCOMPARE(encoder.textsEncoded, std::size_t(5 + 3 + 3)); // index reloaded: only queries encoded
    QVERIFY(near(hybrid.table.groups.at("ALL").mean.mrr, 1.0));
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM evaluations WHERE retriever = 'hybrid'"), std::int64_t(1));

    // The evaluation records which index it searched; an IVF index gets its probes from the queries it serves.
    auto indexOf = [&](std::int64_t evaluationId) {
      auto select = s.prepare("SELECT json_extract(config_json, '$.dense_index') FROM evaluations WHERE id = ?1");
      select.bind(1, evaluationId);
      return select.step() ? nlohmann::json::parse(select.columnText(0)) : nlohmann::json();
    };
    QCOMPARE(indexOf(first.evaluationId).dump(), std::string(R"({"kind":"exact"})"));
    request.retriever = RetrieverKind::Dense;
    request.encoder = &encoder;
    request.denseIndex.kind = index::DenseIndexKind::Ivf;
    const EvaluationResult ivf = evaluate(s, request);
    const nlohmann::json recorded = indexOf(ivf.evaluationId);
    QCOMPARE(recorded.value("kind", ""), std::string("ivf"));
    QCOMPARE(recorded.value("probes_from", ""), std::string("these queries"));
    QVERIFY(recorded.value("probes", 0) >= 1 && recorded.value("probes", 0) <= recorded.value("lists", 0));
    QVERIFY(near(ivf.table.groups.at("ALL").mean.mrr, first.table.groups.at("ALL").mean.mrr));

    request.encoder = nullptr;
    QVERIFY_THROWS_EXCEPTION(InputError, evaluate(s, request));
  }

  // A caller's BM25 index (a run's) is searched instead of a new one when it can stand for it: same parameters, no
  // filter. An index of the same passages scores alike; one of other passages shows which index was searched.
  void prebuiltBm25IsSearchedWhenItMatchesTheRequest() {
    store::Store s = store::Store::open(storePath_);
    const EvaluationResult own = evaluate(s, baseRequest());
    std::vector<std::int64_t> ids, eightKIds;
    std::vector<std::string> texts, eightKTexts;
    for (const auto& passage : index::loadPassages(s, corpus_)) {
      ids.push_back(passage.id);
      texts.push_back(passage.text);
      if (passage.filingType == "8-K") {
        eightKIds.push_back(passage.id);
        eightKTexts.push_back(passage.text);
      }
    }
    const index::Bm25Index same = index::Bm25Index::build(ids, texts);
    const index::Bm25Index eightK = index::Bm25Index::build(eightKIds, eightKTexts);
    EvaluationRequest request = baseRequest();
    request.prebuiltBm25 = &same;
    const EvaluationResult reused = evaluate(s, request);
    QVERIFY(near(reused.table.groups.at("ALL").mean.ndcg, own.table.groups.at("ALL").mean.ndcg));
    for (std::size_t q = 0; q < own.queries.size(); ++q)
      QCOMPARE(keys(reused.queries[q].ranking), keys(own.queries[q].ranking));

    request.prebuiltBm25 = &eightK;
    for (const auto& entry : evaluate(s, request).queries[0].ranking)
      QVERIFY(entry.docKey == "r3" || entry.docKey == "r4"); // searched: it holds nothing else
    request.bm25.k1 = 1.2;                                   // other parameters: an index is built for them
    QCOMPARE(evaluate(s, request).queries[0].ranking.front().docKey, std::string("r1"));
    request.bm25 = {};
    request.filter = index::PassageFilter::parse("company=Apple"); // a filter: built over the allowed passages
    QCOMPARE(evaluate(s, request).queries[0].ranking.front().docKey, std::string("r1"));
  }

  void filingTypeFilterRestrictsPassagesAndQueries() {
    store::Store s = store::Store::open(storePath_);
    EvaluationRequest request = baseRequest();
    request.filter = index::PassageFilter::parse("filing_type=8-K");
    const EvaluationResult result = evaluate(s, request);
    QCOMPARE(result.table.groups.at("ALL").queries, std::int64_t(1));
    QCOMPARE(result.queries[0].metrics.queryKey, std::string("q2"));
    for (const auto& entry : result.queries[0].ranking)
      QVERIFY(entry.docKey == "r3" || entry.docKey == "r4");

    // A company filter only restricts passages: Apple's 10-K cannot answer the merger question.
    request.filter = index::PassageFilter::parse("company=Apple");
    const EvaluationResult apple = evaluate(s, request);
    QCOMPARE(apple.table.groups.at("ALL").queries, std::int64_t(3));
    QVERIFY(near(apple.queries[1].metrics.values.mrr, 0.0));
  }

  void queriesAndQrelsFromFiles() {
    store::Store s = store::Store::open(storePath_);
    std::ofstream(file("queries.jsonl"))
        << R"({"_id": "f1", "text": "dividend board", "metadata": {"filing_type": "8-K"}})"
        << "\n"
        << R"({"_id": "f2", "text": "apple iphone"})"
        << "\n";
    std::ofstream(file("qrels.tsv")) << "query-id\tcorpus-id\tscore\nf1\tr4\t1\nf2\tr1\t1\nf3\tr2\t1\n";
    EvaluationRequest request = baseRequest();
    request.querySetId.reset();
    request.queriesFile = file("queries.jsonl");
    request.qrelsFile = file("qrels.tsv");
    const EvaluationResult result = evaluate(s, request);
    QCOMPARE(result.skippedQueries, std::int64_t(1)); // f3 has judgments but no text
    QCOMPARE(result.table.groups.at("ALL").queries, std::int64_t(2));
    QCOMPARE(result.table.groups.at("8-K").queries, std::int64_t(1));
    QCOMPARE(result.table.groups.at("10-K").queries, std::int64_t(1));
    QVERIFY(near(result.table.groups.at("ALL").mean.mrr, 1.0));
  }

  void badInputIsNamedAndStoresNothing() {
    store::Store s = store::Store::open(storePath_);
    const std::int64_t before = s.queryInt64("SELECT COUNT(*) FROM evaluations");
    std::ofstream(file("bad.tsv")) << "q1\tr1\t1\nq2\tr3\tmany\n";
    EvaluationRequest request = baseRequest();
    request.querySetId.reset();
    request.queriesFile = file("queries.jsonl");
    request.qrelsFile = file("bad.tsv");
    try {
      evaluate(s, request);
      QFAIL("bad qrels accepted");
    } catch (const InputError& e) {
      QVERIFY2(QString::fromStdString(e.what()).contains(QStringLiteral("bad.tsv:2")), e.what());
    }
    std::ofstream(file("bad.run")) << "q1 Q0 r1 1\n";
    request = baseRequest();
    request.retriever = RetrieverKind::RunFile;
    request.runFile = file("bad.run");
    QVERIFY_THROWS_EXCEPTION(InputError, evaluate(s, request));

    std::stop_source stop;
    stop.request_stop();
    request = baseRequest();
    request.stop = stop.get_token();
    QVERIFY_THROWS_EXCEPTION(Cancelled, evaluate(s, request));
    request = baseRequest();
    request.corpusId = 999;
    QVERIFY_THROWS_EXCEPTION(InputError, evaluate(s, request));
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM evaluations"), before);
  }

  void rescoringAfterJudgmentsGrowMatchesAFreshEvaluation() {
    // A run's held-out pool grows after round 0 was scored: scored again from its stored ranking, round 0 must give
    // what a fresh evaluation against the grown judgments gives, and say so by its judgments' fingerprint.
    store::Store s = store::Store::open(storePath_);
    s.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (?1, 'grow', 'synthetic', 'now')")
        .bind(1, corpus_)
        .run();
    const std::int64_t set = s.lastInsertId();
    insertQuery(s, set, "g1", "apple revenue", std::nullopt, {{"r1", 3}});
    const std::int64_t g2 = insertQuery(s, set, "g2", "merger agreement", std::nullopt, {{"r3", 3}});
    EvaluationRequest request = baseRequest();
    request.querySetId = set;
    request.retriever = RetrieverKind::Bm25;
    const EvaluationResult before = evaluate(s, request);
    QCOMPARE(before.table.relevantFrom, 2); // the set's qrels top at 3: the 0-3 scale
    QVERIFY(near(before.table.groups.at(kAllFilingTypes).mean.ndcg, 1.0));

    // The pool grows: g2 gets a relevant passage BM25 does not retrieve (no shared word) and a grade-1 one.
    s.prepare("INSERT INTO qrels(query_id, record_key, grade) VALUES (?1, 'r2', 3), (?1, 'r4', 1)").bind(1, g2).run();
    const std::string staleFingerprint = judgmentsFingerprint(s, before.evaluationId);
    const MetricsTable rescored = rescoreEvaluation(s, before.evaluationId);
    const EvaluationResult fresh = evaluate(s, request);
    const MetricValues& r = rescored.groups.at(kAllFilingTypes).mean;
    const MetricValues& f = fresh.table.groups.at(kAllFilingTypes).mean;
    // g2: r3 (3) at rank 1, ideal 3, 3, 1: NDCG@5 = 3 / (3 + 3 / log2(3) + 1 / 2); recall 1 of 2 relevant.
    const double g2Ndcg = 3.0 / (3.0 + 3.0 / std::log2(3.0) + 1.0 / 2.0);
    QVERIFY(near(r.ndcg, (1.0 + g2Ndcg) / 2));
    QVERIFY(near(r.recall, (1.0 + 0.5) / 2));
    QVERIFY(near(r.mrr, f.mrr) && near(r.ndcg, f.ndcg) && near(r.recall, f.recall) && near(r.dcg, f.dcg));
    QVERIFY(near(rescored.groups.at(kAllFilingTypes).ci95.at("ndcg").low,
                 fresh.table.groups.at(kAllFilingTypes).ci95.at("ndcg").low));
    // What is stored is what was returned, and both evaluations now rest on the same judgments.
    QVERIFY(near(loadMetrics(s, before.evaluationId).groups.at(kAllFilingTypes).mean.ndcg, r.ndcg));
    QCOMPARE(judgmentsFingerprint(s, before.evaluationId), judgmentsFingerprint(s, fresh.evaluationId));
    QVERIFY(judgmentsFingerprint(s, before.evaluationId) != staleFingerprint);
    auto config = s.prepare("SELECT json_extract(config_json, '$.judgments_fingerprint') FROM evaluations "
                            "WHERE id = ?1");
    config.bind(1, before.evaluationId);
    QVERIFY(config.step());
    QCOMPARE(config.columnText(0), judgmentsFingerprint(s, before.evaluationId));
    // An unknown evaluation is named.
    QVERIFY_THROWS_EXCEPTION(InputError, rescoreEvaluation(s, 999999));
  }
};

QTEST_GUILESS_MAIN(EvaluatorTest)
#include "test_evaluator.moc"
