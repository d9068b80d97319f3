#include "core/distributed/Communicator.h"
#include "core/distributed/TorchCollectives.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace distillery::distributed {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kHeartbeatInterval = std::chrono::milliseconds(300);
constexpr auto kHeartbeatSilence = std::chrono::milliseconds(2000); // no beat this long: the rank is gone
constexpr auto kRootSilence = std::chrono::seconds(30); // the same for rank 0 while the others wait for its posts

std::string heartbeatKey(int rank) {
  return "distillery/heartbeat/" + std::to_string(rank);
}
std::string arrivedKey(int rank) {
  return "distillery/arrived/" + std::to_string(rank);
}

std::string seconds(std::chrono::milliseconds duration) {
  std::ostringstream out;
  out << double(duration.count()) / 1000.0 << " s";
  return out.str();
}

std::string rankList(const std::vector<int>& ranks) {
  std::string text = ranks.size() == 1 ? "rank " : "ranks ";
  for (std::size_t i = 0; i < ranks.size(); ++i)
    text += (i ? ", " : "") + std::to_string(ranks[i]);
  return text;
}

c10::intrusive_ptr<c10d::TCPStore> connectStore(const WorldEnvironment& world, bool server,
                                                std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions options;
  options.port = world.masterPort;
  options.isServer = server;
  options.waitWorkers = false; // the arrival of each rank is checked below, so the error can name the missing ones
  // Rank 0's store connects to itself once its listener is up, retrying with a back-off of its own: a short
  // rendezvous timeout must not fail that.
  options.timeout = server ? std::max<std::chrono::milliseconds>(timeout, std::chrono::seconds(30)) : timeout;
  return c10::make_intrusive<c10d::TCPStore>(world.masterAddress, options);
}

bool isLoopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

// The network device Gloo's pairs listen on: GLOO_SOCKET_IFNAME as torch reads it, the loopback interface when
// the whole job is on this machine, else the address this host's name resolves to.
std::shared_ptr<::gloo::transport::Device> glooDevice(const WorldEnvironment& world) {
  if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface)
    return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
  if (isLoopback(world.masterAddress))
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

} // namespace

struct Communicator::Impl {
  WorldEnvironment world;
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;

  // Heartbeat: a counter per rank in the store, bumped by a thread with a store connection of its own.
  std::thread heartbeat;
  std::mutex heartbeatMutex;
  std::condition_variable heartbeatWake;
  bool stopping = false;
  std::int64_t posts = 0; // messages posted (rank 0) or read (the others) so far

  ~Impl() {
    {
      std::lock_guard lock(heartbeatMutex);
      stopping = true;
    }
    heartbeatWake.notify_all();
    if (heartbeat.joinable())
      heartbeat.join();
    group.reset();
    store.reset();
  }

  void startHeartbeat() {
    auto beatStore = connectStore(world, false, world.timeout);
    heartbeat = std::thread([this, beatStore] {
      std::unique_lock lock(heartbeatMutex);
      while (!stopping) {
        try {
          beatStore->add(heartbeatKey(world.rank), 1);
        } catch (const std::exception&) {
          return; // rank 0's store is gone: the next collective reports it
        }
        heartbeatWake.wait_for(lock, kHeartbeatInterval, [this] { return stopping; });
      }
    });
  }

  // Which ranks stopped: their heartbeat did not move for kHeartbeatSilence. Rank 0 hosts the store, so a store
  // that cannot be reached means rank 0 is gone.
  std::string diagnose() const {
    c10::intrusive_ptr<c10d::TCPStore> probe;
    try {
      probe = connectStore(world, false, std::chrono::seconds(5));
    } catch (const std::exception&) {
      return "rank 0 stopped (its rendezvous store at " + world.masterAddress + ":" + std::to_string(world.masterPort) +
             " is unreachable)";
    }
    try {
      std::vector<std::int64_t> before(world.worldSize);
      for (int r = 0; r < world.worldSize; ++r)
        before[r] = probe->add(heartbeatKey(r), 0);
      std::this_thread::sleep_for(kHeartbeatSilence);
      std::vector<int> silent;
      for (int r = 0; r < world.worldSize; ++r)
        if (r != world.rank && probe->add(heartbeatKey(r), 0) == before[r])
          silent.push_back(r);
      if (silent.empty())
        return "";
      return rankList(silent) + " stopped (no heartbeat for " + seconds(kHeartbeatSilence) + ")";
    } catch (const std::exception&) {
      return "rank 0 stopped (its rendezvous store at " + world.masterAddress + ":" + std::to_string(world.masterPort) +
             " went away)";
    }
  }

