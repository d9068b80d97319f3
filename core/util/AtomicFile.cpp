#include "core/util/AtomicFile.h"

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <unistd.h>

#include "core/util/Error.h"
#include "core/util/FileWrite.h"

namespace distillery {

std::filesystem::path partialPathOf(const std::filesystem::path& target) {
  return target.string() + ".partial";
}

AtomicFile::AtomicFile(std::filesystem::path target, std::string what)
    : target_(std::move(target)), temporary_(partialPathOf(target_)), what_(std::move(what)) {
  errno = 0;
  file_ = std::fopen(temporary_.c_str(), "wb");
  if (!file_)
    throw Error(systemError(what_, temporary_));
}

AtomicFile::~AtomicFile() {
  if (file_)
    std::fclose(file_);
  if (!temporary_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

void AtomicFile::write(std::string_view bytes) {
  errno = 0;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
    fail();
}

void AtomicFile::fail() {
  throw Error(systemError(what_, temporary_));
}

void AtomicFile::commit() {
  // stdio buffers: the last bytes reach the file system in fflush, and fsync makes them durable before the rename
  // publishes them (otherwise a crash could leave the new name with no data behind it).
  errno = 0;
  const bool flushed = std::fflush(file_) == 0 && ::fsync(fileno(file_)) == 0;
  const std::string error = flushed ? std::string() : systemError(what_, temporary_);
  errno = 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed)
    throw Error(error);
  if (!closed)
    fail();
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0)
    throw Error(systemError("cannot rename " + temporary_.string() + " to", target_));
  temporary_.clear(); // committed: nothing left to remove
}

void writeFileAtomically(const std::filesystem::path& target, std::string_view contents) {
  AtomicFile file(target);
  file.write(contents);
  file.commit();
}

void buildDirectoryAtomically(const std::filesystem::path& directory,
                              const std::function<void(const std::filesystem::path& partial)>& build) {
  const std::filesystem::path partial = partialPathOf(directory);
  std::filesystem::remove_all(partial);
  try {
    build(partial);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(partial, ignored);
    throw;
  }
  std::filesystem::remove_all(directory);
  std::filesystem::rename(partial, directory);
}

} // namespace distillery
