// Fuzz targets for the corpus importers: EDGAR-CORPUS JSON, full-submission SGML/.htm, plain text with a
// metadata.jsonl sidecar (through the readers), and BEIR / generic JSONL (through importPaths into a
// scratch experiment, since their parsing lives inside the importer).
//
// The readers stream: files are read 1 MiB at a time, HTML goes through gumbo in 512 KiB pieces, converted text
// spills to a file past 4 MiB, long lines come in pieces. A fuzz input of a few KiB would never reach those paths
// with the default ReadLimits, so each file is read three times: with the defaults, with reads of a few bytes and
// every converted line spilled (which must give exactly the same document or error), and with HTML in 1 KiB pieces
// and lines in pieces of a few hundred bytes (which must still give valid text). LineReader, under every import,
// is checked against lines split in memory.
#include "tests/fuzz/FuzzSupport.h"

#include "core/corpus/Chunker.h"
#include "core/corpus/CorpusImporter.h"
#include "core/corpus/readers/FilingReaders.h"
#include "core/corpus/readers/HtmlText.h"
#include "core/corpus/readers/LineReader.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Utf8.h"

#include <optional>
#include <tuple>

namespace distillery::fuzz {
namespace fs = std::filesystem;
using namespace distillery::corpus;

namespace {

// What the importer would store must be text: valid UTF-8 everywhere, and chunks that are not empty.
void checkDocument(const ParsedDocument& doc) {
  for (const std::string* field :
       {&doc.externalId, &doc.title, &doc.filingType, &doc.company, &doc.cik, &doc.filingDate, &doc.period})
    DISTILLERY_FUZZ_CHECK(isValidUtf8(*field));
  DISTILLERY_FUZZ_CHECK(!doc.filingType.empty());
  DISTILLERY_FUZZ_CHECK(isValidUtf8(doc.metadata.dump()));
  for (const Section& section : doc.sections) {
    DISTILLERY_FUZZ_CHECK(isValidUtf8(section.name));
    DISTILLERY_FUZZ_CHECK(isValidUtf8(section.text));
  }
  ChunkingOptions small;
  small.maxTokens = 24;
  small.overlapTokens = 6;
  for (const ChunkingOptions& options : {ChunkingOptions{}, small})
    for (const Chunk& chunk : chunkSections(doc.sections, options)) {
      DISTILLERY_FUZZ_CHECK(!chunk.text.empty());
      DISTILLERY_FUZZ_CHECK(isValidUtf8(chunk.text));
      DISTILLERY_FUZZ_CHECK(chunk.tokenCount > 0);
    }
}

// Reads of 1 to 61 bytes (the input's size picks how many) and every converted line spilled to the temporary file.
ReadLimits smallReads(std::size_t inputSize) {
  ReadLimits limits;
  limits.readBufferBytes = 1 + inputSize % 61;
  limits.spillMemoryBytes = 1;
  return limits;
}

// Small reads, HTML in the smallest pieces HtmlTextStream takes (1 KiB), and a value / line piece limit of 256 B to 2
// KiB.
ReadLimits smallPieces(std::size_t inputSize) {
  ReadLimits limits = smallReads(inputSize);
  limits.htmlPieceBytes = 1024;
  limits.maxValueBytes = std::size_t(256) << (inputSize % 4);
  return limits;
}

struct ReadOutcome {
  std::optional<ParsedDocument> document;
  std::string error; // why the file was rejected
};

template <typename Read> ReadOutcome readOutcome(Read&& read) {
  try {
    ReadOutcome outcome{read(), {}};
    checkDocument(*outcome.document);
    return outcome;
  } catch (const UnreadableInput& e) { // the documented rejection: the importer lists the file under `skipped`
    return {std::nullopt, e.what()};
  } catch (const InputError& e) {
    return {std::nullopt, e.what()};
  }
}

auto documentFields(const ParsedDocument& d) {
  return std::tie(d.externalId, d.title, d.filingType, d.company, d.cik, d.filingDate, d.period, d.sourcePath,
                  d.contentHash, d.metadata, d.warnings);
}

// How a file is read in pieces must not change what is read.
void checkSameOutcome(const ReadOutcome& expected, const ReadOutcome& actual) {
  DISTILLERY_FUZZ_CHECK(actual.error == expected.error);
  DISTILLERY_FUZZ_CHECK(actual.document.has_value() == expected.document.has_value());
  if (!expected.document)
    return;
  DISTILLERY_FUZZ_CHECK(documentFields(*actual.document) == documentFields(*expected.document));
  const auto& sections = expected.document->sections;
  const auto& actualSections = actual.document->sections;
  DISTILLERY_FUZZ_CHECK(actualSections.size() == sections.size());
  for (std::size_t i = 0; i < sections.size(); ++i) {
    DISTILLERY_FUZZ_CHECK(actualSections[i].name == sections[i].name);
    DISTILLERY_FUZZ_CHECK(actualSections[i].text == sections[i].text);
  }
}

// The three readings described at the top; read(limits) reads the file.
template <typename Read> void readThreeWays(std::size_t inputSize, Read&& read) {
  const ReadOutcome whole = readOutcome([&] { return read(ReadLimits{}); });
  checkSameOutcome(whole, readOutcome([&] { return read(smallReads(inputSize)); }));
  (void)readOutcome([&] { return read(smallPieces(inputSize)); });
}

// One line (or piece of a line) as LineReader reports it.
struct LineRecord {
  std::string text;
  bool tooLong = false, partial = false, startsLine = true, endsWithNewline = false;
  std::uint64_t lineBytes = 0;
  std::int64_t lineNumber = 0;
  std::uint64_t bytesRead = 0;
  bool operator==(const LineRecord&) const = default;
};

bool isContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// What LineReader must report for bytes, worked out in memory: lines end at '\n' (a last line without one counts);
// Skip reports a line over maxLineBytes as too long and empty; Split cuts it into pieces of at most maxLineBytes,
// each ending before a UTF-8 sequence (backing off at most 3 bytes, never to nothing).
std::vector<LineRecord> expectedLines(std::string_view bytes, std::size_t maxLineBytes, LineReader::LongLines mode) {
  maxLineBytes = std::max<std::size_t>(maxLineBytes, 4); // LineReader's smallest limit
  std::vector<LineRecord> lines;
  std::uint64_t offset = 0;
  for (std::int64_t number = 1; offset < bytes.size(); ++number) {
    const std::size_t end = bytes.find('\n', offset);
    const bool newline = end != std::string_view::npos;
    std::string_view rest = bytes.substr(offset, (newline ? end : bytes.size()) - offset);
    const std::uint64_t length = rest.size();
    bool first = true;
    std::uint64_t pieceStart = offset;
    while (mode == LineReader::LongLines::Split && rest.size() > maxLineBytes) {
      std::size_t take = maxLineBytes;
      for (int back = 0; back < 3 && take > 1 && isContinuationByte(rest[take]); ++back)
        --take;
      pieceStart += take;
      lines.push_back(
          {std::string(rest.substr(0, take)), false, true, first, false, pieceStart - offset, number, pieceStart});
      rest.remove_prefix(take);
      first = false;
    }
    const bool tooLong = mode == LineReader::LongLines::Skip && length > maxLineBytes;
    offset += length + newline;
    lines.push_back(
        {tooLong ? std::string() : std::string(rest), tooLong, false, first, newline, length, number, offset});
  }
  return lines;
}

// LineReader reading bytes (as file) bufferBytes at a time must report expectedLines.
void checkLineReader(const fs::path& file, std::string_view bytes, std::size_t maxLineBytes, LineReader::LongLines mode,
                     std::size_t bufferBytes) {
  const std::vector<LineRecord> expected = expectedLines(bytes, maxLineBytes, mode);
  LineReader reader(file, maxLineBytes, mode, bufferBytes);
  std::size_t at = 0;
  for (; reader.next(); ++at) {
    DISTILLERY_FUZZ_CHECK(at < expected.size());
    const LineRecord actual{std::string(reader.line()), reader.tooLong(),   reader.partial(),    reader.startsLine(),
                            reader.endsWithNewline(),   reader.lineBytes(), reader.lineNumber(), reader.bytesRead()};
    DISTILLERY_FUZZ_CHECK(actual == expected[at]);
  }
  DISTILLERY_FUZZ_CHECK(at == expected.size());
}

// BEIR and JSONL parsing happen inside importPaths, which must never throw for bad file content and must
// store exactly what it reports.
void importAndCheck(const fs::path& scratch, const ImportOptions& options, const fs::path& input, bool expectQueries) {
  // Creating an experiment runs every migration; copying a fresh one made once is far faster per input.
  static const fs::path emptyExperiment = [] {
    const fs::path file = scratchRoot() / "empty-experiment.db";
    store::Store::open(file, store::OpenMode::CreateNew);
    return file;
  }();
  // libFuzzer's -timeout alarm fires every second and can interrupt the copy's sendfile (EINTR): retry then.
  for (int attempt = 0;; ++attempt) {
    std::error_code error;
    fs::remove(scratch / "experiment.db");
    if (fs::copy_file(emptyExperiment, scratch / "experiment.db", error))
      break;
    if (error != std::errc::interrupted || attempt == 100)
      throw fs::filesystem_error("cannot copy the empty experiment", emptyExperiment, scratch / "experiment.db", error);
  }
  auto store = store::Store::open(scratch / "experiment.db", store::OpenMode::MustExist);
  const ImportSummary summary = importPaths(store, options, {input});
  DISTILLERY_FUZZ_CHECK(!summary.cancelled);
  DISTILLERY_FUZZ_CHECK(store.queryInt64("SELECT COUNT(*) FROM passages") == summary.passages);
  DISTILLERY_FUZZ_CHECK(store.queryInt64("SELECT COUNT(*) FROM documents") == summary.documents);
  DISTILLERY_FUZZ_CHECK(store.queryInt64("SELECT COUNT(*) FROM passages WHERE text = ''") == 0);
  if (expectQueries) {
    DISTILLERY_FUZZ_CHECK(store.queryInt64("SELECT COUNT(*) FROM queries") == summary.queries);
    DISTILLERY_FUZZ_CHECK(store.queryInt64("SELECT COUNT(*) FROM qrels") == summary.qrels);
  }
  auto texts = store.prepare("SELECT text, section, record_key FROM passages");
  while (texts.step())
    for (int column = 0; column < 3; ++column)
      DISTILLERY_FUZZ_CHECK(isValidUtf8(texts.columnText(column)));
}

} // namespace

void fuzzEdgarJson(const std::uint8_t* data, std::size_t size) {
  const fs::path file = freshScratchDir() / "filing.json";
  writeFile(file, asText(data, size));
  readThreeWays(size, [&](const ReadLimits& limits) { return readEdgarJson(file, limits); });
}

// First byte: bit 0 picks .htm over .txt. The rest is the file; it also goes through HtmlTextStream directly.
void fuzzEdgarFull(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return;
  const std::string_view bytes = asText(data + 1, size - 1);
  const fs::path file = freshScratchDir() / ((data[0] & 1) ? "filing.htm" : "filing.txt");
  writeFile(file, bytes);
  readThreeWays(size, [&](const ReadLimits& limits) { return readEdgarFull(file, {}, limits); });
  // HTML may arrive in any slices (tags and comments span them): at the default piece size, which never cuts
  // an input this small, the text is that of one add(). In 1 KiB pieces it is still valid UTF-8.
  const std::string text = htmlToText(bytes);
  std::string sliced;
  HtmlTextStream stream([&](std::string_view piece) { sliced.append(piece); });
  const std::size_t slice = 1 + data[0] % 97;
  for (std::size_t at = 0; at < bytes.size(); at += slice)
    stream.add(bytes.substr(at, slice));
  stream.finish();
  DISTILLERY_FUZZ_CHECK(sliced == text);
  DISTILLERY_FUZZ_CHECK(isValidUtf8(text));
  std::string pieced;
  HtmlTextStream smallPieceStream([&](std::string_view piece) { pieced.append(piece); }, 1024);
  smallPieceStream.add(bytes);
  smallPieceStream.finish();
  DISTILLERY_FUZZ_CHECK(isValidUtf8(pieced));
  (void)looksLikeHtml(bytes);
}

// filing.txt, then "\n--metadata.jsonl--\n", then the sidecar. filing.txt also goes through LineReader in Split
// mode (how the text readers take long lines).
void fuzzPlainText(const std::uint8_t* data, std::size_t size) {
  const auto parts = splitInput(asText(data, size), "\n--metadata.jsonl--\n", 2);
  const fs::path dir = freshScratchDir();
  writeFile(dir / "filing.txt", parts[0]);
  if (!parts[1].empty())
    writeFile(dir / "metadata.jsonl", parts[1]);
  const SidecarMetadata sidecar = readSidecar(dir);
  readThreeWays(size, [&](const ReadLimits& limits) { return readPlainText(dir / "filing.txt", sidecar, limits); });
  checkLineReader(dir / "filing.txt", parts[0], 4 + size % 29, LineReader::LongLines::Split, 1 + size % 13);
}

// corpus.jsonl, queries.jsonl and qrels/test.tsv, separated by "\n=====\n".
void fuzzBeir(const std::uint8_t* data, std::size_t size) {
  const auto parts = splitInput(asText(data, size), "\n=====\n", 3);
  const fs::path scratch = freshScratchDir();
  const fs::path dataset = scratch / "dataset";
  writeFile(dataset / "corpus.jsonl", parts[0]);
  writeFile(dataset / "queries.jsonl", parts[1]);
  writeFile(dataset / "qrels" / "test.tsv", parts[2]);
  ImportOptions options;
  options.corpusName = "fuzz";
  options.format = (size % 2) ? ImportFormat::Beir : ImportFormat::Auto;
  options.chunkBeirRecords = (size % 3) == 0;
  if (size % 5 == 0)
    options.maxRecordBytes = 128; // longer records, queries and qrels lines are skipped unread
  importAndCheck(scratch, options, dataset, true);
}

// First byte picks a field mapping (dotted paths, empty paths), chunk sizes and a small record limit; the rest
// is records.jsonl.
void fuzzJsonl(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return;
  static const JsonlFieldMapping kMappings[] = {
      {},
      {"id", "body", "headline", "meta.form", "meta.company", "meta.period"},
      {"", "a.b.c", "", "", "", ""},
      {"doc.id", "doc.text", "doc", "filing_type", "company.name", "period"},
  };
  const fs::path scratch = freshScratchDir();
  const fs::path file = scratch / "records.jsonl";
  writeFile(file, asText(data + 1, size - 1));
  ImportOptions options;
  options.corpusName = "fuzz";
  options.format = ImportFormat::Jsonl;
  options.jsonlFields = kMappings[data[0] % std::size(kMappings)];
  options.chunking.maxTokens = (data[0] & 0x10) ? 32 : 256;
  options.chunking.overlapTokens = (data[0] & 0x10) ? 8 : 32;
  if (data[0] & 0x20)
    options.maxRecordBytes = 64; // longer records are skipped unread
  importAndCheck(scratch, options, file, false);
  // The JSON lines reader (Skip mode) against lines split in memory, reading a few bytes at a time.
  checkLineReader(file, asText(data + 1, size - 1), 4 + size % 61, LineReader::LongLines::Skip, 1 + data[0] % 13);
}

} // namespace distillery::fuzz
