// Chunking, token estimates, boilerplate removal, item sections and HTML to text.
#include "core/corpus/Chunker.h"
#include "core/corpus/FilingText.h"
#include "core/corpus/NearDuplicateIndex.h"
#include "core/corpus/readers/HtmlText.h"
#include "core/util/Error.h"
#include "tests/support/TestSupport.h"

#include <nlohmann/json.hpp>

#include <fstream>

using namespace distillery;
using namespace distillery::corpus;

class TestCorpusText : public QObject {
  Q_OBJECT

private slots:
  void tokenEstimateTracksBertOnRealSentences() {
    DISTILLERY_REQUIRE_SHARED_DATA("tokenizer/bert-base-uncased/expected-encodings.jsonl");
    std::ifstream in(
        (distillery::test::sharedDataDir() + "/tokenizer/bert-base-uncased/expected-encodings.jsonl").toStdString());
    std::string line;
    double estimated = 0, actual = 0, relativeError = 0;
    int rows = 0;
    while (std::getline(in, line)) {
      const auto row = nlohmann::json::parse(line);
      const auto real = static_cast<double>(row["ids"].size()) - 2; // without [CLS] and [SEP]
      if (real < 20)
        continue; // the short hard cases (single CJK words, ligatures) say little about a budget
      const double guess = estimateTokens(row["text"].get<std::string>());
      estimated += guess;
      actual += real;
      relativeError += std::abs(guess - real) / real;
      ++rows;
    }
    QVERIFY(rows > 100);
    QVERIFY2(std::abs(estimated / actual - 1) < 0.08, qPrintable(QString::number(estimated / actual)));
    QVERIFY2(relativeError / rows < 0.15, qPrintable(QString::number(relativeError / rows)));
  }

  void tokenEstimateCountsPunctuationAndLongWords() {
    QCOMPARE(estimateTokens(""), 0);
    QCOMPARE(estimateTokens("net income"), 2);
    QCOMPARE(estimateTokens("$16,162,945"), 6); // $ 16 , 162 , 945
    QCOMPARE(estimateTokens("internationalization"), 3);
  }

