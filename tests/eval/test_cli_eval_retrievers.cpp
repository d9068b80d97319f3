// `distillery-cli eval` on the built-in demo corpus (no shared data needed): dense, hybrid and BM25 on a
// stored query set, per-filing-type averaging, the filing-type filter, --k, the evaluation as stored in the
// experiment (evaluations + metrics rows with model, retriever, query set and k), and TREC export.
#include <QDir>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "core/model/DefaultStudent.h"
#include "core/store/Store.h"
#include "tests/support/TestSupport.h"

using namespace distillery;
using namespace distillery::test;

namespace {

// Each figure, its query count and its figures' 95% intervals.
const QStringList kMetricKeys5 = {QStringLiteral("ci95"),   QStringLiteral("dcg@5"),   QStringLiteral("mrr@5"),
                                  QStringLiteral("ndcg@5"), QStringLiteral("queries"), QStringLiteral("recall@5")};

} // namespace

class CliEvalRetrieversTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString store_;
  QString demo_;
  QString model_;

  QStringList evalArgs(const QString& retriever) const {
    return {QStringLiteral("eval"),
            QStringLiteral("--store"),
            store_,
            QStringLiteral("--corpus"),
            QStringLiteral("demo"),
            QStringLiteral("--query-set"),
            QStringLiteral("demo"),
            QStringLiteral("--split"),
            QStringLiteral("test"),
            QStringLiteral("--retriever"),
            retriever,
            QStringLiteral("--json")};
  }

  static QJsonObject metricsOf(const CliResult& result) {
    return result.json().value(QStringLiteral("metrics")).toObject();
  }

