// Fuzz targets for the corpus importers: EDGAR-CORPUS JSON, full-submission SGML/.htm, plain text with a
// metadata.jsonl sidecar (through the readers), and BEIR / generic JSONL (through importPaths into a
// scratch experiment, since their parsing lives inside the importer).
#include "tests/fuzz/FuzzSupport.h"

#include "core/corpus/Chunker.h"
#include "core/corpus/CorpusImporter.h"
#include "core/corpus/FilingReaders.h"
#include "core/corpus/HtmlText.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Utf8.h"

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

template <typename Read> void readDocument(Read&& read) {
  try {
    checkDocument(read());
  } catch (const UnreadableInput&) {
    // the documented rejection: the importer lists the file under `skipped`
  } catch (const InputError&) {
  }
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
  fs::copy_file(emptyExperiment, scratch / "experiment.db");
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
  readDocument([&] { return readEdgarJson(file); });
}

// First byte: bit 0 picks .htm over .txt. The rest is the file; it also goes through htmlToText directly.
void fuzzEdgarFull(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return;
  const std::string_view bytes = asText(data + 1, size - 1);
  const fs::path file = freshScratchDir() / ((data[0] & 1) ? "filing.htm" : "filing.txt");
  writeFile(file, bytes);
  readDocument([&] { return readEdgarFull(file, {}); });
  const std::string text = htmlToText(bytes);
  if (isValidUtf8(bytes))
    DISTILLERY_FUZZ_CHECK(isValidUtf8(text));
  (void)looksLikeHtml(bytes);
}

// filing.txt, then "\n--metadata.jsonl--\n", then the sidecar.
void fuzzPlainText(const std::uint8_t* data, std::size_t size) {
  const auto parts = splitInput(asText(data, size), "\n--metadata.jsonl--\n", 2);
  const fs::path dir = freshScratchDir();
  writeFile(dir / "filing.txt", parts[0]);
  if (!parts[1].empty())
    writeFile(dir / "metadata.jsonl", parts[1]);
  const SidecarMetadata sidecar = readSidecar(dir);
  readDocument([&] { return readPlainText(dir / "filing.txt", sidecar); });
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
  importAndCheck(scratch, options, dataset, true);
}

// First byte picks a field mapping (dotted paths, empty paths); the rest is records.jsonl.
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
  importAndCheck(scratch, options, file, false);
}

} // namespace distillery::fuzz
