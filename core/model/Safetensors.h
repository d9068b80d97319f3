#pragma once
// The safetensors format (8-byte little-endian header length, JSON header, raw tensor bytes), read with
// strict checks: a truncated file, a header whose offsets lie, overlapping or missing bytes, an unknown
// dtype or a size that does not match the shape each throw InputError naming the file and tensor.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace distillery::model {

struct SafetensorsEntry {
  std::string dtype; // F32, F16, BF16, F64, I64, I32, ...
  std::vector<std::int64_t> shape;
  std::size_t begin = 0; // byte offsets into the data section
  std::size_t end = 0;
  std::int64_t elementCount() const;
};

class SafetensorsFile {
public:
  static SafetensorsFile read(const std::filesystem::path& path);

  const std::map<std::string, SafetensorsEntry>& entries() const { return entries_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const { return entries_.count(name) != 0; }
  const SafetensorsEntry& entry(const std::string& name) const;
  /// The tensor as float32 values (F32 copied, F16/BF16/F64 converted); throws for integer dtypes.
  std::vector<float> toFloat32(const std::string& name) const;
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
  std::vector<char> data_; // the data section
  std::map<std::string, SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
};

struct SafetensorsTensorView {
  std::string name;
  std::vector<std::int64_t> shape;
  const float* values = nullptr; // row-major, product(shape) floats
};

/// Writes F32 tensors (sorted by name, contiguous, header padded to 8 bytes) to path atomically.
void writeSafetensors(const std::filesystem::path& path, std::vector<SafetensorsTensorView> tensors,
                      const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

} // namespace distillery::model
