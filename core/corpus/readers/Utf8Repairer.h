#pragma once
// UTF-8 repair of a file read in pieces: the same result as repairUtf8 over the whole file, because a sequence
// cut by a piece boundary is held back and completed by the next piece.
#include <cstddef>
#include <string>
#include <string_view>

namespace distillery::corpus {

class Utf8Repairer {
public:
  /// The repaired bytes of piece (valid until the next call); last: no more pieces follow, so nothing is held back.
  std::string_view repair(std::string_view piece, bool last);
  /// Ill-formed sequences replaced by U+FFFD so far.
  std::size_t replaced() const { return replaced_; }

private:
  std::string carry_; // the start of a sequence that the previous piece cut off
  std::string joined_;
  std::string out_;
  std::size_t replaced_ = 0;
};

/// Length of the prefix of bytes that is plain ASCII (checked eight bytes at a time).
std::size_t asciiPrefix(std::string_view bytes);

} // namespace distillery::corpus
