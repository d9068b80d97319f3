#pragma once
// Tensor collectives for the training code (includes libtorch: only .cpp files of model and pipeline use it).
#include <string>
#include <vector>

#include <torch/types.h>

namespace distillery::distributed {

class Communicator;

/// Replaces every defined gradient of `parameters` by its mean over the ranks (one flattened all-reduce), so
/// every rank takes the same optimiser step. Parameters without a gradient on this rank count as zeros; the set
/// of parameters must be the same on every rank. Throws DistributedError naming a dead rank.
void averageGradients(Communicator& communicator, const std::vector<torch::Tensor>& parameters);

/// Sums `tensor` (CPU, contiguous) over the ranks in place.
void allReduceSum(Communicator& communicator, torch::Tensor& tensor, const std::string& what);

} // namespace distillery::distributed
