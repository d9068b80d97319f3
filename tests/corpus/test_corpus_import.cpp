// importPaths over real filings (skipped when ../shared/data is absent) and hand-made bad files,
// read back through CorpusRepository; the CLI's JSON shape through the real distillery-cli.
#include "core/corpus/CorpusImporter.h"
#include "core/corpus/CorpusRepository.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "tests/support/TestSupport.h"

#include <QJsonArray>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

using namespace distillery;
using namespace distillery::corpus;
namespace fs = std::filesystem;

namespace {

fs::path shared(const char* relative) {
  return fs::path(distillery::test::sharedDataDir().toStdString()) / relative;
}

void writeFile(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// The first n files of a folder, sorted, copied to dir (tests keep imports small and fast).
std::vector<fs::path> firstFiles(const fs::path& folder, std::size_t n, const std::string& extension) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().extension() == extension)
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  files.resize(std::min(n, files.size()));
  return files;
}

ImportOptions optionsFor(const std::string& corpus) {
  ImportOptions options;
  options.corpusName = corpus;
  return options;
}

const SkippedInput* findSkipped(const ImportSummary& summary, const std::string& fileName) {
  for (const SkippedInput& s : summary.skipped)
    if (fs::path(s.path).filename() == fileName || s.path.find(fileName) != std::string::npos)
      return &s;
  return nullptr;
}

} // namespace

class TestCorpusImport : public QObject {
  Q_OBJECT

private slots:
  void init() {
    QVERIFY(dir_.isValid());
    storePath_ = fs::path(dir_.path().toStdString()) / ("store-" + std::to_string(++counter_) + ".db");
  }

  void edgarJsonFilingsBecomeSectionedPassages() {
    DISTILLERY_REQUIRE_SHARED_DATA("filings/edgar-10k");
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    const auto files = firstFiles(shared("filings/edgar-10k"), 3, ".json");
    const ImportSummary summary = importPaths(store, optionsFor("tenk"), files);
    QCOMPARE(summary.documents, std::int64_t(3));
    QVERIFY(summary.skipped.empty());
    QVERIFY(summary.passages > 100);
    QCOMPARE(summary.filingTypes.at("10-K"), summary.passages);

    const auto passages = loadPassages(store, findCorpusId(store, "tenk"));
    QCOMPARE(static_cast<std::int64_t>(passages.size()), summary.passages);
    bool sawRiskFactors = false;
    for (const PassageRecord& p : passages) {
      QCOMPARE(p.filingType, std::string("10-K"));
      QVERIFY(!p.company.empty());
      QVERIFY(!p.period.empty());
      QVERIFY(p.tokenCount <= 256);
      QCOMPARE(p.recordKey, "p" + std::to_string(p.id));
      sawRiskFactors |= p.section == "Item 1A. RISK FACTORS";
    }
    QVERIFY(sawRiskFactors);
    QVERIFY(std::is_sorted(passages.begin(), passages.end(), [](auto& a, auto& b) { return a.id < b.id; }));
  }

  void reimportAddsNothing() {
    DISTILLERY_REQUIRE_SHARED_DATA("filings/edgar-8k");
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    const auto files = firstFiles(shared("filings/edgar-8k"), 20, ".json");
    const ImportSummary first = importPaths(store, optionsFor("eightk"), files);
    QVERIFY(first.documents > 0);
    const auto countsBefore = store.tableCounts();
    const ImportSummary second = importPaths(store, optionsFor("eightk"), files);
    QCOMPARE(second.documents, std::int64_t(0));
    QCOMPARE(second.passages, std::int64_t(0));
    QCOMPARE(second.unchangedDocuments, first.documents);
    QCOMPARE(store.tableCounts(), countsBefore);
  }

