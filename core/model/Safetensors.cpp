#include "core/model/Safetensors.h"

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <optional>

namespace distillery::model {
namespace {

std::size_t dtypeSize(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64")
    return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32")
    return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16")
    return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL")
    return 1;
  return 0;
}

float halfToFloat(std::uint16_t h) {
  const std::uint32_t sign = (h & 0x8000u) << 16;
  std::uint32_t exponent = (h >> 10) & 0x1Fu;
  std::uint32_t mantissa = h & 0x3FFu;
  std::uint32_t bits;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000u | (mantissa << 13); // inf / nan
  } else if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else { // subnormal: renormalise
      exponent = 127 - 15 + 1;
      while ((mantissa & 0x400u) == 0) {
        mantissa <<= 1;
        --exponent;
      }
      mantissa &= 0x3FFu;
      bits = sign | (exponent << 23) | (mantissa << 13);
    }
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  return std::bit_cast<float>(bits);
}

std::optional<std::int64_t> checkedElementCount(const std::vector<std::int64_t>& shape) {
  std::int64_t count = 1;
  for (const auto d : shape)
    if (d < 0 || __builtin_mul_overflow(count, d, &count))
      return std::nullopt;
  return count;
}

} // namespace

std::int64_t SafetensorsEntry::elementCount() const {
  // read() refuses shapes whose byte size overflows, so this holds for every entry of a file it accepted.
  const auto count = checkedElementCount(shape);
  if (!count)
    throw InputError("tensor shape overflows 64 bits");
  return *count;
}

SafetensorsFile SafetensorsFile::read(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError("cannot read " + where);
  in.seekg(0, std::ios::end);
  const auto fileSize = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  if (fileSize < 8)
    throw InputError(where + ": truncated safetensors file (" + std::to_string(fileSize) + " bytes, no header)");
  unsigned char lengthBytes[8];
  in.read(reinterpret_cast<char*>(lengthBytes), 8);
  std::uint64_t headerLength = 0;
  for (int i = 7; i >= 0; --i)
    headerLength = (headerLength << 8) | lengthBytes[i];
  if (headerLength == 0 || headerLength > fileSize - 8 || headerLength > 100'000'000)
    throw InputError(where + ": header length " + std::to_string(headerLength) + " does not fit the file size " +
                     std::to_string(fileSize) + " (truncated or not a safetensors file)");
  std::string header(headerLength, '\0');
  in.read(header.data(), static_cast<std::streamsize>(headerLength));
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(header);
  } catch (const nlohmann::json::exception& e) { // parse_error, or out_of_range for a number like 1e999
    throw InputError(where + ": header is not valid JSON: " + e.what());
  }
  if (!json.is_object())
    throw InputError(where + ": header is not a JSON object");

  SafetensorsFile file;
  file.path_ = path;
  const std::uint64_t dataSize = fileSize - 8 - headerLength;
  for (const auto& [name, value] : json.items()) {
    if (name == "__metadata__") {
      if (value.is_object())
        for (const auto& [key, text] : value.items())
          if (text.is_string())
            file.metadata_[key] = text.get<std::string>();
      continue;
    }
    const std::string tensor = where + ": tensor " + name;
    if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") || !value.contains("data_offsets"))
      throw InputError(tensor + ": entry needs dtype, shape and data_offsets");
    SafetensorsEntry entry;
    if (!value["dtype"].is_string() || dtypeSize(value["dtype"].get<std::string>()) == 0)
      throw InputError(tensor + ": unknown dtype " + value["dtype"].dump());
    entry.dtype = value["dtype"].get<std::string>();
    if (!value["shape"].is_array())
      throw InputError(tensor + ": shape is not an array");
    for (const auto& d : value["shape"]) {
      // Unsigned: neither negative nor a double (5e20), and checked against INT64_MAX before converting.
      if (!d.is_number_unsigned() || d.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
        throw InputError(tensor + ": shape " + value["shape"].dump() +
                         " has a negative, non-integer or huge dimension");
      entry.shape.push_back(static_cast<std::int64_t>(d.get<std::uint64_t>()));
    }
    const auto& offsets = value["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      throw InputError(tensor + ": data_offsets must be two non-negative integers");
    const auto begin = offsets[0].get<std::uint64_t>();
    const auto end = offsets[1].get<std::uint64_t>();
    if (begin > end || end > dataSize)
      throw InputError(tensor + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                       "] lie outside the " + std::to_string(dataSize) + " data bytes (truncated or corrupt file)");
    // Checked products: 2^62 x 8 elements wrap to 0 and would pass for an empty tensor.
    const auto count = checkedElementCount(entry.shape);
    std::uint64_t expected = 0;
    if (!count || __builtin_mul_overflow(static_cast<std::uint64_t>(*count), dtypeSize(entry.dtype), &expected))
      throw InputError(tensor + ": shape " + value["shape"].dump() + " has more elements than 64 bits can count");
    if (end - begin != expected)
      throw InputError(tensor + ": " + std::to_string(end - begin) + " bytes for shape " + value["shape"].dump() +
                       " of " + entry.dtype + " (needs " + std::to_string(expected) + ")");
    entry.begin = static_cast<std::size_t>(begin);
    entry.end = static_cast<std::size_t>(end);
    file.entries_.emplace(name, std::move(entry));
  }
  // The data section must be covered exactly once: no overlaps, no holes, nothing trailing.
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const auto& [name, entry] : file.entries_)
    ranges.emplace_back(entry.begin, entry.end);
  std::sort(ranges.begin(), ranges.end());
  std::size_t covered = 0;
  for (const auto& [begin, end] : ranges) {
    if (begin != covered)
      throw InputError(where + ": header offsets " + (begin < covered ? "overlap" : "leave a gap") + " at byte " +
                       std::to_string(begin) + " of the data section");
    covered = end;
  }
  if (covered != dataSize)
    throw InputError(where + ": header describes " + std::to_string(covered) + " data bytes but the file holds " +
                     std::to_string(dataSize));
  file.data_.resize(static_cast<std::size_t>(dataSize));
  in.read(file.data_.data(), static_cast<std::streamsize>(dataSize));
  if (static_cast<std::uint64_t>(in.gcount()) != dataSize)
    throw InputError(where + ": could not read the data section");
  return file;
}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end())
    throw InputError(path_.string() + ": missing tensor " + name);
  return it->second;
}

