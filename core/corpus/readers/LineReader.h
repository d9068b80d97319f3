#pragma once
// Reads a file line by line through a fixed buffer and never holds more than maxLineBytes of one line:
// a longer line is reported as too long and skipped to its end unread, so a gigabyte-long JSON line
// costs a scan of the file, not a gigabyte of memory (std::getline would keep it whole).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace distillery::corpus {

class LineReader {
public:
  enum class LongLines {
    Skip,  // a line longer than maxLineBytes is skipped (tooLong())
    Split, // it comes in pieces of at most maxLineBytes, cut between UTF-8 sequences (partial())
  };
  /// Throws UnreadableInput when the file cannot be opened. The file is read bufferBytes at a time.
  LineReader(const std::filesystem::path& path, std::size_t maxLineBytes, LongLines longLines = LongLines::Skip,
             std::size_t bufferBytes = kDefaultBufferBytes);

  static constexpr std::size_t kDefaultBufferBytes = 1 << 20;

  /// Moves to the next line; false at the end of the file. A last line without '\n' still counts.
  bool next();
  /// The current line without its '\n' (a '\r' before it is kept); empty when tooLong(). Valid until next().
  std::string_view line() const { return line_; }
  /// The current line is longer than maxLineBytes: its bytes were skipped, not kept.
  bool tooLong() const { return tooLong_; }
  /// Split mode: the line goes on in the next piece (no '\n' after this one yet).
  bool partial() const { return partial_; }
  /// This piece starts a line (false for the second and later pieces of a split line).
  bool startsLine() const { return startsLine_; }
  /// The line ended with '\n' (false for the last line of a file without one, and for partial pieces).
  bool endsWithNewline() const { return endsWithNewline_; }
  /// Length of the current line in bytes, also when it was too long to keep.
  std::uint64_t lineBytes() const { return lineBytes_; }
  std::int64_t lineNumber() const { return lineNumber_; }
  /// Bytes of the file passed on so far (lines, pieces and their newlines).
  std::uint64_t bytesRead() const { return bytesRead_; }

private:
  bool refill();

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::size_t maxLineBytes_;
  LongLines longLines_;
  std::vector<char> buffer_;
  const char* position_ = nullptr;
  const char* end_ = nullptr;
  std::string carry_;    // a line that spans buffer refills
  std::string heldBack_; // Split: the start of a UTF-8 sequence cut off the end of a piece, which begins the next one
  std::string_view line_;
  bool tooLong_ = false;
  bool partial_ = false;
  bool startsLine_ = true;
  bool endsWithNewline_ = false;
  std::uint64_t lineBytes_ = 0;
  std::int64_t lineNumber_ = 0;
  std::uint64_t bytesRead_ = 0;
};

} // namespace distillery::corpus