  void pagedTextUsesSidecarMetadata() {
    DISTILLERY_REQUIRE_SHARED_DATA("filings/10q/metadata.jsonl");
    const fs::path folder = fs::path(dir_.path().toStdString()) / "tenq";
    fs::create_directories(folder);
    fs::copy_file(shared("filings/10q/2022_Q3_AAPL.txt"), folder / "2022_Q3_AAPL.txt");
    fs::copy_file(shared("filings/10q/metadata.jsonl"), folder / "metadata.jsonl");
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    const ImportSummary summary = importPaths(store, optionsFor("q"), {folder});
    QCOMPARE(summary.documents, std::int64_t(1));
    QVERIFY(summary.skipped.empty()); // metadata.jsonl is the sidecar, not an input
    const auto passages = loadPassages(store, findCorpusId(store, "q"));
    QVERIFY(passages.size() > 20);
    for (const PassageRecord& p : passages) {
      QCOMPARE(p.filingType, std::string("10-Q"));
      QCOMPARE(p.company, std::string("AAPL"));
      QCOMPARE(p.period, std::string("2022 Q3"));
      QVERIFY2(p.text.find("Q3 2022 Form 10-Q |") == std::string::npos, p.text.c_str()); // page footer removed
      QVERIFY(p.text.find('\f') == std::string::npos);
    }
    QVERIFY(std::any_of(passages.begin(), passages.end(),
                        [](const PassageRecord& p) { return p.section.starts_with("Item 2. Management"); }));
  }

  void fullSubmissionAndHtmlAreParsed() {
    const fs::path folder = fs::path(dir_.path().toStdString()) / "full";
    std::string body;
    for (int i = 0; i < 30; ++i)
      body += "<p>Net revenue increased " + std::to_string(i) + "% because customers bought more pumps.</p>\n";
    writeFile(
        folder / "0000950123-24-000001.txt",
        "<SEC-DOCUMENT>0000950123-24-000001.txt : 20240201\n<SEC-HEADER>\nACCESSION NUMBER:\t\t0000950123-24-000001\n"
        "CONFORMED SUBMISSION TYPE:\t8-K\nCONFORMED PERIOD OF REPORT:\t20240131\nFILED AS OF DATE:\t\t20240201\n"
        "FILER:\n\tCOMPANY DATA:\n\t\tCOMPANY CONFORMED NAME:\t\t\tACME PUMPS INC\n\t\tCENTRAL INDEX "
        "KEY:\t\t\t0000123456\n"
        "</SEC-HEADER>\n<DOCUMENT>\n<TYPE>8-K\n<SEQUENCE>1\n<TEXT>\n<html><body><p>Item 2.02 Results of Operations "
        "and Financial Condition.</p>" +
            body +
            "<table><tr><td>Revenue</td><td>$</td><td>1,234</td></tr></table>"
            "</body></html>\n</TEXT>\n</DOCUMENT>\n<DOCUMENT>\n<TYPE>GRAPHIC\n<TEXT>\nbegin 644 logo.jpg\nM_]C_X``0\n"
            "</TEXT>\n</DOCUMENT>\n<DOCUMENT>\n<TYPE>EX-99.1\n<DESCRIPTION>PRESS RELEASE\n<TEXT>\nAcme Pumps reports "
            "record quarterly revenue of $1.2 billion and raises its "
            "dividend.\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n");
    writeFile(folder / "form10k.htm",
              "<html><body><p>UNITED STATES SECURITIES AND EXCHANGE COMMISSION</p><p>FORM 10-K</p>"
              "<p>ITEM 7. MANAGEMENT'S DISCUSSION AND ANALYSIS</p>" +
                  body + "</body></html>");
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    const ImportSummary summary = importPaths(store, optionsFor("full"), {folder});
    QCOMPARE(summary.documents, std::int64_t(2));
    QVERIFY(summary.skipped.empty());
    QVERIFY(summary.filingTypes.count("8-K") && summary.filingTypes.count("10-K"));
    auto statement = store.prepare("SELECT company, cik, period, external_id FROM documents WHERE filing_type = '8-K'");
    QVERIFY(statement.step());
    QCOMPARE(statement.columnText(0), std::string("ACME PUMPS INC"));
    QCOMPARE(statement.columnText(1), std::string("0000123456"));
    QCOMPARE(statement.columnText(2), std::string("20240131"));
    QCOMPARE(statement.columnText(3), std::string("0000950123-24-000001"));
    const auto passages = loadPassages(store, findCorpusId(store, "full"));
    bool sawTable = false, sawExhibit = false, sawGraphic = false;
    for (const PassageRecord& p : passages) {
      sawTable |= p.text.find("Revenue | 1,234") != std::string::npos;
      sawExhibit |=
          p.section.starts_with("Exhibit 99.1") && p.text.find("record quarterly revenue") != std::string::npos;
      sawGraphic |= p.text.find("begin 644") != std::string::npos;
      if (p.filingType == "10-K" && p.text.find("customers bought more pumps") != std::string::npos)
        QCOMPARE(p.section, std::string("Item 7. MANAGEMENT'S DISCUSSION AND ANALYSIS"));
    }
    QVERIFY(sawTable);
    QVERIFY(sawExhibit);
    QVERIFY(!sawGraphic);
  }

