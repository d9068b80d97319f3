// Importers stream: a ~200 MB EDGAR-CORPUS JSON filing, a ~200 MB paged text filing and a ~60 MB HTML filing, each
// generated here, go through the real distillery-cli while wait4() reads its peak RSS. The peak may exceed that
// of a tiny import only by a small fraction of the file, and the passages must come out as from a small file:
// every item a section, markers from the first and last pages present, repeated headers and footers removed.
// (No raw string literals: moc mis-reads those with an odd number of quotes and then finds no test class.)
#include "core/store/Store.h"
#include "tests/support/MeasuredCli.h"
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <string>
#include <vector>

namespace {

using distillery::test::MeasuredCli;

// distillery-cli import in a child process, so that its own peak RSS (not the test's) is measured.
MeasuredCli importMeasured(const QString& store, const QString& input, const QString& scratch) {
  return distillery::test::runCliMeasured({"import", "--store", store, "--corpus", "big", "--json", input}, scratch);
}

std::uint64_t fileBytes(const QString& path) {
  return static_cast<std::uint64_t>(QFileInfo(path).size());
}

// Text repeated until a target size: its passages are exact duplicates of each other, so the import stores few
// rows and the test's time goes into reading, not into the store.
const std::string kParagraph =
    "Net sales increased because demand for our products grew in every region, and gross margin improved as "
    "component costs fell and the mix shifted toward services with recurring revenue. ";

std::string repeated(const std::string& unit, std::size_t bytes) {
  std::string text;
  text.reserve(bytes + unit.size());
  while (text.size() < bytes)
    text += unit;
  return text;
}

std::string jsonEscaped(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text)
    out += c == '\n' ? std::string("\\n") : c == '"' ? std::string("\\\"") : std::string(1, c);
  return out;
}

} // namespace

