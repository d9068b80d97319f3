// What a run holds of its corpus (issue 24): each passage's text once, inside its indexed text; the corpus
// embeddings read through a map of their .npy file, not copied; the dense index searching that map in place. Each
// is compared with what the store and the student give directly.
// libtorch's headers (StudentModel.h) before Qt's, whose `slots` keyword they use as a name.
#include "core/corpus/CorpusRepository.h"
#include "core/index/DenseIndex.h"
#include "core/model/EmbeddingMatrixFile.h"
#include "core/model/EncoderFactory.h"
#include "core/model/StudentModel.h"
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/RunContext.h"
#include "core/store/Store.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>

#include "tests/support/ExperimentFixtures.h"
#include "tests/support/TestSupport.h"

using namespace distillery;

class RunContextTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString store_, student_;

  QString path(const QString& name) const { return dir_.filePath(name); }

  std::int64_t newRun(store::Store& store) const {
    pipeline::RunConfig config;
    config.student = student_.toStdString();
    return pipeline::createRun(store, "demo", config);
  }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    const QString demo = path("demo");
    QCOMPARE_EQ(test::runCli({"demo-corpus", "--out", demo, "--companies", "2", "--queries", "10"}).exitCode, 0);
    student_ = path("student");
    test::saveSmallStudent(test::importedExperiment(path("vocab.distillery"), demo), "demo", student_, 32);
    store_ = test::importedExperiment(path("run.distillery"), demo);
  }

  void passageTextsAreHeldOnceAndGiveBackTheStoredText() {
    auto store = store::Store::open(store_.toStdString(), store::OpenMode::MustExist);
    const pipeline::RunCallbacks callbacks;
    pipeline::RunContext context(store, newRun(store), callbacks, {}, {});
    QVERIFY(context.passages.size() > 100);
    for (std::size_t i = 0; i < context.passages.size(); ++i) {
      const auto& passage = context.passages[i];
      const auto stored = corpus::loadPassage(store, passage.id);
      QVERIFY(stored.has_value());
      QVERIFY(passage.text.empty()); // held once: in the indexed text
      QCOMPARE(context.passageText(passage.id), stored->text);
      QCOMPARE(context.indexedTexts[i], stored->indexedText());
      if (i % 50 == 0) {
        const auto request = context.judgeRequest("net revenue", 7, passage.id);
        QCOMPARE(request.passageText, stored->text); // what the judgment cache keys on
        QCOMPARE(request.title, stored->title);
      }
    }
  }

  void corpusEmbeddingsAreTheStudentsMappedFromTheirFile() {
    auto store = store::Store::open(store_.toStdString(), store::OpenMode::MustExist);
    const pipeline::RunCallbacks callbacks;
    pipeline::RunContext context(store, newRun(store), callbacks, {}, {});
    const std::int64_t modelId = model::registerModel(store, student_.toStdString(), "huggingface", "student");
    auto student = context.loadModel(modelId);
    const std::vector<float> expected = student->encode(context.indexedTexts, model::TextRole::Passage, {});
    const auto rows = static_cast<std::int64_t>(context.passages.size());
    const std::int64_t columns = student->config().hiddenSize;

    const pipeline::CorpusMatrix matrix = context.corpusEmbeddings(modelId, *student);
    QCOMPARE(matrix.rows, rows);
    QCOMPARE(matrix.columns, columns);
    QVERIFY(std::equal(expected.begin(), expected.end(), matrix.data));
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(store_.toStdString() + ".indexes"))
      if (entry.path().filename().string().rfind("model" + std::to_string(modelId) + "-", 0) == 0)
        files.push_back(entry.path());
    QCOMPARE(files.size(), std::size_t(1));
    QCOMPARE(files.front().extension().string(), std::string(".npy"));
    const model::EmbeddingMatrixReader file(files.front());
    QVERIFY(std::equal(expected.begin(), expected.end(), file.row(0)));
    QCOMPARE(matrix.data, matrix.row(0));

    // Released and asked for again: mapped from the same file, not encoded again.
    const auto written = std::filesystem::last_write_time(files.front());
    context.releaseCorpusEmbeddings();
    const pipeline::CorpusMatrix again = context.corpusEmbeddings(modelId, *student);
    QVERIFY(std::equal(expected.begin(), expected.end(), again.data));
    QCOMPARE(std::filesystem::last_write_time(files.front()), written);

    // The run's index searches that map as an exact index holding its own copy would.
    std::vector<std::int64_t> ids;
    for (const auto& passage : context.passages)
      ids.push_back(passage.id);
    const index::DenseIndex own = index::DenseIndex::build(expected, static_cast<int>(columns), ids);
    const index::DenseIndex mapped = context.denseIndex(modelId, *student);
    const auto queries =
        student->encode({"net revenue growth", "risk factors", "cash dividends"}, model::TextRole::Query, {});
    const auto ownHits = own.search(queries, 10);
    const auto mappedHits = mapped.search(queries, 10);
    for (std::size_t q = 0; q < 3; ++q) {
      QCOMPARE(mappedHits[q].size(), std::size_t(10));
      for (std::size_t r = 0; r < 10; ++r) {
        QCOMPARE(mappedHits[q][r].id, ownHits[q][r].id);
        QCOMPARE(mappedHits[q][r].score, ownHits[q][r].score);
      }
    }
  }
};

QTEST_GUILESS_MAIN(RunContextTest)
#include "test_run_context.moc"
