// Grade scales and intervals through `import` and `eval`, as a user meets them: a query set records its scale, MRR and
// Recall count grade 1 as relevant on binary qrels and not on the 0-3 scale (where it means "related, does not
// answer"), every figure carries a 95% interval when it has two queries or more, and bad input (a set mixing scales,
// grades outside the scales, nothing to score) is refused with a message naming the file, line or set.
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

#include "core/store/Store.h"
#include "tests/support/TestSupport.h"

using namespace distillery::test;

namespace {

void writeText(const QString& path, const std::string& text) {
  std::ofstream(path.toStdString()) << text;
}

} // namespace

class CliEvalScalesTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString store_;

  QString path(const QString& name) const { return dir_.filePath(name); }

  // A four-passage BEIR dataset; q1's BM25 top hit (d1, the wrong year) is graded `wrongYearGrade`, d2 3.
  QString dataset(const QString& name, const std::string& qrels) {
    const QString root = path(name);
    QDir().mkpath(root + "/qrels");
    writeText(root + "/corpus.jsonl",
              R"({"_id": "d1", "title": "Acme 10-K", "text": "Acme revenue grew in fiscal 2022 to 10 million dollars."}
{"_id": "d2", "title": "Acme 10-K", "text": "In fiscal 2023 sales were 12 million dollars, up 20 percent."}
{"_id": "d3", "title": "Bolt 8-K", "text": "Bolt appointed a new chief financial officer."}
{"_id": "d4", "title": "Bolt 10-Q", "text": "Bolt paid a quarterly dividend of 5 cents per share."}
)");
    writeText(root + "/queries.jsonl", R"({"_id": "q1", "text": "Acme revenue grew in fiscal"}
{"_id": "q2", "text": "Bolt dividend per share"}
)");
    writeText(root + "/qrels/test.tsv", "query-id\tcorpus-id\tscore\n" + qrels);
    return root;
  }

  CliResult eval(const QString& corpus, const QStringList& extra = {}) {
    return runCli(QStringList{"eval", "--store", store_, "--corpus", corpus, "--retriever", "bm25", "--json"} + extra);
  }

  static QJsonObject all(const CliResult& result) { return result.json()["metrics"].toObject()["ALL"].toObject(); }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    store_ = path("scales.distillery");
    const auto graded = runCli(
        {"import", "--store", store_, "--corpus", "graded", dataset("graded", "q1\td1\t1\nq1\td2\t3\nq2\td4\t3\n")});
    QVERIFY2(graded.exitCode == 0, graded.err.constData());
    const auto binary = runCli(
        {"import", "--store", store_, "--corpus", "binary", dataset("binary", "q1\td1\t1\nq1\td2\t1\nq2\td4\t1\n")});
    QVERIFY2(binary.exitCode == 0, binary.err.constData());
  }

  void importRecordsEachSetsScale() {
    auto s = distillery::store::Store::open(store_.toStdString(), distillery::store::OpenMode::MustExist);
    auto select = s.prepare("SELECT name, grade_scale FROM query_sets ORDER BY name");
    QVERIFY(select.step());
    QCOMPARE_EQ(select.columnText(0), std::string("binary"));
    QCOMPARE_EQ(select.columnInt64(1), 1);
    QVERIFY(select.step());
    QCOMPARE_EQ(select.columnText(0), std::string("graded"));
    QCOMPARE_EQ(select.columnInt64(1), 3);
  }

  void gradeOneIsNotAHitOnTheZeroToThreeScale() {
    // BM25 ranks d1 (grade 1) first for q1 and d2 (grade 3) second; q2's d4 (grade 3) is first.
    const auto graded = eval("graded", {"--query-set", "graded"});
    QVERIFY2(graded.exitCode == 0, graded.err.constData());
    QCOMPARE_EQ(graded.json()["relevant_from"].toInt(), 2);
    QCOMPARE_EQ(graded.json()["judged_by"].toString(), QString("human")); // imported qrels are people's
    QCOMPARE_EQ(all(graded)["mrr@5"].toDouble(), (0.5 + 1.0) / 2);
    QCOMPARE_EQ(all(graded)["recall@5"].toDouble(), 1.0);
    // Asked to count grade 1 (as before), d1 at rank 1 is a hit.
    const auto lenient = eval("graded", {"--query-set", "graded", "--relevant-from", "1"});
    QVERIFY2(lenient.exitCode == 0, lenient.err.constData());
    QCOMPARE_EQ(lenient.json()["relevant_from"].toInt(), 1);
    QCOMPARE_EQ(all(lenient)["mrr@5"].toDouble(), 1.0);
    QCOMPARE_EQ(all(lenient)["ndcg@5"].toDouble(), all(graded)["ndcg@5"].toDouble()); // graded gains either way
    // Binary qrels: grade 1 is relevant.
    const auto binary = eval("binary", {"--query-set", "binary"});
    QVERIFY2(binary.exitCode == 0, binary.err.constData());
    QCOMPARE_EQ(binary.json()["relevant_from"].toInt(), 1);
    QCOMPARE_EQ(all(binary)["mrr@5"].toDouble(), 1.0);
    // The same from files: the scale is the file's.
    const auto files =
        eval("graded", {"--queries", path("graded/queries.jsonl"), "--qrels", path("graded/qrels/test.tsv")});
    QVERIFY2(files.exitCode == 0, files.err.constData());
    QCOMPARE_EQ(files.json()["relevant_from"].toInt(), 2);
    QCOMPARE_EQ(files.json()["judged_by"].toString(), QString("file:test.tsv"));
    // The text table says it too.
    const auto text =
        runCli({"eval", "--store", store_, "--corpus", "graded", "--retriever", "bm25", "--query-set", "graded"});
    QVERIFY2(text.out.contains("judgments: human qrels; relevant from grade 2"), text.out.constData());
  }

  void everyFigureCarriesItsInterval() {
    const auto result = eval("graded", {"--query-set", "graded"});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject figures = all(result);
    for (const char* key : {"mrr@5", "ndcg@5", "dcg@5", "recall@5"}) {
      const QJsonArray interval = figures["ci95"].toObject()[key].toArray();
      QCOMPARE_EQ(interval.size(), 2);
      QVERIFY2(interval[0].toDouble() <= figures[key].toDouble() + 1e-12 &&
                   figures[key].toDouble() <= interval[1].toDouble() + 1e-12,
               key);
    }
    // MRR@5 per query is 0.5 and 1: resampled means are 0.5, 0.75 or 1, so the interval is [0.5, 1].
    QCOMPARE_EQ(figures["ci95"].toObject()["mrr@5"].toArray(), (QJsonArray{0.5, 1.0}));
    // One query: a figure, no interval.
    writeText(path("one.tsv"), "q2\td4\t3\n");
    const auto one = eval("graded", {"--queries", path("graded/queries.jsonl"), "--qrels", path("one.tsv")});
    QVERIFY2(one.exitCode == 0, one.err.constData());
    QCOMPARE_EQ(all(one)["queries"].toInt(), 1);
    QVERIFY(!all(one).contains("ci95"));
  }

  void badScalesAndEmptySetsAreRefusedClearly() {
    auto count = [&](const std::string& sql) {
      auto s = distillery::store::Store::open(store_.toStdString(), distillery::store::OpenMode::MustExist);
      auto select = s.prepare(sql);
      return select.step() ? select.columnInt64(0) : -1;
    };
    const auto qrelsBefore = count("SELECT COUNT(*) FROM qrels");
    const auto evaluationsBefore = count("SELECT COUNT(*) FROM evaluations");
    // Graded judgments added to the binary set: named, and nothing of the set changes.
    writeText(path("binary/qrels/dev.tsv"), "query-id\tcorpus-id\tscore\nq1\td2\t1\nq2\td4\t3\n");
    const auto mixed = runCli({"import", "--store", store_, "--corpus", "binary", path("binary")});
    const QByteArray said = mixed.out + mixed.err; // reported among the import's skipped items
    QVERIFY2(said.contains("binary/qrels/dev.tsv:3: grade 3") && said.contains("cannot mix scales"), said.constData());
    QCOMPARE_EQ(count("SELECT COUNT(*) FROM qrels"), qrelsBefore);
    QCOMPARE_EQ(count("SELECT grade_scale FROM query_sets WHERE name = 'binary'"), 1);
    // A grade outside the scales.
    writeText(path("seven.tsv"), "q1\td2\t1\nq2\td4\t7\n");
    const auto seven = eval("graded", {"--queries", path("graded/queries.jsonl"), "--qrels", path("seven.tsv")});
    QCOMPARE_EQ(seven.exitCode, 1);
    QVERIFY2(seven.err.contains("seven.tsv:2: grade 7 is outside"), seven.err.constData());
    // A split with no judged query: an error, not a table of zeros.
    const auto empty = eval("graded", {"--query-set", "graded", "--split", "dev"});
    QCOMPARE_EQ(empty.exitCode, 1);
    QVERIFY2(empty.err.contains("no judged query to score in query set 'graded', split 'dev'"), empty.err.constData());
    QCOMPARE_EQ(count("SELECT COUNT(*) FROM evaluations"), evaluationsBefore);
  }
};

QTEST_GUILESS_MAIN(CliEvalScalesTest)
#include "test_cli_eval_scales.moc"
