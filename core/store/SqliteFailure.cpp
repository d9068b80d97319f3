#include "core/store/SqliteFailure.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace distillery::store {
namespace {

std::string fileOf(sqlite3* db) {
  const char* name = sqlite3_db_filename(db, "main");
  return name && *name ? "'" + std::string(name) + "'" : std::string("(in memory)");
}

// The writes a full disk or a file size limit refuses. SQLite reports ENOSPC as SQLITE_FULL, every other refused
// write (EFBIG past RLIMIT_FSIZE, EDQUOT) as one of these.
bool isRefusedWrite(int rc) {
  return rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC || rc == SQLITE_IOERR_TRUNCATE ||
         rc == SQLITE_IOERR_SHMSIZE || rc == SQLITE_IOERR_SHMMAP;
}

// Whether the file begins with SQLite's header: a file that does not (an image, a PDF) was never an experiment, while
// one that does but cannot be read is a damaged one.
bool startsLikeSqlite(sqlite3* db) {
  const char* name = sqlite3_db_filename(db, "main");
  if (!name || !*name)
    return true;
  char header[16] = {};
  std::ifstream file(name, std::ios::binary);
  file.read(header, sizeof header);
  return file.gcount() == sizeof header && std::memcmp(header, "SQLite format 3", sizeof header) == 0;
}

} // namespace

std::optional<std::string> describeFileFailure(sqlite3* db, int rc) {
  const int primary = rc & 0xff;
  const std::string sqlite = sqlite3_errmsg(db);
  // errno as SQLite last saw it: often right, sometimes already overwritten (then 0), so it only adds detail.
  const int error = sqlite3_system_errno(db);
  const std::string cause = error != 0 ? std::string(std::strerror(error)) + ", SQLite: " + sqlite : sqlite;
  // SQLite undoes a failed statement (and Store the transaction around it); every step can be run again.
  const std::string kept = "; what was stored before is intact and the interrupted work can be repeated";
  if (primary == SQLITE_FULL || isRefusedWrite(rc))
    return "cannot write experiment " + fileOf(db) + " (or the -wal journal beside it): the disk is full or a file " +
           "size limit was reached (" + cause + ")" + kept + " once there is space";
  if (primary == SQLITE_READONLY)
    return "cannot write experiment " + fileOf(db) + ": it is read-only (" + sqlite + ")" + kept +
           "; make the file and its folder writable, or work on a copy";
  if (primary == SQLITE_IOERR)
    return "cannot read or write experiment " + fileOf(db) + " (" + cause + ")" + kept;
  if (primary == SQLITE_CANTOPEN)
    return "cannot open experiment " + fileOf(db) + " or the -wal/-shm files SQLite keeps beside it (" + cause +
           "): is its folder writable?";
  if (primary == SQLITE_NOTADB && !startsLikeSqlite(db))
    return fileOf(db) +
           " is not a Distillery experiment (an experiment is an SQLite file; this one is something "
           "else: " +
           sqlite + ")";
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    return "experiment " + fileOf(db) + " is damaged: " + sqlite;
  return std::nullopt;
}

} // namespace distillery::store
