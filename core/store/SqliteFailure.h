#pragma once
// Words for what SQLite refused. A full disk, a read-only file or a damaged experiment is the user's to fix, so
// those messages name the experiment file and the cause the operating system gave; other failures (a constraint,
// a bad statement) are Distillery's own and keep SQLite's wording with the statement.
#include <optional>
#include <string>

struct sqlite3;

namespace distillery::store {

/// For a failure of the file itself (disk full, read-only, cannot open, damaged): a message naming the experiment
/// file and the cause; nullopt for every other failure.
std::optional<std::string> describeFileFailure(sqlite3* db, int rc);

} // namespace distillery::store
