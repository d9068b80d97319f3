#pragma once
// Fine-tunes the student on one round's judged and mined examples, with the losses of the two papers:
// listwise KL distillation of the teacher's grades over each query's candidate list plus a small InfoNCE term
// (Tamber et al. 2025), or InfoNCE / triplet margin over mined positives and negatives with in-batch negatives
// (Brenner et al. 2025). Early stopping on a dev split and weight averaging with the base model guard against
// overfitting and forgetting. No torch in this header: the pipeline's orchestration includes it.
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/pipeline/HardExampleMiner.h"
#include "core/pipeline/RunConfig.h"
#include "core/util/Progress.h"

namespace distillery::model {
class StudentModel;
}
namespace distillery::distributed {
class Communicator;
}

namespace distillery::pipeline {

/// One query with its judged candidates, as training sees it.
struct TrainingExample {
  std::string query;
  std::vector<std::string> passages;  // candidate texts (the listwise list)
  std::vector<double> teacherScores;  // teacher's graded relevance per passage, 0..maxGrade
  std::vector<std::size_t> positives; // indexes of mined positives (hard and easy)
  std::vector<std::size_t> negatives; // indexes of mined negatives (hard and easy)
  std::vector<std::size_t> excluded;  // likely false negatives and ambiguous ones: never negatives in InfoNCE
};

/// One candidate of a query as the miner left it, read back for training.
struct MinedCandidate {
  std::string text;                     // the passage as the student embeds it
  MinedKind kind = MinedKind::Unjudged; // the miner's decision
  std::optional<int> grade;             // the teacher's grade; empty when its judgment failed
  std::optional<double> teacherScore;   // the teacher's finer score (same scale as grades), when it has one
};

/// A query's training example from its mined list (in the student's rank order): unjudged candidates are left
/// out (the listwise loss has no target for them); hard and easy positives anchor InfoNCE; likely false negatives,
/// ambiguous passages and any passage the teacher graded at or above positiveGrade that is not a mined positive
/// (an unsampled easy positive) are excluded, never negatives. A dropped query gives an example with no passages.
/// The teacher's score is used as given: the source passage is not forced to the top grade.
TrainingExample trainingExample(const std::string& query, const std::vector<MinedCandidate>& list, int positiveGrade);

/// A dev query's example for retrievalNdcg: every judged passage of its pool, with the teacher's grade as the gain
/// when it is at least positiveGrade and 0 otherwise (what the held-out metrics count: relevant passages ranked
/// high), the relevant ones as positives. A dropped query gives an example with no passages.
TrainingExample devExample(const std::string& query, const std::vector<MinedCandidate>& list, int positiveGrade);

struct TrainingReport {
  int steps = 0;
  int epochs = 0;    // epochs run
  int bestEpoch = 0; // 0: the starting weights were best on dev (kept)
  double firstLoss = 0;
  double lastLoss = 0;
  std::optional<double> devBefore; // retrievalNdcg of the dev queries with the starting weights
  std::optional<double> devAfter;
  bool stoppedEarly = false;
  double communicationSeconds = 0; // data-parallel: wall time in the ranks' exchanges (batches, embeddings, gradients)
};

/// Called after every optimiser step (devMetric only at the end of an epoch).
using TrainingStepSink =
    std::function<void(int step, int epoch, double loss, double learningRate, std::optional<double> devMetric)>;

/// The loss of one optimiser step over these examples: the config's loss on the student's embeddings (dropout on,
/// autograd recording). Undefined when no example has a passage to learn from.
torch::Tensor batchLoss(model::StudentModel& student, const std::vector<const TrainingExample*>& batch,
                        const TrainingConfig& config, double maxGrade);

/// Data-parallel training (WORLD_SIZE > 1): every rank calls trainStudent with the same student, train set, config
/// and seed. Rank 0 alone holds the dev set and decides: before every step it broadcasts the step's batch (or the
/// stop), after every epoch whether to go on. Each rank embeds its contiguous share of the batch's queries; the
/// shares' embeddings are exchanged, every rank computes the whole batch's loss with only its own rows live, and the
/// gradients are summed, so each step equals one process's step on the whole batch and the ranks' weights stay
/// equal. Only rank 0's student is meaningful afterwards (it alone restores the best epoch and averages with base).
struct TrainingWorld {
  distributed::Communicator* communicator = nullptr; // null: one process
};

/// Trains student in place. base (may be null) is the model weight averaging pulls towards. After each epoch
/// the dev queries are retrieved (retrievalNdcg with devDistractors) and the best epoch's weights are kept -
/// the starting weights if no epoch beats them, so a round never leaves the student worse on dev retrieval.
/// Throws Cancelled when stop is requested (the student is then in an undefined state: do not save it).
TrainingReport trainStudent(model::StudentModel& student, const model::StudentModel* base,
                            const std::vector<TrainingExample>& train, const std::vector<TrainingExample>& dev,
                            const std::vector<std::string>& devDistractors, const TrainingConfig& config,
                            double maxGrade, std::uint64_t seed, const TrainingStepSink& onStep,
                            const ProgressCallback& progress, std::stop_token stop, const TrainingWorld& world = {});

/// NDCG@k of retrieval from a pool of every example's judged passages plus distractors (e.g. a sample of the
/// corpus), with the teacher's scores as gains, averaged over examples. Unlike reranking each list alone,
/// this sees when training pulls unrelated passages up - what the held-out evaluation will see.
double retrievalNdcg(model::StudentModel& student, const std::vector<TrainingExample>& examples,
                     const std::vector<std::string>& distractors, int k = 5);

} // namespace distillery::pipeline
