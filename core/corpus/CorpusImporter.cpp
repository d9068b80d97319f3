#include "core/corpus/CorpusImporter.h"

#include "core/corpus/CorpusRepository.h"
#include "core/corpus/FilingReaders.h"
#include "core/corpus/FilingText.h"
#include "core/corpus/NearDuplicateIndex.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Hash.h"
#include "core/util/Time.h"
#include "core/util/Utf8.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <unordered_map>

namespace distillery::corpus {
namespace fs = std::filesystem;
namespace {

constexpr int kRecordsPerTransaction = 500; // JSONL/BEIR records are committed in batches of whole records

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

// Inserts documents and their passages; removes exact duplicates and flags near-duplicates against
// everything the corpus already holds. Callers wrap each document (or batch of records) in a transaction.
class PassageWriter {
public:
  PassageWriter(store::Store& store, std::int64_t corpusId, const ImportOptions& options, ImportSummary& summary)
      : store_(store), corpusId_(corpusId), summary_(summary), nearDuplicates_(options.nearDuplicateThreshold),
        documentExists_(store.prepare("SELECT 1 FROM documents WHERE corpus_id = ? AND content_hash = ?")),
        insertDocument_(store.prepare(
            "INSERT INTO documents(corpus_id, external_id, title, filing_type, company, cik, filing_date, period, "
            "source_path, content_hash, metadata_json, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")),
        insertPassage_(
            store.prepare("INSERT INTO passages(id, document_id, corpus_id, record_key, section, ordinal, "
                          "text, token_count, content_hash, near_duplicate_of) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
    // Seed duplicate detection with the passages already in the corpus (a re-import or a second folder).
    auto existing = store.prepare("SELECT id, content_hash, text FROM passages WHERE corpus_id = ? ORDER BY id");
    existing.bind(1, corpusId);
    while (existing.step()) {
      const std::int64_t id = existing.columnInt64(0);
      passageByHash_.emplace(existing.columnText(1), id);
      nearDuplicates_.findOrAdd(id, existing.columnText(2));
    }
  }

  bool documentExists(const std::string& hash) {
    documentExists_.reset();
    documentExists_.bind(1, corpusId_).bind(2, hash);
    const bool exists = documentExists_.step();
    documentExists_.reset();
    return exists;
  }

  /// recordKey empty: each passage gets "p<id>". keepExactDuplicates: records referenced by qrels must
  /// stay, so their duplicates are flagged rather than dropped.
  void write(const ParsedDocument& doc, const std::vector<Chunk>& chunks, const std::string& recordKey,
             bool keepExactDuplicates) {
    insertDocument_.reset();
    insertDocument_.bind(1, corpusId_);
    rebindDocument(doc);
    insertDocument_.run();
    const std::int64_t documentId = store_.lastInsertId();
    ++summary_.documents;

    std::int64_t nextId = store_.queryInt64("SELECT COALESCE(MAX(id), 0) + 1 FROM passages");
    int ordinal = 0;
    for (const Chunk& chunk : chunks) {
      const std::string hash = contentHash(chunk.text);
      std::optional<std::int64_t> duplicateOf;
      if (const auto it = passageByHash_.find(hash); it != passageByHash_.end()) {
        if (!keepExactDuplicates) {
          ++summary_.exactDuplicatesRemoved;
          continue;
        }
        duplicateOf = it->second;
      }
      const std::int64_t id = nextId++;
      if (auto near = nearDuplicates_.findOrAdd(id, chunk.text); near && !duplicateOf)
        duplicateOf = near;
      if (duplicateOf)
        ++summary_.nearDuplicatesFlagged;
      passageByHash_.emplace(hash, id);
      insertPassage_.reset();
      insertPassage_.bind(1, id)
          .bind(2, documentId)
          .bind(3, corpusId_)
          .bind(4, recordKey.empty() ? "p" + std::to_string(id) : recordKey)
          .bind(5, chunk.section)
          .bind(6, ordinal++)
          .bind(7, chunk.text)
          .bind(8, chunk.tokenCount)
          .bind(9, hash)
          .bind(10, duplicateOf);
      insertPassage_.run();
      ++summary_.passages;
      ++summary_.filingTypes[doc.filingType];
    }
  }

private:
  static std::optional<std::string> nullIfEmpty(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
  }
  void rebindDocument(const ParsedDocument& doc) {
    insertDocument_.bind(2, doc.externalId)
        .bind(3, doc.title)
        .bind(4, doc.filingType)
        .bind(5, nullIfEmpty(doc.company))
        .bind(6, nullIfEmpty(doc.cik))
        .bind(7, nullIfEmpty(doc.filingDate))
        .bind(8, nullIfEmpty(doc.period))
        .bind(9, doc.sourcePath)
        .bind(10, doc.contentHash)
        .bind(11, doc.metadata.dump())
        .bind(12, nowIso8601());
  }

  store::Store& store_;
  std::int64_t corpusId_;
  ImportSummary& summary_;
  NearDuplicateIndex nearDuplicates_;
  std::unordered_map<std::string, std::int64_t> passageByHash_;
  store::Statement documentExists_;
  store::Statement insertDocument_;
  store::Statement insertPassage_;
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
    summary_.corpusId = ensureCorpus(store_, options_.corpusName, settingsJson().dump());
    for (const fs::path& path : paths)
      collect(path, true);
    for (const ImportJob& job : jobs_)
      totalBytes_ += job.bytes;
    PassageWriter writer(store_, summary_.corpusId, options_, summary_);
    writer_ = &writer;
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
        importDocument(job.path, [&] { return readEdgarJson(job.path); });
        break;
      case ImportFormat::EdgarFull:
        importDocument(job.path, [&] { return readEdgarFull(job.path, sidecarOf(job.path)); });
        break;
      case ImportFormat::Text:
        importDocument(job.path, [&] { return readPlainText(job.path, sidecarOf(job.path)); });
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
    }
  }

