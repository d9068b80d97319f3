#include "core/store/Store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <utility>

#include "core/store/SqliteFailure.h"

namespace distillery::store {
namespace {

// 'DSTL': marks a SQLite file as a Distillery experiment, so foreign databases are refused.
constexpr int kApplicationId = 0x4453544C;

std::string describe(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

// A file without write permission is opened read-only, even by root, whom the system lets write anything: the user
// protected it, so commands that only read work and commands that write fail clearly instead of changing it.
bool writeProtected(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::perms perms = fs::status(path, ec).permissions();
  if (ec)
    return false;
  return ::access(path.c_str(), W_OK) != 0 ||
         (perms & (fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write)) == fs::perms::none;
}

bool tableExists(sqlite3* db, const char* name) {
  Statement s(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1");
  s.bind(1, name);
  return s.step();
}

} // namespace

Store::Store(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

Store::~Store() {
  sqlite3_close_v2(db_);
}

Store::Store(Store&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)),
      transactionDepth_(std::exchange(other.transactionDepth_, 0)) {}

Store& Store::operator=(Store&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    transactionDepth_ = std::exchange(other.transactionDepth_, 0);
  }
  return *this;
}

Store Store::open(const std::filesystem::path& path, OpenMode mode) {
  return open(path, mode, builtinMigrations());
}

Store Store::open(const std::filesystem::path& path, OpenMode mode, const std::vector<Migration>& migrations) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (mode == OpenMode::CreateNew && exists)
    throw StoreError("cannot create experiment " + describe(path) + ": the file already exists");
  if (mode == OpenMode::MustExist && !exists)
    throw StoreError("no experiment at " + describe(path) + ": the file does not exist");
  if (exists && std::filesystem::is_directory(path, ec))
    throw StoreError("cannot open experiment " + describe(path) + ": it is a directory");
  const bool creating = !exists || std::filesystem::file_size(path, ec) == 0;
  if (creating && mode == OpenMode::MustExist)
    throw StoreError("cannot open experiment " + describe(path) + ": the file is empty, not an experiment");

  const bool readOnly = exists && writeProtected(path);
  if (readOnly && creating)
    throw StoreError("cannot create experiment " + describe(path) + ": the file is read-only");

  sqlite3* raw = nullptr;
  const int flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | (exists ? 0 : SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Store store(raw, path); // owns raw even when opening failed
  if (rc != SQLITE_OK)
    throw StoreError("cannot open experiment " + describe(path) + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 10000);

  // Read-only checks first: a foreign, corrupt or newer file must be left exactly as it was.
  if (!creating) {
    int applicationId = 0;
    try {
      applicationId = static_cast<int>(store.queryInt64("PRAGMA application_id"));
    } catch (const StoreError& e) {
      throw StoreError("cannot open experiment " + describe(path) + ": not a SQLite database or corrupt (" + e.what() +
                       ")");
    }
    if (applicationId != kApplicationId || !tableExists(raw, "schema_version"))
      throw StoreError("cannot open " + describe(path) + ": it is a SQLite database but not a Distillery experiment");
    const int version = store.schemaVersion();
    const int newest = migrations.empty() ? 0 : migrations.back().version;
    if (version > newest)
      throw StoreError("cannot open experiment " + describe(path) + ": it has schema version " +
                       std::to_string(version) + ", written by a newer Distillery; this build supports up to version " +
                       std::to_string(newest));
  }

  if (!readOnly)
    store.exec("PRAGMA journal_mode=WAL"); // persistent: a read-only experiment already has it
  store.exec("PRAGMA foreign_keys=ON");
  store.exec("PRAGMA synchronous=NORMAL");
  store.migrate(migrations);
  return store;
}

void Store::migrate(const std::vector<Migration>& migrations) {
  const int from = tableExists(db_, "schema_version") ? schemaVersion() : 0;
  if (!migrations.empty() && from >= migrations.back().version)
    return;
  if (sqlite3_db_readonly(db_, "main") == 1)
    throw StoreError("cannot open experiment " + describe(path_) + ": it has schema version " + std::to_string(from) +
                     " and must be migrated to version " + std::to_string(migrations.back().version) +
                     ", but the file is read-only");
  // All pending steps in one transaction: a failure anywhere leaves the file at its old version.
  transaction([&] {
    if (from == 0) {
      exec("PRAGMA application_id=" + std::to_string(kApplicationId));
      exec("CREATE TABLE schema_version(version INTEGER NOT NULL)");
      exec("INSERT INTO schema_version(version) VALUES (0)");
    }
    for (const Migration& m : migrations) {
      if (m.version <= from)
        continue;
      try {
        m.apply(*this);
      } catch (const std::exception& e) {
        throw StoreError("migration of " + describe(path_) + " to schema version " + std::to_string(m.version) + " (" +
                         m.description + ") failed: " + e.what() + "; the file is unchanged");
      }
      prepare("UPDATE schema_version SET version=?1").bind(1, m.version).run();
    }
  });
}

int Store::schemaVersion() {
  return static_cast<int>(queryInt64("SELECT version FROM schema_version", 0));
}

Statement Store::prepare(std::string_view sql) const {
  return Statement(db_, sql);
}

void Store::exec(std::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  if (const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error); rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw StoreError(describeFileFailure(db_, rc).value_or(message + " (in: " + text.substr(0, 200) + ")"));
  }
}

std::int64_t Store::lastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}

int Store::changes() const {
  return sqlite3_changes(db_);
}

std::int64_t Store::queryInt64(std::string_view sql, std::int64_t fallback) {
  Statement s = prepare(sql);
  return s.step() && !s.columnIsNull(0) ? s.columnInt64(0) : fallback;
}

std::map<std::string, std::int64_t> Store::tableCounts() {
  std::vector<std::string> tables;
  {
    // FTS5 creates shadow tables named <fts>_data, _idx, ...; they are not user data.
    Statement s = prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                          "AND name NOT LIKE '%_fts%' AND name <> 'schema_version' ORDER BY name");
    while (s.step())
      tables.push_back(s.columnText(0));
  }
  std::map<std::string, std::int64_t> counts;
  for (const std::string& table : tables)
    counts[table] = queryInt64("SELECT COUNT(*) FROM \"" + table + "\"");
  return counts;
}

Store::TransactionGuard::TransactionGuard(Store& store) : store_(store), outermost_(store.transactionDepth_ == 0) {
  if (outermost_)
    store_.exec("BEGIN IMMEDIATE");
  ++store_.transactionDepth_;
}

void Store::TransactionGuard::commit() {
  done_ = true;
  --store_.transactionDepth_;
  if (!outermost_)
    return;
  try {
    store_.exec("COMMIT");
  } catch (const StoreError&) {
    // A COMMIT that fails (disk full) may leave the transaction open; later statements must not join it.
    if (!sqlite3_get_autocommit(store_.db_))
      sqlite3_exec(store_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

Store::TransactionGuard::~TransactionGuard() {
  if (done_)
    return;
  --store_.transactionDepth_;
  if (outermost_)
    sqlite3_exec(store_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

} // namespace distillery::store
