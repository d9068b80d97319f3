#pragma once
// A prepared SQLite statement. Parameters are always bound, never spliced into SQL text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace distillery::store {

class Statement {
public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite. Each returns *this so binds can be chained.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bindNull(int index);
  Statement& bindBlob(int index, const void* data, std::size_t size);
  template <typename T> Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bindNull(index);
  }

  /// Advances to the next row; false when the statement is done. Throws on error.
  bool step();
  /// Runs a statement that returns no rows (or ignores them) and resets it for reuse.
  void run();
  /// Clears bindings and rewinds so the statement can run again.
  void reset();

  std::int64_t columnInt64(int column) const;
  double columnDouble(int column) const;
  std::string columnText(int column) const;
  bool columnIsNull(int column) const;
  std::optional<std::int64_t> columnOptionalInt64(int column) const;
  std::optional<std::string> columnOptionalText(int column) const;
  std::optional<double> columnOptionalDouble(int column) const;

private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

} // namespace distillery::store
