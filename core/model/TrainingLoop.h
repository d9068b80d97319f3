#pragma once
// The optimisation loop shared by the default student's warm start and the pipeline's fine-tuning:
// AdamW, linear warm-up then linear decay, gradient clipping. The caller brings the loss.
// Includes torch: use from core/model and core/pipeline .cpp files only.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace distillery::model {

struct TrainingSchedule {
  std::int64_t totalSteps = 1000;
  double learningRate = 1e-4; // peak, reached after warm-up
  double weightDecay = 0.01;
  double warmupFraction = 0.1; // of totalSteps
  double maxGradNorm = 1.0;    // 0: no clipping
};

class TrainingLoop {
public:
  TrainingLoop(std::vector<torch::Tensor> parameters, TrainingSchedule schedule);
  /// Backpropagates loss, clips, sets this step's learning rate and updates; returns the loss value.
  double step(const torch::Tensor& loss);
  /// As step(), with `combine` called between back-propagation and clipping (data-parallel training sums the ranks'
  /// gradients there). A loss without a graph (a rank with no rows of the batch) back-propagates nothing.
  double step(const torch::Tensor& loss, const std::function<void()>& combine);
  double learningRateAt(std::int64_t step) const;
  std::int64_t stepsDone() const { return steps_; }
  const TrainingSchedule& schedule() const { return schedule_; }

private:
  std::vector<torch::Tensor> parameters_;
  TrainingSchedule schedule_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::int64_t steps_ = 0;
};

} // namespace distillery::model
