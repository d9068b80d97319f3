#pragma once
// Records of text written once and read back in order, for readers that need two passes over text they had
// to convert (HTML): kept in memory up to a limit, the rest in an anonymous temporary file.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace distillery::corpus {

class TextSpill {
public:
  /// Up to memoryBytes stay in memory; the temporary file is read back readBytes at a time.
  explicit TextSpill(std::size_t memoryBytes, std::size_t readBytes = 1 << 20);

  /// A record: a kind the reader chooses (a line, a page break, the start of an exhibit) and its text.
  void add(char kind, std::string_view text);
  /// Every record in the order added. Throws UnreadableInput when the temporary file fails.
  void replay(const std::function<void(char kind, std::string_view text)>& record);

private:
  void flush();

  std::size_t memoryBytes_;
  std::size_t readBytes_;
  std::string buffer_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
};

} // namespace distillery::corpus
