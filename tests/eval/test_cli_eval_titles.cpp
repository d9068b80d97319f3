// Passages are indexed under their document's title (BEIR's convention): a query naming what only the document
// holds - the company, the period - finds a passage whose own text never says it. Checked through `import` and
// `eval` as a user runs them, with the title on (the default) and off (`import --no-index-title`).
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/TestSupport.h"

using namespace distillery::test;

class CliEvalTitlesTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  void write(const QString& name, const QByteArray& content) {
    QFile file(dir_.filePath(name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
  }

  // MRR@5 of BM25 over the two-document corpus, imported with extra import arguments.
  double bm25Mrr(const QString& storeName, const QStringList& importExtra) {
    const QString store = dir_.filePath(storeName);
    QStringList import = {
        QStringLiteral("import"),         QStringLiteral("--store"),         store,
        QStringLiteral("--corpus"),       QStringLiteral("filings"),         QStringLiteral("--format"),
        QStringLiteral("jsonl"),          QStringLiteral("--company-field"), QStringLiteral("company"),
        QStringLiteral("--period-field"), QStringLiteral("period")};
    import << importExtra << dir_.filePath(QStringLiteral("corpus.jsonl"));
    const CliResult imported = runCli(import);
    if (imported.exitCode != 0)
      qWarning("%s", imported.err.constData());
    const CliResult eval =
        runCli({QStringLiteral("eval"), QStringLiteral("--store"), store, QStringLiteral("--corpus"),
                QStringLiteral("filings"), QStringLiteral("--queries"), dir_.filePath(QStringLiteral("queries.jsonl")),
                QStringLiteral("--qrels"), dir_.filePath(QStringLiteral("qrels.tsv")), QStringLiteral("--retriever"),
                QStringLiteral("bm25"), QStringLiteral("--json")});
    if (eval.exitCode != 0)
      qWarning("%s", eval.err.constData());
    return eval.json()["metrics"].toObject()["ALL"].toObject()["mrr@5"].toDouble(-1);
  }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    // Two companies' filings say the same about capital expenditure; only the document knows whose it is.
    write(
        QStringLiteral("corpus.jsonl"),
        R"({"_id": "a", "company": "Acme Industrial", "period": "2018", "text": "Capital expenditure rose to 41 million as the plant was extended."}
{"_id": "b", "company": "Borealis Shipping", "period": "2019", "text": "Capital expenditure rose to 39 million as the fleet was renewed, and capital expenditure stays high."}
)");
    write(QStringLiteral("queries.jsonl"), R"({"_id": "q1", "text": "Acme capital expenditure"}
)");
    write(QStringLiteral("qrels.tsv"), "query-id\tcorpus-id\tscore\nq1\ta\t1\n");
  }

  void aQueryNamingTheCompanyFindsItsPassage() { QCOMPARE(bm25Mrr(QStringLiteral("titled.distillery"), {}), 1.0); }

  void withoutTitlesTheCompanyIsInvisible() {
    // Without the title, "Acme" matches nothing and the passage repeating "capital expenditure" ranks first.
    QCOMPARE(bm25Mrr(QStringLiteral("untitled.distillery"), {QStringLiteral("--no-index-title")}), 0.5);
  }
};

QTEST_GUILESS_MAIN(CliEvalTitlesTest)
#include "test_cli_eval_titles.moc"
