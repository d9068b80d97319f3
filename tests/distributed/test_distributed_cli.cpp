// `distillery-cli embed` and `run` on WORLD_SIZE=2 as two local processes (Gloo on 127.0.0.1, a free port), as
// torchrun would launch them: embed's output equals one process's within 1e-5 and --json names world size and rank;
// a run ends with one process's metrics; a rank that dies or never arrives fails the other with a message naming
// it, and a run that failed so resumes as one process without paying the teacher twice.
#include "core/model/DefaultStudent.h"
#include "core/model/EmbeddingMatrixFile.h"
#include "tests/distributed/FreePort.h"
#include "tests/reliability/ScriptedTeacher.h"
#include "tests/support/ExperimentFixtures.h"
#include "tests/support/TestSupport.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

using distillery::test::CliResult;
using distillery::test::copyOfExperiment;
using distillery::test::FakeChatServer;
using distillery::test::FakeRequest;
using distillery::test::finishCli;
using distillery::test::parseTeacherCall;
using distillery::test::runCli;
using distillery::test::scriptedTeacherReply;
using distillery::test::writeSmallRunConfig;

namespace {

// One rank of a WORLD_SIZE job on this machine, as torchrun would start it.
std::unique_ptr<QProcess> startRank(const QStringList& arguments, int rank, int worldSize, std::uint16_t port,
                                    int timeoutSeconds = 120) {
  return distillery::test::startCli(arguments, {{"WORLD_SIZE", QString::number(worldSize)},
                                                {"RANK", QString::number(rank)},
                                                {"LOCAL_RANK", QString::number(rank)},
                                                {"MASTER_ADDR", "127.0.0.1"},
                                                {"MASTER_PORT", QString::number(port)},
                                                {"DISTILLERY_DIST_TIMEOUT", QString::number(timeoutSeconds)}});
}

// The same command on both ranks of a WORLD_SIZE=2 job; what rank 0 and rank 1 printed.
std::pair<CliResult, CliResult> runOnTwoRanks(const QStringList& arguments) {
  const auto port = distillery::test::freeLoopbackPort();
  auto rank0 = startRank(arguments, 0, 2, port);
  auto rank1 = startRank(arguments, 1, 2, port);
  auto result1 = finishCli(*rank1);
  return {finishCli(*rank0), std::move(result1)};
}

} // namespace

class TestDistributedCli : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString modelDir_;
  QString corpus_;
  std::vector<std::string> passages_;
  distillery::test::SmallDistillation demo_; // a demo corpus of 2 companies imported, and a small student

  // Every metric of every group (ALL and each filing type) within 1e-3 of one process's.
  static void compareMetrics(const QJsonObject& actual, const QJsonObject& expected, const QString& what) {
    QCOMPARE(actual.keys(), expected.keys());
    for (const QString& group : expected.keys())
      for (const char* metric : {"mrr@5", "ndcg@5", "dcg@5", "recall@5"}) {
        const double want = expected[group].toObject()[metric].toDouble();
        const double got = actual[group].toObject()[metric].toDouble();
        QVERIFY2(
            std::abs(got - want) <= 1e-3,
            qPrintable(QString("%1, %2 %3: %4 on two ranks, %5 on one").arg(what, group, metric).arg(got).arg(want)));
      }
  }

