#include "core/corpus/readers/LineReader.h"

#include "core/corpus/readers/FilingReaders.h"

#include <cstring>

namespace distillery::corpus {

LineReader::LineReader(const std::filesystem::path& path, std::size_t maxLineBytes, LongLines longLines,
                       std::size_t bufferBytes)
    : file_(std::fopen(path.c_str(), "rb"), &std::fclose), maxLineBytes_(std::max<std::size_t>(maxLineBytes, 4)),
      longLines_(longLines), buffer_(std::max<std::size_t>(bufferBytes, 1)) {
  if (!file_)
    throw UnreadableInput("cannot open file");
}

bool LineReader::refill() {
  const std::size_t got = std::fread(buffer_.data(), 1, buffer_.size(), file_.get());
  position_ = buffer_.data();
  end_ = position_ + got;
  return got > 0;
}

bool LineReader::next() {
  startsLine_ = !partial_;
  if (startsLine_)
    lineBytes_ = 0;
  carry_.swap(heldBack_); // the end of the last piece that was moved back to the next one, if any
  heldBack_.clear();
  bytesRead_ += carry_.size();
  lineBytes_ += carry_.size();
  line_ = {};
  tooLong_ = partial_ = endsWithNewline_ = false;
  bool started = !carry_.empty();
  while (true) {
    if (position_ == end_ && !refill()) {
      if (!started)
        return false;
      lineNumber_ += startsLine_;
      if (!tooLong_)
        line_ = carry_;
      return true;
    }
    started = true;
    const auto available = static_cast<std::size_t>(end_ - position_);
    const char* newline = static_cast<const char*>(std::memchr(position_, '\n', available));
    std::size_t length = newline ? static_cast<std::size_t>(newline - position_) : available;
    if (longLines_ == LongLines::Split && carry_.size() + length > maxLineBytes_) {
      // The piece ends maxLineBytes_ into it, moved back to the start of a UTF-8 sequence. When the line spans a
      // refill, the bytes moved back over may be in carry_ already: they are held back to start the next piece.
      const auto byteAt = [&](std::size_t k) { return k < carry_.size() ? carry_[k] : position_[k - carry_.size()]; };
      std::size_t end = maxLineBytes_;
      for (int back = 0; back < 3 && end > 1 && (static_cast<unsigned char>(byteAt(end)) & 0xC0) == 0x80; ++back)
        --end;
      const std::size_t take = end > carry_.size() ? end - carry_.size() : 0;
      carry_.append(position_, take);
      position_ += take;
      heldBack_.assign(carry_, end);
      carry_.resize(end);
      bytesRead_ += take;
      bytesRead_ -= heldBack_.size();
      lineBytes_ += take;
      lineBytes_ -= heldBack_.size();
      lineNumber_ += startsLine_;
      partial_ = true;
      line_ = carry_;
      return true;
    }
    lineBytes_ += length;
    if (longLines_ == LongLines::Skip && !tooLong_ && lineBytes_ > maxLineBytes_) {
      tooLong_ = true;
      std::string().swap(carry_); // give the memory back now, not at the next line
    }
    if (newline && !tooLong_ && carry_.empty()) { // the common case: the whole line is in the buffer
      line_ = std::string_view(position_, length);
      position_ = newline + 1;
      bytesRead_ += length + 1;
      lineNumber_ += startsLine_;
      endsWithNewline_ = true;
      return true;
    }
    if (!tooLong_)
      carry_.append(position_, length);
    bytesRead_ += length;
    position_ += length;
    if (newline) {
      ++position_;
      ++bytesRead_;
      lineNumber_ += startsLine_;
      endsWithNewline_ = true;
      if (!tooLong_)
        line_ = carry_;
      return true;
    }
  }
}

} // namespace distillery::corpus
