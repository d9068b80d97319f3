// What the corpus browser reads (core/corpus/CorpusBrowsing.h), on a hand-made store whose every value is known:
// filters over periods and sections, counts that stop at a cap, periods grouped by year and headings by item.
#include <QTemporaryDir>
#include <QTest>

#include "core/corpus/CorpusBrowsing.h"
#include "core/store/Store.h"
#include "tests/support/HandMadeStore.h"

using namespace distillery;
using corpus::BrowseFilter;

class TestCorpusBrowsing : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<store::Store> store_;
  std::int64_t corpus_ = 0;

  static QStringList names(const std::vector<corpus::FacetGroup>& groups) {
    QStringList out;
    for (const auto& g : groups)
      out << QString::fromStdString(g.name);
    return out;
  }
  static QStringList strings(const std::vector<std::string>& values) {
    QStringList out;
    for (const auto& v : values)
      out << QString::fromStdString(v);
    return out;
  }

private slots:
  void initTestCase() {
    store_ = std::make_unique<store::Store>(
        store::Store::open(dir_.filePath("browse.distillery").toStdString(), store::OpenMode::CreateNew));
    auto& s = *store_;
    s.exec("INSERT INTO corpora(name, created_at) VALUES ('filings', 'now')");
    corpus_ = s.lastInsertId();
    // Acme: two 10-K years and a 10-Q quarter of 2023; Bolt: an 8-K. Each document holds the headings listed.
    struct Doc {
      const char* key;
      const char* type;
      const char* company;
      const char* period;
      std::vector<const char*> sections;
    };
    const std::vector<Doc> docs = {
        {"A-2022", "10-K", "Acme", "2022-12-31", {"Item 1A. Risk Factors", "ITEM 7. MANAGEMENT'S DISCUSSION"}},
        {"A-2023", "10-K", "Acme", "2023-12-31", {"Item 1A Risk Factors", "Item 7. Management's Discussion", "Notes"}},
        {"A-Q3", "10-Q", "Acme", "2023Q3", {"Item 2. Management's Discussion"}},
        {"B-8K", "8-K", "Bolt", "2023-03-01", {"Item 2.02 Results of Operations", "Item 9.01 Financial Statements"}},
    };
    int ordinal = 0;
    for (const Doc& d : docs) {
      const std::int64_t id = test::insertDocument(s, corpus_, d.key, d.type, d.company);
      s.prepare("UPDATE documents SET period = ?2 WHERE id = ?1").bind(1, id).bind(2, d.period).run();
      for (const char* section : d.sections) {
        test::insertPassage(s, corpus_, id, ordinal, "r" + std::to_string(ordinal),
                            std::string("Text of ") + section + " in " + d.key);
        s.prepare("UPDATE passages SET section = ?2 WHERE id = ?1").bind(1, s.lastInsertId()).bind(2, section).run();
        ++ordinal;
      }
    }
  }

  void yearsAndItemsAreReadFromTheValues() {
    QCOMPARE(corpus::periodYear("2023-06-30"), std::string("2023"));
    QCOMPARE(corpus::periodYear("2022Q3"), std::string("2022"));
    QCOMPARE(corpus::periodYear("FY2019"), std::string("2019"));
    QCOMPARE(corpus::periodYear("Q3"), std::string());
    QCOMPARE(corpus::periodYear("12345"), std::string()); // five digits are no year
    QCOMPARE(corpus::sectionItem("ITEM 7. MANAGEMENT'S DISCUSSION"), std::string("Item 7"));
    QCOMPARE(corpus::sectionItem("Item 1a Risk Factors"), std::string("Item 1A"));
    QCOMPARE(corpus::sectionItem("Item 2.02 Results of Operations"), std::string("Item 2.02"));
    QCOMPARE(corpus::sectionItem("Notes to the financial statements"), std::string());
  }

  void periodsGroupByYearNewestFirstAndHeadingsByItemInItemOrder() {
    const corpus::BrowseFacets facets = corpus::loadBrowseFacets(*store_, corpus_);
    QCOMPARE(names(facets.periods), (QStringList{"2023", "2022"}));
    QCOMPARE(strings(facets.periods.front().members), (QStringList{"2023-03-01", "2023-12-31", "2023Q3"}));
    // Seven headings, six items: the two Item 7 spellings are one entry; 10-Q's Item 2 and 8-K's Item 2.02 are not.
    QCOMPARE(names(facets.sections), (QStringList{"Item 1A", "Item 2", "Item 2.02", "Item 7", "Item 9.01", "Notes"}));
    QCOMPARE(facets.sections.front().members.size(), std::size_t(2));
    QCOMPARE(strings(facets.sections[3].members),
             (QStringList{"ITEM 7. MANAGEMENT'S DISCUSSION", "Item 7. Management's Discussion"}));
    // A filing type narrows the periods and headings offered.
    BrowseFilter tenK;
    tenK.filingType = "10-K";
    const corpus::BrowseFacets narrowed = corpus::loadBrowseFacets(*store_, corpus_, tenK);
    QCOMPARE(names(narrowed.periods), (QStringList{"2023", "2022"}));
    QCOMPARE(strings(narrowed.periods.front().members), QStringList{"2023-12-31"});
    QCOMPARE(names(narrowed.sections), (QStringList{"Item 1A", "Item 7", "Notes"}));
  }

  void aGroupFiltersByAllItsMembers() {
    BrowseFilter filter;
    filter.sections = {"ITEM 7. MANAGEMENT'S DISCUSSION", "Item 7. Management's Discussion"};
    QCOMPARE(corpus::listPassages(*store_, filter, 0, 100).size(), std::size_t(2));
    filter.periods = {"2023-03-01", "2023-12-31", "2023Q3"}; // the year 2023
    const auto rows = corpus::listPassages(*store_, filter, 0, 100);
    QCOMPARE(rows.size(), std::size_t(1));
    QCOMPARE(rows.front().period, std::string("2023-12-31"));
    QCOMPARE(corpus::listDocuments(*store_, filter, 0, 100).size(), std::size_t(3)); // documents ignore sections
  }

  void countsStopAtTheCap() {
    BrowseFilter all;
    const corpus::CappedCount exact = corpus::countPassages(*store_, all, 100);
    QCOMPARE(exact.count, std::int64_t(8));
    QVERIFY(!exact.atLeast);
    const corpus::CappedCount capped = corpus::countPassages(*store_, all, 5);
    QCOMPARE(capped.count, std::int64_t(5));
    QVERIFY(capped.atLeast);
    BrowseFilter acme;
    acme.company = "Acme";
    QCOMPARE(corpus::countDocuments(*store_, acme, 100).count, std::int64_t(3));
    BrowseFilter search;
    search.search = "risk factors";
    QCOMPARE(corpus::countPassages(*store_, search, 100).count, std::int64_t(2));
    search.corpusId = corpus_ + 1; // no such corpus
    QCOMPARE(corpus::countPassages(*store_, search, 100).count, std::int64_t(0));
  }

  void searchMarksHitsAndNeverFailsOnWhatUsersType() {
    QCOMPARE(corpus::ftsQueryFromUserText("goodwill impair*"), std::string("\"goodwill\" \"impair\"*"));
    QCOMPARE(corpus::ftsQueryFromUserText("  \" * "), std::string());
    BrowseFilter filter;
    filter.search = "result*";
    const auto rows = corpus::listPassages(*store_, filter, 0, 10);
    QCOMPARE(rows.size(), std::size_t(1));
    QVERIFY(rows.front().marked.find("\x02Results\x03") != std::string::npos);
    QVERIFY(rows.front().text.find('\x02') == std::string::npos);
    for (const char* odd : {"10-K AND (", "\"unbalanced", "NEAR(x y", "a:b", "-minus"}) {
      filter.search = odd;
      corpus::listPassages(*store_, filter, 0, 10); // must not throw an FTS5 syntax error
      corpus::countPassages(*store_, filter, 10);
    }
  }
};

QTEST_GUILESS_MAIN(TestCorpusBrowsing)
#include "test_corpus_browsing.moc"
