#pragma once
// Readers that turn one input file into one parsed document (sections plus filing metadata). Used by
// importPaths(); exposed for tests and for the downloader, which writes the sidecar they read.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/corpus/Chunker.h"

namespace distillery::corpus {

struct ParsedDocument {
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
  std::vector<Section> sections;
  std::vector<std::string> warnings; // repairs made while reading (e.g. invalid UTF-8 replaced)
};

/// Why a file could not be read as a document; the importer lists it under `skipped`.
class UnreadableInput : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Per-file metadata from a metadata.jsonl sidecar: file name -> {form_type, company, period, cik, ...}.
using SidecarMetadata = std::map<std::string, nlohmann::json>;
/// Reads DIR/metadata.jsonl if present (empty map otherwise); bad lines are ignored.
SidecarMetadata readSidecar(const std::filesystem::path& dir);

/// The file's bytes, checked: throws UnreadableInput for empty or binary files; invalid UTF-8 is repaired
/// (a warning is added) unless more than 1% of the bytes are bad, which reads as "not text".
std::string readTextFile(const std::filesystem::path& path, std::vector<std::string>& warnings);

ParsedDocument readEdgarJson(const std::filesystem::path& path);
/// Full-submission .txt (SGML header, <DOCUMENT>s) or a single .htm/.html filing.
ParsedDocument readEdgarFull(const std::filesystem::path& path, const SidecarMetadata& sidecar);
/// Plain text, pages split on form feeds; metadata from the sidecar, else from the text.
ParsedDocument readPlainText(const std::filesystem::path& path, const SidecarMetadata& sidecar);

} // namespace distillery::corpus