private slots:
  void initTestCase() {
    demo_ = distillery::test::prepareSmallDistillation(dir_.filePath("distillation"), 10);
    // 41 passages of different lengths (so batches sort and pad differently in each shard), a 1-layer BERT.
    const std::vector<std::string> words{"revenue",    "increased", "operating", "income",   "segment", "goodwill",
                                         "impairment", "quarter",   "diluted",   "earnings", "cash",    "flow",
                                         "liquidity",  "debt",      "covenant",  "lease",    "tax",     "deferred"};
    std::ofstream out(dir_.filePath("corpus.jsonl").toStdString());
    for (int i = 0; i < 41; ++i) {
      std::string text;
      for (int w = 0; w < 3 + (i * 7) % 23; ++w)
        text += words[(i * 5 + w * 3) % words.size()] + " ";
      passages_.push_back(text);
      out << nlohmann::json{{"_id", "p" + std::to_string(i)}, {"title", i % 3 ? "Item 7" : ""}, {"text", text}}.dump()
          << '\n';
    }
    out.close();
    corpus_ = dir_.filePath("corpus.jsonl");
    modelDir_ = dir_.filePath("tiny-bert");
    distillery::model::DefaultStudentOptions options;
    options.layers = 1;
    options.hiddenSize = 64;
    options.heads = 4;
    options.intermediateSize = 128;
    options.vocabularySize = 300;
    distillery::model::saveRandomStudent(passages_, modelDir_.toStdString(), options);
  }

  void twoRanksWriteWhatOneProcessWrites() {
    const QString single = dir_.filePath("single.npy");
    const auto one = runCli({"embed", "--model", modelDir_, "--input", corpus_, "--output", single, "--batch", "4",
                             "--threads", "1", "--json"});
    QVERIFY2(one.exitCode == 0, one.err.constData());
    QCOMPARE(one.json()["world_size"].toInt(), 1);
    QCOMPARE(one.json()["rank"].toInt(), 0);

    const QString sharded = dir_.filePath("sharded.npy");
    const auto [result0, result1] = runOnTwoRanks({"embed", "--model", modelDir_, "--input", corpus_, "--output",
                                                   sharded, "--batch", "4", "--threads", "1", "--json"});
    QVERIFY2(result0.exitCode == 0, result0.err.constData());
    QVERIFY2(result1.exitCode == 0, result1.err.constData());
    for (const auto& [result, rank] : {std::pair{&result0, 0}, std::pair{&result1, 1}}) {
      const auto json = result->json();
      QCOMPARE(json["world_size"].toInt(), 2);
      QCOMPARE(json["rank"].toInt(), rank);
      QCOMPARE(json["passages"].toInt(), int(passages_.size())); // the corpus total on every rank
      QCOMPARE(json["dim"].toInt(), 64);
    }

    distillery::model::EmbeddingMatrixReader expected(single.toStdString());
    distillery::model::EmbeddingMatrixReader actual(sharded.toStdString());
    QCOMPARE(actual.rows(), expected.rows());
    QCOMPARE(actual.columns(), expected.columns());
    double largest = 0;
    for (std::int64_t r = 0; r < expected.rows(); ++r)
      for (std::int64_t c = 0; c < expected.columns(); ++c)
        largest = std::max(largest, double(std::abs(actual.row(r)[c] - expected.row(r)[c])));
    QVERIFY2(largest <= 1e-5, qPrintable(QString("largest difference %1").arg(largest)));
    // Rows of both shards arrived (a zero row would be a lost one: every row has unit norm).
    for (std::int64_t r = 0; r < actual.rows(); ++r) {
      double norm = 0;
      for (std::int64_t c = 0; c < actual.columns(); ++c)
        norm += double(actual.row(r)[c]) * actual.row(r)[c];
      QVERIFY(std::abs(norm - 1.0) < 1e-4);
    }
  }

  void ranksThatReadDifferentInputsFailBoth() {
    const QString other = dir_.filePath("other.jsonl");
    {
      std::ofstream out(other.toStdString());
      for (int i = 0; i < 41; ++i)
        out << nlohmann::json{{"text", i == 7 ? "changed" : passages_[std::size_t(i)]}}.dump() << '\n';
    }
    const auto port = distillery::test::freeLoopbackPort();
    const QString output = dir_.filePath("mixed.npy");
    auto rank0 = startRank({"embed", "--model", modelDir_, "--input", corpus_, "--output", output}, 0, 2, port);
    auto rank1 = startRank({"embed", "--model", modelDir_, "--input", other, "--output", output}, 1, 2, port);
    const auto result1 = finishCli(*rank1);
    const auto result0 = finishCli(*rank0);
    for (const auto* result : {&result0, &result1}) {
      QCOMPARE(result->exitCode, 1);
      QVERIFY2(result->err.contains("rank(s) 1 read another input than rank 0 (rank 0: 41 passages"),
               result->err.constData());
    }
    QVERIFY(!QFileInfo::exists(output));
  }

  void aRankThatNeverArrivesIsNamed() {
    const auto port = distillery::test::freeLoopbackPort();
    auto rank0 = startRank({"embed", "--model", modelDir_, "--input", corpus_, "--output", dir_.filePath("x.npy")}, 0,
                           2, port, 2);
    const auto result = finishCli(*rank0);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("rank 0: rendezvous at 127.0.0.1:" + QByteArray::number(port) + " timed out") &&
                 result.err.contains("rank 1 of WORLD_SIZE=2 did not join"),
             result.err.constData());
    QVERIFY(!QFileInfo::exists(dir_.filePath("x.npy")));
  }

  // eval on WORLD_SIZE=2: rank 0 evaluates, both ranks embed half of the corpus each; the same scores as one process.
  void twoRanksEvaluateAsOneProcessDoes() {
    // Each on its own copy: an evaluation leaves the corpus's embeddings cached beside the experiment.
    const auto arguments = [&](const QString& store) {
      return QStringList{"eval",        "--store", copyOfExperiment(demo_.experiment, dir_.filePath(store)),
                         "--corpus",    "demo",    "--query-set",
                         "demo",        "--model", demo_.student,
                         "--retriever", "dense",   "--json"};
    };
    const auto single = runCli(arguments("eval-one.distillery"));
    QVERIFY2(single.exitCode == 0, single.err.constData());
    const auto [result0, result1] = runOnTwoRanks(arguments("eval-two.distillery"));
    QVERIFY2(result0.exitCode == 0, result0.err.constData());
    QVERIFY2(result1.exitCode == 0 && result1.err.contains("rank 1: embedding passages"), result1.err.constData());
    QVERIFY(result1.out.isEmpty()); // rank 0 alone prints the result
    compareMetrics(result0.json()["metrics"].toObject(), single.json()["metrics"].toObject(), "eval");
  }

  // A default run (default student, heuristic teacher) on WORLD_SIZE=2 ends where one process ends: rank 0 runs the
  // steps, rank 1 embeds half the corpus and trains on half of every batch.
  void twoRanksRunAsOneProcessDoes() {
    // The default student is trained once, here, and copied with the experiment (a run reuses it), so that the test
    // spends its time on the runs.
    const QString base = copyOfExperiment(demo_.experiment, dir_.filePath("default.distillery"));
    const auto built = runCli({"embed", "--model", "default", "--store", base, "--corpus", "demo", "--input", corpus_,
                               "--output", dir_.filePath("default.npy")});
    QVERIFY2(built.exitCode == 0, built.err.constData());
    const auto copyOf = [&](const QString& name) {
      const QString path = copyOfExperiment(base, dir_.filePath(name));
      std::filesystem::copy((base + ".models").toStdString(), (path + ".models").toStdString(),
                            std::filesystem::copy_options::recursive);
      return path;
    };
    // The default config on one thread per process, as the ranks of a job on a 2-core machine would run.
    const QString config = dir_.filePath("one-thread.json");
    std::ofstream(config.toStdString()) << R"({"threads": 1})";
    const auto single =
        runCli({"run", "--store", copyOf("one.distillery"), "--corpus", "demo", "--config", config, "--json"});
    QVERIFY2(single.exitCode == 0, single.err.constData());

    const auto [result0, result1] =
        runOnTwoRanks({"run", "--store", copyOf("two.distillery"), "--corpus", "demo", "--config", config, "--json"});
    QVERIFY2(result0.exitCode == 0, result0.err.constData());
    QVERIFY2(result1.exitCode == 0, result1.err.constData());
    QVERIFY2(result1.err.contains("rank 1: training student") && result1.err.contains("rank 1: embedding passages"),
             result1.err.constData());
    QVERIFY(result1.out.isEmpty()); // rank 0 alone prints the result

    const auto rounds = [](const CliResult& result) { return result.json()["rounds"].toArray(); };
    QCOMPARE(rounds(result0).size(), rounds(single).size());
    for (qsizetype r = 0; r < rounds(single).size(); ++r)
      compareMetrics(rounds(result0)[r].toObject()["metrics"].toObject(),
                     rounds(single)[r].toObject()["metrics"].toObject(), QString("round %1").arg(r));
  }

  // Rank 1 dies while the ranks train round 1: rank 0 fails the run naming it, and the run resumed as one process
  // completes without asking the teacher again for anything the experiment holds.
  void aRunWhoseRank1DiesResumesOnOneProcess() {
    FakeChatServer server([](const FakeRequest& request) { return scriptedTeacherReply(request); });
    const nlohmann::json teacher = distillery::test::scriptedEndpointTeacher(server);
    const QString config = writeSmallRunConfig(dir_.filePath("endpoint.json"), demo_.student, teacher,
                                               {{"query_set", "demo"}}, 2, 20, 10, 3);
    const QString store = copyOfExperiment(demo_.experiment, dir_.filePath("killed.distillery"));
    const QStringList arguments{"run", "--store", store, "--corpus", "demo", "--config", config, "--json"};
    const auto port = distillery::test::freeLoopbackPort();
    auto rank0 = startRank(arguments, 0, 2, port);
    auto rank1 = startRank(arguments, 1, 2, port);
    QByteArray err1;
    QElapsedTimer waited;
    waited.start();
    while (!err1.contains("rank 1: training student") && rank1->state() == QProcess::Running &&
           waited.elapsed() < 120000) {
      rank1->waitForReadyRead(20);
      err1 += rank1->readAllStandardError();
    }
    QVERIFY2(err1.contains("rank 1: training student") && rank1->state() == QProcess::Running, err1.constData());
    rank1->kill();
    rank1->waitForFinished();
    const auto failed = finishCli(*rank0, 120000);
    QCOMPARE(failed.exitCode, 1);
    QVERIFY2(failed.err.contains("rank 0 of 2:") && failed.err.contains("rank 1 stopped") &&
                 failed.err.contains("run 1 failed; once the cause below is fixed, continue it with: distillery-cli "
                                     "run --store " +
                                     store.toUtf8() + " --resume 1"),
             failed.err.constData());
    const int callsBefore = server.requestCount();
    QVERIFY(callsBefore > 0);
    const std::set<std::string> held = distillery::test::paidWorkHeldIn(store.toStdString());
    QVERIFY(!held.empty());

    const auto resumed = runCli({"run", "--store", store, "--resume", "1", "--json"});
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    QCOMPARE(resumed.json()["status"].toString(), QString("completed"));
    const auto requests = server.requests();
    QVERIFY(requests.size() > static_cast<std::size_t>(callsBefore)); // round 2 was still to be judged
    for (auto i = static_cast<std::size_t>(callsBefore); i < requests.size(); ++i)
      QVERIFY2(!held.count(parseTeacherCall(requests[i]).key()),
               "the resumed run asked the teacher again for something the experiment held");
  }

  void aRankKilledMidEmbeddingIsNamed() {
    // Rank 1 is SIGKILLed once it is embedding (its first progress line); rank 0, waiting to gather, must fail
    // promptly with rank 1 named rather than hang until the timeout.
    const QString large = dir_.filePath("large.jsonl");
    {
      std::ofstream out(large.toStdString());
      for (int i = 0; i < 3000; ++i) {
        std::string text;
        for (int repeat = 0; repeat < 8; ++repeat)
          text += passages_[(i + repeat) % passages_.size()];
        out << nlohmann::json{{"text", text}}.dump() << '\n';
      }
    }
    const auto port = distillery::test::freeLoopbackPort();
    const QStringList arguments{
        "embed",   "--model", modelDir_,   "--input", large, "--output", dir_.filePath("killed.npy"),
        "--batch", "8",       "--threads", "1"};
    auto rank0 = startRank(arguments, 0, 2, port, 600);
    auto rank1 = startRank(arguments, 1, 2, port, 600);
    QByteArray err1;
    QElapsedTimer waited;
    waited.start();
    while (!err1.contains("embed: ") && rank1->state() == QProcess::Running && waited.elapsed() < 120000) {
      rank1->waitForReadyRead(50);
      err1 += rank1->readAllStandardError();
    }
    QVERIFY2(err1.contains("embed: ") && rank1->state() == QProcess::Running, err1.constData());
    rank1->kill();
    rank1->waitForFinished();
    QElapsedTimer failedIn;
    failedIn.start();
    const auto result = finishCli(*rank0, 120000);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("rank 0 of 2:") && result.err.contains("rank 1 stopped"), result.err.constData());
    QVERIFY2(failedIn.elapsed() < 60000, "rank 0 waited for the timeout instead of noticing the dead rank");
  }
};

QTEST_GUILESS_MAIN(TestDistributedCli)
#include "test_distributed_cli.moc"
