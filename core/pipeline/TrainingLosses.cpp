#include "core/pipeline/TrainingLosses.h"

namespace distillery::pipeline {
namespace {

torch::Tensor zeroLoss(const torch::Tensor& like) {
  return torch::zeros({}, like.options());
}

// The scores of one query against its own list: rows() values.
torch::Tensor listScores(const torch::Tensor& queries, const torch::Tensor& passages, std::size_t e,
                         const ListLayout& layout) {
  return passages.narrow(0, static_cast<std::int64_t>(layout.firstRow), static_cast<std::int64_t>(layout.rows()))
      .matmul(queries[static_cast<std::int64_t>(e)]);
}

} // namespace

torch::Tensor listwiseKl(const torch::Tensor& queries, const torch::Tensor& passages,
                         const std::vector<ListLayout>& layouts, double studentTemperature, double teacherTemperature,
                         double maxGrade) {
  std::vector<torch::Tensor> losses;
  for (std::size_t e = 0; e < layouts.size(); ++e) {
    const ListLayout& layout = layouts[e];
    if (layout.rows() < 2)
      continue;
    std::vector<float> teacher;
    for (double score : layout.teacherScores)
      teacher.push_back(static_cast<float>(score / maxGrade / teacherTemperature));
    const auto target = torch::softmax(torch::tensor(teacher).to(queries.device()), 0);
    const auto logStudent = torch::log_softmax(listScores(queries, passages, e, layout) / studentTemperature, 0);
    losses.push_back((target * (torch::log(target + 1e-12) - logStudent)).sum());
  }
  return losses.empty() ? zeroLoss(queries) : torch::stack(losses).mean();
}

torch::Tensor infoNce(const torch::Tensor& queries, const torch::Tensor& passages,
                      const std::vector<ListLayout>& layouts, double temperature) {
  const auto rows = passages.size(0);
  std::vector<std::int64_t> queryRow, target;
  std::vector<float> mask;
  for (std::size_t e = 0; e < layouts.size(); ++e) {
    const ListLayout& layout = layouts[e];
    for (std::size_t p = 0; p < layout.rows(); ++p) {
      if (!layout.positive[p])
        continue;
      queryRow.push_back(static_cast<std::int64_t>(e));
      target.push_back(static_cast<std::int64_t>(layout.firstRow + p));
      std::vector<float> rowMask(static_cast<std::size_t>(rows), 0.0f);
      for (std::size_t j = 0; j < layout.rows(); ++j)
        if (j != p && (layout.positive[j] || layout.excluded[j]))
          rowMask[layout.firstRow + j] = -1e9f;
      mask.insert(mask.end(), rowMask.begin(), rowMask.end());
    }
  }
  if (queryRow.empty())
    return zeroLoss(queries);
  const auto n = static_cast<std::int64_t>(queryRow.size());
  const auto index = torch::tensor(queryRow, torch::kInt64).to(queries.device());
  auto logits = queries.index_select(0, index).matmul(passages.t()) / temperature;
  logits = logits + torch::tensor(mask).view({n, rows}).to(queries.device());
  return torch::nn::functional::cross_entropy(logits, torch::tensor(target, torch::kInt64).to(queries.device()));
}

torch::Tensor tripletMargin(const torch::Tensor& queries, const torch::Tensor& passages,
                            const std::vector<ListLayout>& layouts, double margin) {
  std::vector<torch::Tensor> losses;
  for (std::size_t e = 0; e < layouts.size(); ++e) {
    const ListLayout& layout = layouts[e];
    const auto scores = listScores(queries, passages, e, layout);
    for (std::size_t i = 0; i < layout.rows(); ++i) {
      if (!layout.positive[i])
        continue;
      for (std::size_t j = 0; j < layout.rows(); ++j)
        if (layout.negative[j])
          losses.push_back(
              torch::relu(margin - scores[static_cast<std::int64_t>(i)] + scores[static_cast<std::int64_t>(j)]));
    }
  }
  return losses.empty() ? zeroLoss(queries) : torch::stack(losses).mean();
}

} // namespace distillery::pipeline