  // Inline-XBRL filings often come as one enormous line: it is read in pieces, and none of it may go missing.
  void aOneLineHtmlFilingOfMegabytesKeepsAllItsText() {
    const fs::path file = fs::path(dir_.path().toStdString()) / "oneline" / "filing.htm";
    std::string html = "<html><body><p>FORM 10-K</p><p>ITEM 7. MANAGEMENT'S DISCUSSION</p>";
    for (int i = 0; html.size() < (5u << 20); ++i)
      html += "<p>Paragraph " + std::to_string(i) + " on revenue, costs and the outlook of the segment.</p>";
    html += "<p>The last paragraph of the filing names the auditor.</p></body></html>";
    writeFile(file, html);
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    const ImportSummary summary = importPaths(store, optionsFor("oneline"), {file});
    QVERIFY(summary.skipped.empty());
    QCOMPARE(summary.documents, std::int64_t(1));
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM passages WHERE text LIKE '%the filing names the auditor%' AND "
                              "section = 'Item 7. MANAGEMENT''S DISCUSSION'"),
             std::int64_t(1));
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM passages WHERE text LIKE '%Paragraph 40000 on revenue%'"),
             std::int64_t(1));
  }

  void badInputsAreSkippedWithReasonsAndNothingHalfWritten() {
    const fs::path folder = fs::path(dir_.path().toStdString()) / "bad";
    writeFile(folder / "good.json",
              "{\"filing_type\": \"10-K\", \"company\": \"GOOD CO\", \"item_7\": \"ITEM 7.\\nMD&A\\nRevenue rose "
              "sharply because demand for our products was strong across all regions this year.\"}");
    writeFile(folder / "truncated.json",
              "{\"filing_type\": \"10-K\", \"company\": \"TRUNC\", \"item_7\": \"Revenue ro");
    writeFile(folder / "array.json", "[1, 2, 3]");
    writeFile(folder / "empty.txt", "");
    writeFile(folder / "blank.txt", "   \n\n ");
    writeFile(folder / "binary.dat", std::string("\x7f"
                                                 "ELF\x02\x01\x01\0\0\0\0",
                                                 12) +
                                         std::string(200, '\0'));
    writeFile(folder / "binary.txt", std::string("PK\x03\x04\0\0\x08\0", 8) + std::string(100, '\x01'));
    writeFile(folder / "notes.xyz", "some notes in an unknown format");
    writeFile(
        folder / "latin1.txt",
        "FORM 10-K\nR\xe9sum\xe9 of the fiscal year: revenue grew and margins improved across every segment of the "
        "business, as described in this annual report, and cash flow from operations "
        "funded capital expenditures, dividends and share repurchases during the year, "
        "every segment of the business, as described in this annual report.\n");
    writeFile(folder / "huge.txt", std::string(5000, 'a'));
    writeFile(folder / "records.jsonl", "{\"_id\": \"r1\", \"text\": \"First record about dividends paid.\"}\n"
                                        "[\"not\", \"an\", \"object\"]\n"
                                        "{\"_id\": \"r2\", \"text\": \"Second record about share buybacks.\"}\n"
                                        "{\"_id\": \"r3\", \"text\": \"Trunc\n"
                                        "{\"_id\": \"r4\", \"title\": \"no text field\"}\n");
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    ImportOptions options = optionsFor("bad");
    options.maxFileBytes = 4096;
    const ImportSummary summary = importPaths(store, options, {folder, folder / "missing.json"});

    const auto reason = [&](const std::string& name) {
      const SkippedInput* s = findSkipped(summary, name);
      return s ? s->reason : std::string("<not skipped>");
    };
    QVERIFY2(reason("truncated.json").starts_with("invalid JSON"), reason("truncated.json").c_str());
    QVERIFY2(reason("array.json").find("not an object") != std::string::npos, reason("array.json").c_str());
    QCOMPARE(reason("empty.txt"), std::string("empty file"));
    QCOMPARE(reason("blank.txt"), std::string("empty file"));
    QVERIFY2(reason("binary.dat").starts_with("binary"), reason("binary.dat").c_str());
    QVERIFY2(reason("binary.txt").starts_with("binary"), reason("binary.txt").c_str());
    QVERIFY2(reason("notes.xyz").starts_with("unknown format"), reason("notes.xyz").c_str());
    QVERIFY2(reason("huge.txt").starts_with("file too large"), reason("huge.txt").c_str());
    QVERIFY2(reason("missing.json").find("no such file") != std::string::npos, reason("missing.json").c_str());
    QVERIFY2(reason("records.jsonl:2") == "not a JSON object", reason("records.jsonl:2").c_str());
    QVERIFY2(reason("records.jsonl:4").starts_with("invalid JSON"), reason("records.jsonl:4").c_str());
    QVERIFY2(reason("records.jsonl:5").find("no text") != std::string::npos, reason("records.jsonl:5").c_str());
    QVERIFY(!findSkipped(summary, "good.json"));
    QVERIFY(!findSkipped(summary, "latin1.txt"));

    // Imported: good.json, latin1.txt (repaired, with a warning), records r1 and r2.
    QCOMPARE(summary.documents, std::int64_t(4));
    QVERIFY(std::any_of(summary.warnings.begin(), summary.warnings.end(), [](const SkippedInput& w) {
      return w.path.ends_with("latin1.txt") && w.reason.starts_with("invalid UTF-8");
    }));
    const auto passages = loadPassages(store, findCorpusId(store, "bad"));
    QVERIFY(std::any_of(passages.begin(), passages.end(), [](const PassageRecord& p) {
      return p.text.find("R\xEF\xBF\xBDsum\xEF\xBF\xBD") != std::string::npos && p.filingType == "10-K";
    }));
    QVERIFY(std::any_of(passages.begin(), passages.end(), [](const PassageRecord& p) { return p.recordKey == "r2"; }));
    // Every stored document has its passages: no half-written document.
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM documents d WHERE NOT EXISTS "
                              "(SELECT 1 FROM passages p WHERE p.document_id = d.id)"),
             std::int64_t(0));
  }

  // Streaming writes an item's passages before the rest of its file is read: a file that breaks after that must
  // still leave nothing behind, neither rows nor duplicate-detection entries that would hide the same text later.
  void aFileThatBreaksHalfWayLeavesNothing() {
    const fs::path folder = fs::path(dir_.path().toStdString()) / "halfway";
    std::string item;
    for (int i = 0; i < 80; ++i)
      item += "Paragraph " + std::to_string(i) + " explains why freight costs rose and margins narrowed this year.\n";
    const std::string items =
        "{\"filing_type\": \"10-K\", \"company\": \"HALF CO\", \"item_7\": " + nlohmann::json(item).dump() +
        ", \"item_8\": \"Financial statements follow.\"";
    writeFile(folder / "a-broken.json", items + ", \"item_9\": tru}");
    writeFile(folder / "b-deep.json", items + ", \"exhibits\": " + std::string(500, '[') + std::string(500, ']') + "}");
    writeFile(folder / "c-good.json", items + "}");
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    const ImportSummary summary = importPaths(store, optionsFor("half"), {folder});
    const SkippedInput* broken = findSkipped(summary, "a-broken.json");
    QVERIFY(broken && broken->reason.starts_with("invalid JSON"));
    const SkippedInput* deep = findSkipped(summary, "b-deep.json");
    QVERIFY2(deep && deep->reason == "JSON nested deeper than 100 levels (line 1)", deep ? deep->reason.c_str() : "");
    QCOMPARE(summary.documents, std::int64_t(1)); // c-good.json, whose passages were not taken for duplicates
    QCOMPARE(summary.exactDuplicatesRemoved, std::int64_t(0));
    QVERIFY(summary.passages > 3);
    QCOMPARE(summary.filingTypes.at("10-K"), summary.passages);
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM documents"), std::int64_t(1));
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM passages"), summary.passages);
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM passages WHERE near_duplicate_of IS NOT NULL"), std::int64_t(0));
  }

  void cancelKeepsCompleteDocuments() {
    DISTILLERY_REQUIRE_SHARED_DATA("filings/edgar-8k");
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    const auto files = firstFiles(shared("filings/edgar-8k"), 12, ".json");
    std::stop_source stop;
    int reports = 0;
    const ImportSummary cancelled = importPaths(
        store, optionsFor("c"), files,
        [&](const Progress& p) {
          QCOMPARE(p.stage, std::string("import"));
          if (++reports == 4)
            stop.request_stop();
        },
        stop.get_token());
    QVERIFY(cancelled.cancelled);
    QVERIFY(cancelled.documents > 0 && cancelled.documents < 12);
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM documents"), cancelled.documents);
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM passages"), cancelled.passages);
    // Importing again finishes the rest and adds nothing twice.
    const ImportSummary rest = importPaths(store, optionsFor("c"), files);
    QVERIFY(!rest.cancelled);
    QCOMPARE(rest.unchangedDocuments, cancelled.documents);
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM documents") + static_cast<std::int64_t>(rest.skipped.size()),
             std::int64_t(12));
  }

  // A stop lands inside a large file, not only between files: the file in flight is dropped whole.
  void cancelStopsInsideALargeFile() {
    const fs::path file = fs::path(dir_.path().toStdString()) / "long" / "long.txt";
    std::string text = "FORM 10-K\n";
    for (int i = 0; i < 20'000; ++i)
      text += "Line " + std::to_string(i) + " of a long filing about revenue, margins and cash.\n";
    writeFile(file, text);
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    std::stop_source stop;
    const ImportSummary summary = importPaths(
        store, optionsFor("long"), {file}, [&](const Progress&) { stop.request_stop(); }, stop.get_token());
    QVERIFY(summary.cancelled);
    QCOMPARE(summary.documents, std::int64_t(0));
    QCOMPARE(store.queryInt64("SELECT COUNT(*) FROM documents") + store.queryInt64("SELECT COUNT(*) FROM passages"),
             std::int64_t(0));
    const ImportSummary again = importPaths(store, optionsFor("long"), {file});
    QCOMPARE(again.documents, std::int64_t(1));
  }

  void beirImportsPassagesAndQuerySet() {
    DISTILLERY_REQUIRE_SHARED_DATA("tatqa-beir/corpus.jsonl");
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    const ImportSummary summary = importPaths(store, optionsFor("tatqa"), {shared("tatqa-beir")});
    QVERIFY(summary.skipped.empty());
    QCOMPARE(summary.documents, std::int64_t(3190));
    QCOMPARE(summary.passages, std::int64_t(3190)); // a record stays one passage by default
    const std::int64_t corpusId = findCorpusId(store, "tatqa");
    const QuerySetRecord set = loadQuerySet(store, corpusId, "tatqa");
    QCOMPARE(set.origin, std::string("imported"));
    std::int64_t test = 0, dev = 0;
    for (const QueryRecord& q : set.queries) {
      QVERIFY(!q.qrels.empty());
      test += q.split == "test";
      dev += q.split == "dev";
    }
    QCOMPARE(test, std::int64_t(1663));
    QVERIFY(dev > 0);
    // Qrels refer to passages by the BEIR _id.
    const auto passages = loadPassages(store, corpusId);
    std::set<std::string> keys;
    for (const auto& p : passages)
      keys.insert(p.recordKey);
    for (const auto& [key, grade] : set.queries.front().qrels)
      QVERIFY2(keys.count(key), key.c_str());
    // Importing again adds no documents, queries or qrels.
    const ImportSummary again = importPaths(store, optionsFor("tatqa"), {shared("tatqa-beir")});
    QCOMPARE(again.documents + again.queries + again.qrels, std::int64_t(0));
    QCOMPARE(static_cast<std::int64_t>(loadQuerySet(store, corpusId, "tatqa").queries.size()),
             static_cast<std::int64_t>(set.queries.size()));
  }

  void jsonlUsesFieldMapping() {
    const fs::path file = fs::path(dir_.path().toStdString()) / "custom.jsonl";
    writeFile(file, "{\"doc\": {\"key\": \"a1\", \"body\": \"Capital expenditures were $40 million in 2023.\"}, "
                    "\"meta\": {\"form\": \"10-K\", \"issuer\": \"ACME\"}}\n");
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    ImportOptions options = optionsFor("custom");
    options.jsonlFields = {"doc.key", "doc.body", "", "meta.form", "meta.issuer", ""};
    const ImportSummary summary = importPaths(store, options, {file});
    QCOMPARE(summary.passages, std::int64_t(1));
    const auto passages = loadPassages(store, findCorpusId(store, "custom"));
    QCOMPARE(passages[0].recordKey, std::string("a1"));
    QCOMPARE(passages[0].filingType, std::string("10-K"));
    QCOMPARE(passages[0].company, std::string("ACME"));
  }

  void duplicatesAreRemovedOrFlagged() {
    const fs::path folder = fs::path(dir_.path().toStdString()) / "dups";
    const std::string disclaimer =
        "This report contains forward-looking statements within the meaning of the Private Securities Litigation "
        "Reform Act of 1995, including statements about revenue, margins and capital allocation. Actual results may "
        "differ materially because of the risks described in our filings with the SEC.";
    const auto filing = [&](const std::string& company, const std::string& disclaimerText, const std::string& news) {
      return nlohmann::json{{"filing_type", "8-K"},
                            {"company", company},
                            {"item_8.01", "Item 8.01 Other Events.\n" + news + "\n\n" + disclaimerText}}
          .dump();
    };
    writeFile(folder / "a.json", filing("A CO", disclaimer,
                                        "The board of A Co approved a new plant in Ohio that will employ four hundred "
                                        "people once production starts next year."));
    writeFile(folder / "b.json", filing("B CO", disclaimer,
                                        "B Co signed a supply agreement with a European carmaker covering battery "
                                        "modules for the next five model years."));
    writeFile(folder / "c.json", filing("C CO", disclaimer + " Updated in 2024.",
                                        "C Co named a new chief operating officer who previously ran logistics at a "
                                        "large parcel carrier for a decade."));
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    ImportOptions options = optionsFor("dups");
    options.chunking.maxTokens = 64; // news and disclaimer become separate passages
    options.chunking.overlapTokens = 0;
    const ImportSummary summary = importPaths(store, options, {folder});
    QCOMPARE(summary.documents, std::int64_t(3));
    QCOMPARE(summary.exactDuplicatesRemoved, std::int64_t(1)); // b.json's disclaimer
    QVERIFY(summary.nearDuplicatesFlagged >= 1);               // c.json's disclaimer, with a sentence more
    const auto passages = loadPassages(store, findCorpusId(store, "dups"));
    const auto first = std::find_if(passages.begin(), passages.end(),
                                    [](const PassageRecord& p) { return p.text.starts_with("This report contains"); });
    QVERIFY(first != passages.end());
    QVERIFY(!first->nearDuplicateOf);
    const auto flagged = std::find_if(passages.begin(), passages.end(), [](const PassageRecord& p) {
      return p.text.find("Updated in 2024") != std::string::npos;
    });
    QVERIFY(flagged != passages.end());
    QCOMPARE(flagged->nearDuplicateOf, std::optional<std::int64_t>(first->id));
  }

  void chunkedBeirRecordsShareTheirRecordKey() {
    const fs::path folder = fs::path(dir_.path().toStdString()) / "beir";
    std::string longText;
    for (int i = 0; i < 60; ++i)
      longText += "Sentence " + std::to_string(i) + " describes segment revenue and margins in detail. ";
    writeFile(folder / "corpus.jsonl",
              nlohmann::json{{"_id", "doc-1"}, {"text", longText}, {"metadata", {{"filing_type", "10-K"}}}}.dump() +
                  "\n{\"_id\": \"doc-2\", \"text\": \"Short \xff record.\"}\n");
    writeFile(folder / "queries.jsonl", "{\"_id\": \"q1\", \"text\": \"segment margins\"}\n");
    writeFile(folder / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\tdoc-1\t2\n");
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    ImportOptions options = optionsFor("chunked");
    options.chunkBeirRecords = true;
    options.chunking.maxTokens = 64;
    const ImportSummary summary = importPaths(store, options, {folder / "corpus.jsonl"});
    QCOMPARE(summary.documents, std::int64_t(2));
    QVERIFY(summary.passages > 3);
    QCOMPARE(summary.warnings.size(), std::size_t(1)); // line 2's invalid byte, replaced
    QVERIFY(summary.warnings[0].path.ends_with("corpus.jsonl:2"));
    const auto passages = loadPassages(store, findCorpusId(store, "chunked"));
    QVERIFY(std::count_if(passages.begin(), passages.end(), [](auto& p) { return p.recordKey == "doc-1"; }) > 2);
    const QuerySetRecord set = loadQuerySet(store, findCorpusId(store, "chunked"), "chunked");
    QCOMPARE(set.queries.size(), std::size_t(1));
    QCOMPARE(set.queries[0].qrels.at("doc-1"), 2);
    QCOMPARE(set.queries[0].filingType, std::string("10-K")); // from the judged record's metadata
  }

  void formatsAreDetected() {
    const fs::path root = fs::path(dir_.path().toStdString()) / "detect";
    writeFile(root / "beir" / "corpus.jsonl", "{}\n");
    writeFile(root / "a.json", "{}");
    writeFile(root / "b.txt", "<SEC-DOCUMENT>x\n<SEC-HEADER>\n");
    writeFile(root / "c.txt", "plain words");
    writeFile(root / "d.htm", "<html></html>");
    writeFile(root / "e.jsonl", "{}\n");
    writeFile(root / "f.bin", std::string("\0\1\2", 3));
    QCOMPARE(detectFormat(root / "beir"), std::optional(ImportFormat::Beir));
    QCOMPARE(detectFormat(root / "beir" / "corpus.jsonl"), std::optional(ImportFormat::Beir));
    QCOMPARE(detectFormat(root), std::optional(ImportFormat::Auto));
    QCOMPARE(detectFormat(root / "a.json"), std::optional(ImportFormat::EdgarJson));
    QCOMPARE(detectFormat(root / "b.txt"), std::optional(ImportFormat::EdgarFull));
    QCOMPARE(detectFormat(root / "c.txt"), std::optional(ImportFormat::Text));
    QCOMPARE(detectFormat(root / "d.htm"), std::optional(ImportFormat::EdgarFull));
    QCOMPARE(detectFormat(root / "e.jsonl"), std::optional(ImportFormat::Jsonl));
    QCOMPARE(detectFormat(root / "f.bin"), std::optional<ImportFormat>());
    QCOMPARE(parseFormat("edgar-full"), ImportFormat::EdgarFull);
    QVERIFY_THROWS_EXCEPTION(InputError, parseFormat("pdf"));
  }

  void repositoryErrorsNameWhatIsMissing() {
    auto store = store::Store::open(storePath_, store::OpenMode::CreateIfMissing);
    try {
      findCorpusId(store, "nope");
      QFAIL("expected InputError");
    } catch (const InputError& e) {
      QVERIFY(std::string(e.what()).find("'nope'") != std::string::npos);
    }
    const std::int64_t corpusId = ensureCorpus(store, "made");
    QCOMPARE(ensureCorpus(store, "made"), corpusId);
    const std::int64_t setId = createQuerySet(store, corpusId, "synthetic-1");
    QCOMPARE(loadQuerySet(store, setId).name, std::string("synthetic-1"));
    QVERIFY_THROWS_EXCEPTION(InputError, createQuerySet(store, corpusId, "synthetic-1"));
    QVERIFY_THROWS_EXCEPTION(InputError, loadQuerySet(store, corpusId, "missing"));
  }

  void cliPrintsTheDocumentedJson() {
    const fs::path folder = fs::path(dir_.path().toStdString()) / "cli";
    writeFile(folder / "a.json",
              "{\"filing_type\": \"8-K\", \"company\": \"CLI CO\", \"item_8.01\": \"Item 8.01 Other Events.\\nThe "
              "board declared a quarterly cash dividend of $0.25 per share payable to holders of record.\"}");
    writeFile(folder / "broken.json", "{\"filing_type\": ");
    const QString store = QString::fromStdString((folder / "x.db").string());
    const auto result = distillery::test::runCli(
        {"import", "--store", store, "--corpus", "clicorpus", "--json", QString::fromStdString(folder.string())});
    QCOMPARE(result.exitCode, 0);
    const QJsonObject json = result.json();
    QCOMPARE(json["corpus"].toString(), QStringLiteral("clicorpus"));
    QCOMPARE(json["documents"].toInt(), 1);
    QVERIFY(json["passages"].toInt() >= 1);
    QCOMPARE(json["filing_types"].toObject()["8-K"].toInt(), json["passages"].toInt());
    QCOMPARE(json["skipped"].toArray().size(), 1);
    QVERIFY(json["skipped"].toArray()[0].toObject()["path"].toString().endsWith("broken.json"));
    QVERIFY(json["skipped"].toArray()[0].toObject()["reason"].toString().startsWith("invalid JSON"));
    QVERIFY(json["seconds"].isDouble());

    const auto bad = distillery::test::runCli({"import", "--store", store, "--corpus", "c", "--format", "pdf", "x"});
    QCOMPARE(bad.exitCode, 2);
    const auto budget = distillery::test::runCli(
        {"import", "--store", store, "--corpus", "c", "--max-tokens", "8", QString::fromStdString(folder.string())});
    QCOMPARE(budget.exitCode, 1);
    QVERIFY2(budget.err.contains("max tokens"), budget.err.constData());
  }

  // issue 3: with --chunk-beir a record becomes several passages, and evaluation still ranks records (the
  // best passage stands for its record), so qrels by BEIR _id keep working.
  void chunkedBeirEvaluatesRecordsThroughTheCli() {
    const fs::path folder = fs::path(dir_.path().toStdString()) / "beir-eval";
    std::string corpus;
    std::string longText;
    for (int i = 0; i < 40; ++i)
      longText += "Paragraph " + std::to_string(i) + " covers warehouse leases and freight costs in the region. ";
    longText += "The impairment of goodwill in the retail segment was 41 million dollars.";
    corpus += nlohmann::json{{"_id", "long"}, {"text", longText}}.dump() + "\n";
    for (int i = 0; i < 5; ++i)
      corpus +=
          nlohmann::json{{"_id", "short" + std::to_string(i)},
                         {"text", "Short record " + std::to_string(i) + " about interest rate swaps and hedging."}}
              .dump() +
          "\n";
    writeFile(folder / "corpus.jsonl", corpus);
    writeFile(folder / "queries.jsonl", "{\"_id\": \"q1\", \"text\": \"goodwill impairment retail segment\"}\n"
                                        "{\"_id\": \"q2\", \"text\": \"warehouse leases freight\"}\n");
    writeFile(folder / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq1\tlong\t2\nq2\tlong\t1\n");
    const QString store = QString::fromStdString((folder / "x.db").string());
    const auto imported =
        distillery::test::runCli({"import", "--store", store, "--corpus", "chunked", "--chunk-beir", "--max-tokens",
                                  "48", "--overlap", "8", "--json", QString::fromStdString(folder.string())});
    QCOMPARE(imported.exitCode, 0);
    QCOMPARE(imported.json()["documents"].toInt(), 6);
    QVERIFY(imported.json()["passages"].toInt() > 10); // the long record became many passages
    QCOMPARE(imported.json()["queries"].toInt(), 2);
    const QString run = QString::fromStdString((folder / "run.trec").string());
    const auto evaluated =
        distillery::test::runCli({"eval", "--store", store, "--corpus", "chunked", "--query-set", "chunked",
                                  "--retriever", "bm25", "--k", "5", "--export-run", run, "--json"});
    QVERIFY2(evaluated.exitCode == 0, evaluated.err.constData());
    const QJsonObject all = evaluated.json()["metrics"].toObject()["ALL"].toObject();
    QCOMPARE(all["mrr@5"].toDouble(), 1.0);
    QCOMPARE(all["recall@5"].toDouble(), 1.0);
    // The run ranks records, each once, by their BEIR ids.
    std::ifstream in(run.toStdString());
    std::multiset<std::string> q1Records;
    for (std::string qid, q0, docid, rank, score, tag; in >> qid >> q0 >> docid >> rank >> score >> tag;)
      if (qid == "q1")
        q1Records.insert(docid);
    QVERIFY(q1Records.count("long") == 1);
    QCOMPARE(std::set<std::string>(q1Records.begin(), q1Records.end()).size(), q1Records.size());
  }

private:
  QTemporaryDir dir_;
  fs::path storePath_;
  int counter_ = 0;
};

QTEST_GUILESS_MAIN(TestCorpusImport)
#include "test_corpus_import.moc"
