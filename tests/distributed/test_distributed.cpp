// core/distributed: the environment a launcher sets, contiguous shards, and the c10d/Gloo collectives with two
// ranks as two threads of this process (127.0.0.1, a free port), including a rank that leaves and a rendezvous
// that times out, whose errors must name the rank.
#include "core/distributed/Communicator.h"
#include "core/distributed/TorchCollectives.h"
#include "core/distributed/WorldEnvironment.h"
#include "tests/distributed/FreePort.h"

#include <torch/torch.h> // before Qt: Qt defines `slots`, which torch uses as a name

#include <QtTest>

#include <exception>
#include <functional>
#include <map>
#include <thread>

using namespace distillery;
using namespace distillery::distributed;

namespace {

EnvironmentLookup lookupIn(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    if (found == variables.end())
      return std::nullopt;
    return found->second;
  };
}

WorldEnvironment localWorld(int rank, int worldSize, std::uint16_t port, std::chrono::milliseconds timeout) {
  WorldEnvironment world;
  world.rank = rank;
  world.worldSize = worldSize;
  world.masterAddress = "127.0.0.1";
  world.masterPort = port;
  world.timeout = timeout;
  return world;
}

// Runs body(rank) on `worldSize` threads, each joined to one world; rethrows the first failure.
void onEveryRank(int worldSize, const std::function<void(Communicator&)>& body,
                 std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  const auto port = test::freeLoopbackPort();
  std::vector<std::exception_ptr> failures(worldSize);
  std::vector<std::thread> threads;
  for (int rank = 0; rank < worldSize; ++rank)
    threads.emplace_back([&, rank] {
      try {
        auto communicator = Communicator::join(localWorld(rank, worldSize, port, timeout));
        body(*communicator);
      } catch (...) {
        failures[rank] = std::current_exception();
      }
    });
  for (auto& thread : threads)
    thread.join();
  for (const auto& failure : failures)
    if (failure)
      std::rethrow_exception(failure);
}

} // namespace

class TestDistributed : public QObject {
  Q_OBJECT

private slots:
  void worldSizeUnsetOrOneIsASingleProcess() {
    const auto unset = readWorldEnvironment(lookupIn({{"RANK", "3"}, {"MASTER_PORT", "junk"}}));
    QCOMPARE(unset.worldSize, 1);
    QCOMPARE(unset.rank, 0);
    QVERIFY(!unset.distributed());
    const auto one = readWorldEnvironment(lookupIn({{"WORLD_SIZE", "1"}, {"RANK", "5"}}));
    QCOMPARE(one.worldSize, 1);
    QCOMPARE(one.rank, 0);
  }

  void readsTheLauncherEnvironment() {
    const auto world = readWorldEnvironment(lookupIn({{"WORLD_SIZE", "4"},
                                                      {"RANK", "2"},
                                                      {"LOCAL_RANK", "0"},
                                                      {"MASTER_ADDR", "node-a"},
                                                      {"MASTER_PORT", "29500"},
                                                      {"DISTILLERY_DIST_TIMEOUT", "90"}}));
    QCOMPARE(world.worldSize, 4);
    QCOMPARE(world.rank, 2);
    QCOMPARE(world.masterAddress, std::string("node-a"));
    QCOMPARE(int(world.masterPort), 29500);
    QCOMPARE(world.timeout.count(), 90000);
    QVERIFY(world.distributed());
    QVERIFY(!world.isRoot());
  }

