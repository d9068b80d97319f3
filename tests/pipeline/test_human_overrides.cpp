// People's labels overrule the teacher (issue 20, 5a), as an analyst meets it: a run paused after judging, a pair the
// teacher called irrelevant labelled 3 and a query's source labelled 0 in the store (as the pair inspector writes
// them), then the run resumed: mining uses the people's grades and records them as such, the relabelled passage is
// never a negative, the query whose source a person rejected is dropped, and a label given after mining reaches
// training too.
#include <QTemporaryDir>

#include <fstream>
#include <utility>
#include <vector>

#include "core/pipeline/DistillationRun.h"
#include "core/store/Store.h"
#include "tests/support/ExperimentFixtures.h"
#include "tests/support/TestSupport.h"

using namespace distillery;
using distillery::test::runCli;

namespace {

std::int64_t scalar(store::Store& store, const std::string& sql) {
  auto s = store.prepare(sql);
  return s.step() ? s.columnInt64(0) : -1;
}

void label(store::Store& store, std::int64_t query, std::int64_t passage, int grade) {
  store
      .prepare("INSERT INTO human_labels(query_id, passage_id, grade, labelled_at) VALUES (?1, ?2, ?3, 'now') "
               "ON CONFLICT(query_id, passage_id) DO UPDATE SET grade = excluded.grade")
      .bind(1, query)
      .bind(2, passage)
      .bind(3, grade)
      .run();
}

// The teacher's grade of a round's candidate, as the judgment cache keys it.
const std::string kTeacherGrade =
    "(SELECT j.grade FROM judgments j JOIN queries q ON q.id = c.query_id JOIN passages p "
    "ON p.id = c.passage_id WHERE j.query_text = q.text AND j.passage_hash = "
    "p.content_hash AND j.status = 'ok')";

} // namespace

class HumanOverridesTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString store_;

  QString path(const QString& name) const { return dir_.filePath(name); }

