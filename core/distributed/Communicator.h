#pragma once
// The process group of a distributed job: torch.distributed's c10d with the Gloo backend over a TCPStore that
// rank 0 hosts at MASTER_ADDR:MASTER_PORT. No libtorch in this header (the CLI and the pipeline include it);
// TorchCollectives.h adds the tensor collectives for the training code.
//
// Every collective either completes on every rank or throws DistributedError on every surviving rank, naming
// the rank that died or never arrived: each rank keeps a heartbeat in the store, and on a failure the survivors
// look for the heartbeat that stopped.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/distributed/WorldEnvironment.h"
#include "core/util/Error.h"

namespace distillery::distributed {

/// A rank died, hung past the timeout or never joined. The message names the rank (or ranks).
class DistributedError : public Error {
public:
  using Error::Error;
};

/// Receives rows gathered on rank 0: `row` is the global index (shards concatenated in rank order).
using GatheredRowSink = std::function<void(std::int64_t row, const float* values)>;

class Communicator {
public:
  /// Joins the world: rank 0 starts the store, every rank registers, then the Gloo process group connects all
  /// pairs. Throws DistributedError naming the ranks that did not arrive within world.timeout, or rank 0 when
  /// its store cannot be reached. Requires world.worldSize > 1.
  static std::unique_ptr<Communicator> join(const WorldEnvironment& world);
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int rank() const;
  int worldSize() const;
  bool isRoot() const { return rank() == 0; }
  const WorldEnvironment& world() const;

  /// Every rank waits for every other; `what` names the point in errors.
  void barrier(const std::string& what);

  /// Rank `root`'s blob on every rank (any size; the length travels first).
  std::string broadcast(std::string blob, int root = 0);

  /// Gathers every rank's contiguous shard of a rows x columns float matrix on rank 0, in pieces of at most
  /// `rowsPerPiece` rows per rank so rank 0 never holds more than one piece per rank at once. `local` holds this
  /// rank's shard (contiguousShard(totalRows, rank, worldSize) rows) row-major. On rank 0 `sink` receives every
  /// row with its global index; on the others it is not called.
  void gatherRowsToRoot(const std::vector<float>& local, std::int64_t totalRows, std::int64_t columns,
                        const GatheredRowSink& sink, std::int64_t rowsPerPiece = 4096);

  /// Rank 0: the next message of a channel the other ranks read in order with awaitPost (small ones: commands and
  /// their parameters; bulk data goes by broadcast). Through the rendezvous store, not a collective, so the other
  /// ranks may wait for it as long as rank 0 needs (hours, while it alone judges with the teacher).
  void post(const std::string& message);
  /// Ranks > 0: rank 0's next post. Waits as long as rank 0's heartbeat goes on; throws DistributedError naming
  /// rank 0 when it stops.
  std::string awaitPost(const std::string& what);

  /// Element-wise sum over ranks of `values`, in place on every rank.
  void allReduceSum(std::vector<double>& values, const std::string& what);

  struct Impl;
  Impl& impl() { return *impl_; }

private:
  explicit Communicator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace distillery::distributed
