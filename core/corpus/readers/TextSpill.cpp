#include "core/corpus/readers/TextSpill.h"

#include "core/corpus/readers/FilingReaders.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace distillery::corpus {
namespace {

constexpr std::size_t kHeaderBytes = 1 + sizeof(std::uint32_t);

// Calls record for each whole record in bytes; returns how many bytes they took.
std::size_t replayRecords(std::string_view bytes, const std::function<void(char, std::string_view)>& record) {
  std::size_t at = 0;
  while (bytes.size() - at >= kHeaderBytes) {
    std::uint32_t length;
    std::memcpy(&length, bytes.data() + at + 1, sizeof length);
    if (bytes.size() - at - kHeaderBytes < length)
      break;
    record(bytes[at], bytes.substr(at + kHeaderBytes, length));
    at += kHeaderBytes + length;
  }
  return at;
}

} // namespace

TextSpill::TextSpill(std::size_t memoryBytes, std::size_t readBytes)
    : memoryBytes_(memoryBytes), readBytes_(std::max<std::size_t>(readBytes, 1)), file_(nullptr, &std::fclose) {}

void TextSpill::add(char kind, std::string_view text) {
  // Records longer than 4 GiB do not occur: readers pass lines and pieces of at most ReadLimits sizes.
  const auto length = static_cast<std::uint32_t>(text.size());
  buffer_ += kind;
  buffer_.append(reinterpret_cast<const char*>(&length), sizeof length);
  buffer_.append(text.substr(0, length));
  if (buffer_.size() >= memoryBytes_)
    flush();
}

void TextSpill::flush() {
  if (!file_) {
    file_.reset(std::tmpfile());
    if (!file_)
      throw UnreadableInput("cannot create a temporary file for the converted text");
  }
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get()) != buffer_.size())
    throw UnreadableInput("cannot write the converted text to a temporary file (disk full?)");
  buffer_.clear();
}

void TextSpill::replay(const std::function<void(char, std::string_view)>& record) {
  if (file_) {
    std::fflush(file_.get());
    std::rewind(file_.get());
    std::vector<char> chunk(readBytes_);
    std::string carry;
    while (const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), file_.get())) {
      carry.append(chunk.data(), got);
      carry.erase(0, replayRecords(carry, record));
    }
    if (!carry.empty())
      throw UnreadableInput("the temporary file of the converted text was cut short");
  }
  replayRecords(buffer_, record);
}

} // namespace distillery::corpus
