#pragma once
// Tensor collectives for the training code (includes libtorch: only .cpp files of model and pipeline use it).
#include <string>
#include <vector>

#include <torch/types.h>

namespace distillery::distributed {

class Communicator;

/// Replaces every gradient of `parameters` by the weighted mean over the ranks, sum_r weight_r * g_r / sum_r
/// weight_r (one flattened all-reduce that carries the weights too), so every rank takes the same optimiser step.
/// A rank whose loss is the mean over its share of a batch passes the share's size: shares of unequal size then
/// give the gradient of the mean over the whole batch. Equal weights give the plain mean. Parameters without a
/// gradient on this rank count as zeros; the set of parameters must be the same on every rank. Throws
/// DistributedError naming a dead rank.
void averageGradients(Communicator& communicator, const std::vector<torch::Tensor>& parameters, double weight = 1.0);

/// Replaces every gradient of `parameters` by its sum over the ranks: for a rank whose gradient is already its
/// contribution to the whole batch's loss (the trainer, where every rank back-propagates the whole batch's loss
/// through its own rows only, because in-batch negatives span the shares).
void sumGradients(Communicator& communicator, const std::vector<torch::Tensor>& parameters);

/// Sums `tensor` (CPU, contiguous) over the ranks in place.
void allReduceSum(Communicator& communicator, torch::Tensor& tensor, const std::string& what);

} // namespace distillery::distributed
