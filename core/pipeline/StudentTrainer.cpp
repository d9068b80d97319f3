#include "core/pipeline/StudentTrainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <unordered_map>

#include "core/distributed/Communicator.h"
#include "core/distributed/TorchCollectives.h"
#include "core/distributed/WorldEnvironment.h"
#include "core/model/StudentModel.h"
#include "core/model/TrainingLoop.h"
#include "core/pipeline/TrainingLosses.h"
#include "core/util/Error.h"

namespace distillery::pipeline {
namespace {

constexpr int kTrainingMaxLength = 256; // tokens per text while training

// Which passages of an example a loss looks at: the whole judged list (listwise) or only mined pairs.
std::vector<std::size_t> usedPassages(const TrainingExample& example, TrainingLoss loss, int listSize) {
  std::vector<std::size_t> used;
  if (loss == TrainingLoss::Listwise) {
    for (std::size_t i = 0; i < example.passages.size() && used.size() < static_cast<std::size_t>(listSize); ++i)
      used.push_back(i);
    // The mined positives must be in the list even when it is cut short (they anchor the InfoNCE term).
    for (std::size_t p : example.positives)
      if (std::find(used.begin(), used.end(), p) == used.end())
        used.push_back(p);
    return used;
  }
  used = example.positives;
  used.insert(used.end(), example.negatives.begin(), example.negatives.end());
  return used;
}

bool contains(const std::vector<std::size_t>& values, std::size_t value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// The rows of one example's used passages, placed at firstRow of the batch.
ListLayout layoutOf(const TrainingExample& example, const std::vector<std::size_t>& used, std::size_t firstRow) {
  ListLayout layout;
  layout.firstRow = firstRow;
  for (std::size_t local : used) {
    layout.teacherScores.push_back(example.teacherScores[local]);
    layout.positive.push_back(contains(example.positives, local));
    layout.negative.push_back(contains(example.negatives, local));
    layout.excluded.push_back(contains(example.excluded, local));
  }
  return layout;
}

double ndcgAt(const std::vector<double>& orderedGains, std::vector<double> allGains, int k) {
  auto dcg = [k](const std::vector<double>& gains) {
    double sum = 0;
    for (std::size_t i = 0; i < gains.size() && i < static_cast<std::size_t>(k); ++i)
      sum += gains[i] / std::log2(static_cast<double>(i) + 2.0);
    return sum;
  };
  std::sort(allGains.begin(), allGains.end(), std::greater<>());
  const double ideal = dcg(allGains);
  return ideal > 0 ? dcg(orderedGains) / ideal : 0.0;
}

std::vector<torch::Tensor> snapshot(const model::StudentModel& student) {
  std::vector<torch::Tensor> copy;
  for (const auto& [name, tensor] : student.namedParameters())
    copy.push_back(tensor.detach().clone());
  return copy;
}

void restore(model::StudentModel& student, const std::vector<torch::Tensor>& weights) {
  torch::NoGradGuard noGrad;
  const auto& parameters = student.namedParameters();
  for (std::size_t i = 0; i < parameters.size(); ++i)
    parameters[i].second.copy_(weights[i]);
}

} // namespace

TrainingExample trainingExample(const std::string& query, const std::vector<MinedCandidate>& list, int positiveGrade) {
  TrainingExample example;
  example.query = query;
  for (const MinedCandidate& c : list) {
    if (c.kind == MinedKind::QueryDropped)
      return TrainingExample{query, {}, {}, {}, {}, {}};
    if (!c.grade)
      continue;
    const std::size_t at = example.passages.size();
    example.passages.push_back(c.text);
    example.teacherScores.push_back(c.teacherScore.value_or(static_cast<double>(*c.grade)));
    if (isPositive(c.kind))
      example.positives.push_back(at);
    else if (c.kind == MinedKind::HardNegative || c.kind == MinedKind::EasyNegative)
      example.negatives.push_back(at);
    else if (c.kind == MinedKind::FalseNegative || c.kind == MinedKind::Ambiguous || *c.grade >= positiveGrade)
      example.excluded.push_back(at);
  }
  return example;
}

TrainingExample devExample(const std::string& query, const std::vector<MinedCandidate>& list, int positiveGrade) {
  TrainingExample example;
  example.query = query;
  for (const MinedCandidate& c : list) {
    if (c.kind == MinedKind::QueryDropped)
      return TrainingExample{query, {}, {}, {}, {}, {}};
    if (!c.grade)
      continue;
    const bool relevant = *c.grade >= positiveGrade;
    if (relevant)
      example.positives.push_back(example.passages.size());
    example.passages.push_back(c.text);
    example.teacherScores.push_back(relevant ? static_cast<double>(*c.grade) : 0.0);
  }
  return example;
}

double retrievalNdcg(model::StudentModel& student, const std::vector<TrainingExample>& examples,
                     const std::vector<std::string>& distractors, int k) {
  if (examples.empty())
    return 0.0;
  // One pool: every example's judged passages and the distractors, each text once.
  std::vector<std::string> pool;
  std::unordered_map<std::string, std::size_t> poolIndex;
  auto add = [&](const std::string& text) {
    const auto [it, inserted] = poolIndex.emplace(text, pool.size());
    if (inserted)
      pool.push_back(text);
    return it->second;
  };
  std::vector<std::unordered_map<std::size_t, double>> gains(examples.size());
  std::vector<std::string> queries;
  for (std::size_t q = 0; q < examples.size(); ++q) {
    queries.push_back(examples[q].query);
    for (std::size_t i = 0; i < examples[q].passages.size(); ++i) {
      auto& gain = gains[q][add(examples[q].passages[i])];
      gain = std::max(gain, examples[q].teacherScores[i]);
    }
  }
  for (const auto& text : distractors)
    add(text);

  model::EncodeOptions options;
  options.maxLength = kTrainingMaxLength;
  const auto dimension = student.config().hiddenSize;
  const auto poolRows = student.encode(pool, model::TextRole::Passage, options);
  const auto queryRows = student.encode(queries, model::TextRole::Query, options);
  torch::NoGradGuard noGrad;
  const auto passages = torch::from_blob(const_cast<float*>(poolRows.data()),
                                         {static_cast<std::int64_t>(pool.size()), dimension}, torch::kFloat32);
  const auto queryMatrix = torch::from_blob(const_cast<float*>(queryRows.data()),
                                            {static_cast<std::int64_t>(queries.size()), dimension}, torch::kFloat32);
  const auto scores = queryMatrix.matmul(passages.t()).contiguous();
  const auto width = static_cast<std::size_t>(pool.size());
  double sum = 0;
  for (std::size_t q = 0; q < examples.size(); ++q) {
    const float* row = scores.data_ptr<float>() + q * width;
    std::vector<std::size_t> order(width);
    std::iota(order.begin(), order.end(), std::size_t{0});
    const auto top = std::min<std::size_t>(static_cast<std::size_t>(k), width);
    // Ties broken by pool position, so the figure is deterministic.
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                      [&](std::size_t a, std::size_t b) { return row[a] != row[b] ? row[a] > row[b] : a < b; });
    std::vector<double> ranked, judged;
    for (std::size_t r = 0; r < top; ++r) {
      const auto found = gains[q].find(order[r]);
      ranked.push_back(found == gains[q].end() ? 0.0 : found->second);
    }
    for (const auto& [index, gain] : gains[q])
      judged.push_back(gain);
    sum += ndcgAt(ranked, judged, k);
  }
  return sum / static_cast<double>(examples.size());
}

namespace {

// A batch as the losses see it: the texts to embed and each query's list of rows.
struct BatchRows {
  std::vector<std::string> queryTexts, passageTexts;
  std::vector<ListLayout> layouts;
};

BatchRows batchRows(const std::vector<const TrainingExample*>& batch, const TrainingConfig& config) {
  BatchRows rows;
  for (const TrainingExample* example : batch) {
    const auto chosen = usedPassages(*example, config.loss, config.listSize);
    if (chosen.empty())
      continue;
    rows.queryTexts.push_back(example->query);
    rows.layouts.push_back(layoutOf(*example, chosen, rows.passageTexts.size()));
    for (std::size_t local : chosen)
      rows.passageTexts.push_back(example->passages[local]);
  }
  return rows;
}

torch::Tensor lossOf(const torch::Tensor& queries, const torch::Tensor& passages,
                     const std::vector<ListLayout>& layouts, const TrainingConfig& config, double maxGrade) {
  switch (config.loss) {
  case TrainingLoss::Listwise: {
    auto loss = listwiseKl(queries, passages, layouts, config.studentTemperature, config.teacherTemperature, maxGrade);
    if (config.infoNceWeight > 0)
      loss = loss + config.infoNceWeight * infoNce(queries, passages, layouts, config.infoNceTemperature);
    return loss;
  }
  case TrainingLoss::InfoNce:
    return infoNce(queries, passages, layouts, config.infoNceTemperature);
  case TrainingLoss::Triplet:
    return tripletMargin(queries, passages, layouts, config.tripletMargin);
  }
  return {};
}

// The whole batch's loss on one rank of a data-parallel world: this rank embeds the queries of its contiguous share
// of the batch's lists and their passages; one all-reduce of a zero-padded matrix gives every rank every row (adding
// zeros is exact); the loss then runs over the whole batch with this rank's rows live and the others' as constants.
// In-batch negatives span the shares, so a loss over the share alone would not be the whole batch's.
template <typename Timed>
torch::Tensor shardedBatchLoss(model::StudentModel& student, const BatchRows& rows, const TrainingConfig& config,
                               double maxGrade, distributed::Communicator& communicator, const Timed& timed) {
  const auto lists = static_cast<std::int64_t>(rows.layouts.size());
  const auto passageRows = static_cast<std::int64_t>(rows.passageTexts.size());
  const auto share = distributed::contiguousShard(lists, communicator.rank(), communicator.worldSize());
  const auto firstPassage = [&](std::int64_t list) {
    return list < lists ? static_cast<std::int64_t>(rows.layouts[static_cast<std::size_t>(list)].firstRow)
                        : passageRows;
  };
  const std::int64_t passageBegin = firstPassage(share.begin), passageEnd = firstPassage(share.end);
  const std::int64_t dimension = student.config().hiddenSize;
  const auto embedRange = [&](const std::vector<std::string>& texts, std::int64_t begin, std::int64_t end,
                              model::TextRole role) {
    if (begin == end)
      return torch::zeros({0, dimension}, torch::kFloat32);
    return student.embed({texts.begin() + begin, texts.begin() + end}, role, true, kTrainingMaxLength);
  };
  const auto localQueries = embedRange(rows.queryTexts, share.begin, share.end, model::TextRole::Query);
  const auto localPassages = embedRange(rows.passageTexts, passageBegin, passageEnd, model::TextRole::Passage);
  auto everything = torch::zeros({lists + passageRows, dimension}, torch::kFloat32);
  {
    torch::NoGradGuard noGrad;
    everything.narrow(0, share.begin, share.size()).copy_(localQueries.detach());
    everything.narrow(0, lists + passageBegin, passageEnd - passageBegin).copy_(localPassages.detach());
  }
  timed([&] { distributed::allReduceSum(communicator, everything, "exchanging the batch's embeddings"); });
  if (share.size() == 0) // no rows here: a leaf with a graph, so that whether the batch has anything to learn from
    everything.requires_grad_(true); // reads the same on every rank (the loss has a graph unless it is the zero)
  const auto spliced = [&](std::int64_t offset, std::int64_t total, std::int64_t begin, std::int64_t end,
                           const torch::Tensor& local) {
    return torch::cat({everything.narrow(0, offset, begin), local, everything.narrow(0, offset + end, total - end)});
  };
  const auto queries = spliced(0, lists, share.begin, share.end, localQueries);
  const auto passages = spliced(lists, passageRows, passageBegin, passageEnd, localPassages);
  return lossOf(queries, passages, rows.layouts, config, maxGrade);
}

// Rank 0's word to the others in data-parallel training, one broadcast each: the next step's batch (indexes into
// the train set), or that training ends here (stopped, or early-stopped on dev).
std::vector<std::int64_t> broadcastIndexes(distributed::Communicator& communicator, std::vector<std::int64_t> indexes) {
  std::string blob;
  if (communicator.isRoot())
    blob.assign(reinterpret_cast<const char*>(indexes.data()), indexes.size() * sizeof(std::int64_t));
  blob = communicator.broadcast(std::move(blob));
  indexes.resize(blob.size() / sizeof(std::int64_t));
  std::copy_n(blob.data(), indexes.size() * sizeof(std::int64_t), reinterpret_cast<char*>(indexes.data()));
  return indexes;
}
constexpr std::int64_t kEndTraining = -1; // alone in a broadcast: training ends here
constexpr std::int64_t kCancelled = -2;   // alone in a broadcast: rank 0 was asked to stop

} // namespace

torch::Tensor batchLoss(model::StudentModel& student, const std::vector<const TrainingExample*>& batch,
                        const TrainingConfig& config, double maxGrade) {
  const BatchRows rows = batchRows(batch, config);
  if (rows.layouts.empty())
    return {};
  auto queries = student.embed(rows.queryTexts, model::TextRole::Query, true, kTrainingMaxLength);
  auto passages = student.embed(rows.passageTexts, model::TextRole::Passage, true, kTrainingMaxLength);
  return lossOf(queries, passages, rows.layouts, config, maxGrade);
}

TrainingReport trainStudent(model::StudentModel& student, const model::StudentModel* base,
                            const std::vector<TrainingExample>& train, const std::vector<TrainingExample>& dev,
                            const std::vector<std::string>& devDistractors, const TrainingConfig& config,
                            double maxGrade, std::uint64_t seed, const TrainingStepSink& onStep,
                            const ProgressCallback& progress, std::stop_token stop, const TrainingWorld& world) {
  distributed::Communicator* const communicator = world.communicator;
  const bool decides = !communicator || communicator->isRoot(); // holds the dev set and takes every decision
  TrainingReport report;
  if (train.empty())
    return report;
  torch::manual_seed(seed);
  const std::size_t batchSize = static_cast<std::size_t>(std::max(1, config.batchQueries));
  const std::int64_t stepsPerEpoch = static_cast<std::int64_t>((train.size() + batchSize - 1) / batchSize);
  model::TrainingSchedule schedule;
  schedule.totalSteps = stepsPerEpoch * config.epochs;
  schedule.learningRate = config.learningRate;
  schedule.weightDecay = config.weightDecay;
  schedule.warmupFraction = config.warmupRatio;
  schedule.maxGradNorm = config.clipNorm;
  const auto parameters = student.fineTunedParameters();
  model::TrainingLoop loop(parameters, schedule);
  // Wall time in the exchanges between ranks (waiting for a slower rank included), for the per-step cost.
  const auto timed = [&report](auto&& exchange) {
    const auto start = std::chrono::steady_clock::now();
    exchange();
    report.communicationSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const std::function<void()> combine = [&] {
    if (communicator)
      timed([&] { distributed::sumGradients(*communicator, parameters); });
  };

  std::optional<double> bestDev;
  std::vector<torch::Tensor> bestWeights;
  if (decides && !dev.empty()) {
    bestDev = retrievalNdcg(student, dev, devDistractors);
    report.devBefore = bestDev;
    bestWeights = snapshot(student);
  }
  int epochsWithoutGain = 0;
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> order(train.size());
  std::iota(order.begin(), order.end(), 0);
  double recentLoss = 0;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t start = 0; start < order.size(); start += batchSize) {
      std::vector<std::int64_t> indexes;
      if (decides && stop.stop_requested())
        indexes = {kCancelled};
      else if (decides)
        indexes.assign(order.begin() + static_cast<std::ptrdiff_t>(start),
                       order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), start + batchSize)));
      if (communicator)
        timed([&] { indexes = broadcastIndexes(*communicator, std::move(indexes)); });
      if (indexes.size() == 1 && indexes[0] == kCancelled)
        throw Cancelled();
      std::vector<const TrainingExample*> batch;
      for (const std::int64_t i : indexes)
        batch.push_back(&train.at(static_cast<std::size_t>(i)));
      torch::Tensor loss;
      if (!communicator) {
        loss = batchLoss(student, batch, config, maxGrade);
      } else if (const BatchRows rows = batchRows(batch, config); !rows.layouts.empty()) {
        loss = shardedBatchLoss(student, rows, config, maxGrade, *communicator, timed);
      }
      if (!loss.defined() || !loss.requires_grad())
        continue; // nothing to learn from in this batch (e.g. no positives)
      const double learningRate = loop.learningRateAt(loop.stepsDone());
      const double value = loop.step(loss, combine);
      if (report.steps == 0)
        report.firstLoss = value;
      ++report.steps;
      recentLoss = report.steps == 1 ? value : 0.9 * recentLoss + 0.1 * value;
      report.lastLoss = recentLoss;
      if (onStep)
        onStep(report.steps, epoch, value, learningRate, std::nullopt);
      if (progress)
        progress({"train", report.steps, schedule.totalSteps,
                  "epoch " + std::to_string(epoch) + ", loss " + std::to_string(value)});
    }
    report.epochs = epoch;
    bool endsHere = false;
    if (decides && !dev.empty()) {
      const double devMetric = retrievalNdcg(student, dev, devDistractors);
      if (onStep)
        onStep(report.steps, epoch, report.lastLoss, loop.learningRateAt(loop.stepsDone()), devMetric);
      if (devMetric > *bestDev) {
        bestDev = devMetric;
        bestWeights = snapshot(student);
        report.bestEpoch = epoch;
        epochsWithoutGain = 0;
      } else if (++epochsWithoutGain > config.patience) {
        report.stoppedEarly = true;
        endsHere = true;
      }
    }
    if (communicator)
      endsHere = broadcastIndexes(*communicator, {endsHere ? kEndTraining : 0}).at(0) == kEndTraining;
    if (endsHere)
      break;
  }
  if (!decides)
    return report; // rank 0's student is the one kept
  if (!dev.empty()) {
    restore(student, bestWeights); // the epoch that did best on dev, or the start if none improved
    report.devAfter = bestDev;
  }
  if (base && config.baseWeightAveraging > 0) {
    torch::NoGradGuard noGrad;
    const auto& own = student.namedParameters();
    const auto& reference = base->namedParameters();
    if (own.size() != reference.size())
      throw Error("weight averaging: the base model has a different architecture");
    for (std::size_t i = 0; i < own.size(); ++i)
      own[i].second.mul_(1.0 - config.baseWeightAveraging).add_(reference[i].second, config.baseWeightAveraging);
  }
  return report;
}

} // namespace distillery::pipeline