  [[noreturn]] void fail(const std::string& what, const std::exception& cause) const {
    const std::string culprit = diagnose();
    std::string message =
        "rank " + std::to_string(world.rank) + " of " + std::to_string(world.worldSize) + ": " + what + " failed: ";
    if (!culprit.empty())
      message += culprit + "; ";
    else
      message += "every rank is alive, so one is stuck or slower than the timeout (" + seconds(world.timeout) +
                 ", DISTILLERY_DIST_TIMEOUT); ";
    std::string detail = cause.what();
    if (const auto newline = detail.find('\n'); newline != std::string::npos)
      detail.resize(newline); // c10 appends a C++ stack trace
    throw DistributedError(message + "c10d: " + detail);
  }

  template <typename Operation> void run(const std::string& what, Operation&& operation) {
    try {
      operation();
    } catch (const DistributedError&) {
      throw;
    } catch (const std::exception& e) {
      fail(what, e);
    }
  }

  void wait(const c10::intrusive_ptr<c10d::Work>& work) { work->wait(); }

  // Rank 0 waits until every rank has registered, naming those that did not within the timeout.
  void awaitArrivals() {
    const auto deadline = Clock::now() + world.timeout;
    std::vector<int> missing;
    while (true) {
      missing.clear();
      for (int r = 0; r < world.worldSize; ++r)
        if (!store->check({arrivedKey(r)}))
          missing.push_back(r);
      if (missing.empty())
        return;
      if (Clock::now() >= deadline)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw DistributedError("rank 0: rendezvous at " + world.masterAddress + ":" + std::to_string(world.masterPort) +
                           " timed out after " + seconds(world.timeout) + ": " + rankList(missing) +
                           " of WORLD_SIZE=" + std::to_string(world.worldSize) + " did not join");
  }
};

Communicator::Communicator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Communicator::~Communicator() = default;

std::unique_ptr<Communicator> Communicator::join(const WorldEnvironment& world) {
  if (world.worldSize < 2)
    throw Error("Communicator::join: a world of one process needs no process group");
  auto impl = std::make_unique<Impl>();
  impl->world = world;
  const std::string where = world.masterAddress + ":" + std::to_string(world.masterPort);
  const std::string self = "rank " + std::to_string(world.rank) + " of " + std::to_string(world.worldSize);
  try {
    impl->store = connectStore(world, world.rank == 0, world.timeout);
  } catch (const std::exception& e) {
    std::string detail = e.what();
    detail.resize(std::min(detail.size(), detail.find('\n')));
    if (world.rank == 0)
      throw DistributedError(self + ": cannot start the rendezvous store on port " + std::to_string(world.masterPort) +
                             " (MASTER_PORT): " + detail);
    throw DistributedError(self + ": rank 0's rendezvous store at " + where + " (MASTER_ADDR:MASTER_PORT) was not " +
                           "reachable within " + seconds(world.timeout) + ": " + detail);
  }
  impl->store->set(arrivedKey(world.rank), std::vector<std::uint8_t>{1});
  if (world.rank == 0) {
    impl->awaitArrivals();
    impl->store->set("distillery/all-arrived", std::vector<std::uint8_t>{1});
  } else {
    try {
      impl->store->wait({"distillery/all-arrived"}, world.timeout);
    } catch (const std::exception& e) {
      std::vector<int> missing;
      try {
        for (int r = 0; r < world.worldSize; ++r)
          if (!impl->store->check({arrivedKey(r)}))
            missing.push_back(r);
      } catch (const std::exception&) {
        throw DistributedError(self + ": rank 0 stopped during the rendezvous at " + where);
      }
      throw DistributedError(self + ": rendezvous at " + where + " timed out after " + seconds(world.timeout) +
                             (missing.empty() ? std::string() : ": " + rankList(missing) + " did not join"));
    }
  }
  impl->startHeartbeat();
  impl->run("connecting the Gloo process group", [&] {
    auto options = c10d::ProcessGroupGloo::Options::create(world.timeout);
    options->devices.push_back(glooDevice(world));
    options->threads = 2;
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>("distillery/gloo", impl->store);
    impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, world.rank, world.worldSize, options);
  });
  return std::unique_ptr<Communicator>(new Communicator(std::move(impl)));
}

