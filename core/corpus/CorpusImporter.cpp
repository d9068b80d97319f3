#include "core/corpus/CorpusImporter.h"

#include "core/corpus/CorpusRepository.h"
#include "core/corpus/FilingText.h"
#include "core/corpus/PassageWriter.h"
#include "core/corpus/readers/BoundedJson.h"
#include "core/corpus/readers/FilingReaders.h"
#include "core/corpus/readers/LineReader.h"
#include "core/corpus/readers/QrelsReader.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Hash.h"
#include "core/util/ResourceFailure.h"
#include "core/util/Time.h"
#include "core/util/Utf8.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <unordered_map>

namespace distillery::corpus {
namespace fs = std::filesystem;
namespace {

// Documents are committed in batches: each COMMIT flushes a full-text index segment and writes the WAL (a batch
// per document cost a tenth more import time on the real filings). Inside a batch each document has its own savepoint,
// so a file that turns out bad half-way is rolled back alone and no half-written document is ever committed; a crash
// loses at most the batch in flight, whole documents that the next import adds again (by content hash).
constexpr std::uint64_t kBatchBytes = 4u << 20; // of input
constexpr int kBatchDocuments = 500;

class ImportBatch {
public:
  ImportBatch(store::Store& store, PassageWriter& writer) : store_(store), writer_(writer) {}
  ~ImportBatch() { rollback(); }
  ImportBatch(const ImportBatch&) = delete;
  ImportBatch& operator=(const ImportBatch&) = delete;

  void beginDocument() {
    open();
    writer_.flush(); // records' passages held back belong before the savepoint, not to this document
    store_.exec("SAVEPOINT document");
  }
  void keepDocument(std::uint64_t bytes) {
    store_.exec("RELEASE document");
    added(bytes);
  }
  /// Called while an exception is on its way: a failing store must not replace it with another.
  void dropDocument() noexcept {
    try {
      store_.exec("ROLLBACK TO document");
      store_.exec("RELEASE document");
    } catch (const std::exception&) {
    }
  }
  /// For records written whole (JSONL, BEIR), which need no savepoint of their own.
  void open() {
    if (!open_)
      store_.exec("BEGIN IMMEDIATE");
    open_ = true;
  }
  /// A document or record was written; commits when the batch is full. True when it committed.
  bool added(std::uint64_t bytes) {
    bytes_ += bytes;
    if (bytes_ < kBatchBytes && ++documents_ < kBatchDocuments)
      return false;
    commit();
    return true;
  }
  void commit() {
    if (open_) {
      writer_.flush();
      store_.exec("COMMIT");
    }
    open_ = false;
    bytes_ = 0;
    documents_ = 0;
  }
  void rollback() noexcept {
    if (!open_)
      return;
    open_ = false;
    try {
      store_.exec("ROLLBACK");
    } catch (const std::exception&) {
    }
  }

private:
  store::Store& store_;
  PassageWriter& writer_;
  bool open_ = false;
  std::uint64_t bytes_ = 0;
  int documents_ = 0;
};

std::string lowerExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

bool sniffBinary(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char buffer[8192];
  in.read(buffer, sizeof buffer);
  return std::string_view(buffer, static_cast<std::size_t>(in.gcount())).find('\0') != std::string_view::npos;
}

std::string sniffHead(const fs::path& path, std::size_t bytes = 4096) {
  std::ifstream in(path, std::ios::binary);
  std::string head(bytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(bytes));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

// A JSON value at a dotted path ("metadata.filing_type"), or null.
const nlohmann::json* lookup(const nlohmann::json& record, const std::string& dottedPath) {
  if (dottedPath.empty())
    return nullptr;
  const nlohmann::json* node = &record;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dottedPath.find('.', start);
    const std::string key = dottedPath.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object())
      return nullptr;
    const auto it = node->find(key);
    if (it == node->end())
      return nullptr;
    node = &*it;
    if (dot == std::string::npos)
      return node;
    start = dot + 1;
  }
}

std::string lookupString(const nlohmann::json& record, const std::string& dottedPath) {
  const nlohmann::json* value = lookup(record, dottedPath);
  if (!value || value->is_null())
    return {};
  return value->is_string() ? value->get<std::string>() : value->dump();
}

/// Thrown from inside a reader when a stop is requested: the document in flight is dropped, not finished.
struct ImportStopped {};

// Receives a streamed document and writes it in its own savepoint: rolled back (and forgotten by the writer)
// when the reader throws half-way, or when a stop is requested while a large file is being read.
class StoreDocumentSink : public DocumentSink {
public:
  StoreDocumentSink(ImportBatch& batch, PassageWriter& writer, const ChunkingOptions& chunking, ImportSummary& summary,
                    std::uint64_t fileBytes, std::stop_token stop)
      : batch_(batch), writer_(writer), summary_(summary), fileBytes_(fileBytes), stop_(std::move(stop)),
        chunker_(chunking, [this](Chunk&& chunk) { writer_.addPassage(chunk); }) {}
  ~StoreDocumentSink() override { abandon(); }

