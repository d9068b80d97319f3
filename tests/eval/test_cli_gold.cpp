// Human labels as gold (issue 20, 5b) through the CLI: `labels gold` turns the pairs people labelled into a query set
// judged by people (a record's grade is the highest label of its chunks, one query per query text), `eval` scores it
// like imported qrels, `labels export` writes it as BEIR files and TREC qrels that score the same, and bad requests
// (a taken name, a run without labels, an unknown run) are refused without writing anything.
#include <QDir>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <sstream>

#include "core/store/Store.h"
#include "tests/support/HandMadeStore.h"
#include "tests/support/TestSupport.h"

using namespace distillery;
using namespace distillery::test;

namespace {

std::string readText(const QString& path) {
  std::ifstream in(path.toStdString());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::int64_t insertRound(store::Store& s, std::int64_t run, int index) {
  s.prepare("INSERT INTO rounds(run_id, round_index) VALUES (?1, ?2)").bind(1, run).bind(2, index).run();
  return s.lastInsertId();
}

std::int64_t insertRoundQuery(store::Store& s, std::int64_t set, std::int64_t round, const std::string& text,
                              const std::string& split) {
  s.prepare("INSERT INTO queries(query_set_id, text, split, round_id, origin) VALUES (?1, ?2, ?3, ?4, 'heuristic')")
      .bind(1, set)
      .bind(2, text)
      .bind(3, split)
      .bind(4, round)
      .run();
  return s.lastInsertId();
}

} // namespace

class CliGoldTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString store_;
  std::int64_t r1a_ = 0, r1b_ = 0, r2_ = 0, r3_ = 0, r4_ = 0; // passage ids

  QString path(const QString& name) const { return dir_.filePath(name); }

  void label(store::Store& s, std::int64_t query, std::int64_t passage, int grade) {
    s.prepare("INSERT INTO human_labels(query_id, passage_id, grade, labelled_at) VALUES (?1, ?2, ?3, 'now')")
        .bind(1, query)
        .bind(2, passage)
        .bind(3, grade)
        .run();
  }

  std::int64_t querySetCount() {
    auto s = store::Store::open(store_.toStdString(), store::OpenMode::MustExist);
    return s.queryInt64("SELECT count(*) FROM query_sets");
  }

  CliResult gold(const QStringList& extra) {
    return runCli(QStringList{"labels", "gold", "--store", store_, "--corpus", "fin", "--json"} + extra);
  }

