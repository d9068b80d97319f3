#include "core/corpus/readers/Utf8Repairer.h"

#include "core/util/Utf8.h"

#include <cstdint>
#include <cstring>

namespace distillery::corpus {
namespace {

// Where an incomplete but possibly well-formed sequence starts at the end of bytes, or bytes.size().
std::size_t incompleteTail(std::string_view bytes) {
  const std::size_t n = bytes.size();
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    const auto c = static_cast<unsigned char>(bytes[n - back]);
    if (c < 0x80)
      return n;      // ASCII: nothing is cut
    if (c >= 0xC0) { // a lead byte: cut when its sequence needs more bytes than there are
      const std::size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      return need > back ? n - back : n;
    }
  }
  return n;
}

} // namespace

std::size_t asciiPrefix(std::string_view bytes) {
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    if (word & 0x8080808080808080ull)
      break;
  }
  while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) < 0x80)
    ++i;
  return i;
}

std::string_view Utf8Repairer::repair(std::string_view piece, bool last) {
  std::string_view bytes = piece;
  if (!carry_.empty()) {
    joined_.assign(carry_);
    joined_.append(piece);
    carry_.clear();
    bytes = joined_;
  }
  const std::size_t keep = last ? bytes.size() : incompleteTail(bytes);
  carry_.assign(bytes.substr(keep));
  bytes = bytes.substr(0, keep);
  const std::size_t ascii = asciiPrefix(bytes);
  if (ascii == bytes.size() || isValidUtf8(bytes.substr(ascii)))
    return bytes;
  std::size_t replaced = 0;
  out_.assign(bytes.substr(0, ascii));
  out_.append(repairUtf8(bytes.substr(ascii), &replaced));
  replaced_ += replaced;
  return out_;
}

} // namespace distillery::corpus
