// The query playground (issue 21, part 1) driven through its widgets on a four-passage corpus whose answers are known:
// a typed query fills the chosen columns, each hit shows the grade stored for that query text (yours over the
// teacher's, else unjudged), a column compares its ranks with the nearest chosen column to its left, the filter holds,
// a dense model finds a passage from its own text, a stored query can be picked, a double-click names the passage and
// a bad filter is reported, never a crash.
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "core/model/DefaultStudent.h"
#include "core/model/EncoderFactory.h"
#include "core/store/Store.h"
#include "core/util/Hash.h"
#include "tests/support/HandMadeStore.h"
#include "ui/inspect/QueryPlayground.h"

using namespace distillery;
using namespace distillery::ui;

namespace {

const std::vector<std::string> kTexts = {
    "acme revenue grew twelve percent in fiscal 2023",
    "acme revenue by segment",
    "bolt declared a quarterly dividend",
    "bolt revenue fell in the quarter",
};

} // namespace

class PlaygroundTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::int64_t> passages_;
  std::int64_t modelId_ = 0;
  std::unique_ptr<QueryPlayground> playground_;

  bool searchFor(const QString& query) {
    QSignalSpy done(playground_.get(), &QueryPlayground::searched);
    playground_->queryEdit()->setText(query);
    playground_->search();
    return done.wait(120000);
  }
  QString cell(int column, int row, int field) const {
    const QTableWidgetItem* item = playground_->resultTable(column)->item(row, field);
    return item ? item->text() : QString();
  }
  void choose(int column, const QString& text) {
    QComboBox* box = playground_->retrieverBox(column);
    const int index = box->findText(text, Qt::MatchStartsWith);
    QVERIFY2(index >= 0, qPrintable(text));
    box->setCurrentIndex(index);
  }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    store_ = std::make_unique<store::Store>(
        store::Store::open(dir_.filePath("playground.distillery").toStdString(), store::OpenMode::CreateNew));
    store::Store& s = *store_;
    s.prepare("INSERT INTO corpora(name, created_at) VALUES ('fin', 'now')").run();
    const auto corpus = s.lastInsertId();
    const auto acme = test::insertDocument(s, corpus, "ACME-10K", "10-K");
    const auto bolt = test::insertDocument(s, corpus, "BOLT-8K", "8-K", "Bolt");
    for (std::size_t i = 0; i < kTexts.size(); ++i) {
      test::insertPassage(s, corpus, i < 2 ? acme : bolt, static_cast<int>(i), "r" + std::to_string(i + 1), kTexts[i]);
      passages_.push_back(s.lastInsertId());
    }
    s.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (?1, 'asked', 'synthetic', 'now')")
        .bind(1, corpus)
        .run();
    const auto set = s.lastInsertId();
    const auto asked = test::insertQuery(s, set, std::nullopt, "acme revenue", std::nullopt, {});
    // You graded the first passage 3 for "acme revenue"; the teacher graded the second 1.
    s.prepare("INSERT INTO human_labels(query_id, passage_id, grade, labelled_at) VALUES (?1, ?2, 3, 'now')")
        .bind(1, asked)
        .bind(2, passages_[0])
        .run();
    s.prepare("INSERT INTO judgments(teacher_kind, teacher_model, prompt_version, query_text, passage_hash, status, "
              "grade, created_at) VALUES ('heuristic', 'h', 'v2', 'acme revenue', ?1, 'ok', 1, 'now')")
        .bind(1, contentHash(kTexts[1]))
        .run();
    model::DefaultStudentOptions options;
    options.hiddenSize = 32;
    options.intermediateSize = 64;
    options.heads = 2;
    options.vocabularySize = 200;
    options.steps = 10;
    options.batchSize = 4;
    const auto directory = std::filesystem::path(dir_.filePath("student").toStdString());
    model::trainDefaultStudent(kTexts, directory, options);
    modelId_ = model::registerModel(s, directory, "default", "tiny");

    playground_ = std::make_unique<QueryPlayground>();
    playground_->setStore(store_.get());
  }

  void typedQueryFillsColumnsWithGradesAndMoves() {
    choose(0, "BM25");
    playground_->retrieverBox(1)->setCurrentIndex(0); // none: column 2 compares with column 0
    choose(2, "BM25");
    QVERIFY(searchFor("acme revenue"));
    // Three passages share a word with the query; both acme ones lead.
    const auto& hits = playground_->hits();
    QCOMPARE(hits[0].size(), std::size_t{3});
    QVERIFY(hits[1].empty());
    QCOMPARE(playground_->resultTable(0)->rowCount(), 3);
    QCOMPARE(playground_->resultTable(1)->rowCount(), 0);
    QCOMPARE(hits[0][2].passageId, passages_[3]);
    for (int row = 0; row < 3; ++row) {
      const std::int64_t id = hits[0][static_cast<std::size_t>(row)].passageId;
      const QString grade = cell(0, row, 3);
      if (id == passages_[0])
        QCOMPARE(grade, QStringLiteral("3 (yours)"));
      else if (id == passages_[1])
        QCOMPARE(grade, QStringLiteral("1 (teacher)"));
      else
        QCOMPARE(grade, QStringLiteral("unjudged"));
      QCOMPARE(cell(0, row, 1), QString());           // the first column has nothing to its left
      QCOMPARE(cell(2, row, 1), QStringLiteral("=")); // the same retriever: nothing moved
    }
    QCOMPARE(cell(0, 2, 4), QStringLiteral("8-K"));
    QCOMPARE(cell(0, 2, 5), QStringLiteral("BOLT-8K"));
  }

  void filterRestrictsEveryColumn() {
    playground_->filterEdit()->setText("filing_type=8-K");
    QVERIFY(searchFor("acme revenue"));
    QCOMPARE(playground_->resultTable(0)->rowCount(), 1);
    QCOMPARE(cell(0, 0, 4), QStringLiteral("8-K"));
    playground_->filterEdit()->clear();
  }

  void denseColumnComparesWithBm25() {
    choose(0, "BM25");
    choose(1, QStringLiteral("Dense: tiny (model %1)").arg(modelId_));
    choose(2, QStringLiteral("Hybrid: tiny + BM25 (model %1)").arg(modelId_));
    QVERIFY(searchFor(QString::fromStdString(kTexts[2])));
    const auto& hits = playground_->hits();
    for (int c = 0; c < QueryPlayground::kColumns; ++c) // three columns filled
      QCOMPARE(playground_->resultTable(c)->rowCount(), static_cast<int>(hits[static_cast<std::size_t>(c)].size()));
    QVERIFY(!hits[2].empty());
    QCOMPARE(hits[1].front().passageId, passages_[2]); // its own text
    QCOMPARE(hits[2].front().passageId, passages_[2]); // first for both retrievers, so first fused too
    // BM25 finds only the passages sharing a word; a dense hit BM25 did not return is new, the others moved by the
    // difference of their ranks.
    for (std::size_t r = 0; r < hits[1].size(); ++r) {
      QString expected = QStringLiteral("new");
      for (const auto& bm25 : hits[0])
        if (bm25.passageId == hits[1][r].passageId) {
          const int move = bm25.rank - hits[1][r].rank;
          expected = move == 0  ? QStringLiteral("=")
                     : move > 0 ? QStringLiteral("\u25B2%1").arg(move)
                                : QStringLiteral("\u25BC%1").arg(-move);
        }
      QCOMPARE(cell(1, static_cast<int>(r), 1), expected);
    }
  }

  void storedQueryCanBePickedAndHitsOpenTheirPassage() {
    playground_->querySetBox()->setCurrentIndex(playground_->querySetBox()->findText("asked"));
    QCOMPARE(playground_->storedQueryBox()->count(), 2); // "(query)" and the one stored query
    QSignalSpy done(playground_.get(), &QueryPlayground::searched);
    QSignalSpy opened(playground_.get(), &QueryPlayground::passageActivated);
    playground_->storedQueryBox()->setCurrentIndex(1);
    emit playground_->storedQueryBox()->activated(1);
    QVERIFY(done.wait(60000));
    QCOMPARE(playground_->queryEdit()->text(), QStringLiteral("acme revenue"));
    emit playground_->resultTable(0)->cellDoubleClicked(0, 0);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.front().front().value<std::int64_t>(), playground_->hits()[0].front().passageId);
  }

  void keysGradeTheSelectedHitForTheShownQuery() {
    choose(0, "BM25");
    playground_->retrieverBox(1)->setCurrentIndex(0);
    choose(2, "BM25");
    QVERIFY(searchFor("bolt dividend"));
    QTableWidget* table = playground_->resultTable(0);
    const std::int64_t passage = playground_->hits()[0][0].passageId;
    QCOMPARE(cell(0, 0, 3), QStringLiteral("unjudged"));
    QSignalSpy stored(playground_.get(), &QueryPlayground::labelStored);
    playground_->show();
    QApplication::setActiveWindow(playground_.get());
    QVERIFY(QTest::qWaitForWindowActive(playground_.get()));
    table->setFocus();
    table->setCurrentCell(0, 0);
    QTest::keyClick(table, Qt::Key_2);
    QCOMPARE(stored.count(), 1);
    // Shown at once in both columns holding the passage, and stored for the query's text.
    QCOMPARE(cell(0, 0, 3), QStringLiteral("2 (yours)"));
    QCOMPARE(cell(2, 0, 3), QStringLiteral("2 (yours)"));
    QCOMPARE(store_->queryInt64("SELECT h.grade FROM human_labels h JOIN queries q ON q.id = h.query_id WHERE q.text = "
                                "'bolt dividend' AND h.passage_id = " +
                                std::to_string(passage)),
             2);
    // A later search finds it as any stored label, and so does a second grade (replacing the first).
    QVERIFY(searchFor("bolt dividend"));
    QCOMPARE(cell(0, 0, 3), QStringLiteral("2 (yours)"));
    playground_->labelSelected(0, 0);
    QCOMPARE(cell(0, 0, 3), QStringLiteral("0 (yours)"));
    QCOMPARE(store_->queryInt64("SELECT COUNT(*) FROM queries WHERE text = 'bolt dividend'"), 1);
    playground_->hide();
  }

  void badFilterIsReported() {
    QSignalSpy failed(playground_.get(), &QueryPlayground::errorOccurred);
    playground_->filterEdit()->setText("sector=tech");
    QVERIFY(searchFor("acme revenue"));
    QCOMPARE(failed.count(), 1);
    QVERIFY2(failed.front().front().toString().contains("sector"), qPrintable(failed.front().front().toString()));
    playground_->filterEdit()->clear();
  }

  void cleanupTestCase() { playground_.reset(); }
};

QTEST_MAIN(PlaygroundTest)
#include "test_gui_playground.moc"
