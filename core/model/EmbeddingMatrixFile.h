#pragma once
// A float32 rows x columns matrix on disk in NumPy's .npy layout (numpy.load(..., mmap_mode="r") reads it), written
// row by row and read through a memory map, so a corpus's embeddings never have to sit in memory whole.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <sys/types.h>

namespace distillery::model {

class EmbeddingMatrixWriter {
public:
  /// Creates (replaces) the file at its final size; rows start as zeros.
  EmbeddingMatrixWriter(const std::filesystem::path& path, std::int64_t rows, std::int64_t columns);
  ~EmbeddingMatrixWriter();
  EmbeddingMatrixWriter(const EmbeddingMatrixWriter&) = delete;
  EmbeddingMatrixWriter& operator=(const EmbeddingMatrixWriter&) = delete;

  void writeRow(std::int64_t row, const float* values);
  /// Flushes the file to disk; the destructor does the same, ignoring errors.
  void close();

private:
  void writeAt(off_t offset, const void* bytes, std::size_t size);

  std::filesystem::path path_;
  std::int64_t rows_ = 0, columns_ = 0;
  int fd_ = -1;
  off_t dataOffset_ = 0;
};

/// Read-only view of a matrix written by EmbeddingMatrixWriter (any .npy float32 C-order 2-D array).
class EmbeddingMatrixReader {
public:
  explicit EmbeddingMatrixReader(const std::filesystem::path& path);
  ~EmbeddingMatrixReader();
  EmbeddingMatrixReader(const EmbeddingMatrixReader&) = delete;
  EmbeddingMatrixReader& operator=(const EmbeddingMatrixReader&) = delete;

  std::int64_t rows() const { return rows_; }
  std::int64_t columns() const { return columns_; }
  const float* row(std::int64_t index) const { return data_ + index * columns_; }

private:
  std::int64_t rows_ = 0, columns_ = 0;
  void* map_ = nullptr;
  std::size_t mapSize_ = 0;
  const float* data_ = nullptr;
};

} // namespace distillery::model
