#pragma once
// Pieces the streaming readers share (internal to core/corpus): the checking first pass over a text file,
// sidecar metadata, and the second pass of paged text (boilerplate out, item sections split, into the sink).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/corpus/Boilerplate.h"
#include "core/corpus/ItemSectionSplitter.h"
#include "core/corpus/TextViews.h"
#include "core/corpus/readers/FilingReaders.h"

namespace distillery::corpus {

/// Longest piece of a line the text readers take at once: a longer line (a one-line HTML filing) comes in pieces,
/// which HTML conversion joins again and plain text treats as lines.
constexpr std::size_t kLinePieceBytes = 1 << 20;

/// Reads a whole file once in pieces of bufferBytes: throws UnreadableInput for an empty or binary file, or one with
/// more than 1% invalid UTF-8 ("not text"); else returns the hash of its bytes as repaired (U+FFFD for each bad byte),
/// and adds a warning to info when something was repaired.
std::string checkedTextHash(const std::filesystem::path& path, DocumentInfo& info, std::size_t bufferBytes);

/// The reason for skipping a file whose invalid UTF-8 sequences reach 1% of its bytes, or empty.
std::string notTextReason(std::size_t invalidSequences, std::uint64_t bytes);
/// Adds the warning for repaired invalid UTF-8 (none when nothing was replaced).
void warnRepairedUtf8(DocumentInfo& info, std::size_t invalidSequences);

/// Filing type, company, period, CIK, filing date and title from DIR/metadata.jsonl's entry for the file.
void applySidecar(DocumentInfo& info, const std::filesystem::path& path, const SidecarMetadata& sidecar);

/// Splits a line of paged text at form feeds; a "<PAGE>" line (old full-submission text) is a page break too.
template <typename OnLine, typename OnBreak>
void forEachPagePart(std::string_view line, OnLine&& onLine, OnBreak&& onBreak) {
  if (const std::string_view trimmed = trim(line); trimmed == "<PAGE>" || trimmed == "<page>") {
    onBreak();
    return;
  }
  std::size_t start = 0;
  for (std::size_t feed; (feed = line.find('\f', start)) != std::string_view::npos; start = feed + 1) {
    onLine(line.substr(start, feed - start));
    onBreak();
  }
  onLine(line.substr(start));
}

/// The second pass over a paged document: lines through the boilerplate filter (which saw them all in the
/// first pass) and the item section splitter into the sink.
class PagedSections {
public:
  PagedSections(PagedBoilerplate& filter, DocumentSink& sink);
  void addLine(std::string_view line);
  void addPageBreak();
  /// Ends the last section; unnames the lead section when no item heading came.
  void finish();

private:
  PagedBoilerplate& filter_;
  DocumentSink& sink_;
  ItemSectionSplitter splitter_;
  LineCallback keep_;
};

} // namespace distillery::corpus
