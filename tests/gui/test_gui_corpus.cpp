// The corpus browser over a seeded store: filters, full-text search with highlights, the passage view,
// and lazy fetching over a million passages.
#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/Store.h"
#include "tests/gui/GuiTestData.h"
#include "tests/support/HandMadeStore.h"
#include "ui/corpus/CorpusBrowser.h"
#include "ui/corpus/CorpusModels.h"
#include "ui/corpus/PassageView.h"

using namespace distillery;
using namespace distillery::ui;

class CorpusBrowserTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<store::Store> store_;
  test::DemoExperiment demo_;

  static QStringList column(const QAbstractItemModel& model, int column) {
    QStringList values;
    for (int r = 0; r < model.rowCount(); ++r)
      values << model.index(r, column).data().toString();
    return values;
  }
  static QSet<QString> distinct(const QAbstractItemModel& model, int c) {
    const QStringList values = column(model, c);
    return QSet<QString>(values.begin(), values.end());
  }

private slots:
  void initTestCase() {
    store_ = std::make_unique<store::Store>(store::Store::open(
        dir_.filePath(QStringLiteral("corpus.distillery")).toStdString(), store::OpenMode::CreateNew));
    demo_ = test::seedDemoExperiment(*store_);
  }

  void searchFieldKeepsItsWidthBesideLongFacetValues() {
    // At 1280 px the facet boxes grew to their longest value (a full Item 7 heading, a long company name) and
    // squeezed the search field to a few pixels.
    auto store = store::Store::open(dir_.filePath(QStringLiteral("long-names.distillery")).toStdString(),
                                    store::OpenMode::CreateNew);
    store.exec("INSERT INTO corpora(name, created_at) VALUES ('long', 'now')");
    const std::int64_t corpus = store.lastInsertId();
    const std::int64_t document = test::insertDocument(
        store, corpus, "LONG-10K", "10-K", "Consolidated International Holdings of the Americas and Pacific Rim Inc.");
    test::insertPassage(store, corpus, document, 0, "r1", "Revenue grew.");
    store.exec("UPDATE passages SET section = 'Item 7. Management''s Discussion and Analysis of Financial Condition "
               "and Results of Operations - Liquidity and Capital Resources - Contractual Obligations'");
    CorpusBrowser browser;
    browser.resize(1280, 800);
    browser.setStore(&store);
    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));
    QVERIFY2(browser.searchField()->width() >= 160, qPrintable(QString::number(browser.searchField()->width())));
    for (QComboBox* box : {browser.companyBox(), browser.sectionBox()})
      QVERIFY(box->width() < 400);
  }

  void filtersNarrowEachOther() {
    // Choosing a filing type leaves only the companies that filed it, and their periods and sections.
    auto store = store::Store::open(dir_.filePath(QStringLiteral("narrow.distillery")).toStdString(),
                                    store::OpenMode::CreateNew);
    store.exec("INSERT INTO corpora(name, created_at) VALUES ('narrow', 'now')");
    const std::int64_t corpus = store.lastInsertId();
    const std::int64_t acme = test::insertDocument(store, corpus, "ACME-10K", "10-K", "Acme");
    const std::int64_t bolt = test::insertDocument(store, corpus, "BOLT-8K", "8-K", "Bolt");
    test::insertPassage(store, corpus, acme, 0, "r1", "Revenue grew.");
    test::insertPassage(store, corpus, bolt, 0, "r2", "A dividend was declared.");
    store.exec("UPDATE documents SET period = CASE company WHEN 'Acme' THEN '2023' ELSE '2024' END");
    store.exec("UPDATE passages SET section = CASE text WHEN 'Revenue grew.' THEN 'Item 7' ELSE 'Item 8.01' END");
    CorpusBrowser browser;
    browser.setStore(&store);
    const auto values = [](QComboBox* box) {
      QStringList out;
      for (int i = 1; i < box->count(); ++i) // after "any ..."
        out << box->itemText(i);
      return out;
    };
    QCOMPARE(values(browser.companyBox()), (QStringList{"Acme", "Bolt"}));
    browser.filingTypeBox()->setCurrentIndex(browser.filingTypeBox()->findData(QStringLiteral("8-K")));
    QCOMPARE(values(browser.companyBox()), QStringList{"Bolt"});
    QCOMPARE(values(browser.periodBox()), QStringList{"2024"});
    QCOMPARE(values(browser.sectionBox()), QStringList{"Item 8.01"});
    QCOMPARE(browser.passageModel()->rowCount(), 1);
    // Back to any type: every company again, and a company chosen under 8-K stays chosen.
    browser.companyBox()->setCurrentIndex(browser.companyBox()->findData(QStringLiteral("Bolt")));
    browser.filingTypeBox()->setCurrentIndex(0);
    QCOMPARE(values(browser.companyBox()), (QStringList{"Acme", "Bolt"}));
    QCOMPARE(browser.companyBox()->currentData().toString(), QStringLiteral("Bolt"));
    QCOMPARE(values(browser.filingTypeBox()), (QStringList{"10-K", "8-K"}));
  }

  void countsWhatTheFilterSelectsAndGroupsPeriodsByYearAndHeadingsByItem() {
    // Hundreds of raw heading variants made the section list unusable; periods of one year were scattered.
    auto store = store::Store::open(dir_.filePath(QStringLiteral("grouped.distillery")).toStdString(),
                                    store::OpenMode::CreateNew);
    store.exec("INSERT INTO corpora(name, created_at) VALUES ('grouped', 'now')");
    const std::int64_t corpus = store.lastInsertId();
    int ordinal = 0;
    for (const auto& [key, period] : std::vector<std::pair<std::string, std::string>>{
             {"K-2022", "2022-12-31"}, {"Q-2023", "2023-06-30"}, {"K-2023", "2023-12-31"}}) {
      const std::int64_t document = test::insertDocument(store, corpus, key, "10-K", "Acme");
      store.prepare("UPDATE documents SET period = ?2 WHERE id = ?1").bind(1, document).bind(2, period).run();
      for (const char* section : {"Item 7. Management's Discussion", "ITEM 7 MANAGEMENT'S DISCUSSION", "Item 1A"}) {
        test::insertPassage(store, corpus, document, ordinal, "r" + std::to_string(ordinal), key + " text");
        store.prepare("UPDATE passages SET section = ?2 WHERE id = ?1")
            .bind(1, store.lastInsertId())
            .bind(2, section)
            .run();
        ++ordinal;
      }
    }
    CorpusBrowser browser;
    browser.setStore(&store);
    QCOMPARE(browser.countText(), QStringLiteral("9 passages"));
    const auto texts = [](QComboBox* box) {
      QStringList out;
      for (int i = 1; i < box->count(); ++i)
        out << box->itemText(i);
      return out;
    };
    QCOMPARE(texts(browser.sectionBox()), (QStringList{"Item 1A", "Item 7"}));
    QCOMPARE(texts(browser.periodBox()), (QStringList{"2023", "    2023-06-30", "    2023-12-31", "2022"}));
    browser.sectionBox()->setCurrentIndex(2); // Item 7: both spellings
    QCOMPARE(browser.passageModel()->rowCount(), 6);
    QCOMPARE(browser.countText(), QStringLiteral("6 passages"));
    browser.periodBox()->setCurrentIndex(1); // 2023: both periods
    QCOMPARE(browser.passageModel()->rowCount(), 4);
    QCOMPARE(browser.sectionBox()->currentText(), QStringLiteral("Item 7")); // the item stays chosen
    browser.periodBox()->setCurrentIndex(2);                                 // one period of 2023
    QCOMPARE(browser.passageModel()->rowCount(), 2);
    QCOMPARE(distinct(*browser.passageModel(), PassageTableModel::Period), QSet<QString>{QStringLiteral("2023-06-30")});
    QCOMPARE(browser.documentModel()->rowCount(), 1);
  }

  void oddSearchTextNeverFails() {
    PassageTableModel model;
    model.setStore(store_.get());
    for (const char* odd : {"10-K AND (", "\"unbalanced", "NEAR(x y", "a:b", "-minus"}) {
      corpus::BrowseFilter filter;
      filter.search = odd;
      model.setFilter(filter); // must not throw an FTS5 syntax error
    }
  }

  void unfilteredShowsEveryPassageInIdOrder() {
    PassageTableModel model;
    model.setPageSize(7); // several pages for 60 passages
    model.setStore(store_.get());
    QCOMPARE(model.rowCount(), 7);
    while (model.canFetchMore())
      model.fetchMore();
    QCOMPARE(model.rowCount(), demo_.passages);
    for (int r = 1; r < model.rowCount(); ++r)
      QVERIFY(model.keyAt(r) > model.keyAt(r - 1));
  }

  void filtersSelectMatchingRows() {
    PassageTableModel model;
    model.setStore(store_.get());
    corpus::BrowseFilter filter;
    filter.filingType = "10-K";
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), 20); // 4 documents x 5 passages
    QCOMPARE(distinct(model, PassageTableModel::FilingType), QSet<QString>{QStringLiteral("10-K")});

    filter = {};
    filter.company = "Globex Inc";
    filter.periods = {"2023"};
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), 15); // 3 filing types x 5 passages
    QCOMPARE(distinct(model, PassageTableModel::Company), QSet<QString>{QStringLiteral("Globex Inc")});
    QCOMPARE(distinct(model, PassageTableModel::Period), QSet<QString>{QStringLiteral("2023")});

    filter = {};
    filter.sections = {"Item 1A Risk Factors"};
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), 12);
    QCOMPARE(distinct(model, PassageTableModel::Ordinal), QSet<QString>{QStringLiteral("1")});

    filter.corpusId = demo_.corpusId + 1; // a corpus that does not exist
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.canFetchMore());
  }

  void searchFindsAndHighlightsHits() {
    PassageTableModel model;
    model.setStore(store_.get());
    corpus::BrowseFilter filter;
    filter.search = "goodwill impairment";
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), 12); // topic 2 of each of 12 documents
    for (int r = 0; r < model.rowCount(); ++r) {
      const QString html = model.index(r, PassageTableModel::Text).data(kHtmlRole).toString();
      QVERIFY2(html.contains(QStringLiteral(">goodwill</b>")), qPrintable(html));
      QVERIFY(!model.index(r, PassageTableModel::Text).data().toString().contains(QChar(0x02)));
    }
    filter.filingType = "8-K";
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), 4);
    filter.search = "litig*";
    filter.filingType.clear();
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), 12);
    filter.search = "nonexistentword";
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), 0);
  }

  void documentsFilterAndCountPassages() {
    DocumentTableModel model;
    model.setStore(store_.get());
    QCOMPARE(model.rowCount(), demo_.documents);
    corpus::BrowseFilter filter;
    filter.filingType = "8-K";
    filter.company = "Acme Corp";
    model.setFilter(filter);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, DocumentTableModel::Passages).data().toInt(), 5);
  }

  void facetsListDistinctValues() {
    const corpus::BrowseFacets facets = corpus::loadBrowseFacets(*store_, demo_.corpusId);
    QCOMPARE(facets.filingTypes, (std::vector<std::string>{"10-K", "10-Q", "8-K"}));
    QCOMPARE(facets.companies, (std::vector<std::string>{"Acme Corp", "Globex Inc"}));
    QCOMPARE(facets.sections.size(), std::size_t(4));
    QCOMPARE(facets.corpora.size(), std::size_t(1));
  }

  void passageViewShowsContextAndEverythingInvolvingIt() {
    PassageView view;
    view.setStore(store_.get());
    // The first document's passage 2 (goodwill): has a source query, judgments and mined pairs.
    const std::int64_t id = store_->queryInt64("SELECT id FROM passages WHERE ordinal = 2 ORDER BY id LIMIT 1");
    view.showPassage(id, QStringLiteral("goodwill"));
    QCOMPARE(view.passageId(), id);
    QCOMPARE(view.previousId(), id - 1);
    QCOMPARE(view.nextId(), id + 1);
    const QString html = view.toHtml();
    const QString plain = view.toPlainText();
    QVERIFY(plain.contains(QStringLiteral("Was there a goodwill impairment at Acme Corp?")));
    QVERIFY(plain.contains(QStringLiteral("Queries (1)")));     // the query written from it
    QVERIFY(plain.contains(QStringLiteral("Judgments (1)")));   // that query judged against it
    QVERIFY(plain.contains(QStringLiteral("Mined pairs (3)"))); // the same pair mined in rounds 0-2
    // Kinds read as the pair inspector shows them, not as stored.
    QVERIFY(plain.contains(QStringLiteral("hard positive")) || plain.contains(QStringLiteral("easy positive")));
    QVERIFY(!plain.contains(QStringLiteral("_positive")) && !plain.contains(QStringLiteral("_negative")));
    QVERIFY(html.contains(QStringLiteral("font-weight:")) || html.contains(QStringLiteral("<b")));
    QVERIFY(plain.contains(QStringLiteral("Liquidity remains adequate"))); // the previous passage as context
    QVERIFY(plain.contains(QStringLiteral("Supply chain disruptions")));   // and the next one
    view.showPassage(view.nextId());
    QCOMPARE(view.passageId(), id + 1);

    // A judgment of the same text made through the cache for another query (no passage id recorded) shows too:
    // judgments are keyed by the passage's content, as the cache keys them.
    store_->exec("INSERT INTO judgments(teacher_kind, teacher_model, prompt_version, query_text, passage_hash, status, "
                 "grade, created_at) SELECT 'heuristic', 'h', 'v2', 'judged through the cache', content_hash, 'ok', 2, "
                 "'now' FROM passages WHERE id = " +
                 std::to_string(id));
    view.showPassage(id);
    QVERIFY(view.toPlainText().contains(QStringLiteral("Judgments (2)")));
    QVERIFY(view.toPlainText().contains(QStringLiteral("judged through the cache")));
    store_->exec("DELETE FROM judgments WHERE query_text = 'judged through the cache'");
  }

  void browserWidgetAppliesFiltersAndSearch() {
    CorpusBrowser browser;
    browser.setStore(store_.get());
    QCOMPARE(browser.passageModel()->rowCount(), demo_.passages);
    QVERIFY(browser.filingTypeBox()->count() == 4); // "any" + 3 types
    browser.filingTypeBox()->setCurrentIndex(browser.filingTypeBox()->findData(QStringLiteral("10-Q")));
    QCOMPARE(browser.passageModel()->rowCount(), 20);
    QTest::keyClicks(browser.searchField(), QStringLiteral("liquidity"));
    QTRY_COMPARE(browser.passageModel()->rowCount(), 4);
    QCOMPARE(browser.passageView()->passageId(), browser.passageModel()->keyAt(0)); // first hit shown
    QVERIFY(browser.passageView()->toPlainText().contains(QStringLiteral("Liquidity remains adequate")));
    browser.setStore(nullptr);
    QCOMPARE(browser.passageModel()->rowCount(), 0);
  }

  void millionPassagesScrollLazily() {
    // A generated large store (FTS trigger dropped to keep the set-up fast; the browser does not need it here).
    const QString path = dir_.filePath(QStringLiteral("large.distillery"));
    auto large = store::Store::open(path.toStdString(), store::OpenMode::CreateNew);
    constexpr int kPassages = 1'000'000;
    QElapsedTimer timer;
    timer.start();
    large.transaction([&] {
      large.exec("DROP TRIGGER passages_fts_insert");
      large.exec("INSERT INTO corpora(name, created_at) VALUES ('large', 'now')");
      large.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                 "INSERT INTO documents(corpus_id, filing_type, company, period, content_hash, imported_at) "
                 "SELECT 1, CASE i % 3 WHEN 0 THEN '10-K' WHEN 1 THEN '10-Q' ELSE '8-K' END, 'Company ' || (i % 50), "
                 "'20' || (10 + i % 14), 'h' || i, 'now' FROM n");
      large.exec("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999) "
                 "INSERT INTO passages(document_id, corpus_id, record_key, section, ordinal, text, token_count, "
                 "content_hash) SELECT 1 + i / 1000, 1, 'p' || i, 'Item ' || (i % 9), i % 1000, "
                 "'Passage number ' || i || ' of a generated filing about revenue and risk.', 12, 'h' || i FROM n");
    });
    qInfo("generated %d passages in %lld ms", kPassages, static_cast<long long>(timer.elapsed()));

    timer.restart();
    CorpusBrowser browser;
    browser.resize(1000, 700);
    browser.show();
    browser.setStore(&large);
    const qint64 openMs = timer.elapsed();
    PassageTableModel* model = browser.passageModel();
    QCOMPARE(model->rowCount(), KeysetTableModel::kDefaultPageSize); // one page, not the table
    QVERIFY(model->canFetchMore());
    // The total is counted up to a cap, so opening stays quick however large the corpus.
    QVERIFY2(browser.countText().startsWith(QStringLiteral("more than 100,000 passages, the first 256 loaded")),
             qPrintable(browser.countText()));

    // Scrolling to the end of what is loaded fetches the next page, again and again.
    timer.restart();
    QTableView* table = browser.passageTable();
    for (int i = 0; i < 20; ++i) {
      table->scrollToBottom();
      QCoreApplication::processEvents();
    }
    const qint64 scrollMs = timer.elapsed();
    QVERIFY(model->rowCount() > 10 * KeysetTableModel::kDefaultPageSize);
    QVERIFY(model->rowCount() < kPassages / 10);
    qInfo("1M passages: browser open %lld ms, 20 scrolls to bottom %lld ms, %d rows loaded",
          static_cast<long long>(openMs), static_cast<long long>(scrollMs), model->rowCount());

    // A filter deep in the table still returns a page quickly and only matching rows.
    browser.filingTypeBox()->setCurrentIndex(browser.filingTypeBox()->findData(QStringLiteral("8-K")));
    QCOMPARE(model->rowCount(), KeysetTableModel::kDefaultPageSize);
    QCOMPARE(distinct(*model, PassageTableModel::FilingType), QSet<QString>{QStringLiteral("8-K")});
  }
};

QTEST_MAIN(CorpusBrowserTest)
#include "test_gui_corpus.moc"