class TestCorpusStreaming : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  long baselineRssKb_ = 0;

  QString path(const QString& name) const { return dir_.filePath(name); }

  // The import succeeded with one document and nothing skipped, and its peak RSS grew by less than a quarter of
  // the file over a tiny import's (what it holds is a fixed amount: one item, a piece of HTML, a few pages).
  void verifyBoundedImport(const MeasuredCli& run, const QString& file) {
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(run.json()["documents"].toInt(), 1);
    QVERIFY2(run.json()["skipped"].toArray().isEmpty(), QJsonDocument(run.json()).toJson().constData());
    const long growthKb = run.maxRssKb - baselineRssKb_;
    const auto limitKb = static_cast<long>(fileBytes(file) / 1024 / 4);
    qInfo("%s: %llu MB file, peak RSS %ld MB (%ld MB above a tiny import's)", qPrintable(QFileInfo(file).fileName()),
          static_cast<unsigned long long>(fileBytes(file) >> 20), run.maxRssKb / 1024, growthKb / 1024);
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer keeps freed blocks in quarantine and pads every allocation, so RSS says nothing about what
    // the importer holds: the import itself (and its memory safety) is still checked, the bound only in plain builds.
    qInfo("RSS bound not checked under AddressSanitizer");
    return;
#endif
    QVERIFY2(growthKb < limitKb, qPrintable(QStringLiteral("%1: peak RSS %2 MB, %3 MB above a tiny import; file %4 MB")
                                                .arg(file)
                                                .arg(run.maxRssKb / 1024)
                                                .arg(growthKb / 1024)
                                                .arg(fileBytes(file) >> 20)));
  }

  static std::int64_t count(distillery::store::Store& store, const std::string& sql) {
    return store.queryInt64(sql);
  }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    std::ofstream(path("tiny.json").toStdString())
        << "{\"filing_type\": \"10-K\", \"company\": \"TINY CO\", \"item_7\": \"ITEM 7.\\nMD&A\\nRevenue rose "
           "because demand for our products was strong across all regions this year.\"}";
    const MeasuredCli tiny = importMeasured(path("tiny.db"), path("tiny.json"), dir_.path());
    QVERIFY2(tiny.exitCode == 0, tiny.err.constData());
    QCOMPARE(tiny.json()["passages"].toInt(), 1);
    baselineRssKb_ = tiny.maxRssKb;
  }

  void edgarJsonOfTwoHundredMegabytesStreamsItemByItem() {
    const QString file = path("big.json");
    {
      std::ofstream out(file.toStdString(), std::ios::binary);
      out << "{\"filing_type\": \"10-K\", \"cik\": \"0000000042\", \"filing_date\": \"2024-02-01\"";
      const std::string body = repeated(kParagraph + "\n", 2u << 20);
      for (int item = 1; item <= 100; ++item)
        out << ", \"item_" << item << "\": \""
            << jsonEscaped("ITEM " + std::to_string(item) + ".\nSECTION " + std::to_string(item) +
                           " TITLE\nTable of Contents\n" + "Item " + std::to_string(item) +
                           " opening marker sentence about segment results.\n" + body + "Item " + std::to_string(item) +
                           " closing marker sentence about liquidity.\n")
            << '"';
      // The company comes last: passages already written must still be counted under the filing's final metadata.
      out << ", \"company\": \"BIG STREAMING CO\", \"period_of_report\": \"2023-12-31\"}";
    }
    QVERIFY(fileBytes(file) > 200'000'000);
    const MeasuredCli run = importMeasured(path("json.db"), file, dir_.path());
    verifyBoundedImport(run, file);
    QCOMPARE(run.json()["filing_types"].toObject()["10-K"].toInt(), run.json()["passages"].toInt());
    auto store = distillery::store::Store::open(path("json.db").toStdString());
    QCOMPARE(
        count(store, "SELECT COUNT(*) FROM documents WHERE company = 'BIG STREAMING CO' AND period = '2023-12-31'"), 1);
    for (int item : {1, 2, 57, 100}) {
      const std::string section = "'Item " + std::to_string(item) + ". SECTION " + std::to_string(item) + " TITLE'";
      for (const char* marker : {"opening", "closing"})
        QVERIFY2(count(store, "SELECT COUNT(*) FROM passages WHERE section = " + section + " AND text LIKE '%Item " +
                                  std::to_string(item) + " " + marker + " marker%'") == 1,
                 qPrintable(QString::fromStdString(section) + " " + marker));
    }
    QCOMPARE(count(store, "SELECT COUNT(*) FROM passages WHERE text LIKE '%Table of Contents%'"), 0);
    QCOMPARE(count(store, "SELECT COUNT(DISTINCT section) FROM passages"), 100);
    QFile::remove(file);
  }

  void pagedTextOfTwoHundredMegabytesStreamsPageByPage() {
    const QString file = path("big.txt");
    {
      std::ofstream out(file.toStdString(), std::ios::binary);
      out << "UNITED STATES SECURITIES AND EXCHANGE COMMISSION\nFORM 10-Q\n";
      const std::string body = repeated(kParagraph + "\n", 40'000);
      constexpr int kPages = 5000;
      for (int page = 1; page <= kPages; ++page) {
        out << "Big Streaming Co. | Q3 2023 Form 10-Q\n";
        if (page % 500 == 1) // each part opens with a sentence of its own (the rest repeats: exact duplicates)
          out << "Item " << (page / 500 + 1) << ". Part " << (page / 500 + 1) << " Heading\nPart " << (page / 500 + 1)
              << " opens with a sentence of its own about its segment.\n";
        if (page == 1 || page == kPages)
          out << "Page " << page << " marker sentence about cash flows from operations.\n";
        out << body << "Big Streaming Co. | Q3 2023 Form 10-Q | " << page << "\n" << page << "\n\f";
      }
    }
    QVERIFY(fileBytes(file) > 200'000'000);
    const MeasuredCli run = importMeasured(path("text.db"), file, dir_.path());
    verifyBoundedImport(run, file);
    QCOMPARE(run.json()["filing_types"].toObject()["10-Q"].toInt(), run.json()["passages"].toInt());
    auto store = distillery::store::Store::open(path("text.db").toStdString());
    QCOMPARE(count(store, "SELECT COUNT(*) FROM passages WHERE section = 'Item 1. Part 1 Heading' AND text LIKE "
                          "'%Page 1 marker sentence%'"),
             1);
    QCOMPARE(count(store, "SELECT COUNT(*) FROM passages WHERE section = 'Item 10. Part 10 Heading' AND text LIKE "
                          "'%Page 5000 marker sentence%'"),
             1);
    QCOMPARE(count(store, "SELECT COUNT(DISTINCT section) FROM passages WHERE section LIKE 'Item %'"), 10);
    // The running header and the numbered footer recur on every page: gone, as from a small filing.
    QCOMPARE(count(store, "SELECT COUNT(*) FROM passages WHERE text LIKE '%Q3 2023 Form 10-Q%'"), 0);
    QFile::remove(file);
  }

  void htmlOfSixtyMegabytesGoesThroughTheParserInPieces() {
    const QString file = path("big.htm");
    {
      std::ofstream out(file.toStdString(), std::ios::binary);
      out << "<html><head><style>p { margin: 0 }</style></head><body>"
             "<div style=\"display:none\"><ix:header>hidden inline XBRL facts</ix:header></div><p>FORM 10-K</p>\n";
      const std::string paragraph = "<p style=\"font-family:Times New Roman\">" + kParagraph + "</p>\n";
      const std::string rows = repeated("<tr><td>Revenue</td><td>$</td><td>1,234</td><td>1,111</td></tr>\n", 4000);
      const std::string body = repeated(paragraph, 10'000) + "<table>" + rows + "</table>\n";
      constexpr int kPages = 4400;
      for (int page = 1; page <= kPages; ++page) {
        out << "<div>";
        if (page % 400 == 1)
          out << "<p>ITEM " << (page / 400 + 1) << ". PART " << (page / 400 + 1) << " HEADING</p>\n";
        if (page == 1 || page == kPages)
          out << "<p>Page " << page << " marker sentence about cash flows from operations.</p>\n";
        out << body << "<p>Big Streaming Co. | 2023 Form 10-K | " << page
            << "</p></div><hr style=\"page-break-after: always\"/>\n";
      }
      out << "</body></html>\n";
    }
    QVERIFY(fileBytes(file) > 60'000'000);
    const MeasuredCli run = importMeasured(path("html.db"), file, dir_.path());
    verifyBoundedImport(run, file);
    auto store = distillery::store::Store::open(path("html.db").toStdString());
    QCOMPARE(count(store, "SELECT COUNT(*) FROM passages WHERE section = 'Item 1. PART 1 HEADING' AND text LIKE "
                          "'%Page 1 marker sentence%'"),
             1);
    QCOMPARE(count(store, "SELECT COUNT(*) FROM passages WHERE section = 'Item 11. PART 11 HEADING' AND text LIKE "
                          "'%Page 4400 marker sentence%'"),
             1);
    QVERIFY(count(store, "SELECT COUNT(*) FROM passages WHERE text LIKE '%Revenue | 1,234 | 1,111%'") > 0);
    QCOMPARE(count(store, "SELECT COUNT(*) FROM passages WHERE text LIKE '%hidden inline XBRL%'"), 0);
    QCOMPARE(count(store, "SELECT COUNT(*) FROM passages WHERE text LIKE '%Form 10-K |%'"), 0); // page footers
    QFile::remove(file);
  }
};

QTEST_GUILESS_MAIN(TestCorpusStreaming)
#include "test_corpus_streaming.moc"
