#pragma once
// A distillation run on several ranks (WORLD_SIZE > 1, every rank launched with the same command): rank 0 alone
// opens the experiment, talks to the teacher and runs the steps as one process would; the other ranks hold no
// state of their own and do what rank 0 asks, each on its contiguous share: embed the corpus (rows gathered on
// rank 0) and train the student data-parallel (StudentTrainer's TrainingWorld). Rank 0 sends what they need as it
// needs it: the passages' texts, the students' weights, the training examples and config. A resumed run may
// therefore use another world size: rank 0's experiment says where it stands. No torch in this header.
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "core/model/TextEncoder.h"
#include "core/pipeline/RunConfig.h"
#include "core/util/Progress.h"

namespace distillery::distributed {
class Communicator;
}
namespace distillery::model {
class StudentModel;
}

namespace distillery::pipeline {

struct TrainingExample;

/// Rank 0's side: what it asks of the other ranks. Each call is a collective they join in serveRunWorker.
class RunWorkers {
public:
  explicit RunWorkers(distributed::Communicator& communicator) : communicator_(communicator) {}
  distributed::Communicator& communicator() { return communicator_; }

  /// The passages' embeddings under the stored student modelId (its directory `modelDirectory`), every rank
  /// embedding its contiguous block: row-major passages x hidden size, on rank 0. `fingerprint` names the texts
  /// (they are sent once per fingerprint).
  std::vector<float> embedCorpus(std::int64_t modelId, const std::string& modelDirectory, model::StudentModel& model,
                                 const std::vector<std::string>& texts, const std::string& fingerprint, int threads,
                                 const ProgressCallback& progress, std::stop_token stop);

  /// Starts data-parallel training on the other ranks: they load the stored student modelId and call trainStudent
  /// with these examples, config and seed; rank 0 then calls trainStudent with TrainingWorld{&communicator()}.
  void startTraining(std::int64_t modelId, const std::string& modelDirectory, const std::vector<TrainingExample>& train,
                     const TrainingConfig& config, double maxGrade, std::uint64_t seed, int threads);

  /// Tells the other ranks that the command ended ("ended", "paused" or "failed: <why>") and waits until they have
  /// read it. `failing`: rank 0's command threw, perhaps because a rank died; nothing here throws then.
  void finish(const std::string& status, bool failing = false);

private:
  void sendModel(std::int64_t modelId, const std::string& modelDirectory);
  distributed::Communicator& communicator_;
  std::set<std::int64_t> modelsSent_;
  std::string textsSent_; // the fingerprint of the passages the other ranks hold
};

/// Rank 0 of a data-parallel `eval`: `inner` as it is for queries, while the corpus (passages) is embedded by every
/// rank, each its contiguous block, with the student in modelDirectory (which `inner` reads too); the rows are
/// gathered here, streamed to a rowSink when the caller gives one.
std::unique_ptr<model::TextEncoder> shardedCorpusEncoder(RunWorkers& workers, std::unique_ptr<model::TextEncoder> inner,
                                                         const std::string& modelDirectory, std::int64_t modelId);

/// Ranks > 0: does what rank 0 asks until it says the command ended; returns rank 0's last word ("ended",
/// "paused", "failed: ..."). Throws DistributedError naming rank 0 when it stops without a word.
std::string serveRunWorker(distributed::Communicator& communicator,
                           const std::function<void(const std::string& line)>& log);

/// A data-parallel command (`run`, `eval`) on rank 0: runs `command` with the other ranks serving it, then tells them
/// how it ended, whether it returned or threw (the exception goes on).
void commandOnRank0(distributed::Communicator& communicator, const std::function<void(RunWorkers& workers)>& command);

/// The same command on ranks > 0: serves rank 0 (serveRunWorker) with the lines going to log; throws Error when rank
/// 0's command failed, so that every rank's exit status says so.
void commandOnOtherRank(distributed::Communicator& communicator, const std::string& command,
                        const std::function<void(const std::string& line)>& log);

} // namespace distillery::pipeline
