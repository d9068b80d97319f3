#include "core/util/FileWrite.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/util/Error.h"

namespace distillery {

std::string systemError(const std::string& what, const std::filesystem::path& path) {
  const int error = errno;
  return what + " " + path.string() + ": " + (error != 0 ? std::strerror(error) : "unknown reason");
}

void writeWholeFile(const std::filesystem::path& path, std::string_view contents) {
  // stdio rather than a stream: fwrite and fclose report the failure and leave errno saying why.
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file)
    throw Error(systemError("cannot write", path));
  const bool written = std::fwrite(contents.data(), 1, contents.size(), file) == contents.size();
  const std::string error = written ? std::string() : systemError("cannot write", path);
  if (std::fclose(file) != 0 && written)
    throw Error(systemError("cannot write", path));
  if (!written)
    throw Error(error);
}

} // namespace distillery