std::vector<float> SafetensorsFile::toFloat32(const std::string& name) const {
  const auto& e = entry(name);
  const char* bytes = data_.data() + e.begin;
  const auto count = static_cast<std::size_t>(e.elementCount());
  std::vector<float> out(count);
  // Little-endian data as the format prescribes; memcpy avoids unaligned reads.
  if (e.dtype == "F32") {
    if (count > 0) // an empty tensor has no bytes (data() may be null)
      std::memcpy(out.data(), bytes, count * 4);
  } else if (e.dtype == "F16" || e.dtype == "BF16") {
    const bool brain = e.dtype == "BF16";
    for (std::size_t i = 0; i < count; ++i) {
      std::uint16_t h;
      std::memcpy(&h, bytes + 2 * i, 2);
      out[i] = brain ? std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16) : halfToFloat(h);
    }
  } else if (e.dtype == "F64") {
    for (std::size_t i = 0; i < count; ++i) {
      double d;
      std::memcpy(&d, bytes + 8 * i, 8);
      out[i] = static_cast<float>(d);
    }
  } else {
    throw InputError(path_.string() + ": tensor " + name + " has dtype " + e.dtype + ", expected F32, F16 or BF16");
  }
  return out;
}

void writeSafetensors(const std::filesystem::path& path, std::vector<SafetensorsTensorView> tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::sort(tensors.begin(), tensors.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  std::size_t offset = 0;
  for (const auto& t : tensors) {
    std::size_t count = 1;
    for (const auto d : t.shape)
      count *= static_cast<std::size_t>(d);
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + 4 * count}}};
    offset += 4 * count;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  AtomicFile out(path);
  const std::uint64_t length = text.size();
  char lengthBytes[8];
  for (int i = 0; i < 8; ++i)
    lengthBytes[i] = static_cast<char>(length >> (8 * i));
  out.write({lengthBytes, 8});
  out.write(text);
  for (const auto& t : tensors) {
    std::size_t count = 1;
    for (const auto d : t.shape)
      count *= static_cast<std::size_t>(d);
    out.write({reinterpret_cast<const char*>(t.values), 4 * count});
  }
  out.commit();
}

} // namespace distillery::model
