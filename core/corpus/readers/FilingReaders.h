#pragma once
// Readers that turn one input file into one document (filing metadata plus sections). They stream: a file is
// read in pieces and its sections leave a few lines at a time through a DocumentSink, so memory depends on
// the limits below, not on the file's size. importPaths() writes what they send into the store; the read*
// functions collect a whole document in memory (tests, fuzzing).
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/corpus/Chunker.h"

namespace distillery::corpus {

struct DocumentInfo {
  std::string externalId; // file stem, accession number or record id
  std::string title;
  std::string filingType = "unknown";
  std::string company;
  std::string cik;
  std::string filingDate;
  std::string period;
  std::string sourcePath;
  std::string contentHash; // of the source bytes
  nlohmann::json metadata = nlohmann::json::object();
  std::vector<std::string> warnings; // repairs made while reading (e.g. invalid UTF-8 replaced)
};

struct ParsedDocument : DocumentInfo {
  std::vector<Section> sections;
};

/// Why a file could not be read as a document; the importer lists it under `skipped`.
class UnreadableInput : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// What one document may hold in memory at once, whatever the size of its file.
struct ReadLimits {
  std::size_t maxValueBytes = 64u << 20;    // a JSON string (an EDGAR item), a JSONL record, a line of text
  std::size_t htmlPieceBytes = 512u << 10;  // HTML goes through the parser in pieces of about this size
  std::size_t spillMemoryBytes = 4u << 20;  // converted text kept in memory between passes; more goes to a temp file
  std::size_t maxMetadataBytes = 64u << 10; // larger metadata fields are dropped (with a warning)
  // Files (and spilled text) are read this many bytes at a time. Only tests and fuzzing make it small, so that
  // lines, JSON tokens and UTF-8 sequences of small inputs span reads as they do in large files.
  std::size_t readBufferBytes = 1u << 20;
};

/// Receives a document from a streaming reader: beginDocument once its checks have passed, then its sections
/// (SectionSink), then endDocument with the final metadata (an EDGAR-CORPUS file may name its company after
/// its items). A reader that throws after beginDocument leaves the document unfinished: the sink drops it.
class DocumentSink : public SectionSink {
public:
  /// The file passed its checks; info.contentHash and info.warnings are set. False: not wanted (already
  /// imported), and the reader stops without reading further.
  virtual bool beginDocument(const DocumentInfo& info) = 0;
  /// No item heading came after all: the sections named leadName were the whole text and lose that name.
  virtual void unnameLeadSection(const std::string& leadName) = 0;
  virtual void endDocument(const DocumentInfo& info) = 0;
};

/// Per-file metadata from a metadata.jsonl sidecar: file name -> {form_type, company, period, cik, ...}.
using SidecarMetadata = std::map<std::string, nlohmann::json>;
/// Reads DIR/metadata.jsonl if present (empty map otherwise); bad lines are ignored.
SidecarMetadata readSidecar(const std::filesystem::path& dir);

/// EDGAR-CORPUS JSON (one object per filing, item_* fields), parsed as a stream of JSON events.
void streamEdgarJson(const std::filesystem::path& path, const ReadLimits& limits, DocumentSink& sink);
/// Full-submission .txt (SGML header, <DOCUMENT>s) or a single .htm/.html filing.
void streamEdgarFull(const std::filesystem::path& path, const SidecarMetadata& sidecar, const ReadLimits& limits,
                     DocumentSink& sink);
/// Plain text, pages split on form feeds; metadata from the sidecar, else from the text.
void streamPlainText(const std::filesystem::path& path, const SidecarMetadata& sidecar, const ReadLimits& limits,
                     DocumentSink& sink);

/// The same readers, collecting the whole document. Throw UnreadableInput with the reason a file is skipped.
ParsedDocument readEdgarJson(const std::filesystem::path& path, const ReadLimits& limits = {});
ParsedDocument readEdgarFull(const std::filesystem::path& path, const SidecarMetadata& sidecar,
                             const ReadLimits& limits = {});
ParsedDocument readPlainText(const std::filesystem::path& path, const SidecarMetadata& sidecar,
                             const ReadLimits& limits = {});

} // namespace distillery::corpus
