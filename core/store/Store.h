#pragma once
// The experiment store: one SQLite file per experiment. This class owns the schema: it refuses files
// that are not experiments or come from a newer Distillery, and migrates older ones in one transaction.
// One Store object per thread; WAL mode lets readers (the GUI) run beside the writer (a job).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/Statement.h"
#include "core/store/StoreError.h"

struct sqlite3;

namespace distillery::store {

class Store;

/// One step of the schema; applied inside the migration transaction.
struct Migration {
  int version;             // schema version after this step
  std::string description; // what the step adds, for logs
  std::function<void(Store&)> apply;
};

/// The migrations this build knows, in order; the last one's version is the current schema.
const std::vector<Migration>& builtinMigrations();
int currentSchemaVersion();

enum class OpenMode {
  MustExist, // opening an experiment the user chose
  CreateIfMissing,
  CreateNew, // `init`: fails when the file already exists
};

class Store {
public:
  /// Opens (and if allowed creates) an experiment; migrates an older schema forward.
  static Store open(const std::filesystem::path& path, OpenMode mode = OpenMode::MustExist);
  /// As open(), with a custom migration list (tests use it to simulate older and newer schemas).
  static Store open(const std::filesystem::path& path, OpenMode mode, const std::vector<Migration>& migrations);

  ~Store();
  Store(Store&& other) noexcept;
  Store& operator=(Store&& other) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& path() const { return path_; }
  int schemaVersion();

  Statement prepare(std::string_view sql) const;
  /// Runs one or more statements without parameters (schema work, pragmas).
  void exec(std::string_view sql);
  std::int64_t lastInsertId() const;
  /// Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const;

  /// Runs body inside BEGIN IMMEDIATE ... COMMIT; any exception rolls back and is rethrown.
  /// Nested calls join the outer transaction.
  template <typename Body> auto transaction(Body&& body) -> decltype(body()) {
    TransactionGuard guard(*this);
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      guard.commit();
    } else {
      auto result = body();
      guard.commit();
      return result;
    }
  }

  /// Row count of every table of the schema (FTS shadow tables excluded), by table name.
  std::map<std::string, std::int64_t> tableCounts();

  /// Single-value helpers for counts and lookups.
  std::int64_t queryInt64(std::string_view sql, std::int64_t fallback = 0);

  sqlite3* handle() const { return db_; }

private:
  class TransactionGuard {
  public:
    explicit TransactionGuard(Store& store);
    ~TransactionGuard();
    void commit();

  private:
    Store& store_;
    bool outermost_;
    bool done_ = false;
  };

  Store(sqlite3* db, std::filesystem::path path);
  void migrate(const std::vector<Migration>& migrations);

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  int transactionDepth_ = 0;
};

} // namespace distillery::store
