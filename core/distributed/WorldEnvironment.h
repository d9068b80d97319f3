#pragma once
// Where this process stands in a distributed job, read from the environment that torchrun, Slurm (through
// packaging/distillery-srun) and Kubernetes indexed Jobs set: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT and
// LOCAL_RANK. No libtorch here: the CLI and the pipeline read it before deciding to start a process group.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace distillery::distributed {

struct WorldEnvironment {
  int rank = 0;                 // RANK: 0 .. worldSize-1; rank 0 owns the experiment and writes outputs
  int worldSize = 1;            // WORLD_SIZE: unset or 1 is a single process, exactly as without this module
  int localRank = 0;            // LOCAL_RANK: the process's index on its machine (which device it would use)
  std::string masterAddress;    // MASTER_ADDR: host of rank 0, where the rendezvous store listens
  std::uint16_t masterPort = 0; // MASTER_PORT
  std::chrono::milliseconds timeout{std::chrono::minutes(30)}; // DISTILLERY_DIST_TIMEOUT (seconds)

  bool distributed() const { return worldSize > 1; }
  bool isRoot() const { return rank == 0; }
};

/// Reads a variable by name; returns nullopt when unset. The default reads the process environment.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The world this process belongs to. WORLD_SIZE unset or 1 gives a single process (rank 0) and ignores the other
/// variables. Otherwise RANK, MASTER_ADDR and MASTER_PORT are required; a missing or malformed one throws
/// InputError naming the variable and its value.
WorldEnvironment readWorldEnvironment(const EnvironmentLookup& lookup = {});

/// For commands that do not shard their work yet: throws InputError when the environment asks for more than one
/// process, rather than letting every rank run the whole command against the same experiment.
void requireSingleProcess(const std::string& command, const WorldEnvironment& world);

/// The contiguous block [begin, end) of `total` items that `rank` of `worldSize` handles: the first
/// total % worldSize ranks take one item more, so blocks differ by at most one and concatenate in rank order.
struct Shard {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int64_t size() const { return end - begin; }
};
Shard contiguousShard(std::int64_t total, int rank, int worldSize);

} // namespace distillery::distributed