  void badEnvironmentNamesTheVariable() {
    const auto message = [](std::map<std::string, std::string> variables) -> std::string {
      try {
        readWorldEnvironment(lookupIn(std::move(variables)));
      } catch (const InputError& e) {
        return e.what();
      }
      return "";
    };
    QVERIFY(message({{"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}}).find("RANK is not set") == 0);
    QVERIFY(
        message({{"WORLD_SIZE", "2"}, {"RANK", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}}).find("RANK='2'") ==
        0);
    QVERIFY(message({{"WORLD_SIZE", "2"}, {"RANK", "0"}, {"MASTER_PORT", "1"}}).find("MASTER_ADDR") == 0);
    QVERIFY(message({{"WORLD_SIZE", "2"}, {"RANK", "0"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}})
                .find("MASTER_PORT='70000'") == 0);
    QVERIFY(message({{"WORLD_SIZE", "two"}}).find("WORLD_SIZE='two'") == 0);
  }

  void shardsAreContiguousAndCoverEverything() {
    for (std::int64_t total : {0, 1, 5, 7, 100, 101}) {
      for (int world = 1; world <= 5; ++world) {
        std::int64_t next = 0;
        for (int rank = 0; rank < world; ++rank) {
          const auto shard = contiguousShard(total, rank, world);
          QCOMPARE(shard.begin, next);
          QVERIFY(shard.size() == total / world || shard.size() == total / world + 1);
          QVERIFY(shard.size() <= contiguousShard(total, 0, world).size());
          next = shard.end;
        }
        QCOMPARE(next, total);
      }
    }
    QCOMPARE(contiguousShard(7, 0, 3).size(), std::int64_t(3));
    QCOMPARE(contiguousShard(7, 2, 3).begin, std::int64_t(5));
  }

  void broadcastGatherAndAllReduceAgreeOnThreeRanks() {
    const std::int64_t total = 11, columns = 3; // shards of 4, 4 and 3 rows; pieces of 3 rows force padding
    std::vector<float> gathered(total * columns, -1.0f);
    std::vector<int> seen(total, 0);
    onEveryRank(3, [&](Communicator& communicator) {
      const std::string blob = communicator.broadcast(communicator.isRoot() ? std::string("config\0json", 11) : "");
      if (blob != std::string("config\0json", 11))
        throw std::runtime_error("rank " + std::to_string(communicator.rank()) + " received '" + blob + "'");
      if (!communicator.broadcast("").empty())
        throw std::runtime_error("an empty blob arrived non-empty");

      const auto shard = contiguousShard(total, communicator.rank(), communicator.worldSize());
      std::vector<float> local;
      for (auto row = shard.begin; row < shard.end; ++row)
        for (std::int64_t c = 0; c < columns; ++c)
          local.push_back(float(row * 10 + c));
      communicator.gatherRowsToRoot(
          local, total, columns,
          [&](std::int64_t row, const float* values) {
            ++seen[row];
            std::copy_n(values, columns, gathered.begin() + row * columns);
          },
          3);

      std::vector<double> sums{double(communicator.rank()), 1.0};
      communicator.allReduceSum(sums, "test sum");
      if (sums[0] != 3.0 || sums[1] != 3.0)
        throw std::runtime_error("all-reduce gave " + std::to_string(sums[0]) + ", " + std::to_string(sums[1]));

      // Gradients: rank r holds r+1 in every entry of one parameter, none on another; the mean is 2 and 0.
      auto weight = torch::zeros({2, 2}, torch::requires_grad());
      auto bias = torch::zeros({3}, torch::requires_grad());
      weight.mutable_grad() = torch::full({2, 2}, float(communicator.rank() + 1));
      averageGradients(communicator, {weight, bias});
      if (!torch::allclose(weight.grad(), torch::full({2, 2}, 2.0f)) || !bias.grad().defined() ||
          !torch::allclose(bias.grad(), torch::zeros({3})))
        throw std::runtime_error("averaged gradients are wrong on rank " + std::to_string(communicator.rank()));
      communicator.barrier("end of test");
    });
    for (std::int64_t row = 0; row < total; ++row) {
      QCOMPARE(seen[row], 1);
      for (std::int64_t c = 0; c < columns; ++c)
        QCOMPARE(gathered[row * columns + c], float(row * 10 + c));
    }
  }

  // Data-parallel training with a batch that does not split evenly: rank 0 holds 3 of its 4 items, rank 1 one.
  // Loss: the mean over a rank's items of (w . x_i - y_i)^2 with w = (1, 0), items x = (1,0) (0,1) (1,1) (2,0),
  // targets y = 0 1 0 0, so residuals 1 -1 1 2. Whole batch: 2/4 * sum r_i x_i = 0.5 * (6, 0) = (3, 0).
  // Rank 0: 2/3 * (2, 0) = (4/3, 0); rank 1: 2 * (4, 0) = (8, 0). Their plain mean (14/3, 0) is wrong; weighted by
  // the share sizes, (3 * 4/3 + 1 * 8) / 4 = 3, the whole batch's gradient.
  void unequalSharesAverageToTheWholeBatchGradient() {
    const auto x = torch::tensor({1.0f, 0.0f, 0.0f, 1.0f, 1.0f, 1.0f, 2.0f, 0.0f}).view({4, 2});
    const auto y = torch::tensor({0.0f, 1.0f, 0.0f, 0.0f});
    const auto meanSquaredLoss = [&](const torch::Tensor& w, std::int64_t begin, std::int64_t end) {
      const auto rows = x.narrow(0, begin, end - begin);
      return (rows.matmul(w) - y.narrow(0, begin, end - begin)).pow(2).mean();
    };
    auto whole = torch::tensor({1.0f, 0.0f}, torch::requires_grad());
    meanSquaredLoss(whole, 0, 4).backward();
    QVERIFY(torch::allclose(whole.grad(), torch::tensor({3.0f, 0.0f})));

    std::vector<torch::Tensor> averaged(2), plain(2);
    onEveryRank(2, [&](Communicator& communicator) {
      const int rank = communicator.rank();
      const std::int64_t begin = rank == 0 ? 0 : 3, end = rank == 0 ? 3 : 4;
      auto w = torch::tensor({1.0f, 0.0f}, torch::requires_grad());
      meanSquaredLoss(w, begin, end).backward();
      auto unweighted = torch::tensor({1.0f, 0.0f}, torch::requires_grad());
      unweighted.mutable_grad() = w.grad().clone();
      averageGradients(communicator, {w}, double(end - begin));
      averageGradients(communicator, {unweighted});
      averaged[rank] = w.grad().clone();
      plain[rank] = unweighted.grad().clone();
    });
    for (int rank = 0; rank < 2; ++rank) {
      QVERIFY2(torch::allclose(averaged[rank], whole.grad()), qPrintable(QString("rank %1: %2, %3")
                                                                             .arg(rank)
                                                                             .arg(averaged[rank][0].item<float>())
                                                                             .arg(averaged[rank][1].item<float>())));
      QVERIFY(torch::allclose(plain[rank], torch::tensor({14.0f / 3.0f, 0.0f})));
    }
  }

  // The trainer's form: every rank back-propagates the whole batch's loss through its own items only (the other
  // items' values enter as constants), and the contributions are summed: again the whole batch's gradient.
  void summedContributionsAreTheWholeBatchGradient() {
    const auto x = torch::tensor({1.0f, 0.0f, 0.0f, 1.0f, 1.0f, 1.0f, 2.0f, 0.0f}).view({4, 2});
    const auto y = torch::tensor({0.0f, 1.0f, 0.0f, 0.0f});
    std::vector<torch::Tensor> summed(2);
    onEveryRank(2, [&](Communicator& communicator) {
      const int rank = communicator.rank();
      const std::int64_t begin = rank == 0 ? 0 : 3, end = rank == 0 ? 3 : 4;
      auto w = torch::tensor({1.0f, 0.0f}, torch::requires_grad());
      auto predictions = x.matmul(w.detach());
      predictions = torch::cat({predictions.narrow(0, 0, begin), x.narrow(0, begin, end - begin).matmul(w),
                                predictions.narrow(0, end, 4 - end)});
      (predictions - y).pow(2).mean().backward();
      sumGradients(communicator, {w});
      summed[rank] = w.grad().clone();
    });
    for (int rank = 0; rank < 2; ++rank)
      QVERIFY(torch::allclose(summed[rank], torch::tensor({3.0f, 0.0f})));
  }

  void aRankThatLeavesIsNamedBySurvivors() {
    std::string message;
    try {
      onEveryRank(2, [&](Communicator& communicator) {
        communicator.barrier("start");
        if (communicator.rank() == 1)
          return; // leaves: its connections close and its heartbeat stops, as when a process dies
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        std::vector<double> values{1.0};
        communicator.allReduceSum(values, "summing losses");
      });
    } catch (const DistributedError& e) {
      message = e.what();
    }
    QVERIFY2(message.find("rank 0 of 2: summing losses failed: rank 1 stopped") == 0, message.c_str());
  }

  void aRendezvousThatTimesOutNamesTheMissingRank() {
    const auto port = test::freeLoopbackPort();
    std::string message;
    try {
      Communicator::join(localWorld(0, 3, port, std::chrono::milliseconds(800)));
    } catch (const DistributedError& e) {
      message = e.what();
    }
    QVERIFY2(message.find("rank 0: rendezvous at 127.0.0.1:" + std::to_string(port) + " timed out") == 0,
             message.c_str());
    QVERIFY2(message.find("ranks 1, 2 of WORLD_SIZE=3 did not join") != std::string::npos, message.c_str());
  }

  void aRankWithoutRankZeroNamesIt() {
    const auto port = test::freeLoopbackPort();
    std::string message;
    try {
      Communicator::join(localWorld(1, 2, port, std::chrono::milliseconds(800)));
    } catch (const DistributedError& e) {
      message = e.what();
    }
    QVERIFY2(message.find("rank 1 of 2: rank 0's rendezvous store at 127.0.0.1:") == 0, message.c_str());
  }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
