#include "core/model/EmbeddingMatrixFile.h"

#include "core/util/Error.h"
#include "core/util/FileWrite.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace distillery::model {
namespace {

// .npy v1.0: magic, version, little-endian header length, a Python dict literal padded to 64 bytes.
std::string npyHeader(std::int64_t rows, std::int64_t columns) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                     std::to_string(columns) + "), }";
  const std::size_t unpadded = 10 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict.push_back('\n');
  std::string header("\x93NUMPY\x01\x00", 8);
  header.push_back(static_cast<char>(dict.size() & 0xFF));
  header.push_back(static_cast<char>(dict.size() >> 8));
  return header + dict;
}

} // namespace

EmbeddingMatrixWriter::EmbeddingMatrixWriter(const std::filesystem::path& path, std::int64_t rows, std::int64_t columns)
    : path_(path), rows_(rows), columns_(columns) {
  const std::string header = npyHeader(rows, columns);
  dataOffset_ = static_cast<off_t>(header.size());
  const auto fileSize = dataOffset_ + static_cast<off_t>(rows * columns) * static_cast<off_t>(sizeof(float));
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd_ < 0)
    throw InputError(systemError("cannot create embedding file", path));
  // The blocks are allocated now, not row by row: a full disk (or a file size limit) fails here with its reason
  // instead of half-way through the rows.
  if (const int error = ::posix_fallocate(fd_, 0, fileSize); error != 0) {
    ::close(fd_);
    errno = error;
    throw Error(systemError("cannot make room for embedding file", path));
  }
  writeAt(0, header.data(), header.size());
}

EmbeddingMatrixWriter::~EmbeddingMatrixWriter() {
  try {
    close();
  } catch (...) {
  }
}

// Written with pwrite, not through a map: a map's written pages count in the process's resident memory until it is
// closed (3 GB for a million 768-dimension rows), the page cache's do not.
void EmbeddingMatrixWriter::writeAt(off_t offset, const void* bytes, std::size_t size) {
  const char* next = static_cast<const char*>(bytes);
  while (size > 0) {
    const ssize_t written = ::pwrite(fd_, next, size, offset);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      throw Error(systemError("cannot write embedding file", path_));
    next += written;
    offset += written;
    size -= static_cast<std::size_t>(written);
  }
}

void EmbeddingMatrixWriter::writeRow(std::int64_t row, const float* values) {
  if (row < 0 || row >= rows_)
    throw Error("embedding row " + std::to_string(row) + " outside 0.." + std::to_string(rows_ - 1));
  const auto rowBytes = static_cast<std::size_t>(columns_) * sizeof(float);
  writeAt(dataOffset_ + static_cast<off_t>(row) * static_cast<off_t>(rowBytes), values, rowBytes);
}

void EmbeddingMatrixWriter::close() {
  if (fd_ < 0)
    return;
  const bool synced = ::fdatasync(fd_) == 0;
  ::close(fd_);
  fd_ = -1;
  if (!synced)
    throw Error(systemError("cannot write embedding file", path_));
}

EmbeddingMatrixReader::EmbeddingMatrixReader(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0)
    throw InputError(systemError("cannot open embedding file", path));
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < 10) {
    ::close(fd);
    throw InputError(path.string() + ": not a .npy file (too short)");
  }
  mapSize_ = static_cast<std::size_t>(size);
  map_ = ::mmap(nullptr, mapSize_, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map_ == MAP_FAILED)
    throw InputError(systemError("cannot map embedding file", path));
  const auto* bytes = static_cast<const unsigned char*>(map_);
  if (std::memcmp(bytes, "\x93NUMPY", 6) != 0) {
    munmap(map_, mapSize_);
    throw InputError(path.string() + ": not a .npy file (bad magic)");
  }
  const std::size_t headerLength = bytes[8] | (static_cast<std::size_t>(bytes[9]) << 8);
  const std::string dict(reinterpret_cast<const char*>(bytes) + 10, std::min(headerLength, mapSize_ - 10));
  const auto shape = dict.find("'shape': (");
  if (dict.find("'<f4'") == std::string::npos || dict.find("'fortran_order': False") == std::string::npos ||
      shape == std::string::npos) {
    munmap(map_, mapSize_);
    throw InputError(path.string() + ": not a C-order float32 .npy matrix");
  }
  rows_ = std::stoll(dict.substr(shape + 10));
  columns_ = std::stoll(dict.substr(dict.find(',', shape + 10) + 1));
  const std::size_t dataOffset = 10 + headerLength;
  if (dataOffset + static_cast<std::size_t>(rows_ * columns_) * sizeof(float) > mapSize_) {
    munmap(map_, mapSize_);
    throw InputError(path.string() + ": truncated .npy matrix");
  }
  data_ = reinterpret_cast<const float*>(bytes + dataOffset);
}

EmbeddingMatrixReader::~EmbeddingMatrixReader() {
  if (map_ != nullptr && map_ != MAP_FAILED)
    ::munmap(map_, mapSize_);
}

} // namespace distillery::model