  bool beginDocument(const DocumentInfo& info) override {
    if (writer_.documentExists(info.contentHash)) {
      addWarnings(info);
      ++summary_.unchangedDocuments;
      return false;
    }
    batch_.beginDocument();
    inDocument_ = true;
    writer_.beginDocument(info, "", false);
    return true;
  }
  void beginSection(const std::string& name) override { chunker_.beginSection(name); }
  void addText(std::string_view lines) override {
    if (++calls_ % 4096 == 0 && stop_.stop_requested())
      throw ImportStopped{};
    chunker_.addText(lines);
  }
  void endSection() override { chunker_.endSection(); }
  void unnameLeadSection(const std::string& leadName) override {
    chunker_.endSection();
    writer_.renameSection(leadName, "");
  }
  void endDocument(const DocumentInfo& info) override {
    chunker_.endSection();
    writer_.finishDocument(info);
    inDocument_ = false;
    batch_.keepDocument(fileBytes_);
    addWarnings(info);
  }

  /// The reader failed after beginDocument: nothing of the document stays.
  void abandon() noexcept {
    if (!inDocument_)
      return;
    inDocument_ = false;
    batch_.dropDocument();
    writer_.abandonDocument();
  }

private:
  void addWarnings(const DocumentInfo& info) {
    for (const std::string& warning : info.warnings)
      summary_.warnings.push_back({info.sourcePath, warning});
  }

  ImportBatch& batch_;
  PassageWriter& writer_;
  ImportSummary& summary_;
  std::uint64_t fileBytes_;
  std::stop_token stop_;
  SectionChunker chunker_;
  bool inDocument_ = false;
  std::uint64_t calls_ = 0;
};

struct ImportJob {
  fs::path path;
  ImportFormat format;
  std::uint64_t bytes;
};

class Importer {
public:
  Importer(store::Store& store, const ImportOptions& options, const ProgressCallback& progress, std::stop_token stop)
      : store_(store), options_(options), progress_(progress), stop_(std::move(stop)) {}

  ImportSummary run(const std::vector<fs::path>& paths) {
    const double started = monotonicSeconds();
    validateChunkingOptions(options_.chunking);
    summary_.corpusName = options_.corpusName;
    for (const fs::path& path : paths)
      collect(path, true);
    if (jobs_.empty()) { // nothing to read (an image, an empty folder): no empty corpus is left behind
      summary_.corpusId = tryFindCorpusId(store_, options_.corpusName).value_or(0);
      summary_.seconds = monotonicSeconds() - started;
      return std::move(summary_);
    }
    summary_.corpusId = ensureCorpus(store_, options_.corpusName, settingsJson().dump());
    for (const ImportJob& job : jobs_)
      totalBytes_ += job.bytes;
    PassageWriter writer(store_, summary_.corpusId, options_, summary_);
    writer_ = &writer;
    ImportBatch batch(store_, writer);
    batch_ = &batch;
    for (const ImportJob& job : jobs_) {
      if (stop_.stop_requested()) {
        summary_.cancelled = true;
        break;
      }
      report(progress_, {"import", static_cast<std::int64_t>(doneBytes_), static_cast<std::int64_t>(totalBytes_),
                         job.path.string()});
      importOne(job);
      doneBytes_ += job.bytes;
    }
    batch.commit(); // also after a cancel: what was fully imported stays
    if (!summary_.cancelled)
      report(progress_, {"import", static_cast<std::int64_t>(totalBytes_), static_cast<std::int64_t>(totalBytes_), ""});
    summary_.seconds = monotonicSeconds() - started;
    return std::move(summary_);
  }

private:
  nlohmann::json settingsJson() const {
    return {{"max_tokens", options_.chunking.maxTokens},
            {"overlap_tokens", options_.chunking.overlapTokens},
            {"chunk_beir_records", options_.chunkBeirRecords},
            {"index_title", options_.indexTitles},
            {"token_estimate", "letters/digits runs ceil(len/9) + 1 per punctuation mark"}};
  }