private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    const QString demo = path("demo");
    QCOMPARE_EQ(runCli({"demo-corpus", "--out", demo, "--companies", "3", "--queries", "30"}).exitCode, 0);
    const QString student = path("student");
    distillery::test::saveSmallStudent(distillery::test::importedExperiment(path("vocab.distillery"), demo), "demo",
                                       student);
    store_ = distillery::test::importedExperiment(path("run.distillery"), demo);
    const QString config = path("run.json");
    // (no raw string here: moc's lexer lost the class after one that spans lines)
    std::ofstream(config.toStdString()) << "{\"student\": \"" + student.toStdString() +
                                               "\", \"rounds\": 1, \"queries_per_round\": 30, \"k\": 10, "
                                               "\"filter_top_k\": 50, \"training\": {\"epochs\": 1}}";
    // Round 0's evaluation, synthesise, retrieve, judge: paused before mining.
    const auto judged = runCli({"run", "--store", store_, "--corpus", "demo", "--config", config, "--steps", "4"});
    QVERIFY2(judged.exitCode == 0, judged.err.constData());
  }

  void miningAndTrainingUsePeoplesGrades() {
    auto s = store::Store::open(store_.toStdString(), store::OpenMode::MustExist);
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM mined_examples"), 0);
    // A train query the teacher kept (its source graded 2 or more) and one of its candidates graded 0.
    const std::string kept = "SELECT c.query_id FROM candidates c JOIN queries q ON q.id = c.query_id WHERE q.split = "
                             "'train' AND c.passage_id = q.source_passage_id AND " +
                             kTeacherGrade + " >= 2 ORDER BY c.query_id";
    std::int64_t query = 0, rejected = 0;
    {
      auto keptQueries = s.prepare(kept); // finished before the CLI writes: an open statement pins a snapshot
      QVERIFY(keptQueries.step());
      query = keptQueries.columnInt64(0);
      QVERIFY(keptQueries.step());
      rejected = keptQueries.columnInt64(0);
    }
    const std::int64_t irrelevant =
        scalar(s, "SELECT c.passage_id FROM candidates c WHERE c.query_id = " + std::to_string(query) + " AND " +
                      kTeacherGrade + " = 0 ORDER BY c.student_rank LIMIT 1");
    QVERIFY(irrelevant > 0);
    const std::int64_t rejectedSource =
        scalar(s, "SELECT source_passage_id FROM queries WHERE id = " + std::to_string(rejected));
    label(s, query, irrelevant, 3);
    label(s, rejected, rejectedSource, 0);

    const auto mined = runCli({"run", "--store", store_, "--resume", "1", "--steps", "1"});
    QVERIFY2(mined.exitCode == 0, mined.err.constData());
    QVERIFY2(mined.err.contains("people's labels replaced the teacher's grade on 2 pairs"), mined.err.constData());
    const std::string pair = " FROM mined_examples WHERE query_id = " + std::to_string(query) +
                             " AND passage_id = " + std::to_string(irrelevant);
    QCOMPARE_EQ(scalar(s, "SELECT grade" + pair), 3);
    QCOMPARE_EQ(scalar(s, "SELECT graded_by = 'human'" + pair), 1);
    QCOMPARE_EQ(scalar(s, "SELECT kind IN ('hard_positive', 'easy_positive', 'unsampled_easy')" + pair), 1);
    // Pairs nobody labelled keep the teacher's grade and say so.
    QVERIFY(scalar(s, "SELECT COUNT(*) FROM mined_examples WHERE graded_by = 'teacher'") > 0);
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM mined_examples WHERE graded_by = 'human'"), 2);
    // A person rejected the source: the query is dropped, as when the teacher does.
    QCOMPARE_EQ(scalar(s, "SELECT COUNT(*) FROM mined_examples WHERE query_id = " + std::to_string(rejected) +
                              " AND kind <> 'query_dropped'"),
                0);

    // Labelled after mining: a hard negative a person grades 3 is a positive for training.
    const std::int64_t negativeQuery =
        scalar(s, "SELECT query_id FROM mined_examples WHERE kind = 'hard_negative' AND graded_by = 'teacher' "
                  "ORDER BY id LIMIT 1");
    QVERIFY(negativeQuery > 0);
    const std::int64_t negative = scalar(s, "SELECT passage_id FROM mined_examples WHERE kind = 'hard_negative' AND "
                                            "graded_by = 'teacher' ORDER BY id LIMIT 1");
    label(s, negativeQuery, negative, 3);
    const auto trained = runCli({"run", "--store", store_, "--resume", "1", "--steps", "1"});
    QVERIFY2(trained.exitCode == 0, trained.err.constData());
    QVERIFY2(trained.err.contains("training reads people's grades on 2 pairs"), trained.err.constData());
  }

  void resumedRunReportsItsPlaceInTheWholeRun() {
    // Paused before its last step (round 1's evaluation): the progress of that step counts every step done before,
    // in earlier calls too, so a job's bar and ETA cover the whole run instead of restarting at each step.
    auto s = store::Store::open(store_.toStdString(), store::OpenMode::MustExist);
    std::vector<std::pair<std::int64_t, std::int64_t>> steps;
    pipeline::RunCallbacks callbacks;
    callbacks.progress = [&steps](const Progress& p) { steps.emplace_back(p.stepsDone, p.stepsTotal); };
    pipeline::RunEnvironment environment;
    environment.maxSteps = 1;
    pipeline::executeRun(s, 1, callbacks, {}, environment);
    QVERIFY(!steps.empty());
    // Round 0 (its evaluation, and a held-out synthesis when the corpus has no judged queries) and 6 steps of round 1.
    const std::int64_t total = steps.back().second;
    QVERIFY2(total == 7 || total == 8, qPrintable(QString::number(total)));
    for (const auto& [done, all] : steps)
      if (all > 0) // reports before the run's state is read carry none
        QCOMPARE_EQ(done, total - 1);
  }
};

QTEST_GUILESS_MAIN(HumanOverridesTest)
#include "test_human_overrides.moc"
