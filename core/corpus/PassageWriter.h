#pragma once
// Writes documents and their passages into the store: exact duplicates of passages the corpus already holds
// are dropped (or flagged where qrels need the record), near-duplicates flagged. Passages arrive one at a time
// while a document is read; the caller wraps each document (or batch of records) in a transaction or savepoint,
// and a document abandoned half-way (its file turned out bad) is forgotten here too when the caller rolls back.
//
// Passages are inserted up to kPassagesPerStatement per INSERT: the full-text index trigger makes each INSERT
// a statement transaction, at whose end FTS5 flushes its pending terms to a new segment (and merges), so one
// statement per passage made indexing about five times dearer than indexing the same text in bulk.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/corpus/Chunker.h"
#include "core/corpus/CorpusImporter.h"
#include "core/corpus/NearDuplicateIndex.h"
#include "core/corpus/readers/FilingReaders.h"
#include "core/store/Store.h"

namespace distillery::corpus {

class PassageWriter {
public:
  /// Reads the corpus's passages to seed duplicate detection (a re-import, or a second folder).
  PassageWriter(store::Store& store, std::int64_t corpusId, const ImportOptions& options, ImportSummary& summary);

  bool documentExists(const std::string& contentHash);

  /// Inserts the document row (its metadata is completed by finishDocument). recordKey empty: each passage gets
  /// "p<id>". keepExactDuplicates: records referenced by qrels must stay, so their duplicates are flagged.
  void beginDocument(const DocumentInfo& doc, const std::string& recordKey, bool keepExactDuplicates);
  void addPassage(const Chunk& chunk);
  /// Renames the current document's passages of one section (a lead section that turned out to be all).
  void renameSection(const std::string& from, const std::string& to);
  /// Writes the document's last passages and its final metadata (an EDGAR-CORPUS file names its company late).
  void finishDocument(const DocumentInfo& doc);
  /// The document will be rolled back: undoes its counts and duplicate-detection entries.
  void abandonDocument();
  /// Inserts the passages still held back (write() holds records' passages until a batch commits).
  void flush();

  /// A whole document at once (JSONL and BEIR records).
  void write(const DocumentInfo& doc, const std::vector<Chunk>& chunks, const std::string& recordKey,
             bool keepExactDuplicates);

private:
  static constexpr int kPassagesPerStatement = 64;
  struct PendingPassage {
    std::int64_t id;
    std::int64_t documentId;
    std::string recordKey;
    std::string section;
    int ordinal;
    std::string text;
    int tokenCount;
    std::string contentHash;
    std::optional<std::int64_t> duplicateOf;
  };

  void bindMetadata(store::Statement& statement, const DocumentInfo& doc);
  store::Statement& insertStatement(std::size_t rows);

  store::Store& store_;
  std::int64_t corpusId_;
  ImportSummary& summary_;
  NearDuplicateIndex nearDuplicates_;
  std::unordered_map<std::string, std::int64_t> passageByHash_;
  store::Statement documentExists_;
  store::Statement insertDocument_;
  store::Statement updateDocument_;
  std::vector<std::optional<store::Statement>> insertPassages_; // [n - 1]: n rows per statement
  std::vector<PendingPassage> pending_;
  // The document being written.
  std::int64_t documentId_ = 0;
  std::int64_t nextPassageId_ = 0;
  std::string recordKey_;
  bool keepExactDuplicates_ = false;
  int ordinal_ = 0;
  std::int64_t documentPassages_ = 0;
  std::vector<std::string> documentHashes_;
  std::size_t nearDuplicatesAtBegin_ = 0;
  ImportSummary countsAtBegin_;
};

} // namespace distillery::corpus
