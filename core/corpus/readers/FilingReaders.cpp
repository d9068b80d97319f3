#include "core/corpus/readers/FilingReaders.h"

#include "core/corpus/FilingText.h"
#include "core/corpus/TextViews.h"
#include "core/corpus/readers/BoundedJson.h"
#include "core/corpus/readers/LineReader.h"
#include "core/corpus/readers/ReaderSupport.h"
#include "core/util/Hash.h"
#include "core/util/Utf8.h"

#include <algorithm>

namespace distillery::corpus {
namespace {

constexpr std::size_t kMaxSidecarLineBytes = 1 << 20;

// A DocumentSink that keeps the whole document (the read* functions).
class CollectingSink : public DocumentSink {
public:
  explicit CollectingSink(ParsedDocument& doc) : doc_(doc) {}
  bool beginDocument(const DocumentInfo&) override { return true; }
  void beginSection(const std::string& name) override { doc_.sections.push_back({name, {}}); }
  void addText(std::string_view lines) override {
    doc_.sections.back().text.append(lines);
    doc_.sections.back().text += '\n';
  }
  void endSection() override {}
  void unnameLeadSection(const std::string& leadName) override {
    for (Section& section : doc_.sections)
      if (section.name == leadName)
        section.name.clear();
  }
  void endDocument(const DocumentInfo& info) override {
    static_cast<DocumentInfo&>(doc_) = info;
    std::erase_if(doc_.sections, [](const Section& s) { return trim(s.text).empty(); });
  }

private:
  ParsedDocument& doc_;
};

template <typename Stream> ParsedDocument collect(Stream&& stream) {
  ParsedDocument doc;
  CollectingSink sink(doc);
  stream(sink);
  return doc;
}

// Both passes of plain text read the file the same way: pieces of lines, UTF-8 repaired, split at page breaks.
template <typename OnPiece>
void readTextPieces(const std::filesystem::path& path, const ReadLimits& limits, OnPiece&& onPiece) {
  LineReader reader(path, std::min(limits.maxValueBytes, kLinePieceBytes), LineReader::LongLines::Split,
                    limits.readBufferBytes);
  while (reader.next()) {
    const std::string_view raw = reader.line();
    if (isValidUtf8(raw)) {
      onPiece(raw, reader.endsWithNewline(), std::size_t(0));
    } else {
      std::size_t replaced = 0;
      const std::string repaired = repairUtf8(raw, &replaced);
      onPiece(std::string_view(repaired), reader.endsWithNewline(), replaced);
    }
  }
}

} // namespace

SidecarMetadata readSidecar(const std::filesystem::path& dir) {
  SidecarMetadata sidecar;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "metadata.jsonl", ec))
    return sidecar;
  try {
    LineReader lines(dir / "metadata.jsonl", kMaxSidecarLineBytes);
    while (lines.next()) {
      if (lines.tooLong())
        continue;
      nlohmann::json entry;
      try {
        entry = parseBoundedJson(repairUtf8(lines.line()));
      } catch (const UnreadableInput&) {
        continue;
      }
      if (!entry.is_object())
        continue;
      for (const char* key : {"file", "filename", "path"})
        if (const auto file = entry.find(key);
            file != entry.end() && file->is_string() && !file->get_ref<const std::string&>().empty()) {
          sidecar[std::filesystem::path(file->get<std::string>()).filename().string()] = entry;
          break;
        }
    }
  } catch (const UnreadableInput&) {
    // an unreadable sidecar is no sidecar
  }
  return sidecar;
}

void streamPlainText(const std::filesystem::path& path, const SidecarMetadata& sidecar, const ReadLimits& limits,
                     DocumentSink& sink) {
  DocumentInfo info;
  info.sourcePath = path.string();
  info.externalId = path.stem().string();
  // First pass: checks, hash, the head for the filing type, and the boilerplate counts.
  ContentHasher hasher;
  PagedBoilerplate filter;
  std::string head;
  std::size_t badSequences = 0;
  std::uint64_t bytes = 0;
  bool blank = true;
  const auto observeLine = [&](std::string_view line) { filter.observeLine(line); };
  const auto observeBreak = [&] { filter.observePageBreak(); };
  readTextPieces(path, limits, [&](std::string_view piece, bool newline, std::size_t replaced) {
    if (piece.find('\0') != std::string_view::npos)
      throw UnreadableInput("binary file (contains NUL bytes)");
    blank = blank && trim(piece).empty();
    badSequences += replaced;
    bytes += piece.size() + newline;
    hasher.update(piece);
    if (newline)
      hasher.update("\n");
    if (head.size() < 6000) {
      head.append(piece);
      head += '\n';
    }
    forEachPagePart(piece, observeLine, observeBreak);
  });
  if (blank)
    throw UnreadableInput("empty file");
  if (const std::string reason = notTextReason(badSequences, bytes); !reason.empty())
    throw UnreadableInput(reason);
  warnRepairedUtf8(info, badSequences);
  info.contentHash = hasher.hexDigest();
  applySidecar(info, path, sidecar);
  if (info.filingType == "unknown")
    if (std::string form = detectFilingTypeInText(head); !form.empty())
      info.filingType = form;
  if (info.title.empty())
    info.title = info.company.empty() ? info.externalId : info.company + " " + info.filingType + " " + info.period;
  if (!sink.beginDocument(info))
    return;
  // Second pass: the same lines through the filter and the section splitter.
  PagedSections sections(filter, sink);
  const auto addLine = [&](std::string_view line) { sections.addLine(line); };
  const auto addBreak = [&] { sections.addPageBreak(); };
  readTextPieces(path, limits,
                 [&](std::string_view piece, bool, std::size_t) { forEachPagePart(piece, addLine, addBreak); });
  sections.finish();
  sink.endDocument(info);
}

ParsedDocument readEdgarJson(const std::filesystem::path& path, const ReadLimits& limits) {
  return collect([&](DocumentSink& sink) { streamEdgarJson(path, limits, sink); });
}

ParsedDocument readEdgarFull(const std::filesystem::path& path, const SidecarMetadata& sidecar,
                             const ReadLimits& limits) {
  return collect([&](DocumentSink& sink) { streamEdgarFull(path, sidecar, limits, sink); });
}

ParsedDocument readPlainText(const std::filesystem::path& path, const SidecarMetadata& sidecar,
                             const ReadLimits& limits) {
  return collect([&](DocumentSink& sink) { streamPlainText(path, sidecar, limits, sink); });
}

} // namespace distillery::corpus
