#include "core/store/Statement.h"

#include <sqlite3.h>

#include <utility>

#include "core/store/SqliteFailure.h"
#include "core/store/StoreError.h"

namespace distillery::store {

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK)
    throw StoreError(describeFileFailure(db, rc).value_or("cannot prepare SQL (" + std::string(sqlite3_errmsg(db)) +
                                                          "): " + std::string(sql)));
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

static void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK)
    throw StoreError(std::string(what) + ": " + sqlite3_errmsg(db));
}

Statement& Statement::bind(int index, std::int64_t value) {
  check(db_, sqlite3_bind_int64(stmt_, index, value), "cannot bind integer");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  check(db_, sqlite3_bind_double(stmt_, index, value), "cannot bind real");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  check(db_, sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
        "cannot bind text");
  return *this;
}

Statement& Statement::bindNull(int index) {
  check(db_, sqlite3_bind_null(stmt_, index), "cannot bind null");
  return *this;
}

Statement& Statement::bindBlob(int index, const void* data, std::size_t size) {
  check(db_, sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT), "cannot bind blob");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  const char* sql = sqlite3_sql(stmt_);
  const std::string message =
      describeFileFailure(db_, rc).value_or(sqlite3_errmsg(db_) + std::string(" (in: ") + (sql ? sql : "?") + ")");
  sqlite3_reset(stmt_);
  throw StoreError(message);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::columnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::columnDouble(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::columnText(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

bool Statement::columnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::columnOptionalInt64(int column) const {
  if (columnIsNull(column))
    return std::nullopt;
  return columnInt64(column);
}

std::optional<double> Statement::columnOptionalDouble(int column) const {
  if (columnIsNull(column))
    return std::nullopt;
  return columnDouble(column);
}

std::optional<std::string> Statement::columnOptionalText(int column) const {
  if (columnIsNull(column))
    return std::nullopt;
  return columnText(column);
}

} // namespace distillery::store