  static QJsonObject all(const CliResult& result) { return result.json()["metrics"].toObject()["ALL"].toObject(); }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    store_ = path("gold.distillery");
    auto s = store::Store::open(store_.toStdString(), store::OpenMode::CreateNew);
    s.prepare("INSERT INTO corpora(name, created_at) VALUES ('fin', 'now')").run();
    const std::int64_t corpus = s.lastInsertId();
    const auto acme = insertDocument(s, corpus, "ACME-10K", "10-K");
    const auto bolt = insertDocument(s, corpus, "BOLT-8K", "8-K", "Bolt");
    insertPassage(s, corpus, acme, 0, "r1", "acme revenue grew 12 percent in fiscal 2023");
    r1a_ = s.lastInsertId();
    insertPassage(s, corpus, acme, 1, "r1", "acme revenue by segment table");
    r1b_ = s.lastInsertId();
    insertPassage(s, corpus, acme, 2, "r2", "acme risk factors include supply chain disruption");
    r2_ = s.lastInsertId();
    insertPassage(s, corpus, bolt, 0, "r3", "bolt declared a dividend of 5 cents per share");
    r3_ = s.lastInsertId();
    insertPassage(s, corpus, bolt, 1, "r4", "bolt signed a merger agreement");
    r4_ = s.lastInsertId();
    s.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (?1, 'runs', 'synthetic', 'now')")
        .bind(1, corpus)
        .run();
    const std::int64_t set = s.lastInsertId();
    for (int run = 1; run <= 3; ++run)
      s.prepare("INSERT INTO runs(corpus_id, config_json, software_version, seed, created_at) "
                "VALUES (?1, '{}', 'test', 1, 'now')")
          .bind(1, corpus)
          .run();
    const auto run1Round1 = insertRound(s, 1, 1), run1Round2 = insertRound(s, 1, 2), run2Round1 = insertRound(s, 2, 1);
    insertRound(s, 3, 1);
    // Run 1 asked "acme revenue growth" in two rounds (one gold query) and held "bolt dividend" out; run 2 trained on
    // "bolt merger".
    const auto revenue = insertRoundQuery(s, set, run1Round1, "acme revenue growth", "train");
    const auto revenueAgain = insertRoundQuery(s, set, run1Round2, "acme revenue growth", "dev");
    const auto dividend = insertRoundQuery(s, set, run1Round1, "bolt dividend", "test");
    const auto merger = insertRoundQuery(s, set, run2Round1, "bolt merger", "train");
    label(s, revenue, r1a_, 3);
    label(s, revenue, r1b_, 1); // the same record's other chunk: r1 keeps 3
    label(s, revenue, r2_, 2);
    label(s, revenueAgain, r2_, 1); // the same pair under the same text, labelled later: its label, not the max
    label(s, dividend, r3_, 2);
    label(s, merger, r4_, 0); // no relevant record
  }

  void goldSetHoldsTheLabelsPerQueryText() {
    const auto result = gold({"--name", "gold"});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject json = result.json();
    QCOMPARE(json["labels"].toInt(), 6);
    QCOMPARE(json["queries"].toInt(), 3);
    QCOMPARE(json["judgments"].toInt(), 4);
    QCOMPARE(json["queries_without_relevant"].toInt(), 1); // "bolt merger"
    QCOMPARE(json["queries_trained_on"].toInt(), 2);       // "acme revenue growth" and "bolt merger"

    auto s = store::Store::open(store_.toStdString(), store::OpenMode::MustExist);
    auto set = s.prepare("SELECT origin, grade_scale, judged_by FROM query_sets WHERE name = 'gold'");
    QVERIFY(set.step());
    QCOMPARE_EQ(set.columnText(0), std::string("gold"));
    QCOMPARE_EQ(set.columnInt64(1), 3);
    QCOMPARE_EQ(set.columnText(2), std::string("human"));
    QCOMPARE(s.queryInt64("SELECT count(*) FROM queries q JOIN query_sets s ON s.id = q.query_set_id "
                          "WHERE s.name = 'gold' AND q.split = 'test'"),
             3);
  }

  void exportWritesTheSameJudgmentsAsBeirAndTrec() {
    const QString beir = path("gold-beir"), trec = path("gold.qrels");
    const auto result = runCli({"labels", "export", "--store", store_, "--corpus", "fin", "--query-set", "gold",
                                "--beir", beir, "--trec-qrels", trec});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QCOMPARE_EQ(readText(trec), std::string("gold-1 0 r1 3\ngold-1 0 r2 1\ngold-2 0 r3 2\ngold-3 0 r4 0\n"));
    QCOMPARE_EQ(
        readText(beir + "/qrels/test.tsv"),
        std::string("query-id\tcorpus-id\tscore\ngold-1\tr1\t3\ngold-1\tr2\t1\ngold-2\tr3\t2\ngold-3\tr4\t0\n"));
    QCOMPARE_EQ(readText(beir + "/queries.jsonl"), std::string("{\"_id\":\"gold-1\",\"text\":\"acme revenue growth\"}\n"
                                                               "{\"_id\":\"gold-2\",\"text\":\"bolt dividend\"}\n"
                                                               "{\"_id\":\"gold-3\",\"text\":\"bolt merger\"}\n"));

    // Scored like any imported set, and the exported files score the same.
    const QStringList eval{"eval", "--store", store_, "--corpus", "fin", "--retriever", "bm25", "--json"};
    const auto stored = runCli(eval + QStringList{"--query-set", "gold"});
    QVERIFY2(stored.exitCode == 0, stored.err.constData());
    QCOMPARE(stored.json()["judged_by"].toString(), QStringLiteral("human"));
    QCOMPARE(stored.json()["relevant_from"].toInt(), 2);
    const auto files =
        runCli(eval + QStringList{"--queries", beir + "/queries.jsonl", "--qrels", beir + "/qrels/test.tsv"});
    QVERIFY2(files.exitCode == 0, files.err.constData());
    QCOMPARE(all(files)["queries"].toInt(), 3);
    for (const char* metric : {"ndcg@5", "mrr@5", "recall@5"})
      QCOMPARE(all(files)[metric].toDouble(), all(stored)[metric].toDouble());
    // "bolt merger" has nothing relevant: at most two of three queries can score.
    QVERIFY(all(stored)["mrr@5"].toDouble() <= 2.0 / 3.0 + 1e-9);
    QVERIFY(all(stored)["mrr@5"].toDouble() > 0);
  }

  void aRunsGoldSetKeepsOnlyItsQueries() {
    const auto result = gold({"--name", "gold-run1", "--run", "1"});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QCOMPARE(result.json()["labels"].toInt(), 5);
    QCOMPARE(result.json()["queries"].toInt(), 2);
    QCOMPARE(result.json()["judgments"].toInt(), 3);
    QCOMPARE(result.json()["queries_without_relevant"].toInt(), 0);
    QCOMPARE(result.json()["queries_trained_on"].toInt(), 1);
  }

  void badRequestsAreRefusedAndWriteNothing() {
    const std::int64_t before = querySetCount();
    const auto taken = gold({"--name", "gold"});
    QVERIFY(taken.exitCode != 0);
    QVERIFY2(taken.err.contains("gold"), taken.err.constData());
    const auto unlabelled = gold({"--name", "gold-run3", "--run", "3"});
    QVERIFY(unlabelled.exitCode != 0);
    QVERIFY2(unlabelled.err.contains("run 3 has no labelled pairs"), unlabelled.err.constData());
    const auto unknown = gold({"--name", "gold-run9", "--run", "9"});
    QVERIFY(unknown.exitCode != 0);
    QVERIFY2(unknown.err.contains("no run with id 9"), unknown.err.constData());
    const auto noSet = runCli({"labels", "export", "--store", store_, "--corpus", "fin", "--query-set", "nope",
                               "--trec-qrels", path("nope.qrels")});
    QVERIFY(noSet.exitCode != 0);
    QVERIFY2(noSet.err.contains("no query set named 'nope'"), noSet.err.constData());
    QVERIFY(!QFile::exists(path("nope.qrels")));
    QCOMPARE(querySetCount(), before);
  }
};

QTEST_GUILESS_MAIN(CliGoldTest)
#include "test_cli_gold.moc"