int Communicator::rank() const {
  return impl_->world.rank;
}
int Communicator::worldSize() const {
  return impl_->world.worldSize;
}
const WorldEnvironment& Communicator::world() const {
  return impl_->world;
}

void Communicator::barrier(const std::string& what) {
  impl_->run(what, [&] { impl_->wait(impl_->group->barrier()); });
}

std::string Communicator::broadcast(std::string blob, int root) {
  impl_->run("broadcast from rank " + std::to_string(root), [&] {
    auto size = torch::tensor({static_cast<std::int64_t>(blob.size())}, torch::kInt64);
    c10d::BroadcastOptions options;
    options.rootRank = root;
    std::vector<at::Tensor> sizes{size};
    impl_->wait(impl_->group->broadcast(sizes, options));
    const auto length = size.item<std::int64_t>();
    if (rank() != root)
      blob.assign(static_cast<std::size_t>(length), '\0');
    if (length == 0)
      return;
    std::vector<at::Tensor> bytes{torch::from_blob(blob.data(), {length}, torch::kUInt8)};
    impl_->wait(impl_->group->broadcast(bytes, options));
  });
  return blob;
}

void Communicator::gatherRowsToRoot(const std::vector<float>& local, std::int64_t totalRows, std::int64_t columns,
                                    const GatheredRowSink& sink, std::int64_t rowsPerPiece) {
  const int world = worldSize();
  const Shard mine = contiguousShard(totalRows, rank(), world);
  if (static_cast<std::int64_t>(local.size()) != mine.size() * columns)
    throw Error("gatherRowsToRoot: rank " + std::to_string(rank()) + " holds " + std::to_string(local.size()) +
                " values, its shard is " + std::to_string(mine.size()) + " x " + std::to_string(columns));
  const std::int64_t largest = contiguousShard(totalRows, 0, world).size(); // rank 0's shard is never smaller
  if (largest == 0 || columns == 0)
    return;
  rowsPerPiece = std::max<std::int64_t>(1, std::min(rowsPerPiece, largest));
  const std::int64_t pieces = (largest + rowsPerPiece - 1) / rowsPerPiece;
  impl_->run("gathering embeddings on rank 0", [&] {
    for (std::int64_t piece = 0; piece < pieces; ++piece) {
      const std::int64_t first = piece * rowsPerPiece;
      auto send = torch::zeros({rowsPerPiece, columns}, torch::kFloat32);
      const std::int64_t count = std::clamp<std::int64_t>(mine.size() - first, 0, rowsPerPiece);
      if (count > 0)
        std::copy_n(local.data() + first * columns, count * columns, send.data_ptr<float>());
      std::vector<at::Tensor> inputs{send};
      std::vector<std::vector<at::Tensor>> outputs;
      if (isRoot()) {
        outputs.emplace_back();
        for (int r = 0; r < world; ++r)
          outputs.back().push_back(torch::empty({rowsPerPiece, columns}, torch::kFloat32));
      }
      c10d::GatherOptions options;
      options.rootRank = 0;
      impl_->wait(impl_->group->gather(outputs, inputs, options));
      if (!isRoot())
        continue;
      for (int r = 0; r < world; ++r) {
        const Shard theirs = contiguousShard(totalRows, r, world);
        const std::int64_t rows = std::clamp<std::int64_t>(theirs.size() - first, 0, rowsPerPiece);
        const float* values = outputs[0][r].data_ptr<float>();
        for (std::int64_t i = 0; i < rows; ++i)
          sink(theirs.begin + first + i, values + i * columns);
      }
    }
  });
}

namespace {
std::string postKey(std::int64_t sequence) {
  return "distillery/post/" + std::to_string(sequence);
}
} // namespace

void Communicator::post(const std::string& message) {
  if (!isRoot())
    throw Error("Communicator::post: only rank 0 posts (this is rank " + std::to_string(rank()) + ")");
  impl_->run("posting to the other ranks", [&] {
    impl_->store->set(postKey(impl_->posts++), std::vector<std::uint8_t>(message.begin(), message.end()));
  });
}

