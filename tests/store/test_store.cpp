// The experiment store: schema ownership, migrations, refusal of foreign files, transactions.
#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include "core/store/Store.h"

using namespace distillery::store;

namespace {

QByteArray fileDigest(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly))
    return {};
  return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

std::vector<Migration> migrationsUpTo(int version) {
  std::vector<Migration> list;
  for (const Migration& m : builtinMigrations())
    if (m.version <= version)
      list.push_back(m);
  return list;
}

// The schema version just before the newest one (versions need not be contiguous).
int previousSchemaVersion() {
  return builtinMigrations().at(builtinMigrations().size() - 2).version;
}

std::int64_t insertCorpus(Store& s, const std::string& name) {
  s.prepare("INSERT INTO corpora(name, created_at) VALUES (?1, '2026-01-01')").bind(1, name).run();
  return s.lastInsertId();
}

} // namespace

class StoreTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString path(const char* name) const { return dir_.filePath(QString::fromLatin1(name)); }

private slots:
  void newStoreHasCurrentSchemaAndEmptyTables() {
    Store s = Store::open(path("new.db").toStdString(), OpenMode::CreateNew);
    QCOMPARE(s.schemaVersion(), currentSchemaVersion());
    QVERIFY(currentSchemaVersion() >= 2);
    const auto counts = s.tableCounts();
    for (const char* table : {"corpora", "documents", "passages", "queries", "qrels", "judgments", "candidates",
                              "mined_examples", "human_labels", "metrics", "jobs", "job_log", "runs", "rounds"}) {
      QVERIFY2(counts.count(table) == 1, table);
      QCOMPARE(counts.at(table), 0);
    }
    QVERIFY(counts.count("passages_fts") == 0); // FTS shadow tables are not reported as data
    QCOMPARE(s.queryInt64("PRAGMA foreign_keys"), 1);
    Statement mode = s.prepare("PRAGMA journal_mode");
    QVERIFY(mode.step());
    QCOMPARE(QString::fromStdString(mode.columnText(0)), QStringLiteral("wal"));
  }

  void createNewRefusesExistingFile() {
    { Store::open(path("twice.db").toStdString(), OpenMode::CreateNew); }
    QVERIFY_THROWS_EXCEPTION(StoreError, Store::open(path("twice.db").toStdString(), OpenMode::CreateNew));
  }

  void mustExistRefusesMissingFile() {
    QVERIFY_THROWS_EXCEPTION(StoreError, Store::open(path("missing.db").toStdString(), OpenMode::MustExist));
    QVERIFY(!QFile::exists(path("missing.db")));
  }

  void olderVersionMigratesAndKeepsData() {
    const std::string file = path("old.db").toStdString();
    const int previous = previousSchemaVersion();
    // Schema objects (tables, indexes) and the columns of every table: the newest step adds some.
    const std::string columns =
        "SELECT (SELECT COUNT(*) FROM sqlite_master) + "
        "(SELECT COUNT(*) FROM sqlite_master m, pragma_table_info(m.name) WHERE m.type = 'table')";
    std::int64_t columnsBefore = 0;
    {
      Store old = Store::open(file, OpenMode::CreateNew, migrationsUpTo(previous));
      QCOMPARE(old.schemaVersion(), previous);
      insertCorpus(old, "kept");
      columnsBefore = old.queryInt64(columns);
    }
    Store s = Store::open(file, OpenMode::MustExist);
    QCOMPARE(s.schemaVersion(), currentSchemaVersion());
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM corpora WHERE name='kept'"), 1);
    QVERIFY(s.queryInt64(columns) > columnsBefore); // the newest step's tables, indexes or columns were added
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM sqlite_master WHERE name = 'passages_section'"), 1); // version 8
  }

  void failedMigrationRollsBackEverything() {
    const std::string file = path("rollback.db").toStdString();
    const int previous = previousSchemaVersion();
    { Store::open(file, OpenMode::CreateNew, migrationsUpTo(previous)); }
    std::vector<Migration> broken = migrationsUpTo(previous);
    broken.push_back({previous + 1, "adds a table then fails", [](Store& s) {
                        s.exec("CREATE TABLE half_done(x INTEGER)");
                        s.exec("THIS IS NOT SQL");
                      }});
    try {
      Store::open(file, OpenMode::MustExist, broken);
      QFAIL("a failing migration must throw");
    } catch (const StoreError& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("unchanged")), e.what());
    }
    Store s = Store::open(file, OpenMode::MustExist, migrationsUpTo(previous));
    QCOMPARE(s.schemaVersion(), previous);
    QCOMPARE(s.tableCounts().count("half_done"), 0u);
  }

  void newerVersionIsRefusedAndUnchanged() {
    const std::string file = path("newer.db").toStdString();
    {
      std::vector<Migration> future = builtinMigrations();
      future.push_back({currentSchemaVersion() + 1, "from the future", [](Store& s) { s.exec("CREATE TABLE f(x)"); }});
      Store::open(file, OpenMode::CreateNew, future);
    }
    const QByteArray before = fileDigest(QString::fromStdString(file));
    try {
      Store::open(file, OpenMode::MustExist);
      QFAIL("a newer schema must be refused");
    } catch (const StoreError& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("newer")), e.what());
    }
    QCOMPARE(fileDigest(QString::fromStdString(file)), before);
  }

  void corruptFileIsRefusedAndUnchanged() {
    QFile f(path("corrupt.db"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    QByteArray junk(8192, '\0');
    for (int i = 0; i < junk.size(); ++i)
      junk[i] = static_cast<char>((i * 7919) % 251);
    f.write(junk);
    f.close();
    const QByteArray before = fileDigest(f.fileName());
    QVERIFY_THROWS_EXCEPTION(StoreError, Store::open(f.fileName().toStdString(), OpenMode::MustExist));
    QCOMPARE(fileDigest(f.fileName()), before);
    QVERIFY(!QFile::exists(f.fileName() + QStringLiteral("-wal")));
  }

  void foreignSqliteDatabaseIsRefused() {
    const QByteArray file = path("foreign.db").toUtf8();
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(file.constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db, "CREATE TABLE customers(id INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    const QByteArray before = fileDigest(QString::fromUtf8(file));
    try {
      Store::open(file.toStdString(), OpenMode::MustExist);
      QFAIL("a foreign database must be refused");
    } catch (const StoreError& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("not a Distillery experiment")), e.what());
    }
    QCOMPARE(fileDigest(QString::fromUtf8(file)), before);
  }

  void emptyFileIsNotAnExperiment() {
    QFile f(path("empty.db"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    QVERIFY_THROWS_EXCEPTION(StoreError, Store::open(f.fileName().toStdString(), OpenMode::MustExist));
  }

  void transactionRollsBackOnException() {
    Store s = Store::open(path("tx.db").toStdString(), OpenMode::CreateNew);
    try {
      s.transaction([&] {
        insertCorpus(s, "a");
        insertCorpus(s, "b");
        insertCorpus(s, "a"); // UNIQUE violation: the whole batch must go
      });
      QFAIL("duplicate name must throw");
    } catch (const StoreError&) {
    }
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM corpora"), 0);
    s.transaction([&] {
      insertCorpus(s, "a");
      s.transaction([&] { insertCorpus(s, "b"); }); // nested joins the outer one
    });
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM corpora"), 2);
  }

  void foreignKeysAndFullTextSearchWork() {
    Store s = Store::open(path("fts.db").toStdString(), OpenMode::CreateNew);
    const auto corpus = insertCorpus(s, "c");
    s.prepare("INSERT INTO documents(corpus_id, filing_type, content_hash, imported_at) VALUES (?1,'10-K','h','t')")
        .bind(1, corpus)
        .run();
    const auto doc = s.lastInsertId();
    Statement insert = s.prepare("INSERT INTO passages(document_id, corpus_id, record_key, ordinal, text, token_count, "
                                 "content_hash) VALUES (?1, ?2, ?3, ?4, ?5, 5, 'x')");
    insert.bind(1, doc).bind(2, corpus).bind(3, "p1").bind(4, 0).bind(5, "Revenue grew in the fiscal year").run();
    insert.bind(1, doc).bind(2, corpus).bind(3, "p2").bind(4, 1).bind(5, "Goodwill impairment was recorded").run();
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH 'goodwill'"), 1);
    s.exec("DELETE FROM passages WHERE record_key='p2'");
    QCOMPARE(s.queryInt64("SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH 'goodwill'"), 0);
    // A passage of a document that does not exist violates the foreign key.
    QVERIFY_THROWS_EXCEPTION(
        StoreError,
        insert.bind(1, std::int64_t{9999}).bind(2, corpus).bind(3, "p3").bind(4, 0).bind(5, "orphan").run());
  }
};

QTEST_GUILESS_MAIN(StoreTest)
#include "test_store.moc"