private slots:
  void initTestCase() {
    demo_ = dir_.filePath(QStringLiteral("demo"));
    store_ = dir_.filePath(QStringLiteral("demo.distillery"));
    QCOMPARE(runCli({QStringLiteral("demo-corpus"), QStringLiteral("--out"), demo_}).exitCode, 0);
    const CliResult import = runCli({QStringLiteral("import"), QStringLiteral("--store"), store_,
                                     QStringLiteral("--corpus"), QStringLiteral("demo"), demo_});
    QVERIFY2(import.exitCode == 0, import.err.constData());
    // The default student's lexical start (no training steps): a real encoder that builds in a second.
    std::vector<std::string> texts;
    std::ifstream corpus((demo_ + "/corpus.jsonl").toStdString());
    for (std::string line; std::getline(corpus, line);)
      texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
    model::DefaultStudentOptions options;
    options.steps = 0;
    model_ = dir_.filePath(QStringLiteral("lexical-student"));
    model::trainDefaultStudent(texts, model_.toStdString(), options);
  }

  void denseAndHybridOnAStoredQuerySetAreStoredWithTheirModel() {
    const QSet<QString> groups = {QStringLiteral("ALL"),  QStringLiteral("10-K"), QStringLiteral("10-Q"),
                                  QStringLiteral("20-F"), QStringLiteral("8-K"),  QStringLiteral("DEF 14A"),
                                  QStringLiteral("S-1")};
    for (const QString& retriever : {QStringLiteral("dense"), QStringLiteral("hybrid")}) {
      QStringList args = evalArgs(retriever);
      args << QStringLiteral("--model") << model_;
      const CliResult result = runCli(args);
      QVERIFY2(result.exitCode == 0, result.err.constData());
      QCOMPARE(result.json().keys(), (QStringList{QStringLiteral("judged_by"), QStringLiteral("metrics"),
                                                  QStringLiteral("relevant_from"), QStringLiteral("run_id")}));
      QCOMPARE(result.json().value(QStringLiteral("judged_by")).toString(), QStringLiteral("human"));
      const QJsonObject metrics = metricsOf(result);
      const QStringList keys = metrics.keys();
      QCOMPARE(QSet<QString>(keys.begin(), keys.end()), groups);
      // Every demo query carries its filing type: 50 of each, and ALL is their plain mean.
      double mrrSum = 0;
      for (const QString& group : metrics.keys()) {
        const QJsonObject values = metrics.value(group).toObject();
        QCOMPARE(values.keys(), kMetricKeys5);
        QCOMPARE(values.value(QStringLiteral("queries")).toInt(), group == QStringLiteral("ALL") ? 300 : 50);
        for (const QString& key : {QStringLiteral("mrr@5"), QStringLiteral("ndcg@5"), QStringLiteral("recall@5")}) {
          const double value = values.value(key).toDouble();
          QVERIFY2(value >= 0 && value <= 1, qPrintable(group + " " + key));
        }
        if (group != QStringLiteral("ALL"))
          mrrSum += values.value(QStringLiteral("mrr@5")).toDouble();
      }
      const double allMrr = metrics.value(QStringLiteral("ALL")).toObject().value(QStringLiteral("mrr@5")).toDouble();
      QVERIFY(allMrr > 0.1); // the lexical start retrieves, it does not guess
      QVERIFY(std::abs(allMrr - mrrSum / 6) < 1e-9);

      // The stored evaluation: model, retriever, query set and k, and one metrics row per group and metric.
      const std::int64_t id = result.json().value(QStringLiteral("run_id")).toInteger();
      store::Store s = store::Store::open(store_.toStdString());
      const std::string evaluation = " FROM evaluations WHERE id = " + std::to_string(id);
      QCOMPARE(s.queryInt64("SELECT COUNT(*)" + evaluation + " AND retriever = '" + retriever.toStdString() +
                            "' AND k = 5 AND query_set_id = (SELECT id FROM query_sets WHERE name = 'demo')"),
               std::int64_t(1));
      auto path = s.prepare("SELECT m.path FROM evaluations e JOIN models m ON m.id = e.model_id WHERE e.id = ?1");
      path.bind(1, id);
      QVERIFY2(path.step(), "the evaluation names no model");
      QCOMPARE(std::filesystem::path(path.columnText(0)), std::filesystem::absolute(model_.toStdString()));
      QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM metrics WHERE k = 5 AND evaluation_id = " + std::to_string(id)),
               std::int64_t(groups.size() * 4));
      auto stored = s.prepare("SELECT value, query_count FROM metrics WHERE evaluation_id = ?1 AND filing_type = "
                              "'ALL' AND name = 'mrr'");
      stored.bind(1, id);
      QVERIFY(stored.step());
      QVERIFY(std::abs(stored.columnDouble(0) - allMrr) < 1e-12);
      QCOMPARE(stored.columnInt64(1), std::int64_t(300));
    }
    // The same model is registered once, however many evaluations use it.
    store::Store s = store::Store::open(store_.toStdString());
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM models WHERE kind = 'huggingface'"), std::int64_t(1));
  }

  void filingTypeFilterRestrictsPassagesAndQueriesAndKNamesTheKeys() {
    QStringList args = evalArgs(QStringLiteral("bm25"));
    const QString run = dir_.filePath(QStringLiteral("10k.run")), qrels = dir_.filePath(QStringLiteral("10k.qrels"));
    args << QStringLiteral("--filter") << QStringLiteral("filing_type=10-K") << QStringLiteral("--k")
         << QStringLiteral("3") << QStringLiteral("--export-run") << run << QStringLiteral("--export-qrels") << qrels;
    const CliResult result = runCli(args);
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject metrics = metricsOf(result);
    QCOMPARE(metrics.keys(), (QStringList{QStringLiteral("10-K"), QStringLiteral("ALL")}));
    const QJsonObject all = metrics.value(QStringLiteral("ALL")).toObject();
    QCOMPARE(all.keys(),
             (QStringList{QStringLiteral("ci95"), QStringLiteral("dcg@3"), QStringLiteral("mrr@3"),
                          QStringLiteral("ndcg@3"), QStringLiteral("queries"), QStringLiteral("recall@3")}));
    QCOMPARE(all.value(QStringLiteral("ci95")).toObject().keys(),
             (QStringList{QStringLiteral("dcg@3"), QStringLiteral("mrr@3"), QStringLiteral("ndcg@3"),
                          QStringLiteral("recall@3")}));
    QCOMPARE(all.value(QStringLiteral("queries")).toInt(), 50);

    // Only 10-K passages were retrieved; the run and qrels are TREC files of the 50 10-K queries.
    std::ifstream runFile(run.toStdString());
    QSet<QString> runQueries;
    int lines = 0;
    for (std::string qid, q0, docid, tag, rank, score; runFile >> qid >> q0 >> docid >> rank >> score >> tag; ++lines) {
      QCOMPARE(q0, std::string("Q0"));
      QVERIFY2(docid.find("-10-K-") != std::string::npos, docid.c_str());
      QCOMPARE(tag, std::string("bm25"));
      runQueries.insert(QString::fromStdString(qid));
    }
    QVERIFY(lines >= 50);
    QCOMPARE(runQueries.size(), 50);
    std::ifstream qrelsFile(qrels.toStdString());
    QSet<QString> judgedQueries;
    for (std::string qid, iteration, docid, grade; qrelsFile >> qid >> iteration >> docid >> grade;) {
      QCOMPARE(iteration, std::string("0"));
      judgedQueries.insert(QString::fromStdString(qid));
    }
    QCOMPARE(judgedQueries, runQueries);

    store::Store s = store::Store::open(store_.toStdString());
    const std::int64_t id = result.json().value(QStringLiteral("run_id")).toInteger();
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM metrics WHERE k = 3 AND evaluation_id = " + std::to_string(id)),
             std::int64_t(2 * 4));
  }

  void aQueryWithoutFilingTypeTakesItsFirstRelevantPassagesType() {
    const QString queries = dir_.filePath(QStringLiteral("untyped.jsonl"));
    const QString qrels = dir_.filePath(QStringLiteral("untyped.tsv"));
    std::ofstream(queries.toStdString()) << R"({"_id": "u1", "text": "Cobalt Semiconductor earnings release"})"
                                         << "\n"
                                         << R"({"_id": "u2", "text": "Cobalt Semiconductor staff"})"
                                         << "\n"
                                         << R"({"_id": "u3", "text": "nothing judged here is in the corpus"})"
                                         << "\n";
    // u1 judges a 10-K passage irrelevant (grade 0) and two passages relevant: an 8-K one and, later in
    // the corpus (higher passage id) though earlier by key and higher graded, a 10-Q one. The 8-K one is
    // its first relevant passage.
    std::ofstream(qrels.toStdString()) << "query-id\tcorpus-id\tscore\n"
                                       << "u1\tCOBA-10-K-FY2020-1\t0\n"
                                       << "u1\tCOBA-10-Q-2023-Q2-1\t2\n"
                                       << "u1\tCOBA-8-K-2023-Q1-earnings-1\t1\n"
                                       << "u2\tCOBA-10-K-FY2020-1\t1\n"
                                       << "u3\tno-such-record\t1\n";
    const CliResult result = runCli({QStringLiteral("eval"), QStringLiteral("--store"), store_,
                                     QStringLiteral("--corpus"), QStringLiteral("demo"), QStringLiteral("--queries"),
                                     queries, QStringLiteral("--qrels"), qrels, QStringLiteral("--json")});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject metrics = metricsOf(result);
    QCOMPARE(metrics.keys(), (QStringList{QStringLiteral("10-K"), QStringLiteral("8-K"), QStringLiteral("ALL"),
                                          QStringLiteral("unknown")}));
    for (const QString& group : {QStringLiteral("10-K"), QStringLiteral("8-K"), QStringLiteral("unknown")})
      QCOMPARE(metrics.value(group).toObject().value(QStringLiteral("queries")).toInt(), 1);
    // u3 can find nothing relevant: it scores 0 and still counts in ALL.
    const QJsonObject unknown = metrics.value(QStringLiteral("unknown")).toObject();
    QCOMPARE(unknown.value(QStringLiteral("mrr@5")).toDouble(), 0.0);
    QCOMPARE(metrics.value(QStringLiteral("ALL")).toObject().value(QStringLiteral("queries")).toInt(), 3);
  }
};

QTEST_GUILESS_MAIN(CliEvalRetrieversTest)
#include "test_cli_eval_retrievers.moc"
