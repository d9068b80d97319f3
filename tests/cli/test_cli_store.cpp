// distillery-cli as a user runs it: init, info, exit codes, one-line errors, JSON on stdout.
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/TestSupport.h"

using distillery::test::runCli;

class CliStoreTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

private slots:
  void versionPrintsVersionAndExitsZero() {
    const auto r = runCli({QStringLiteral("--version")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(DISTILLERY_VERSION), r.out.constData());
  }

  void helpListsCommands() {
    const auto r = runCli({QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("init"));
    QVERIFY(r.out.contains("info"));
  }

  void initThenInfoReportsSchemaAndZeroCounts() {
    const QString store = dir_.filePath(QStringLiteral("exp.distillery"));
    const auto init = runCli({QStringLiteral("init"), QStringLiteral("--store"), store, QStringLiteral("--json")});
    QCOMPARE(init.exitCode, 0);
    const int version = init.json().value(QStringLiteral("schema_version")).toInt();
    QVERIFY(version >= 2);

    const auto info = runCli({QStringLiteral("info"), QStringLiteral("--store"), store, QStringLiteral("--json")});
    QCOMPARE(info.exitCode, 0);
    QVERIFY2(info.err.isEmpty(), info.err.constData());
    const QJsonObject json = info.json();
    QCOMPARE(json.value(QStringLiteral("schema_version")).toInt(), version);
    const QJsonObject counts = json.value(QStringLiteral("counts")).toObject();
    QVERIFY(counts.contains(QStringLiteral("passages")));
    QVERIFY(counts.contains(QStringLiteral("judgments")));
    for (const auto& value : counts)
      QCOMPARE(value.toInt(-1), 0);
  }

  void initRefusesExistingFileWithOneLineError() {
    const QString store = dir_.filePath(QStringLiteral("twice.distillery"));
    QCOMPARE(runCli({QStringLiteral("init"), QStringLiteral("--store"), store}).exitCode, 0);
    const auto again = runCli({QStringLiteral("init"), QStringLiteral("--store"), store});
    QCOMPARE(again.exitCode, 1);
    QVERIFY(again.err.startsWith("distillery-cli: error:"));
    QVERIFY(again.err.contains("already exists"));
    QCOMPARE(again.err.count('\n'), 1);
    QVERIFY(again.out.isEmpty());
  }

  void infoOnNonExperimentFailsAndLeavesFileAlone() {
    const QString path = dir_.filePath(QStringLiteral("notes.txt"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("quarterly notes, not a database\n");
    f.close();
    const auto r = runCli({QStringLiteral("info"), QStringLiteral("--store"), path, QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("notes.txt"));
    QVERIFY(r.out.isEmpty());
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("quarterly notes, not a database\n"));
  }

  void usageErrorsExitTwo() {
    QCOMPARE(runCli({QStringLiteral("info")}).exitCode, 2); // --store is required
    QCOMPARE(runCli({QStringLiteral("no-such-command")}).exitCode, 2);
    QCOMPARE(runCli({}).exitCode, 2);
  }
};

QTEST_GUILESS_MAIN(CliStoreTest)
#include "test_cli_store.moc"
