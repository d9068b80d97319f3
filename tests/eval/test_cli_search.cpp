// The query playground's questions on the command line (issue 21, part 4). `search` on the demo corpus: the top k in
// score order, filters that hold, the grade stored for each hit (a person's label over the teacher's judgment, and
// "unjudged" where neither exists), dense retrieval finding a passage from its own text. `compare` on hand-made
// evaluations whose per-query NDCG is worked out by hand: which queries B improved, left alone and degraded.
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <map>

#include "core/store/Store.h"
#include "core/util/Hash.h"
#include "tests/support/HandMadeStore.h"
#include "tests/support/TestSupport.h"

using namespace distillery;
using namespace distillery::test;

class CliSearchTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString demo_, handMade_;

  QString path(const QString& name) const { return dir_.filePath(name); }

  CliResult search(const QStringList& extra) {
    return runCli(QStringList{"search", "--store", demo_, "--corpus", "demo", "--json"} + extra);
  }
  static QJsonArray hits(const CliResult& result) { return result.json()["hits"].toArray(); }

  std::int64_t evaluateRunFile(const QString& name, const std::string& lines) {
    std::ofstream(path(name).toStdString()) << lines;
    const auto result =
        runCli({"eval", "--store", handMade_, "--corpus", "fin", "--query-set", "qs", "--run", path(name), "--json"});
    if (result.exitCode != 0)
      qWarning() << result.err;
    return static_cast<std::int64_t>(result.json()["run_id"].toDouble());
  }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    demo_ = path("demo.distillery");
    const auto written =
        runCli({"demo-corpus", "--out", path("demo"), "--companies", "2", "--queries", "10", "--dev-queries", "10"});
    QVERIFY2(written.exitCode == 0, written.err.constData());
    const auto imported = runCli({"import", "--store", demo_, "--corpus", "demo", path("demo")});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());

    // Hand-made: r1 and r2 in a 10-K, r3 in an 8-K; q1 asks for r1, q2 for r3, q3 for r2 (grade 3 each).
    handMade_ = path("hand.distillery");
    auto s = store::Store::open(handMade_.toStdString(), store::OpenMode::CreateNew);
    s.prepare("INSERT INTO corpora(name, created_at) VALUES ('fin', 'now')").run();
    const auto corpus = s.lastInsertId();
    const auto tenK = insertDocument(s, corpus, "ACME-10K", "10-K");
    const auto eightK = insertDocument(s, corpus, "ACME-8K", "8-K");
    insertPassage(s, corpus, tenK, 0, "r1", "revenue grew");
    insertPassage(s, corpus, tenK, 1, "r2", "supply chain risk");
    insertPassage(s, corpus, eightK, 0, "r3", "merger agreement");
    s.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (?1, 'qs', 'manual', 'now')")
        .bind(1, corpus)
        .run();
    const auto set = s.lastInsertId();
    insertQuery(s, set, "q1", "how did revenue grow", std::nullopt, {{"r1", 3}});
    insertQuery(s, set, "q2", "merger", std::nullopt, {{"r3", 3}});
    insertQuery(s, set, "q3", "supply chain", std::nullopt, {{"r2", 3}});
    s.prepare("INSERT INTO runs(corpus_id, config_json, software_version, seed, created_at) "
              "VALUES (?1, '{}', 'test', 1, 'now')")
        .bind(1, corpus)
        .run();
  }

  void bm25HitsComeInScoreOrderAndHonourTheFilter() {
    const auto result = search({"--query", "revenue growth", "--k", "5"});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonArray list = hits(result);
    QCOMPARE(list.size(), 5);
    for (int i = 0; i < list.size(); ++i) {
      const QJsonObject hit = list[i].toObject();
      QCOMPARE(hit["rank"].toInt(), i + 1);
      QVERIFY(!hit["text"].toString().isEmpty());
      QVERIFY(!hit["document"].toString().isEmpty());
      if (i > 0)
        QVERIFY(hit["score"].toDouble() <= list[i - 1].toObject()["score"].toDouble());
    }
    const auto filtered = search({"--query", "revenue growth", "--k", "5", "--filter", "filing_type=10-Q"});
    QVERIFY2(filtered.exitCode == 0, filtered.err.constData());
    QVERIFY(!hits(filtered).isEmpty());
    for (const auto& hit : hits(filtered))
      QCOMPARE(hit.toObject()["filing_type"].toString(), QStringLiteral("10-Q"));
  }

  void eachHitShowsTheGradeStoredForThisQuery() {
    const std::string query = "quarterly dividend per share";
    const auto before = search({"--query", QString::fromStdString(query), "--k", "3"});
    QVERIFY2(before.exitCode == 0, before.err.constData());
    const QJsonArray list = hits(before);
    QCOMPARE(list.size(), 3);
    for (const auto& hit : list) {
      QCOMPARE(hit.toObject()["graded_by"].toString(), QStringLiteral("unjudged"));
      QVERIFY(!hit.toObject().contains("grade"));
    }
    const auto first = static_cast<std::int64_t>(list[0].toObject()["passage_id"].toDouble());
    const auto second = static_cast<std::int64_t>(list[1].toObject()["passage_id"].toDouble());
    {
      auto s = store::Store::open(demo_.toStdString(), store::OpenMode::MustExist);
      auto judge = [&](std::int64_t passage, int grade) {
        auto select = s.prepare("SELECT text FROM passages WHERE id = ?1");
        QVERIFY(select.bind(1, passage).step());
        const std::string text = select.columnText(0);
        s.prepare(
             "INSERT INTO judgments(teacher_kind, teacher_model, prompt_version, query_text, passage_hash, status, "
             "grade, created_at) VALUES ('heuristic', 'h', 'v2', ?1, ?2, 'ok', ?3, 'now')")
            .bind(1, query)
            .bind(2, contentHash(text))
            .bind(3, grade)
            .run();
      };
      judge(first, 2);
      judge(second, 0);
      // A person labelled the second hit for the same query text (asked in some round): their grade wins.
      s.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (1, 'asked', 'synthetic', 'now')")
          .run();
      s.prepare("INSERT INTO queries(query_set_id, text) VALUES (?1, ?2)")
          .bind(1, s.lastInsertId())
          .bind(2, query)
          .run();
      s.prepare("INSERT INTO human_labels(query_id, passage_id, grade, labelled_at) VALUES (?1, ?2, 3, 'now')")
          .bind(1, s.lastInsertId())
          .bind(2, second)
          .run();
    }
    const QJsonArray after = hits(search({"--query", QString::fromStdString(query), "--k", "3"}));
    QCOMPARE(after[0].toObject()["grade"].toInt(), 2);
    QCOMPARE(after[0].toObject()["graded_by"].toString(), QStringLiteral("teacher"));
    QCOMPARE(after[1].toObject()["grade"].toInt(), 3);
    QCOMPARE(after[1].toObject()["graded_by"].toString(), QStringLiteral("human"));
    QCOMPARE(after[2].toObject()["graded_by"].toString(), QStringLiteral("unjudged"));
    // Another query text shares none of these grades.
    for (const auto& hit : hits(search({"--query", "dividend per share", "--k", "3"})))
      QCOMPARE(hit.toObject()["graded_by"].toString(), QStringLiteral("unjudged"));
  }

  void aStoredQuerysQrelsGradeItsHits() {
    // The demo's first test query and its judged records: each hit of a judged record shows the qrels' grade.
    std::string text;
    std::map<std::string, int> judged;
    {
      auto s = store::Store::open(demo_.toStdString(), store::OpenMode::MustExist);
      auto query = s.prepare("SELECT q.id, q.text FROM queries q JOIN qrels r ON r.query_id = q.id WHERE r.grade >= 2 "
                             "ORDER BY q.id LIMIT 1");
      QVERIFY(query.step());
      text = query.columnText(1);
      auto grades = s.prepare("SELECT record_key, grade FROM qrels WHERE query_id = ?1");
      grades.bind(1, query.columnInt64(0));
      while (grades.step())
        judged[grades.columnText(0)] = static_cast<int>(grades.columnInt64(1));
    }
    const QJsonArray list = hits(search({"--query", QString::fromStdString(text), "--k", "10"}));
    int graded = 0;
    for (const auto& value : list) {
      const QJsonObject hit = value.toObject();
      const auto it = judged.find(hit["record"].toString().toStdString());
      if (it == judged.end()) {
        QVERIFY(hit["graded_by"].toString() != QStringLiteral("qrels"));
        continue;
      }
      QCOMPARE(hit["graded_by"].toString(), QStringLiteral("qrels"));
      QCOMPARE(hit["grade"].toInt(), it->second);
      ++graded;
    }
    QVERIFY(graded > 0); // BM25 finds at least one judged record of the demo's own query
  }

  void denseRetrievalFindsAPassageFromItsOwnText() {
    std::string text;
    std::int64_t id = 0;
    {
      auto s = store::Store::open(demo_.toStdString(), store::OpenMode::MustExist);
      // A passage whose opening no other passage shares (the demo repeats boilerplate across years).
      auto select = s.prepare("SELECT id, text FROM passages p WHERE NOT EXISTS (SELECT 1 FROM passages o WHERE "
                              "o.id <> p.id AND substr(o.text, 1, 40) = substr(p.text, 1, 40)) ORDER BY id LIMIT 1 "
                              "OFFSET 5");
      QVERIFY(select.step());
      id = select.columnInt64(0);
      text = select.columnText(1);
    }
    for (const char* retriever : {"dense", "hybrid"}) {
      const auto result = search({"--query", QString::fromStdString(text), "--retriever", retriever, "--k", "3"});
      QVERIFY2(result.exitCode == 0, result.err.constData());
      QCOMPARE(static_cast<std::int64_t>(hits(result)[0].toObject()["passage_id"].toDouble()), id);
    }
  }

  void compareCountsEveryQueryOfTwoDemoEvaluations() {
    // BM25 against the default student on the demo's test queries, compared by evaluation id.
    const QStringList eval{"eval",        "--store", demo_,     "--corpus", "demo",
                           "--query-set", "demo",    "--split", "test",     "--json"};
    const auto bm25 = runCli(eval + QStringList{"--retriever", "bm25"});
    QVERIFY2(bm25.exitCode == 0, bm25.err.constData());
    const auto dense = runCli(eval + QStringList{"--retriever", "dense", "--model", "default"});
    QVERIFY2(dense.exitCode == 0, dense.err.constData());
    const auto result =
        runCli({"compare", "--store", demo_, "--json", "--run",
                QStringLiteral("evaluation:%1").arg(static_cast<qint64>(bm25.json()["run_id"].toDouble())), "--run",
                QStringLiteral("evaluation:%1").arg(static_cast<qint64>(dense.json()["run_id"].toDouble()))});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject counts = result.json()["counts"].toObject();
    const QJsonObject all = counts["ALL"].toObject();
    const int queries = bm25.json()["metrics"].toObject()["ALL"].toObject()["queries"].toInt();
    QCOMPARE(all["improved"].toInt() + all["unchanged"].toInt() + all["degraded"].toInt(), queries);
    QCOMPARE(result.json()["queries"].toArray().size(), queries);
    // Each filing type's counts add up to the ALL line, and each row's diff is B - A.
    int sum = 0;
    for (auto it = counts.begin(); it != counts.end(); ++it)
      if (it.key() != QStringLiteral("ALL"))
        sum += it->toObject()["improved"].toInt() + it->toObject()["unchanged"].toInt() +
               it->toObject()["degraded"].toInt();
    QCOMPARE(sum, queries);
    for (const auto& row : result.json()["queries"].toArray())
      QVERIFY(std::abs(row.toObject()["diff"].toDouble() -
                       (row.toObject()["b"].toDouble() - row.toObject()["a"].toDouble())) < 1e-12);
  }

  void badSearchesAreRefusedWithTheReason() {
    const auto empty = search({"--query", "   "});
    QVERIFY(empty.exitCode != 0);
    QVERIFY2(empty.err.contains("the query is empty"), empty.err.constData());
    const auto corpus = runCli({"search", "--store", demo_, "--corpus", "nope", "--query", "revenue"});
    QVERIFY(corpus.exitCode != 0);
    QVERIFY2(corpus.err.contains("nope"), corpus.err.constData());
  }

  void compareCountsWhatRoundBChanged() {
    // Before: q1 finds r1 second (NDCG 1/log2 3 = 0.631), q2 and q3 first (1). After: q1 first (1), q2 second
    // (0.631), q3 unchanged: q1 improved (10-K), q2 degraded (8-K), q3 unchanged (10-K).
    const auto before =
        evaluateRunFile("before.run", "q1 Q0 r2 1 9 a\nq1 Q0 r1 2 8 a\nq2 Q0 r3 1 9 a\nq3 Q0 r2 1 9 a\n");
    const auto after = evaluateRunFile("after.run", "q1 Q0 r1 1 9 a\nq2 Q0 r1 1 9 a\nq2 Q0 r3 2 8 a\nq3 Q0 r2 1 9 a\n");
    QVERIFY(before > 0 && after > 0);
    {
      auto s = store::Store::open(handMade_.toStdString(), store::OpenMode::MustExist);
      auto attach = s.prepare("UPDATE evaluations SET run_id = 1, round_index = ?2, retriever = 'dense' WHERE id = ?1");
      attach.bind(1, before).bind(2, 0).run();
      attach.bind(1, after).bind(2, 2).run();
    }
    const QStringList compare{"compare", "--store", handMade_, "--json"};
    const auto result = runCli(compare + QStringList{"--run", "1:0", "--run", "1"}); // 1: its last round, 2
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject json = result.json();
    QCOMPARE(json["a"].toInt(), before);
    QCOMPARE(json["b"].toInt(), after);
    const QJsonObject counts = json["counts"].toObject();
    auto expect = [&](const char* type, int improved, int unchanged, int degraded) {
      const QJsonObject c = counts[type].toObject();
      QCOMPARE(c["improved"].toInt(), improved);
      QCOMPARE(c["unchanged"].toInt(), unchanged);
      QCOMPARE(c["degraded"].toInt(), degraded);
    };
    expect("ALL", 1, 1, 1);
    expect("10-K", 1, 1, 0);
    expect("8-K", 0, 0, 1);
    const QJsonArray queries = json["queries"].toArray();
    QCOMPARE(queries.size(), 3);
    const QJsonObject q1 = queries[0].toObject();
    QCOMPARE(q1["query"].toString(), QStringLiteral("q1"));
    QVERIFY(std::abs(q1["a"].toDouble() - 1.0 / std::log2(3.0)) < 1e-9);
    QCOMPARE(q1["b"].toDouble(), 1.0);
    QVERIFY(std::abs(q1["diff"].toDouble() - (1.0 - 1.0 / std::log2(3.0))) < 1e-9);
    // Any stored evaluation by id gives the same.
    const auto byId = runCli(compare + QStringList{"--run", QStringLiteral("evaluation:%1").arg(before), "--run",
                                                   QStringLiteral("evaluation:%1").arg(after)});
    QCOMPARE(byId.json()["counts"].toObject(), counts);

    const auto noRound = runCli(compare + QStringList{"--run", "1:5", "--run", "1"});
    QVERIFY(noRound.exitCode != 0);
    QVERIFY2(noRound.err.contains("run 1 has no dense evaluation of round 5"), noRound.err.constData());
    const auto notARun = runCli(compare + QStringList{"--run", "last", "--run", "1"});
    QVERIFY(notARun.exitCode != 0);
    QVERIFY2(notARun.err.contains("expected RUN, RUN:ROUND or evaluation:ID"), notARun.err.constData());
    const auto one = runCli(compare + QStringList{"--run", "1"});
    QVERIFY(one.exitCode != 0);
    QVERIFY2(one.err.contains("two --run"), one.err.constData());
  }
};

QTEST_GUILESS_MAIN(CliSearchTest)
#include "test_cli_search.moc"
