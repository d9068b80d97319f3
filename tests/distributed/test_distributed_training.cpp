// Data-parallel training (core/pipeline/StudentTrainer with a TrainingWorld): two ranks as two threads of this
// process (Gloo on 127.0.0.1, a free port) train a bag-of-tokens student, the default student's architecture, on
// batches that do not split evenly between them; every step's loss and the final weights must equal one process's
// training on the whole batches, and rank 0 alone, holding the dev set, decides when training stops early.
#include "core/distributed/Communicator.h"
#include "core/model/DefaultStudent.h"
#include "core/model/StudentModel.h"
#include "core/pipeline/StudentTrainer.h"
#include "tests/distributed/FreePort.h"

#include <torch/torch.h> // before Qt: Qt defines `slots`, which torch uses as a name

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <exception>
#include <thread>

using namespace distillery;

namespace {

const std::vector<std::string> kWords{"revenue",  "increased", "operating", "income",  "segment",   "goodwill",
                                      "quarter",  "diluted",   "earnings",  "cash",    "liquidity", "debt",
                                      "covenant", "lease",     "tax",       "deferred"};

std::string sentence(int seed, int length) {
  std::string text;
  for (int w = 0; w < length; ++w)
    text += kWords[static_cast<std::size_t>(seed * 5 + w * 3) % kWords.size()] + " ";
  return text;
}

// A query whose first candidate shares its words, three graded below it, two unrelated.
pipeline::TrainingExample example(int seed) {
  pipeline::TrainingExample e;
  e.query = sentence(seed, 3);
  for (int p = 0; p < 6; ++p) {
    e.passages.push_back(sentence(seed + p * 2, 4 + (seed + p) % 5));
    e.teacherScores.push_back(p == 0 ? 3.0 : p < 4 ? 1.0 : 0.0);
  }
  e.positives = {0};
  e.negatives = {4, 5};
  return e;
}

struct Trained {
  pipeline::TrainingReport report;
  std::vector<double> losses; // every optimiser step's
  std::vector<torch::Tensor> weights;
};

} // namespace

class TestDistributedTraining : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::vector<pipeline::TrainingExample> train_, dev_;
  std::vector<std::string> distractors_;
  pipeline::TrainingConfig config_;

  Trained trainOn(const std::vector<pipeline::TrainingExample>& dev, const pipeline::TrainingWorld& world) {
    auto student = model::StudentModel::load(dir_.filePath("student").toStdString());
    Trained trained;
    const auto onStep = [&](int, int, double loss, double, std::optional<double> devMetric) {
      if (!devMetric)
        trained.losses.push_back(loss);
    };
    trained.report =
        pipeline::trainStudent(*student, nullptr, train_, dev, distractors_, config_, 3.0, 7, onStep, {}, {}, world);
    for (const auto& [name, tensor] : student->namedParameters())
      trained.weights.push_back(tensor.detach().clone());
    return trained;
  }

private slots:
  void initTestCase() {
    std::vector<std::string> passages;
    for (int i = 0; i < 40; ++i)
      passages.push_back(sentence(i, 4 + i % 5));
    model::DefaultStudentOptions options;
    options.hiddenSize = 32;
    options.heads = 2; // unused without layers, but the config must be valid
    options.vocabularySize = 200;
    model::saveRandomStudent(passages, dir_.filePath("student").toStdString(), options);
    // As the default student trains: without dropout, whose masks no two processes draw alike.
    QFile configFile(dir_.filePath("student/config.json"));
    QVERIFY(configFile.open(QIODevice::ReadOnly));
    QJsonObject json = QJsonDocument::fromJson(configFile.readAll()).object();
    configFile.close();
    QVERIFY(json.contains("hidden_dropout_prob"));
    json["hidden_dropout_prob"] = 0.0;
    json["attention_probs_dropout_prob"] = 0.0;
    QVERIFY(configFile.open(QIODevice::WriteOnly | QIODevice::Truncate));
    configFile.write(QJsonDocument(json).toJson());
    configFile.close();
    for (int i = 0; i < 11; ++i) // batches of 4, 4 and 3: the last splits 2 / 1
      train_.push_back(example(i));
    for (int i = 20; i < 23; ++i)
      dev_.push_back(example(i));
    distractors_.assign(passages.begin(), passages.begin() + 10);
    config_.batchQueries = 4;
    config_.epochs = 4;
    config_.patience = 0;
    config_.learningRate = 5e-3;
  }

  void twoRanksTrainAsOneProcessDoes() {
    torch::set_num_threads(1);
    const Trained single = trainOn(dev_, {});
    QVERIFY(single.report.steps >= 3);

    std::vector<Trained> ranks(2);
    std::vector<std::exception_ptr> failures(2);
    const auto port = test::freeLoopbackPort();
    std::vector<std::thread> threads;
    for (int rank = 0; rank < 2; ++rank)
      threads.emplace_back([&, rank] {
        try {
          distributed::WorldEnvironment world;
          world.rank = rank;
          world.worldSize = 2;
          world.masterAddress = "127.0.0.1";
          world.masterPort = port;
          world.timeout = std::chrono::seconds(60);
          auto communicator = distributed::Communicator::join(world);
          // Only rank 0 holds the dev set: the others learn from its broadcasts when training ends.
          ranks[static_cast<std::size_t>(rank)] =
              trainOn(rank == 0 ? dev_ : std::vector<pipeline::TrainingExample>{}, {communicator.get()});
          communicator->barrier("end of training");
        } catch (...) {
          failures[static_cast<std::size_t>(rank)] = std::current_exception();
        }
      });
    for (auto& thread : threads)
      thread.join();
    for (const auto& failure : failures)
      if (failure)
        std::rethrow_exception(failure);

    const Trained& root = ranks[0];
    QCOMPARE(root.report.steps, single.report.steps);
    QCOMPARE(root.report.epochs, single.report.epochs);
    QCOMPARE(root.report.bestEpoch, single.report.bestEpoch);
    QCOMPARE(root.report.stoppedEarly, single.report.stoppedEarly);
    QCOMPARE(ranks[1].report.steps, single.report.steps);
    QCOMPARE(ranks[1].report.epochs, single.report.epochs); // stopped early with rank 0
    QCOMPARE(root.losses.size(), single.losses.size());
    for (std::size_t i = 0; i < single.losses.size(); ++i) {
      QVERIFY2(std::abs(root.losses[i] - single.losses[i]) < 1e-5,
               qPrintable(QString("step %1: %2 vs %3").arg(i + 1).arg(root.losses[i]).arg(single.losses[i])));
      QCOMPARE(ranks[1].losses[i], root.losses[i]); // every rank computes the whole batch's loss
    }
    double largest = 0;
    for (std::size_t i = 0; i < single.weights.size(); ++i)
      largest = std::max(largest, (root.weights[i] - single.weights[i]).abs().max().item<double>());
    QVERIFY2(largest < 1e-5, qPrintable(QString("largest weight difference %1").arg(largest)));
  }
};

QTEST_GUILESS_MAIN(TestDistributedTraining)
#include "test_distributed_training.moc"
