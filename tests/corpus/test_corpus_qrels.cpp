// One qrels format for `import` and `eval --qrels` (core/corpus/readers/QrelsReader.h): the same file gives the
// same judgments through both, whether its columns are separated by tabs or by spaces, and a bad line is named
// with its file and line by both.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/TestSupport.h"

using distillery::test::CliResult;
using distillery::test::runCli;

class TestCorpusQrels : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  static void write(const QString& path, const QByteArray& contents) {
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(contents);
  }

  // A small BEIR dataset whose qrels file is qrels (the queries and records are always the same).
  QString dataset(const QString& name, const QByteArray& qrels) {
    const QString folder = dir_.filePath(name);
    write(folder + "/corpus.jsonl",
          "{\"_id\": \"d1\", \"text\": \"Revenue rose 12 percent to 4.1 billion dollars in fiscal 2023.\"}\n"
          "{\"_id\": \"d2\", \"text\": \"Revenue in fiscal 2022 was 3.7 billion dollars.\"}\n"
          "{\"_id\": \"d3\", \"text\": \"The board declared a quarterly cash dividend of 0.25 dollars.\"}\n"
          "{\"_id\": \"d4\", \"text\": \"Our headquarters are leased office space in Austin, Texas.\"}\n");
    write(folder + "/queries.jsonl", "{\"_id\": \"q1\", \"text\": \"revenue fiscal 2023\"}\n"
                                     "{\"_id\": \"q2\", \"text\": \"quarterly dividend\"}\n");
    write(folder + "/qrels/test.tsv", qrels);
    return folder;
  }

  static QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
  }

  // The judgments eval used, as TREC qrels: from the stored query set of the import, and from the file itself.
  QPair<QByteArray, QByteArray> judgmentsBothWays(const QString& name, const QString& folder) {
    const QString store = dir_.filePath(name + ".distillery");
    const CliResult imported = runCli({"import", "--store", store, "--corpus", name, folder, "--json"});
    if (imported.exitCode != 0)
      return {"import failed: " + imported.err, {}};
    const QString fromStore = dir_.filePath(name + "-stored.qrels");
    const CliResult stored = runCli({"eval", "--store", store, "--corpus", name, "--query-set", name, "--retriever",
                                     "bm25", "--export-qrels", fromStore});
    const QString fromFile = dir_.filePath(name + "-file.qrels");
    const CliResult file =
        runCli({"eval", "--store", store, "--corpus", name, "--queries", folder + "/queries.jsonl", "--qrels",
                folder + "/qrels/test.tsv", "--retriever", "bm25", "--export-qrels", fromFile});
    return {stored.exitCode == 0 ? readAll(fromStore) : "import then eval --query-set failed: " + stored.err,
            file.exitCode == 0 ? readAll(fromFile) : "eval --qrels failed: " + file.err};
  }

private slots:
  void spaceSeparatedQrelsGiveTheSameJudgmentsToImportAndEval() {
    const QString folder = dataset("spaces", "query-id corpus-id score\nq1 d1 2\nq1  d2 1\r\nq2 d3 1\n\n");
    const CliResult imported =
        runCli({"import", "--store", dir_.filePath("count.distillery"), "--corpus", "spaces", folder, "--json"});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
    QCOMPARE(imported.json()["qrels"].toInt(), 3);
    QCOMPARE(imported.json()["queries"].toInt(), 2);

    const auto [stored, file] = judgmentsBothWays("spaces", folder);
    QCOMPARE(stored, QByteArray("q1 0 d1 2\nq1 0 d2 1\nq2 0 d3 1\n"));
    QCOMPARE(file, stored);
  }

  void tabsAndTrecColumnsReadAlike() {
    const auto [tabs, tabsFromFile] = judgmentsBothWays("tabs", dataset("tabs", "q1\td1\t2\nq1\td2\t1\nq2\td3\t1\n"));
    const auto [trec, trecFromFile] = judgmentsBothWays("trec", dataset("trec", "q1 0 d1 2\nq1 0 d2 1.0\nq2 0 d3 1\n"));
    QCOMPARE(tabsFromFile, tabs);
    QCOMPARE(trec, tabs);
    QCOMPARE(trecFromFile, tabs);
  }

  void aBadLineIsNamedWithFileAndLineByBoth() {
    const QString folder = dataset("bad", "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\thigh\n");
    const QString tsv = folder + "/qrels/test.tsv";
    const QString store = dir_.filePath("bad.distillery");
    const CliResult imported = runCli({"import", "--store", store, "--corpus", "bad", folder, "--json"});
    QVERIFY2(imported.exitCode == 0, imported.err.constData()); // the records are imported; the queries are not
    QCOMPARE(imported.json()["passages"].toInt(), 4);
    QCOMPARE(imported.json()["qrels"].toInt(), 0);
    QVERIFY2(imported.out.contains((tsv + ":3: grade 'high' is not an integer").toUtf8()), imported.out.constData());

    const CliResult evaluated = runCli({"eval", "--store", store, "--corpus", "bad", "--queries",
                                        folder + "/queries.jsonl", "--qrels", tsv, "--retriever", "bm25"});
    QCOMPARE(evaluated.exitCode, 1);
    QVERIFY2(evaluated.err.contains((tsv + ":3: grade 'high' is not an integer").toUtf8()), evaluated.err.constData());
  }
};

QTEST_GUILESS_MAIN(TestCorpusQrels)
#include "test_corpus_qrels.moc"
