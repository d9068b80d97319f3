// `distillery-cli embed` on WORLD_SIZE=2 as two local processes (Gloo on 127.0.0.1, a free port), as torchrun would
// launch it: the output equals one process's within 1e-5, --json names world size and rank, and a rank that dies
// or never arrives fails the other with a message naming it.
#include "core/model/DefaultStudent.h"
#include "core/model/EmbeddingMatrixFile.h"
#include "tests/distributed/FreePort.h"
#include "tests/support/TestSupport.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <memory>

using distillery::test::CliResult;
using distillery::test::runCli;

namespace {

std::unique_ptr<QProcess> startRank(const QStringList& arguments, int rank, int worldSize, std::uint16_t port,
                                    int timeoutSeconds = 120) {
  auto process = std::make_unique<QProcess>();
  auto environment = QProcessEnvironment::systemEnvironment();
  environment.insert("WORLD_SIZE", QString::number(worldSize));
  environment.insert("RANK", QString::number(rank));
  environment.insert("LOCAL_RANK", QString::number(rank));
  environment.insert("MASTER_ADDR", "127.0.0.1");
  environment.insert("MASTER_PORT", QString::number(port));
  environment.insert("DISTILLERY_DIST_TIMEOUT", QString::number(timeoutSeconds));
  process->setProcessEnvironment(environment);
  process->start(QStringLiteral(DISTILLERY_CLI_PATH), arguments);
  process->waitForStarted();
  return process;
}

CliResult finish(QProcess& process, int timeoutMs = 300000) {
  if (!process.waitForFinished(timeoutMs)) {
    process.kill();
    process.waitForFinished();
  }
  CliResult result;
  result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  result.out = process.readAllStandardOutput();
  result.err = process.readAllStandardError();
  return result;
}

} // namespace

class TestDistributedCli : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString modelDir_;
  QString corpus_;
  std::vector<std::string> passages_;

private slots:
  void initTestCase() {
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
    const QStringList arguments{"embed", "--model", modelDir_, "--input",   corpus_, "--output",
                                sharded, "--batch", "4",       "--threads", "1",     "--json"};
    const auto port = distillery::test::freeLoopbackPort();
    auto rank0 = startRank(arguments, 0, 2, port);
    auto rank1 = startRank(arguments, 1, 2, port);
    const auto result1 = finish(*rank1);
    const auto result0 = finish(*rank0);
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
    const auto result1 = finish(*rank1);
    const auto result0 = finish(*rank0);
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
    const auto result = finish(*rank0);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("rank 0: rendezvous at 127.0.0.1:" + QByteArray::number(port) + " timed out") &&
                 result.err.contains("rank 1 of WORLD_SIZE=2 did not join"),
             result.err.constData());
    QVERIFY(!QFileInfo::exists(dir_.filePath("x.npy")));
  }

  // run and eval do not shard yet: with WORLD_SIZE=2 every rank would run the whole command on one experiment.
  void runAndEvalRefuseSeveralRanks() {
    const auto port = distillery::test::freeLoopbackPort();
    for (const QString command : {"run", "eval"}) {
      QStringList arguments{command, "--store", dir_.filePath("none.distillery"), "--corpus", "demo"};
      if (command == "eval")
        arguments << "--retriever"
                  << "bm25";
      auto process = startRank(arguments, 1, 2, port);
      const auto result = finish(*process);
      QCOMPARE(result.exitCode, 1);
      QVERIFY2(result.err.contains(command.toUtf8() + " runs as one process: WORLD_SIZE=2 is set (rank 1)"),
               result.err.constData());
      QVERIFY(!QFileInfo::exists(dir_.filePath("none.distillery")));
    }
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
    const auto result = finish(*rank0, 120000);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("rank 0 of 2:") && result.err.contains("rank 1 stopped"), result.err.constData());
    QVERIFY2(failedIn.elapsed() < 60000, "rank 0 waited for the timeout instead of noticing the dead rank");
  }
};

QTEST_GUILESS_MAIN(TestDistributedCli)
#include "test_distributed_cli.moc"
