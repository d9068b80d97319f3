// `distillery-cli eval` as a user runs it: the TAT-QA BM25 acceptance figure (import, then eval), the
// exact JSON shape, TREC export and re-scoring with --run, and one-line errors for bad input.
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/TestSupport.h"

using namespace distillery::test;

class CliEvalTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString store_;
  QString tatqa_;

  QStringList evalArgs() const {
    return {QStringLiteral("eval"),     QStringLiteral("--store"), store_,
            QStringLiteral("--corpus"), QStringLiteral("tatqa"),   QStringLiteral("--queries"),
            tatqa_ + "/queries.jsonl",  QStringLiteral("--qrels"), tatqa_ + "/qrels/test.tsv",
            QStringLiteral("--json")};
  }

private slots:
  void initTestCase() {
    DISTILLERY_REQUIRE_SHARED_DATA("tatqa-beir/corpus.jsonl");
    tatqa_ = sharedDataDir() + "/tatqa-beir";
    store_ = dir_.filePath(QStringLiteral("tatqa.db"));
    const CliResult import =
        runCli({QStringLiteral("import"), QStringLiteral("--store"), store_, QStringLiteral("--corpus"),
                QStringLiteral("tatqa"), QStringLiteral("--format"), QStringLiteral("beir"), tatqa_});
    QVERIFY2(import.exitCode == 0, import.err.constData());
  }

  void bm25MeetsTheTatqaReferenceFigure() {
    QStringList args = evalArgs();
    args << QStringLiteral("--retriever") << QStringLiteral("bm25");
    const CliResult result = runCli(args);
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QJsonObject json = result.json();
    QCOMPARE(json.keys(), (QStringList{QStringLiteral("judged_by"), QStringLiteral("metrics"),
                                       QStringLiteral("relevant_from"), QStringLiteral("run_id")}));
    QCOMPARE(json.value(QStringLiteral("judged_by")).toString(), QStringLiteral("file:test.tsv"));
    QCOMPARE(json.value(QStringLiteral("relevant_from")).toInt(), 1); // TAT-QA's qrels are binary
    QVERIFY(json.value(QStringLiteral("run_id")).toInteger() > 0);
    const QJsonObject all = json.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("ALL")).toObject();
    QCOMPARE(all.keys(),
             (QStringList{QStringLiteral("ci95"), QStringLiteral("dcg@5"), QStringLiteral("mrr@5"),
                          QStringLiteral("ndcg@5"), QStringLiteral("queries"), QStringLiteral("recall@5")}));
    // 1,663 queries: the 95% interval of NDCG@5 is about +-0.02 around it.
    const QJsonArray ndcgInterval =
        all.value(QStringLiteral("ci95")).toObject().value(QStringLiteral("ndcg@5")).toArray();
    QVERIFY(ndcgInterval[0].toDouble() < all.value(QStringLiteral("ndcg@5")).toDouble());
    QVERIFY(ndcgInterval[1].toDouble() > all.value(QStringLiteral("ndcg@5")).toDouble());
    QVERIFY(ndcgInterval[1].toDouble() - ndcgInterval[0].toDouble() < 0.06);
    QCOMPARE(all.value(QStringLiteral("queries")).toInt(), 1663);
    const double mrr = all.value(QStringLiteral("mrr@5")).toDouble();
    const double ndcg = all.value(QStringLiteral("ndcg@5")).toDouble();
    qInfo("TAT-QA test BM25: MRR@5 %.4f NDCG@5 %.4f", mrr, ndcg);
    QVERIFY2(std::abs(mrr - 0.464) <= 0.03, qPrintable(QString::number(mrr)));
    QVERIFY2(std::abs(ndcg - 0.448) <= 0.03, qPrintable(QString::number(ndcg)));
  }

  void exportedRunRescoresIdenticallyAndKeysFollowK() {
    QStringList args = evalArgs();
    const QString run = dir_.filePath(QStringLiteral("bm25.run"));
    const QString qrels = dir_.filePath(QStringLiteral("bm25.qrels"));
    args << QStringLiteral("--k") << QStringLiteral("10") << QStringLiteral("--export-run") << run
         << QStringLiteral("--export-qrels") << qrels;
    const CliResult retrieved = runCli(args);
    QVERIFY2(retrieved.exitCode == 0, retrieved.err.constData());
    const QJsonObject all =
        retrieved.json().value(QStringLiteral("metrics")).toObject().value(QStringLiteral("ALL")).toObject();
    QVERIFY(all.contains(QStringLiteral("ndcg@10")));
    QVERIFY(!all.contains(QStringLiteral("ndcg@5")));

    const CliResult rescored =
        runCli({QStringLiteral("eval"), QStringLiteral("--store"), store_, QStringLiteral("--corpus"),
                QStringLiteral("tatqa"), QStringLiteral("--qrels"), qrels, QStringLiteral("--run"), run,
                QStringLiteral("--k"), QStringLiteral("10"), QStringLiteral("--json")});
    QVERIFY2(rescored.exitCode == 0, rescored.err.constData());
    const QJsonObject again =
        rescored.json().value(QStringLiteral("metrics")).toObject().value(QStringLiteral("ALL")).toObject();
    for (const QString& key : all.keys())
      QVERIFY2(std::abs(again.value(key).toDouble() - all.value(key).toDouble()) < 1e-6, qPrintable(key));
    QVERIFY(rescored.json().value(QStringLiteral("run_id")).toInteger() >
            retrieved.json().value(QStringLiteral("run_id")).toInteger());
  }

  void badInputFailsWithOneLineNamingIt() {
    QStringList args = evalArgs();
    args << QStringLiteral("--retriever") << QStringLiteral("sparse");
    CliResult result = runCli(args);
    QCOMPARE(result.exitCode, 1);
    QVERIFY(result.err.contains("sparse"));
    QVERIFY(result.out.isEmpty());

    args = evalArgs();
    args[8] = dir_.filePath(QStringLiteral("missing.tsv"));
    result = runCli(args);
    QCOMPARE(result.exitCode, 1);
    QVERIFY(result.err.contains("missing.tsv"));

    args = evalArgs();
    args[4] = QStringLiteral("no-such-corpus");
    result = runCli(args);
    QCOMPARE(result.exitCode, 1);
    QVERIFY(result.err.contains("no-such-corpus"));

    args = evalArgs();
    args << QStringLiteral("--filter") << QStringLiteral("sector=tech");
    result = runCli(args);
    QCOMPARE(result.exitCode, 1);
    QVERIFY(result.err.contains("sector"));
  }
};

QTEST_GUILESS_MAIN(CliEvalTest)
#include "test_cli_eval.moc"