  bool isStoreFile(const fs::path& path) const {
    std::error_code ec;
    const fs::path file = fs::weakly_canonical(path, ec);
    const fs::path storeFile = fs::weakly_canonical(store_.path(), ec);
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      if (file == fs::path(storeFile.string() + suffix))
        return true;
    return false;
  }

  void skip(const fs::path& path, const std::string& reason) { summary_.skipped.push_back({path.string(), reason}); }

  void collect(const fs::path& path, bool explicitlyNamed) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      skip(path, "no such file or directory");
      return;
    }
    if (fs::is_directory(status)) {
      if (fs::exists(path / "corpus.jsonl") &&
          (options_.format == ImportFormat::Auto || options_.format == ImportFormat::Beir)) {
        jobs_.push_back({path, ImportFormat::Beir, fs::file_size(path / "corpus.jsonl", ec)});
        return;
      }
      std::vector<fs::path> children;
      for (const auto& entry : fs::directory_iterator(path, fs::directory_options::skip_permission_denied, ec))
        children.push_back(entry.path());
      std::sort(children.begin(), children.end()); // deterministic order, whatever the file system returns
      for (const fs::path& child : children) {
        const std::string name = child.filename().string();
        if (name.starts_with(".") || name == "metadata.jsonl")
          continue; // hidden files and the sidecar of the text importer
        collect(child, false);
      }
      return;
    }
    if (isStoreFile(path))
      return; // the experiment being written to may sit in the imported folder
    const std::uint64_t size = fs::file_size(path, ec);
    if (size > options_.maxFileBytes) {
      skip(path,
           "file too large (" + std::to_string(size) + " bytes; limit " + std::to_string(options_.maxFileBytes) + ")");
      return;
    }
    if (size == 0) {
      skip(path, "empty file");
      return;
    }
    std::optional<ImportFormat> format = options_.format;
    if (*format == ImportFormat::Auto) {
      format = detectFormat(path);
      if (!format) {
        skip(path, sniffBinary(path) ? "binary file" : "unknown format (extension '" + lowerExtension(path) + "')");
        return;
      }
    } else if (*format == ImportFormat::Beir && path.filename() == "corpus.jsonl") {
      jobs_.push_back({path.parent_path(), ImportFormat::Beir, size});
      return;
    } else if (*format == ImportFormat::Beir) {
      if (explicitlyNamed)
        skip(path, "not a BEIR dataset (expected a folder with corpus.jsonl)");
      return;
    }
    if (*format == ImportFormat::Beir && fs::is_regular_file(path))
      jobs_.push_back({path.parent_path(), ImportFormat::Beir, size}); // corpus.jsonl named directly
    else
      jobs_.push_back({path, *format, size});
  }

  void importOne(const ImportJob& job) {
    try {
      switch (job.format) {
      case ImportFormat::EdgarJson:
        importDocument(job, [&](DocumentSink& sink) { streamEdgarJson(job.path, readLimits(), sink); });
        break;
      case ImportFormat::EdgarFull:
        importDocument(job,
                       [&](DocumentSink& sink) { streamEdgarFull(job.path, sidecarOf(job.path), readLimits(), sink); });
        break;
      case ImportFormat::Text:
        importDocument(job,
                       [&](DocumentSink& sink) { streamPlainText(job.path, sidecarOf(job.path), readLimits(), sink); });
        break;
      case ImportFormat::Beir:
        importBeir(job.path);
        break;
      case ImportFormat::Jsonl:
        importRecords(job.path, job.path, false);
        break;
      case ImportFormat::Auto:
        break;
      }
    } catch (const UnreadableInput& e) {
      skip(job.path, e.what());
    } catch (const InputError& e) {
      skip(job.path, e.what());
    } catch (const std::exception& e) {
      // Out of memory or disk: the file's document in flight is already dropped; the finished ones of the batch are
      // committed when that can still be done (memory), so only this file is read again by the next import.
      if (exhaustedResource(e) == ExhaustedResource::Memory) {
        try {
          batch_->commit();
        } catch (const std::exception&) {
        }
      }
      rethrowNamingPhase("importing " + job.path.string(),
                         "run the same import again: the documents already imported are recognised and skipped");
    }
  }

  const SidecarMetadata& sidecarOf(const fs::path& file) {
    const fs::path dir = file.parent_path();
    auto it = sidecars_.find(dir);
    if (it == sidecars_.end())
      it = sidecars_.emplace(dir, readSidecar(dir)).first;
    return it->second;
  }

  ReadLimits readLimits() const {
    ReadLimits limits;
    limits.maxValueBytes = static_cast<std::size_t>(std::max<std::uint64_t>(options_.maxRecordBytes, 1024));
    return limits;
  }

  // One document streamed from its file into the store; a reader error leaves nothing of it behind.
  template <typename Stream> void importDocument(const ImportJob& job, Stream&& stream) {
    StoreDocumentSink sink(*batch_, *writer_, options_.chunking, summary_, job.bytes, stop_);
    try {
      stream(sink);
    } catch (const ImportStopped&) {
      sink.abandon();
      summary_.cancelled = true;
    } catch (...) {
      sink.abandon();
      throw;
    }
  }

  // The next line of a JSON lines file, or false at its end; a line over the record limit is skipped unread.
  bool nextRecordLine(LineReader& lines, const fs::path& path) {
    while (lines.next()) {
      if (!lines.tooLong())
        return true;
      summary_.skipped.push_back({path.string() + ":" + std::to_string(lines.lineNumber()),
                                  "line of " + std::to_string(lines.lineBytes()) + " bytes is longer than the " +
                                      std::to_string(options_.maxRecordBytes) + "-byte limit of one record"});
    }
    return false;
  }

  // One JSON line: a record, or a reason it cannot be one. The line is repaired in place (its hash is of the repair).
  std::optional<nlohmann::json> parseRecordLine(const fs::path& path, std::int64_t lineNumber, std::string& line) {
    const std::string where = path.string() + ":" + std::to_string(lineNumber);
    if (!isValidUtf8(line)) {
      std::size_t replaced = 0;
      line = repairUtf8(line, &replaced);
      summary_.warnings.push_back({where, "invalid UTF-8: " + std::to_string(replaced) + " byte sequences replaced"});
    }
    nlohmann::json record;
    try {
      record = parseBoundedJson(line);
    } catch (const UnreadableInput& e) {
      summary_.skipped.push_back({where, e.what()});
      return std::nullopt;
    }
    if (!record.is_object()) {
      summary_.skipped.push_back({where, "not a JSON object"});
      return std::nullopt;
    }
    return record;
  }

  // BEIR corpus.jsonl or generic JSONL: one document per record, streamed line by line and committed
  // in batches of whole records.
  void importRecords(const fs::path& file, const fs::path& reportedPath, bool beir) {
    if (sniffBinary(file))
      throw UnreadableInput("binary file");
    LineReader lines(file, options_.maxRecordBytes);
    const JsonlFieldMapping beirFields{"_id", "text", "title", "filing_type", "company", "period"};
    const JsonlFieldMapping& fields = beir ? beirFields : options_.jsonlFields;
    ChunkingOptions recordChunking = options_.chunking;
    recordChunking.minTokens = 1; // a short record is still a record
    std::string line;
    std::int64_t lineNumber = 0;
    std::uint64_t bytesRead = 0;
    {
      while (nextRecordLine(lines, reportedPath)) {
        line.assign(lines.line());
        lineNumber = lines.lineNumber();
        bytesRead = lines.bytesRead();
        if (line.find_first_not_of(" \t\r") == std::string::npos)
          continue;
        if (stop_.stop_requested()) {
          summary_.cancelled = true;
          break;
        }
        std::optional<nlohmann::json> record = parseRecordLine(reportedPath, lineNumber, line);
        if (!record)
          continue;
        const std::string where = reportedPath.string() + ":" + std::to_string(lineNumber);
        const std::string text = lookupString(*record, fields.text);
        if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
          summary_.skipped.push_back({where, "record has no text (field '" + fields.text + "')"});
          continue;
        }
        DocumentInfo doc;
        doc.externalId = lookupString(*record, fields.id);
        if (beir && doc.externalId.empty()) {
          summary_.skipped.push_back({where, "BEIR record without _id"});
          continue;
        }
        doc.title = lookupString(*record, fields.title);
        std::string form = lookupString(*record, fields.filingType);
        for (const char* alt : {"metadata.filing_type", "metadata.form_type", "form_type"})
          if (form.empty())
            form = lookupString(*record, alt);
        doc.filingType = normaliseFilingType(form);
        doc.company = lookupString(*record, fields.company);
        if (doc.company.empty())
          doc.company = lookupString(*record, "metadata.company");
        doc.period = lookupString(*record, fields.period);
        if (doc.period.empty())
          doc.period = lookupString(*record, "metadata.period");
        doc.sourcePath = where;
        doc.contentHash = contentHash(line);
        if (const nlohmann::json* metadata = lookup(*record, "metadata"); metadata && metadata->is_object()) {
          if (const std::size_t bytes = metadata->dump().size(); bytes > ReadLimits{}.maxMetadataBytes)
            summary_.warnings.push_back({where, "metadata dropped: " + std::to_string(bytes) + " bytes"});
          else
            doc.metadata = *metadata;
        }
        const std::string section = lookupString(*record, "metadata.section");
        if (writer_->documentExists(doc.contentHash)) {
          ++summary_.unchangedDocuments;
          continue;
        }
        std::vector<Chunk> chunks;
        if (beir && !options_.chunkBeirRecords) {
          chunks.push_back({section, text, estimateTokens(text)}); // the title stays on the document
        } else {
          chunks = chunkSections({{section, text}}, recordChunking);
        }
        batch_->open();
        writer_->write(doc, chunks, doc.externalId, true);
        if (batch_->added(lines.lineBytes() + 1))
          report(progress_, {"import", static_cast<std::int64_t>(doneBytes_ + bytesRead),
                             static_cast<std::int64_t>(totalBytes_), file.string()});
      }
    }
  }

  void importBeir(const fs::path& dir) {
    importRecords(dir / "corpus.jsonl", dir / "corpus.jsonl", true);
    batch_->commit(); // the query set is written in a transaction of its own
    if (summary_.cancelled)
      return;
    importBeirQueries(dir);
  }

  void importBeirQueries(const fs::path& dir) {
    std::vector<fs::path> qrelFiles;
    std::error_code ec;
    if (fs::is_directory(dir / "qrels"))
      for (const auto& entry : fs::directory_iterator(dir / "qrels", ec))
        if (lowerExtension(entry.path()) == ".tsv")
          qrelFiles.push_back(entry.path());
    std::sort(qrelFiles.begin(), qrelFiles.end());
    if (!fs::exists(dir / "queries.jsonl") || qrelFiles.empty()) {
      if (fs::exists(dir / "queries.jsonl") != !qrelFiles.empty())
        summary_.warnings.push_back(
            {dir.string(), "queries.jsonl and qrels/*.tsv come together; the queries were not imported"});
      return;
    }
    // Queries are small next to the corpus: hold them, then write the judged ones.
    struct PendingQuery {
      nlohmann::json record;
      std::string split;
      std::vector<std::pair<std::string, int>> qrels;
    };
    std::unordered_map<std::string, PendingQuery> queries;
    std::vector<std::string> order;
    {
      LineReader lines(dir / "queries.jsonl", options_.maxRecordBytes);
      std::string line;
      while (nextRecordLine(lines, dir / "queries.jsonl")) {
        const std::int64_t lineNumber = lines.lineNumber();
        line.assign(lines.line());
        if (line.find_first_not_of(" \t\r") == std::string::npos)
          continue;
        auto record = parseRecordLine(dir / "queries.jsonl", lineNumber, line);
        if (!record)
          continue;
        const std::string id = lookupString(*record, "_id");
        const std::string text = lookupString(*record, "text");
        if (id.empty() || text.empty()) {
          summary_.skipped.push_back(
              {(dir / "queries.jsonl").string() + ":" + std::to_string(lineNumber), "query without _id or text"});
          continue;
        }
        if (queries.emplace(id, PendingQuery{std::move(*record), "", {}}).second)
          order.push_back(id);
      }
    }
    std::int64_t unknownQueries = 0;
    // The set's grade scale (its top grade): a set judged on the binary scale refuses graded qrels, whose grade 1
    // means something else ("related, does not answer").
    const auto existingSet = tryFindQuerySetId(store_, summary_.corpusId, options_.corpusName);
    std::optional<int> recordedScale;
    if (existingSet) {
      auto scale = store_.prepare("SELECT COALESCE(grade_scale, (SELECT MAX(r.grade) FROM qrels r JOIN queries q ON "
                                  "q.id = r.query_id WHERE q.query_set_id = ?1)) FROM query_sets WHERE id = ?1");
      scale.bind(1, *existingSet);
      if (scale.step() && !scale.columnIsNull(0))
        recordedScale = static_cast<int>(scale.columnInt64(0));
    }
    int topGrade = 0;
    for (const fs::path& file : qrelFiles) {
      const std::string split = file.stem().string();
      // A bad line throws InputError naming it: this dataset's queries are skipped, its records stay imported.
      for (QrelLine& qrel : readQrelsFile(file, options_.maxRecordBytes)) {
        if (recordedScale && *recordedScale <= 1 && qrel.grade > 1)
          throw InputError(file.string() + ":" + std::to_string(qrel.line) + ": grade " + std::to_string(qrel.grade) +
                           " for query set '" + options_.corpusName +
                           "', which is judged on the binary scale (0-1): one query set cannot mix scales");
        topGrade = std::max(topGrade, qrel.grade);
        const auto it = queries.find(qrel.queryKey);
        if (it == queries.end()) {
          ++unknownQueries;
          continue;
        }
        if (it->second.split.empty())
          it->second.split = split;
        it->second.qrels.emplace_back(std::move(qrel.recordKey), qrel.grade);
      }
    }
    if (unknownQueries > 0)
      summary_.warnings.push_back({(dir / "qrels").string(), std::to_string(unknownQueries) +
                                                                 " judgments name queries missing from queries.jsonl"});

    store_.transaction([&] {
      auto setId = tryFindQuerySetId(store_, summary_.corpusId, options_.corpusName);
      if (!setId) {
        auto insert = store_.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (?,?,?,?)");
        insert.bind(1, summary_.corpusId).bind(2, options_.corpusName).bind(3, "imported").bind(4, nowIso8601());
        insert.run();
        setId = store_.lastInsertId();
      }
      // Imported qrels are people's judgments (BEIR, TREC).
      store_
          .prepare("UPDATE query_sets SET grade_scale = MAX(COALESCE(grade_scale, 0), ?2), judged_by = 'human' "
                   "WHERE id = ?1")
          .bind(1, *setId)
          .bind(2, std::max(1, topGrade))
          .run();
      auto insertQuery = store_.prepare(
          "INSERT OR IGNORE INTO queries(query_set_id, external_id, text, query_type, source_passage_id, origin, "
          "filing_type, split, metadata_json) VALUES (?,?,?,?,?,'imported',?,?,?)");
      auto findQuery = store_.prepare("SELECT id FROM queries WHERE query_set_id = ? AND external_id = ?");
      auto insertQrel = store_.prepare("INSERT OR IGNORE INTO qrels(query_id, record_key, grade) VALUES (?,?,?)");
      auto passageOfRecord =
          store_.prepare("SELECT p.id, d.filing_type FROM passages p JOIN documents d ON d.id = p.document_id "
                         "WHERE p.corpus_id = ? AND p.record_key = ? ORDER BY p.id LIMIT 1");
      const auto findPassage = [&](const std::string& key) -> std::optional<std::pair<std::int64_t, std::string>> {
        passageOfRecord.reset();
        passageOfRecord.bind(1, summary_.corpusId).bind(2, key);
        if (!passageOfRecord.step())
          return std::nullopt;
        auto found = std::make_pair(passageOfRecord.columnInt64(0), passageOfRecord.columnText(1));
        passageOfRecord.reset();
        return found;
      };
      static const std::set<std::string> kTypes = {"question", "claim", "keyword", "title"};
      for (const std::string& id : order) {
        PendingQuery& q = queries[id];
        if (q.qrels.empty())
          continue; // an unjudged query cannot be evaluated
        std::string type = lookupString(q.record, "metadata.query_type");
        if (!kTypes.count(type))
          type = "question";
        std::string filingType = lookupString(q.record, "metadata.filing_type");
        std::optional<std::int64_t> source;
        if (auto sourceKey = lookupString(q.record, "metadata.source_id"); !sourceKey.empty())
          if (auto found = findPassage(sourceKey))
            source = found->first;
        if (filingType.empty()) { // the filing type of the best-graded passage it was judged against
          auto best = std::max_element(q.qrels.begin(), q.qrels.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
          if (auto found = findPassage(best->first); found && found->second != "unknown")
            filingType = found->second;
        }
        const nlohmann::json* metadata = lookup(q.record, "metadata");
        insertQuery.reset();
        insertQuery.bind(1, *setId)
            .bind(2, id)
            .bind(3, lookupString(q.record, "text"))
            .bind(4, type)
            .bind(5, source)
            .bind(6, filingType.empty() ? std::nullopt : std::optional<std::string>(filingType))
            .bind(7, q.split)
            .bind(8, metadata && metadata->is_object() ? metadata->dump() : "{}");
        insertQuery.run();
        summary_.queries += store_.changes();
        findQuery.reset();
        findQuery.bind(1, *setId).bind(2, id);
        findQuery.step();
        const std::int64_t queryId = findQuery.columnInt64(0);
        findQuery.reset();
        for (const auto& [key, grade] : q.qrels) {
          insertQrel.reset();
          insertQrel.bind(1, queryId).bind(2, key).bind(3, grade);
          insertQrel.run();
          summary_.qrels += store_.changes();
        }
      }
    });
  }

  store::Store& store_;
  const ImportOptions& options_;
  const ProgressCallback& progress_;
  std::stop_token stop_;
  ImportSummary summary_;
  std::vector<ImportJob> jobs_;
  std::map<fs::path, SidecarMetadata> sidecars_;
  PassageWriter* writer_ = nullptr;
  ImportBatch* batch_ = nullptr;
  std::uint64_t totalBytes_ = 0;
  std::uint64_t doneBytes_ = 0;
};

} // namespace

