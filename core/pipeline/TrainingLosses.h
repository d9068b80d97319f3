#pragma once
// The training losses of the two papers, over one batch's embeddings:
//  - listwise KL (Tamber et al. 2025): KL(teacher || student) over each query's candidate list, the teacher's
//    scores softened by a temperature, the student's cosine similarities sharpened by another;
//  - InfoNCE with in-batch negatives: each (query, positive) pair must pick its positive among every passage of
//    the batch; the query's other positives and its excluded passages (likely false negatives, ambiguous ones,
//    passages the teacher graded relevant that were not sampled) are masked out, never pushed away;
//  - triplet margin (Brenner et al. 2025): every (positive, negative) pair of a query, hinge on the margin.
// Kept apart from the trainer so each loss is unit-tested with hand-computed values.
#include <cstddef>
#include <vector>

#include <torch/torch.h>

namespace distillery::pipeline {

/// One query's candidate list inside a batch: it owns rows firstRow .. firstRow + teacherScores.size() - 1 of the
/// batch's passage matrix. The per-row vectors all have one entry per row of the list.
struct ListLayout {
  std::size_t firstRow = 0;          // its first row in the passage matrix
  std::vector<double> teacherScores; // the teacher's score per row, 0..maxGrade
  std::vector<bool> positive;        // a mined positive: an InfoNCE anchor and a triplet positive
  std::vector<bool> negative;        // a mined negative: a triplet negative
  std::vector<bool> excluded;        // never a negative of this query (masked in InfoNCE)
  std::size_t rows() const { return teacherScores.size(); }
};

/// queries: B x d (row e is layouts[e]'s query), passages: R x d, both L2-normalised rows. Mean over the lists
/// with at least two rows of sum_i t_i (log t_i - log s_i), where t = softmax(teacherScores / maxGrade /
/// teacherTemperature) and s = softmax(q . p_i / studentTemperature). Zero (without a graph) when no list counts.
torch::Tensor listwiseKl(const torch::Tensor& queries, const torch::Tensor& passages,
                         const std::vector<ListLayout>& layouts, double studentTemperature, double teacherTemperature,
                         double maxGrade);

/// Mean over every (query e, positive row p) of -log softmax(q_e . P^T / temperature)[p], where the softmax runs
/// over all R rows of the batch except the query's own other positives and excluded rows.
torch::Tensor infoNce(const torch::Tensor& queries, const torch::Tensor& passages,
                      const std::vector<ListLayout>& layouts, double temperature);

/// Mean over every (query, positive row, negative row) of max(0, margin - q . p + q . n).
torch::Tensor tripletMargin(const torch::Tensor& queries, const torch::Tensor& passages,
                            const std::vector<ListLayout>& layouts, double margin);

} // namespace distillery::pipeline