  void chunksRespectBudgetSectionsAndOverlap() {
    std::string longText;
    for (int i = 0; i < 200; ++i)
      longText += "Sentence number " + std::to_string(i) + " talks about revenue growth in the segment. ";
    const std::vector<Section> sections = {{"Item 7", longText}, {"Item 7A", "Interest rate risk is modest here."}};
    ChunkingOptions options;
    options.maxTokens = 64;
    options.overlapTokens = 16;
    options.minTokens = 1;
    const std::vector<Chunk> chunks = chunkSections(sections, options);
    QVERIFY(chunks.size() > 10);
    QCOMPARE(chunks.back().section, std::string("Item 7A"));
    QCOMPARE(chunks.back().text, std::string("Interest rate risk is modest here."));
    for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
      QVERIFY2(chunks[i].tokenCount <= 64, chunks[i].text.c_str());
      QCOMPARE(chunks[i].tokenCount, estimateTokens(chunks[i].text));
      if (chunks[i + 1].section == chunks[i].section) {
        // The next chunk starts with the tail of this one.
        const std::string head = chunks[i + 1].text.substr(0, 20);
        QVERIFY2(chunks[i].text.find(head) != std::string::npos, head.c_str());
        // ... at a sentence start, not mid-sentence.
        QVERIFY2(chunks[i + 1].text.starts_with("Sentence number"), chunks[i + 1].text.c_str());
      }
    }
    // Every sentence survives somewhere.
    for (int i = 0; i < 200; i += 37) {
      const std::string needle = "Sentence number " + std::to_string(i) + " ";
      QVERIFY(std::any_of(chunks.begin(), chunks.end(),
                          [&](const Chunk& c) { return c.text.find(needle) != std::string::npos; }));
    }
  }

  void tablesKeepRowsAndTinyLeftoversAreDropped() {
    const std::vector<Section> sections = {
        {"Item 8", "Revenue | 2023 | 2022\nProducts | $100 | $90\nServices | $50 | $40"}, {"Item 9B", "None."}};
    const std::vector<Chunk> chunks = chunkSections(sections, ChunkingOptions{});
    QCOMPARE(chunks.size(), std::size_t(1));
    QCOMPARE(chunks[0].text, std::string("Revenue | 2023 | 2022\nProducts | $100 | $90\nServices | $50 | $40"));
  }

  void badChunkingOptionsAreRejected() {
    ChunkingOptions options;
    options.overlapTokens = 200;
    QVERIFY_THROWS_EXCEPTION(InputError, chunkSections({{"x", "y"}}, options));
    options = {};
    options.maxTokens = 3;
    QVERIFY_THROWS_EXCEPTION(InputError, validateChunkingOptions(options));
  }

  void pagedBoilerplateIsRemoved() {
    std::vector<std::string> pages;
    pages.push_back("Acme Corp.\nTABLE OF CONTENTS\nItem 1.\nItem 1A.\nItem 2.\nItem 3.\nItem 4.\n");
    const std::vector<std::string> topics = {"revenue", "margins", "liquidity", "capital", "risks", "outlook"};
    for (int page = 1; page <= 6; ++page)
      pages.push_back("Acme Corp. | Q3 2023 Form 10-Q\nBody text about " + topics[page - 1] +
                      ".\nTable of Contents\nMore body text on " + topics[page - 1] +
                      ".\nAcme Corp. | Q3 2023 Form 10-Q | " + std::to_string(page) + "\n" + std::to_string(page) +
                      "\n");
    const std::string text = removePagedBoilerplate(pages);
    QVERIFY(text.find("Body text about liquidity.") != std::string::npos);
    QVERIFY(text.find("More body text on risks.") != std::string::npos);
    QVERIFY2(text.find("Form 10-Q") == std::string::npos, text.c_str()); // repeated header and footer
    QVERIFY(text.find("Table of Contents") == std::string::npos);
    QVERIFY(text.find("Item 1A.") == std::string::npos); // the contents page
    QVERIFY(text.find("\n4\n") == std::string::npos);    // page numbers
  }

  void unpagedBoilerplateKeepsTableNumbers() {
    std::string text = "Table of Contents\nRevenue grew.\n12\n- 7 -\nPage 8\n";
    for (int i = 0; i < 6; ++i)
      text += "Widget Corp Annual Report " + std::to_string(30 + i) + "\nParagraph " + std::to_string(i) + ".\n";
    const std::string cleaned = removeBoilerplateLines(text);
    QVERIFY(cleaned.find("Revenue grew.\n12\n") != std::string::npos); // a lone number may be a table cell
    QVERIFY(cleaned.find("- 7 -") == std::string::npos);
    QVERIFY(cleaned.find("Page 8") == std::string::npos);
    QVERIFY(cleaned.find("Widget Corp Annual Report") == std::string::npos);
    QVERIFY(cleaned.find("Paragraph 5.") != std::string::npos);
  }

  void itemHeadingsBecomeSections() {
    const std::string text =
        "Cover page text\nITEM 1. BUSINESS\nWe make pumps.\nItem 1A.\n\nRisk Factors\nRisks here.\n"
        "PART II\nItem 1A\nMore risks on the next page.\n"
        "See Item 1A of the Company's annual report for details.\n"
        "Item 2.02 Results of Operations and Financial Condition\nResults.\n";
    const std::vector<Section> sections = splitItemSections(text);
    QCOMPARE(sections.size(), std::size_t(4));
    QCOMPARE(sections[0].name, std::string("Cover"));
    QCOMPARE(sections[1].name, std::string("Item 1. BUSINESS"));
    QCOMPARE(sections[2].name, std::string("Item 1A. Risk Factors"));
    QVERIFY(sections[2].text.find("More risks on the next page.") != std::string::npos); // running header skipped
    QVERIFY(sections[2].text.find("See Item 1A of the") != std::string::npos);           // prose, not a heading
    QCOMPARE(sections[3].name, std::string("Item 2.02. Results of Operations and Financial Condition"));
  }

  void aHeadingsRunOnParagraphStaysText() {
    const std::vector<Section> sections = splitItemSections(
        "Item 8.01 Other Events. The board declared a quarterly dividend of 25 cents per share.\nPayable in March.\n");
    QCOMPARE(sections.size(), std::size_t(1));
    QCOMPARE(sections[0].name, std::string("Item 8.01. Other Events"));
    QVERIFY2(sections[0].text.starts_with("The board declared a quarterly dividend of 25 cents per share.\nPayable in "
                                          "March.\n"),
             sections[0].text.c_str());
  }

  void headingsAreCleaned() {
    QCOMPARE(cleanHeading("Item 8. Financial Statements - ------------------"),
             std::string("Item 8. Financial Statements"));
    QCOMPARE(cleanHeading("ITEM 7.\tMD&A  ====== "), std::string("ITEM 7. MD&A"));
    QCOMPARE(cleanHeading("Pre-tax  income"), std::string("Pre-tax income"));
    QVERIFY(cleanHeading(std::string(400, 'x')).size() == 150);
  }

  void filingTypesAreNormalisedAndDetected() {
    QCOMPARE(normaliseFilingType(" def  14a "), std::string("DEF 14A"));
    QCOMPARE(normaliseFilingType(""), std::string("unknown"));
    QCOMPARE(detectFilingTypeInText("UNITED STATES\nSECURITIES AND EXCHANGE COMMISSION\nFORM 10-Q\n"),
             std::string("10-Q"));
    QCOMPARE(detectFilingTypeInText("FORM 10-K405\nannual report"), std::string("10-K405"));
    QCOMPARE(detectFilingTypeInText("no form named here"), std::string());
  }

  void htmlTablesBecomeRowsOfCells() {
    const std::string html =
        "<html><head><style>p{}</style><title>t</title></head><body>"
        "<div style=\"display: none\"><ix:header>hidden xbrl</ix:header></div>"
        "<p>Net&nbsp;sales <b>increased</b> 8%.</p><script>var x = 1;</script>"
        "<table><tr><td>Segment</td><td>2023</td><td></td></tr>"
        "<tr><td>Data Center</td><td>$</td><td>4,210</td></tr></table><div>After</div></body></html>";
    const std::string text = htmlToText(html);
    QCOMPARE(text, std::string("Net sales increased 8%.\nSegment | 2023\nData Center | 4,210\nAfter\n"));
    QVERIFY(looksLikeHtml(html));
    QVERIFY(!looksLikeHtml("plain text\nwith lines"));
  }

  // A large filing goes through gumbo in pieces: cut before blocks (rows inside tables), with open tables and hidden
  // elements opened again, the text must be what one parse of the whole document gives.
  void htmlInPiecesReadsAsOneDocument() {
    std::string html = "<html><body><div style=\"display:none\"><ix:header>";
    for (int i = 0; i < 300; ++i)
      html += "<div>hidden fact " + std::to_string(i) + "</div>";
    html += "</ix:header></div><!-- a comment <p>not text</p> --><script>var x = '<div>';</script>";
    for (int section = 0; section < 40; ++section) {
      html += "<div><p>Section " + std::to_string(section) + " text about <b>revenue</b> &amp; costs.</p><table>";
      for (int row = 0; row < 30; ++row)
        html += "<tr><td>Row " + std::to_string(row) + "</td><td>$</td><td>" + std::to_string(row * 7) + "</td></tr>";
      html += "</table></div><hr style=\"page-break-after: always\">";
    }
    html += "</body></html>";
    std::string pieced;
    HtmlTextStream stream([&](std::string_view text) { pieced.append(text); }, 1024);
    for (std::size_t at = 0; at < html.size(); at += 777) // and the input arrives in odd slices
      stream.add(std::string_view(html).substr(at, 777));
    stream.finish();
    std::string whole;
    HtmlTextStream once([&](std::string_view text) { whole.append(text); }, html.size() * 4);
    once.add(html);
    once.finish();
    QCOMPARE(pieced, whole);
    QVERIFY(whole.find("Row 29 | 203") != std::string::npos);
    QVERIFY(whole.find("Section 39 text about revenue & costs.") != std::string::npos);
    QVERIFY(whole.find("hidden fact") == std::string::npos);
    QVERIFY(whole.find("not text") == std::string::npos);
    QCOMPARE(std::count(whole.begin(), whole.end(), '\f'), std::ptrdiff_t(40)); // the CSS page breaks
  }

  void deeplyNestedHtmlKeepsItsTextInBoundedTime() {
    std::string html = "<html><body><p>FORM 10-K</p>";
    for (int i = 0; i < 200'000; ++i)
      html += "<div>";
    html += "Deep text about revenue.";
    for (int i = 0; i < 200'000; ++i)
      html += "</div>";
    html += "<p>After the nesting.</p></body></html>";
    const std::string text = htmlToText(html); // gumbo alone is quadratic in the depth: minutes, not milliseconds
    QCOMPARE(text, std::string("FORM 10-K\nDeep text about revenue.\nAfter the nesting.\n"));
  }

  void aSinglePageFilingIsNotItsOwnContentsPage() {
    const std::string page = "Table of Contents\nItem 1. Business\nItem 1A. Risk Factors\nItem 7. MD&A\nItem 8. "
                             "Financial Statements\nWe make pumps and sell them to utilities around the world.\n";
    QVERIFY(removePagedBoilerplate({page}).find("We make pumps") != std::string::npos);
    QVERIFY(removePagedBoilerplate({page, "Second page of the filing text.\n"}).find("We make pumps") ==
            std::string::npos);
  }

  void nearDuplicatesAreFlaggedAndDistinctTextsAreNot() {
    NearDuplicateIndex index(0.8);
    const std::string base =
        "This Quarterly Report contains forward-looking statements within the meaning of the Private Securities "
        "Litigation Reform Act of 1995, including statements about expected revenue, margins and capital allocation, "
        "and actual results may differ materially due to the risks described in our filings with the SEC";
    QVERIFY(!index.findOrAdd(1, base));
    QCOMPARE(index.findOrAdd(2, base + " in 2024."), std::optional<std::int64_t>(1));
    QVERIFY(!index.findOrAdd(3, "Revenue for the third quarter was $4.2 billion, up 12 percent from a year ago, "
                                "driven by data center demand and new product launches across every region."));
    QCOMPARE(index.size(), std::size_t(3));
  }
};

QTEST_GUILESS_MAIN(TestCorpusText)
#include "test_corpus_text.moc"