std::string Communicator::awaitPost(const std::string& what) {
  const auto& world = impl_->world;
  const std::string self = "rank " + std::to_string(world.rank) + " of " + std::to_string(world.worldSize);
  const std::string key = postKey(impl_->posts);
  const auto storeGone = [&] {
    return DistributedError(self + ": " + what + " failed: rank 0 stopped (its rendezvous store at " +
                            world.masterAddress + ":" + std::to_string(world.masterPort) + " went away)");
  };
  std::int64_t lastBeat = -1;
  auto lastChange = Clock::now();
  while (true) {
    try {
      if (impl_->store->check({key})) {
        const auto bytes = impl_->store->get(key);
        ++impl_->posts;
        return std::string(bytes.begin(), bytes.end());
      }
      const std::int64_t beat = impl_->store->add(heartbeatKey(0), 0);
      if (beat != lastBeat) {
        lastBeat = beat;
        lastChange = Clock::now();
      }
    } catch (const std::exception&) {
      throw storeGone();
    }
    // A rank 0 that exits takes its store with it (caught above); this is for one that hangs. Generous, since
    // waiting here is normal and a loaded machine may hold a heartbeat back for a while.
    if (Clock::now() - lastChange > kRootSilence)
      throw DistributedError(self + ": " + what + " failed: rank 0 stopped (no heartbeat for " + seconds(kRootSilence) +
                             ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Communicator::allReduceSum(std::vector<double>& values, const std::string& what) {
  if (values.empty())
    return;
  auto tensor = torch::from_blob(values.data(), {static_cast<std::int64_t>(values.size())}, torch::kFloat64);
  distributed::allReduceSum(*this, tensor, what);
}

void allReduceSum(Communicator& communicator, torch::Tensor& tensor, const std::string& what) {
  auto& impl = communicator.impl();
  impl.run(what, [&] {
    std::vector<at::Tensor> tensors{tensor};
    impl.wait(impl.group->allreduce(tensors));
  });
}

namespace {

// Every trainable parameter's gradient times `scale`, summed over the ranks in one flattened all-reduce; with
// `weight` set, the weights travel in the same all-reduce and the sum is divided by their total.
void reduceGradients(Communicator& communicator, const std::vector<torch::Tensor>& parameters, double scale,
                     std::optional<double> weight) {
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor> views;
  views.reserve(parameters.size());
  for (const auto& parameter : parameters) {
    if (!parameter.requires_grad())
      continue;
    const auto& gradient = parameter.grad();
    views.push_back(gradient.defined() ? gradient.reshape({-1}).to(torch::kFloat32)
                                       : torch::zeros({parameter.numel()}, torch::kFloat32));
  }
  if (views.empty())
    return;
  auto flat = torch::cat(views).contiguous();
  if (scale != 1.0)
    flat.mul_(scale);
  if (weight) // the weight itself rides unscaled at the end
    flat = torch::cat({flat, torch::full({1}, static_cast<float>(*weight), torch::kFloat32)});
  allReduceSum(communicator, flat, "averaging gradients");
  if (weight) {
    const float total = flat[flat.size(0) - 1].item<float>();
    if (!(total > 0))
      throw Error("averageGradients: the ranks' weights sum to " + std::to_string(total));
    flat.div_(total);
  }
  std::int64_t offset = 0;
  for (const auto& parameter : parameters) {
    if (!parameter.requires_grad())
      continue;
    const std::int64_t count = parameter.numel();
    auto combined = flat.narrow(0, offset, count).view_as(parameter).to(parameter.scalar_type());
    if (parameter.grad().defined())
      parameter.mutable_grad().copy_(combined);
    else
      parameter.mutable_grad() = combined.clone();
    offset += count;
  }
}

} // namespace

void averageGradients(Communicator& communicator, const std::vector<torch::Tensor>& parameters, double weight) {
  reduceGradients(communicator, parameters, weight, weight);
}

void sumGradients(Communicator& communicator, const std::vector<torch::Tensor>& parameters) {
  reduceGradients(communicator, parameters, 1.0, std::nullopt);
}

} // namespace distillery::distributed