std::optional<ImportFormat> detectFormat(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return fs::exists(path / "corpus.jsonl") ? ImportFormat::Beir : ImportFormat::Auto; // Auto: detected per file
  if (sniffBinary(path))
    return std::nullopt;
  const std::string ext = lowerExtension(path);
  if (path.filename() == "corpus.jsonl")
    return ImportFormat::Beir;
  if (ext == ".json")
    return ImportFormat::EdgarJson;
  if (ext == ".jsonl" || ext == ".ndjson")
    return ImportFormat::Jsonl;
  if (ext == ".htm" || ext == ".html" || ext == ".xhtml")
    return ImportFormat::EdgarFull;
  if (ext == ".txt" || ext == ".text" || ext.empty()) {
    const std::string head = sniffHead(path);
    if (head.find("<SEC-DOCUMENT>") != std::string::npos || head.find("<SEC-HEADER>") != std::string::npos ||
        head.find("<IMS-HEADER>") != std::string::npos || head.find("<DOCUMENT>") != std::string::npos)
      return ImportFormat::EdgarFull;
    return ImportFormat::Text;
  }
  return std::nullopt;
}

ImportSummary importPaths(store::Store& store, const ImportOptions& options, const std::vector<fs::path>& paths,
                          const ProgressCallback& progress, std::stop_token stop) {
  return Importer(store, options, progress, std::move(stop)).run(paths);
}

} // namespace distillery::corpus
