#include "core/pipeline/StudentTrainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <unordered_map>

#include "core/model/StudentModel.h"
#include "core/model/TrainingLoop.h"
#include "core/util/Error.h"

namespace distillery::pipeline {
namespace {

constexpr int kTrainingMaxLength = 256; // tokens per text while training

// The passages of a batch, flattened: row r of the passage matrix belongs to example owner[r], list index local[r].
struct FlatBatch {
  std::vector<std::string> queries;
  std::vector<std::string> passages;
  std::vector<std::size_t> offset; // first passage row of each example
  std::vector<std::size_t> count;  // rows of each example
};

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

// InfoNCE over every passage of the batch: each (query, positive) row must pick its positive among all rows;
// the query's other positives and its excluded passages (likely false negatives) are masked, not negatives.
torch::Tensor batchInfoNce(const torch::Tensor& queries, const torch::Tensor& passages,
                           const std::vector<const TrainingExample*>& examples,
                           const std::vector<std::vector<std::size_t>>& used, const FlatBatch& batch,
                           double temperature) {
  std::vector<std::int64_t> queryRow, target;
  std::vector<float> mask;
  const auto rows = static_cast<std::int64_t>(batch.passages.size());
  for (std::size_t e = 0; e < examples.size(); ++e) {
    for (std::size_t p : examples[e]->positives) {
      const auto at = std::find(used[e].begin(), used[e].end(), p);
      if (at == used[e].end())
        continue;
      queryRow.push_back(static_cast<std::int64_t>(e));
      target.push_back(static_cast<std::int64_t>(batch.offset[e] + static_cast<std::size_t>(at - used[e].begin())));
      std::vector<float> rowMask(static_cast<std::size_t>(rows), 0.0f);
      for (std::size_t j = 0; j < used[e].size(); ++j) {
        const std::size_t local = used[e][j];
        const bool otherPositive = local != p && contains(examples[e]->positives, local);
        if (otherPositive || contains(examples[e]->excluded, local))
          rowMask[batch.offset[e] + j] = -1e9f;
      }
      mask.insert(mask.end(), rowMask.begin(), rowMask.end());
    }
  }
  if (queryRow.empty())
    return torch::zeros({}, queries.options());
  const auto n = static_cast<std::int64_t>(queryRow.size());
  auto index = torch::tensor(queryRow, torch::kInt64).to(queries.device());
  auto logits = queries.index_select(0, index).matmul(passages.t()) / temperature;
  logits = logits + torch::tensor(mask).view({n, rows}).to(queries.device());
  return torch::nn::functional::cross_entropy(logits, torch::tensor(target, torch::kInt64).to(queries.device()));
}

// KL(teacher || student) over each query's list: the teacher's grades softened by its temperature.
torch::Tensor listwiseKl(const torch::Tensor& queries, const torch::Tensor& passages,
                         const std::vector<const TrainingExample*>& examples,
                         const std::vector<std::vector<std::size_t>>& used, const FlatBatch& batch,
                         const TrainingConfig& config, double maxGrade) {
  std::vector<torch::Tensor> losses;
  for (std::size_t e = 0; e < examples.size(); ++e) {
    if (used[e].size() < 2)
      continue;
    const auto first = static_cast<std::int64_t>(batch.offset[e]);
    const auto n = static_cast<std::int64_t>(used[e].size());
    auto scores = passages.narrow(0, first, n).matmul(queries[static_cast<std::int64_t>(e)]);
    std::vector<float> teacher;
    for (std::size_t local : used[e])
      teacher.push_back(static_cast<float>(examples[e]->teacherScores[local] / maxGrade / config.teacherTemperature));
    auto target = torch::softmax(torch::tensor(teacher).to(queries.device()), 0);
    auto logStudent = torch::log_softmax(scores / config.studentTemperature, 0);
    losses.push_back((target * (torch::log(target + 1e-12) - logStudent)).sum());
  }
  if (losses.empty())
    return torch::zeros({}, queries.options());
  return torch::stack(losses).mean();
}

// Margin loss over every (positive, negative) pair of a query.
torch::Tensor tripletMargin(const torch::Tensor& queries, const torch::Tensor& passages,
                            const std::vector<const TrainingExample*>& examples,
                            const std::vector<std::vector<std::size_t>>& used, const FlatBatch& batch, double margin) {
  std::vector<torch::Tensor> losses;
  for (std::size_t e = 0; e < examples.size(); ++e) {
    const auto first = static_cast<std::int64_t>(batch.offset[e]);
    auto scores = passages.narrow(0, first, static_cast<std::int64_t>(used[e].size()))
                      .matmul(queries[static_cast<std::int64_t>(e)]);
    for (std::size_t i = 0; i < used[e].size(); ++i) {
      if (!contains(examples[e]->positives, used[e][i]))
        continue;
      for (std::size_t j = 0; j < used[e].size(); ++j)
        if (contains(examples[e]->negatives, used[e][j]))
          losses.push_back(
              torch::relu(margin - scores[static_cast<std::int64_t>(i)] + scores[static_cast<std::int64_t>(j)]));
    }
  }
  if (losses.empty())
    return torch::zeros({}, queries.options());
  return torch::stack(losses).mean();
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

TrainingReport trainStudent(model::StudentModel& student, const model::StudentModel* base,
                            const std::vector<TrainingExample>& train, const std::vector<TrainingExample>& dev,
                            const std::vector<std::string>& devDistractors, const TrainingConfig& config,
                            double maxGrade, std::uint64_t seed, const TrainingStepSink& onStep,
                            const ProgressCallback& progress, std::stop_token stop) {
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
  model::TrainingLoop loop(student.fineTunedParameters(), schedule);

  std::optional<double> bestDev;
  std::vector<torch::Tensor> bestWeights;
  if (!dev.empty()) {
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
      throwIfStopped(stop);
      std::vector<const TrainingExample*> examples;
      std::vector<std::vector<std::size_t>> used;
      FlatBatch batch;
      for (std::size_t i = start; i < std::min(order.size(), start + batchSize); ++i) {
        const TrainingExample& example = train[order[i]];
        auto chosen = usedPassages(example, config.loss, config.listSize);
        if (chosen.empty())
          continue;
        examples.push_back(&example);
        batch.queries.push_back(example.query);
        batch.offset.push_back(batch.passages.size());
        batch.count.push_back(chosen.size());
        for (std::size_t local : chosen)
          batch.passages.push_back(example.passages[local]);
        used.push_back(std::move(chosen));
      }
      if (examples.empty())
        continue;
      auto queries = student.embed(batch.queries, model::TextRole::Query, true, kTrainingMaxLength);
      auto passages = student.embed(batch.passages, model::TextRole::Passage, true, kTrainingMaxLength);
      torch::Tensor loss;
      switch (config.loss) {
      case TrainingLoss::Listwise:
        loss = listwiseKl(queries, passages, examples, used, batch, config, maxGrade);
        if (config.infoNceWeight > 0)
          loss = loss + config.infoNceWeight *
                            batchInfoNce(queries, passages, examples, used, batch, config.infoNceTemperature);
        break;
      case TrainingLoss::InfoNce:
        loss = batchInfoNce(queries, passages, examples, used, batch, config.infoNceTemperature);
        break;
      case TrainingLoss::Triplet:
        loss = tripletMargin(queries, passages, examples, used, batch, config.tripletMargin);
        break;
      }
      if (!loss.requires_grad())
        continue; // nothing to learn from in this batch (e.g. no positives)
      const double learningRate = loop.learningRateAt(loop.stepsDone());
      const double value = loop.step(loss);
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
    if (dev.empty())
      continue;
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
      break;
    }
  }
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
