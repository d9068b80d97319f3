// Distributed benchmarks (plain main, figures on stdout). The program launches itself once per rank, with the
// environment torchrun would set (WORLD_SIZE, RANK, MASTER_ADDR=127.0.0.1, MASTER_PORT), so each rank is a process
// of its own as in a real job:
//   bench_distributed embed [passages]  embeds the first N (default 1000) TAT-QA passages with a BERT-small-shaped
//                                       random model (6 layers, 384 hidden, 12 heads) on 1 rank and on 2 ranks,
//                                       1 thread each: passages/s including the gather of the rows on rank 0.
//   bench_distributed allreduce         the communication of one data-parallel training step with 2 ranks: the
//                                       gradient all-reduce (averageGradients) of the same model, in ms, median of 20,
//                                       beside one forward and backward pass of a 16-passage batch on one thread.
// Both ranks share this machine's cores with whatever else runs, so the speed-up is a lower bound of what two
// machines give.
#include "core/distributed/Communicator.h"
#include "core/distributed/TorchCollectives.h"
#include "core/distributed/WorldEnvironment.h"
#include "core/model/DefaultStudent.h"
#include "core/model/StudentModel.h"
#include "core/util/Time.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

extern char** environ;

using namespace distillery;

namespace {

std::vector<std::string> loadPassages(std::size_t count) {
  std::ifstream corpus(std::string(DISTILLERY_SHARED_DATA) + "/tatqa-beir/corpus.jsonl");
  std::vector<std::string> passages;
  std::string line;
  while (passages.size() < count && std::getline(corpus, line)) {
    const auto record = nlohmann::json::parse(line);
    const std::string title = record.value("title", "");
    const std::string text = record.value("text", "");
    passages.push_back(title.empty() ? text : title + " " + text);
  }
  if (passages.empty()) {
    std::fprintf(stderr, "bench_distributed: %s/tatqa-beir/corpus.jsonl not found\n", DISTILLERY_SHARED_DATA);
    std::exit(1);
  }
  return passages;
}

std::uint16_t freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// Runs this program as `worldSize` ranks with the arguments given and waits for all of them.
bool launch(int worldSize, const std::vector<std::string>& arguments) {
  const auto port = freePort();
  std::vector<pid_t> children;
  for (int rank = 0; rank < worldSize; ++rank) {
    std::vector<std::string> environment;
    for (char** variable = environ; *variable; ++variable)
      environment.emplace_back(*variable);
    environment.push_back("WORLD_SIZE=" + std::to_string(worldSize));
    environment.push_back("RANK=" + std::to_string(rank));
    environment.push_back("MASTER_ADDR=127.0.0.1");
    environment.push_back("MASTER_PORT=" + std::to_string(port));
    environment.push_back("OMP_NUM_THREADS=1");
    std::vector<char*> envp, argv;
    for (auto& entry : environment)
      envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::vector<std::string> copy = arguments;
    for (auto& argument : copy)
      argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_t child = 0;
    if (posix_spawn(&child, "/proc/self/exe", nullptr, nullptr, argv.data(), envp.data()) != 0)
      return false;
    children.push_back(child);
  }
  bool ok = true;
  for (const pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  return ok;
}

double cpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

std::unique_ptr<distributed::Communicator> joinIfDistributed(const distributed::WorldEnvironment& world) {
  return world.distributed() ? distributed::Communicator::join(world) : nullptr;
}

int embedRank(const std::filesystem::path& modelDir, std::size_t count) {
  const auto world = distributed::readWorldEnvironment();
  auto communicator = joinIfDistributed(world);
  auto model = model::StudentModel::load(modelDir);
  const auto passages = loadPassages(count);
  const auto shard =
      distributed::contiguousShard(static_cast<std::int64_t>(passages.size()), world.rank, world.worldSize);
  const std::vector<std::string> mine(passages.begin() + shard.begin, passages.begin() + shard.end);
  model::EncodeOptions options;
  options.threads = 1;
  options.maxLength = 256;
  if (communicator)
    communicator->barrier("start");
  const double started = monotonicSeconds();
  const double cpuStarted = cpuSeconds();
  const auto rows = model->encode(mine, model::TextRole::Passage, options);
  const double embedded = monotonicSeconds() - started;
  const double cpu = cpuSeconds() - cpuStarted;
  std::int64_t gathered = 0;
  if (communicator)
    communicator->gatherRowsToRoot(rows, static_cast<std::int64_t>(passages.size()), model->config().hiddenSize,
                                   [&](std::int64_t, const float*) { ++gathered; });
  const double seconds = monotonicSeconds() - started;
  // Wall time depends on the cores the ranks got; CPU time says what each would take on a core of its own.
  std::vector<double> cpuPerRank{cpu};
  if (communicator) {
    cpuPerRank.assign(world.worldSize, 0.0);
    cpuPerRank[world.rank] = cpu;
    communicator->allReduceSum(cpuPerRank, "collecting CPU times");
  }
  std::printf("  rank %d: %zu passages embedded in %.2f s wall, %.2f s CPU\n", world.rank, mine.size(), embedded, cpu);
  if (world.isRoot())
    std::printf("%d rank(s), 1 thread each: %zu passages in %.2f s = %.1f passages/s wall (gather included); "
                "%.1f passages/s with a core per rank (the slowest rank's CPU time)\n",
                world.worldSize, passages.size(), seconds, double(passages.size()) / seconds,
                double(passages.size()) / *std::max_element(cpuPerRank.begin(), cpuPerRank.end()));
  std::fflush(stdout);
  return 0;
}

int allReduceRank(const std::filesystem::path& modelDir) {
  const auto world = distributed::readWorldEnvironment();
  auto communicator = joinIfDistributed(world);
  torch::set_num_threads(1);
  auto model = model::StudentModel::load(modelDir);
  const auto parameters = model->parameters();
  std::int64_t values = 0;
  for (const auto& parameter : parameters)
    values += parameter.numel();

  // One step's compute for scale: a 16-passage batch forward and backward on one thread.
  const auto passages = loadPassages(16);
  std::vector<double> compute;
  for (int repeat = 0; repeat < 3; ++repeat) {
    const double started = monotonicSeconds();
    auto embeddings = model->embed(passages, model::TextRole::Passage, true, 128);
    embeddings.sum().backward();
    compute.push_back(1000.0 * (monotonicSeconds() - started));
  }
  std::vector<double> communication;
  for (int repeat = 0; repeat < 20; ++repeat) {
    for (const auto& parameter : parameters)
      parameter.mutable_grad() = torch::randn_like(parameter);
    communicator->barrier("step");
    const double started = monotonicSeconds();
    distributed::averageGradients(*communicator, parameters);
    communication.push_back(1000.0 * (monotonicSeconds() - started));
  }
  std::sort(compute.begin(), compute.end());
  std::sort(communication.begin(), communication.end());
  if (world.isRoot())
    std::printf("%d ranks: gradient all-reduce of %lld values (%.1f MB) = %.1f ms per step (median of 20, min %.1f); "
                "forward+backward of 16 passages (length 128, 1 thread) = %.0f ms\n",
                world.worldSize, static_cast<long long>(values), double(values) * 4 / 1e6,
                communication[communication.size() / 2], communication.front(), compute[compute.size() / 2]);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "--rank-embed" && argc == 4)
    return embedRank(argv[2], std::stoul(argv[3]));
  if (mode == "--rank-allreduce" && argc == 3)
    return allReduceRank(argv[2]);
  if (mode != "embed" && mode != "allreduce") {
    std::fprintf(stderr, "usage: bench_distributed embed [passages] | allreduce\n");
    return 2;
  }
  const std::size_t count = argc > 2 ? std::stoul(argv[2]) : 1000;
  const auto modelDir = std::filesystem::temp_directory_path() / ("bench-distributed-" + std::to_string(getpid()));
  model::DefaultStudentOptions options; // BERT-small's shape, as bench_model throughput
  options.layers = 6;
  options.hiddenSize = 384;
  options.heads = 12;
  options.intermediateSize = 1536;
  options.vocabularySize = 8000;
  model::saveRandomStudent(loadPassages(2000), modelDir, options);
  bool ok = true;
  if (mode == "embed") {
    for (const int worldSize : {1, 2})
      ok = ok && launch(worldSize, {argv[0], "--rank-embed", modelDir.string(), std::to_string(count)});
  } else {
    ok = launch(2, {argv[0], "--rank-allreduce", modelDir.string()});
  }
  std::filesystem::remove_all(modelDir);
  return ok ? 0 : 1;
}
