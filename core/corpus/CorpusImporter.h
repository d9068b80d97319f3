#pragma once
// Corpus import: files and folders of filings in, passages (with filing type, company, period and
// section) out. The CLI `import` command and the GUI's File > Import corpus both call importPaths().
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/corpus/Chunker.h"
#include "core/util/EnumNames.h"
#include "core/util/Progress.h"

namespace distillery::store {
class Store;
}

namespace distillery::corpus {

enum class ImportFormat {
  Auto,      // detected per file from extension and content (see detectFormat)
  EdgarJson, // EDGAR-CORPUS: one JSON object per filing with item_* fields
  EdgarFull, // EDGAR full-submission .txt (SGML) or a filing's .htm/.html
  Text,      // plain text, pages split on form feeds, optional metadata.jsonl sidecar
  Beir,      // corpus.jsonl + queries.jsonl + qrels/*.tsv
  Jsonl,     // generic JSON lines with a field mapping
};

inline constexpr EnumName<ImportFormat> kImportFormatNames[] = {
    {.value = ImportFormat::Auto, .name = "auto", .description = "detected per file from extension and content"},
    {.value = ImportFormat::EdgarJson, .name = "edgar-json", .description = "EDGAR-CORPUS JSON, one filing a file"},
    {.value = ImportFormat::EdgarFull, .name = "edgar-full", .description = "EDGAR full submission or .htm filing"},
    {.value = ImportFormat::Text, .name = "text", .description = "plain text, optional metadata.jsonl sidecar"},
    {.value = ImportFormat::Beir, .name = "beir", .description = "corpus.jsonl + queries.jsonl + qrels/*.tsv"},
    {.value = ImportFormat::Jsonl, .name = "jsonl", .description = "generic JSON lines with a field mapping"},
};
constexpr std::span<const EnumName<ImportFormat>> enumNames(ImportFormat) {
  return kImportFormatNames;
}

/// "auto", "edgar-json", "edgar-full", "text", "beir", "jsonl".
inline std::string formatName(ImportFormat format) {
  return std::string(enumName(format));
}
/// Inverse of formatName; throws InputError naming the value and the accepted names.
inline ImportFormat parseFormat(const std::string& name) {
  return parseEnum<ImportFormat>(name, "format");
}

/// Where the fields of a generic JSONL record are; dotted paths reach into objects ("metadata.form").
/// An empty path means the record has no such field.
struct JsonlFieldMapping {
  std::string id = "_id";    // record id: becomes passages.record_key (qrels use it)
  std::string text = "text"; // required
  std::string title = "title";
  std::string filingType = "filing_type"; // also looked up under metadata.<name> when absent
  std::string company = "company";
  std::string period = "period";
};

struct ImportOptions {
  std::string corpusName; // created when missing
  ImportFormat format = ImportFormat::Auto;
  ChunkingOptions chunking;                // token budget and overlap of passages
  bool chunkBeirRecords = false;           // BEIR records stay one passage unless asked
  std::uint64_t maxFileBytes = 1ull << 30; // larger files are skipped, never read
  // The most of one file held in memory at once: a JSONL/BEIR record (longer lines are skipped), an EDGAR-CORPUS
  // item (a longer one skips its file), a piece of a long text line. Memory use follows this, not file sizes.
  std::uint64_t maxRecordBytes = 64ull << 20;
  JsonlFieldMapping jsonlFields;
  double nearDuplicateThreshold = 0.85; // estimated Jaccard of 5-word shingles to flag a near-duplicate
  bool indexTitles = true; // a new corpus indexes passages with their document's title (settings "index_title")
};

/// A file (or one record of a file, "path:line") that was not imported, and why.
struct SkippedInput {
  std::string path;
  std::string reason;
};

struct ImportSummary {
  std::string corpusName;
  std::int64_t corpusId = 0;
  std::int64_t documents = 0;                      // documents added by this import
  std::int64_t passages = 0;                       // passages added by this import
  std::map<std::string, std::int64_t> filingTypes; // passages added, by filing type
  std::int64_t unchangedDocuments = 0;             // already in the corpus (same content hash): not added again
  std::int64_t exactDuplicatesRemoved = 0;         // passages dropped because the corpus already had the same text
  std::int64_t nearDuplicatesFlagged = 0;          // passages stored with near_duplicate_of set
  std::int64_t queries = 0;                        // queries added to query sets (BEIR)
  std::int64_t qrels = 0;                          // relevance judgments added (BEIR)
  std::vector<SkippedInput> skipped;               // inputs not imported
  std::vector<SkippedInput> warnings;              // imported, but repaired (e.g. invalid UTF-8 replaced)
  bool cancelled = false;                          // stopped by the stop token; what was committed stays
  double seconds = 0;
  /// No input was a corpus file (all were skipped): the corpus was not created when it did not exist.
  bool foundNothing() const {
    return documents == 0 && unchangedDocuments == 0 && queries == 0 && !skipped.empty() && !cancelled;
  }
};

/// Imports files and folders (folders recurse; a folder holding corpus.jsonl is one BEIR dataset)
/// into the corpus named in options, creating it when missing (and there is something to import). Each document is
/// written in one transaction, so a failure or cancel never leaves half a document. Bad inputs are skipped and listed,
/// never fatal; a bad line in a BEIR dataset's qrels (read as core/corpus/readers/QrelsReader.h describes)
/// skips the dataset's queries, listed with file and line, while its records stay imported.
/// Progress: stage "import", done/total in bytes of input, message = current file.
/// On a stop request it returns early with cancelled = true (it does not throw Cancelled).
/// Throws only for problems with the store itself or an invalid corpus name.
ImportSummary importPaths(store::Store& store, const ImportOptions& options,
                          const std::vector<std::filesystem::path>& paths, const ProgressCallback& progress = {},
                          std::stop_token stop = {});

/// The format Auto would pick for one file, or nullopt when the file is not a corpus file
/// (binary, unknown extension). A directory with corpus.jsonl is Beir; any other directory is Auto
/// (its files are detected one by one).
std::optional<ImportFormat> detectFormat(const std::filesystem::path& path);

} // namespace distillery::corpus