  const SidecarMetadata& sidecarOf(const fs::path& file) {
    const fs::path dir = file.parent_path();
    auto it = sidecars_.find(dir);
    if (it == sidecars_.end())
      it = sidecars_.emplace(dir, readSidecar(dir)).first;
    return it->second;
  }

  template <typename Read> void importDocument(const fs::path& path, Read&& read) {
    ParsedDocument doc = read();
    for (const std::string& warning : doc.warnings)
      summary_.warnings.push_back({path.string(), warning});
    if (writer_->documentExists(doc.contentHash)) {
      ++summary_.unchangedDocuments;
      return;
    }
    const std::vector<Chunk> chunks = chunkSections(doc.sections, options_.chunking);
    store_.transaction([&] { writer_->write(doc, chunks, "", false); });
  }

  // One JSON line: a record, or a reason it cannot be one.
  std::optional<nlohmann::json> parseRecordLine(const fs::path& path, std::int64_t lineNumber, std::string& line) {
    const std::string where = path.string() + ":" + std::to_string(lineNumber);
    if (!isValidUtf8(line)) {
      std::size_t replaced = 0;
      line = repairUtf8(line, &replaced);
      summary_.warnings.push_back({where, "invalid UTF-8: " + std::to_string(replaced) + " byte sequences replaced"});
    }
    nlohmann::json record;
    try {
      record = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) { // parse_error, or out_of_range for a number like 1e999
      summary_.skipped.push_back({where, std::string("invalid JSON: ") + e.what()});
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
    std::ifstream in(file, std::ios::binary);
    if (!in)
      throw UnreadableInput("cannot open file");
    const JsonlFieldMapping beirFields{"_id", "text", "title", "filing_type", "company", "period"};
    const JsonlFieldMapping& fields = beir ? beirFields : options_.jsonlFields;
    ChunkingOptions recordChunking = options_.chunking;
    recordChunking.minTokens = 1; // a short record is still a record
    std::string line;
    std::int64_t lineNumber = 0, inBatch = 0, records = 0;
    std::uint64_t bytesRead = 0;
    bool inTransaction = false;
    const auto commit = [&] {
      if (inTransaction)
        store_.exec("COMMIT");
      inTransaction = false;
      inBatch = 0;
    };
    try {
      while (std::getline(in, line)) {
        ++lineNumber;
        bytesRead += line.size() + 1;
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
        ParsedDocument doc;
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
        if (const nlohmann::json* metadata = lookup(*record, "metadata"); metadata && metadata->is_object())
          doc.metadata = *metadata;
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
        if (!inTransaction) {
          store_.exec("BEGIN IMMEDIATE");
          inTransaction = true;
        }
        writer_->write(doc, chunks, doc.externalId, true);
        ++records;
        if (++inBatch >= kRecordsPerTransaction) {
          commit();
          report(progress_, {"import", static_cast<std::int64_t>(doneBytes_ + bytesRead),
                             static_cast<std::int64_t>(totalBytes_), file.string()});
        }
      }
      commit();
    } catch (...) {
      // SQLite itself rolls back on a full disk; a second ROLLBACK would fail and hide the reason.
      if (inTransaction)
        try {
          store_.exec("ROLLBACK");
        } catch (const std::exception&) {
        }
      throw;
    }
  }

  void importBeir(const fs::path& dir) {
    importRecords(dir / "corpus.jsonl", dir / "corpus.jsonl", true);
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
      std::ifstream in(dir / "queries.jsonl", std::ios::binary);
      std::string line;
      std::int64_t lineNumber = 0;
      while (std::getline(in, line)) {
        ++lineNumber;
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
    for (const fs::path& file : qrelFiles) {
      const std::string split = file.stem().string();
      std::ifstream in(file, std::ios::binary);
      std::string line;
      std::int64_t lineNumber = 0;
      while (std::getline(in, line)) {
        ++lineNumber;
        if (!line.empty() && line.back() == '\r')
          line.pop_back();
        std::vector<std::string> cells;
        std::size_t start = 0;
        for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
          cells.push_back(line.substr(start, tab - start));
        cells.push_back(line.substr(start));
        if (cells.size() == 4) // TREC style: query 0 doc grade
          cells.erase(cells.begin() + 1);
        if (cells.size() != 3) {
          if (!line.empty())
            summary_.skipped.push_back(
                {file.string() + ":" + std::to_string(lineNumber), "expected 3 tab-separated columns"});
          continue;
        }
        int grade = 0;
        try {
          std::size_t used = 0;
          grade = std::stoi(cells[2], &used);
          if (used != cells[2].size())
            throw std::invalid_argument("grade");
        } catch (const std::exception&) {
          if (lineNumber > 1) // the first line is usually the header "query-id corpus-id score"
            summary_.skipped.push_back({file.string() + ":" + std::to_string(lineNumber), "grade is not an integer"});
          continue;
        }
        const auto it = queries.find(cells[0]);
        if (it == queries.end()) {
          ++unknownQueries;
          continue;
        }
        if (it->second.split.empty())
          it->second.split = split;
        it->second.qrels.emplace_back(cells[1], grade);
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
  std::uint64_t totalBytes_ = 0;
  std::uint64_t doneBytes_ = 0;
};

} // namespace

std::string formatName(ImportFormat format) {
  switch (format) {
  case ImportFormat::Auto:
    return "auto";
  case ImportFormat::EdgarJson:
    return "edgar-json";
  case ImportFormat::EdgarFull:
    return "edgar-full";
  case ImportFormat::Text:
    return "text";
  case ImportFormat::Beir:
    return "beir";
  case ImportFormat::Jsonl:
    return "jsonl";
  }
  return "auto";
}

ImportFormat parseFormat(const std::string& name) {
  for (ImportFormat f : {ImportFormat::Auto, ImportFormat::EdgarJson, ImportFormat::EdgarFull, ImportFormat::Text,
                         ImportFormat::Beir, ImportFormat::Jsonl})
    if (formatName(f) == name)
      return f;
  throw InputError("unknown format '" + name + "' (expected auto, edgar-json, edgar-full, text, beir or jsonl)");
}

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
