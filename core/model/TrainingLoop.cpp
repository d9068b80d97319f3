#include "core/model/TrainingLoop.h"

#include <algorithm>

namespace distillery::model {

TrainingLoop::TrainingLoop(std::vector<torch::Tensor> parameters, TrainingSchedule schedule)
    : parameters_(std::move(parameters)), schedule_(schedule) {
  optimizer_ = std::make_unique<torch::optim::AdamW>(
      parameters_, torch::optim::AdamWOptions(schedule_.learningRate).weight_decay(schedule_.weightDecay));
}

double TrainingLoop::learningRateAt(std::int64_t step) const {
  const auto total = std::max<std::int64_t>(1, schedule_.totalSteps);
  const auto warmup = static_cast<std::int64_t>(schedule_.warmupFraction * static_cast<double>(total));
  if (step < warmup)
    return schedule_.learningRate * static_cast<double>(step + 1) / static_cast<double>(warmup + 1);
  const double remaining =
      static_cast<double>(total - step) / static_cast<double>(std::max<std::int64_t>(1, total - warmup));
  return schedule_.learningRate * std::clamp(remaining, 0.0, 1.0);
}

double TrainingLoop::step(const torch::Tensor& loss) {
  return step(loss, {});
}

double TrainingLoop::step(const torch::Tensor& loss, const std::function<void()>& combine) {
  optimizer_->zero_grad();
  if (loss.requires_grad())
    loss.backward();
  if (combine)
    combine();
  if (schedule_.maxGradNorm > 0)
    torch::nn::utils::clip_grad_norm_(parameters_, schedule_.maxGradNorm);
  const double rate = learningRateAt(steps_);
  for (auto& group : optimizer_->param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(rate);
  optimizer_->step();
  ++steps_;
  return loss.item<double>();
}

} // namespace distillery::model
