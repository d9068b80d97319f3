#include "core/corpus/PassageWriter.h"

#include "core/util/Hash.h"
#include "core/util/Time.h"

namespace distillery::corpus {
namespace {

std::optional<std::string> nullIfEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

} // namespace

PassageWriter::PassageWriter(store::Store& store, std::int64_t corpusId, const ImportOptions& options,
                             ImportSummary& summary)
    : store_(store), corpusId_(corpusId), summary_(summary), nearDuplicates_(options.nearDuplicateThreshold),
      documentExists_(store.prepare("SELECT 1 FROM documents WHERE corpus_id = ? AND content_hash = ?")),
      insertDocument_(store.prepare(
          "INSERT INTO documents(corpus_id, external_id, title, filing_type, company, cik, filing_date, period, "
          "source_path, content_hash, metadata_json, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")),
      updateDocument_(store.prepare("UPDATE documents SET external_id = ?, title = ?, filing_type = ?, company = ?, "
                                    "cik = ?, filing_date = ?, period = ?, source_path = ?, content_hash = ?, "
                                    "metadata_json = ?, imported_at = ? WHERE id = ?")),
      insertPassages_(kPassagesPerStatement) {
  pending_.reserve(kPassagesPerStatement);
  auto existing = store.prepare("SELECT id, content_hash, text FROM passages WHERE corpus_id = ? ORDER BY id");
  existing.bind(1, corpusId);
  while (existing.step()) {
    const std::int64_t id = existing.columnInt64(0);
    passageByHash_.emplace(existing.columnText(1), id);
    nearDuplicates_.findOrAdd(id, existing.columnText(2));
  }
}

bool PassageWriter::documentExists(const std::string& hash) {
  documentExists_.reset();
  documentExists_.bind(1, corpusId_).bind(2, hash);
  const bool exists = documentExists_.step();
  documentExists_.reset();
  return exists;
}

// Columns external_id .. imported_at, numbered from `first`.
void PassageWriter::bindMetadata(store::Statement& statement, const DocumentInfo& doc) {
  const bool insert = &statement == &insertDocument_;
  const int first = insert ? 2 : 1;
  statement.bind(first, doc.externalId)
      .bind(first + 1, doc.title)
      .bind(first + 2, doc.filingType)
      .bind(first + 3, nullIfEmpty(doc.company))
      .bind(first + 4, nullIfEmpty(doc.cik))
      .bind(first + 5, nullIfEmpty(doc.filingDate))
      .bind(first + 6, nullIfEmpty(doc.period))
      .bind(first + 7, doc.sourcePath)
      .bind(first + 8, doc.contentHash)
      .bind(first + 9, doc.metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .bind(first + 10, nowIso8601());
}

void PassageWriter::beginDocument(const DocumentInfo& doc, const std::string& recordKey, bool keepExactDuplicates) {
  countsAtBegin_.documents = summary_.documents;
  countsAtBegin_.passages = summary_.passages;
  countsAtBegin_.exactDuplicatesRemoved = summary_.exactDuplicatesRemoved;
  countsAtBegin_.nearDuplicatesFlagged = summary_.nearDuplicatesFlagged;
  nearDuplicatesAtBegin_ = nearDuplicates_.size();
  documentHashes_.clear();
  insertDocument_.reset();
  insertDocument_.bind(1, corpusId_);
  bindMetadata(insertDocument_, doc);
  insertDocument_.run();
  documentId_ = store_.lastInsertId();
  ++summary_.documents;
  // Passages held back are not in the table yet: their ids stay taken.
  nextPassageId_ = std::max(nextPassageId_, store_.queryInt64("SELECT COALESCE(MAX(id), 0) + 1 FROM passages"));
  recordKey_ = recordKey;
  keepExactDuplicates_ = keepExactDuplicates;
  ordinal_ = 0;
  documentPassages_ = 0;
}

void PassageWriter::addPassage(const Chunk& chunk) {
  std::string hash = contentHash(chunk.text);
  std::optional<std::int64_t> duplicateOf;
  if (const auto it = passageByHash_.find(hash); it != passageByHash_.end()) {
    if (!keepExactDuplicates_) {
      ++summary_.exactDuplicatesRemoved;
      return;
    }
    duplicateOf = it->second;
  }
  const std::int64_t id = nextPassageId_++;
  if (auto near = nearDuplicates_.findOrAdd(id, chunk.text); near && !duplicateOf)
    duplicateOf = near;
  if (duplicateOf)
    ++summary_.nearDuplicatesFlagged;
  if (passageByHash_.emplace(hash, id).second)
    documentHashes_.push_back(hash);
  pending_.push_back({id, documentId_, recordKey_.empty() ? "p" + std::to_string(id) : recordKey_, chunk.section,
                      ordinal_++, chunk.text, chunk.tokenCount, std::move(hash), duplicateOf});
  if (pending_.size() == kPassagesPerStatement)
    flush();
  ++summary_.passages;
  ++documentPassages_;
}

store::Statement& PassageWriter::insertStatement(std::size_t rows) {
  std::optional<store::Statement>& statement = insertPassages_[rows - 1];
  if (!statement) {
    std::string sql = "INSERT INTO passages(id, document_id, corpus_id, record_key, section, ordinal, text, "
                      "token_count, content_hash, near_duplicate_of) VALUES ";
    for (std::size_t row = 0; row < rows; ++row)
      sql += row == 0 ? "(?,?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?,?)";
    statement.emplace(store_.prepare(sql));
  }
  return *statement;
}

void PassageWriter::flush() {
  if (pending_.empty())
    return;
  store::Statement& insert = insertStatement(pending_.size());
  insert.reset();
  int base = 0; // parameters of a row: base + 1 .. base + 10
  for (const PendingPassage& p : pending_) {
    insert.bind(base + 1, p.id)
        .bind(base + 2, p.documentId)
        .bind(base + 3, corpusId_)
        .bind(base + 4, p.recordKey)
        .bind(base + 5, p.section)
        .bind(base + 6, p.ordinal)
        .bind(base + 7, p.text)
        .bind(base + 8, p.tokenCount)
        .bind(base + 9, p.contentHash)
        .bind(base + 10, p.duplicateOf);
    base += 10;
  }
  insert.run();
  pending_.clear();
}

void PassageWriter::renameSection(const std::string& from, const std::string& to) {
  flush();
  auto rename = store_.prepare("UPDATE passages SET section = ? WHERE document_id = ? AND section = ?");
  rename.bind(1, to).bind(2, documentId_).bind(3, from);
  rename.run();
}

void PassageWriter::finishDocument(const DocumentInfo& doc) {
  flush(); // before the document's savepoint is released: a later document's rollback must not take them
  updateDocument_.reset();
  bindMetadata(updateDocument_, doc);
  updateDocument_.bind(12, documentId_);
  updateDocument_.run();
  if (documentPassages_ > 0)
    summary_.filingTypes[doc.filingType] += documentPassages_;
}

void PassageWriter::abandonDocument() {
  std::erase_if(pending_, [&](const PendingPassage& p) { return p.documentId == documentId_; });
  summary_.documents = countsAtBegin_.documents;
  summary_.passages = countsAtBegin_.passages;
  summary_.exactDuplicatesRemoved = countsAtBegin_.exactDuplicatesRemoved;
  summary_.nearDuplicatesFlagged = countsAtBegin_.nearDuplicatesFlagged;
  for (const std::string& hash : documentHashes_)
    passageByHash_.erase(hash);
  documentHashes_.clear();
  nearDuplicates_.truncate(nearDuplicatesAtBegin_);
}

void PassageWriter::write(const DocumentInfo& doc, const std::vector<Chunk>& chunks, const std::string& recordKey,
                          bool keepExactDuplicates) {
  beginDocument(doc, recordKey, keepExactDuplicates);
  for (const Chunk& chunk : chunks)
    addPassage(chunk);
  if (documentPassages_ > 0) // the row already has the final metadata
    summary_.filingTypes[doc.filingType] += documentPassages_;
}

} // namespace distillery::corpus
