#pragma once
// The default student's unsupervised warm start: the student learns to rank the corpus as BM25 does, the
// dense imitation of a sparse retriever of SPAR (Chen et al. 2021, "Salient Phrase Aware Dense Retrieval: Can a
// Dense Retriever Imitate a Sparse One?"). Pseudo-queries are cut from the corpus's own passages - a span of
// consecutive words (an independent crop) or a few words picked across the passage (a keyword query) - and
// BM25 (core/index) ranks the whole corpus for each. The loss is the listwise KL divergence between BM25's
// softmax over its top candidates and the student's softmax over the candidates of the whole batch, so the
// other pseudo-queries' candidates are in-batch negatives. Only passages are used, never an evaluation set.
//
// Why imitate BM25: a mean of token vectors compared by cosine cannot saturate term frequency nor soften
// length normalisation the way BM25 does, so an IDF-weighted start ranks well below it; imitation learns which
// tokens deserve weight, and which dimensions each gets, within what a bag of tokens can express.
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "core/util/Progress.h"

namespace distillery::model {

class StudentModel;

struct Bm25ImitationOptions {
  int steps = 200;
  int batchSize = 64;    // pseudo-queries per step
  int candidates = 16;   // BM25's top candidates per pseudo-query: the list the teacher's softmax covers
  int queryMinWords = 3; // pseudo-query length, in whitespace-separated words of the passage
  int queryMaxWords = 12;
  double keywordFraction = 0.5;     // share of keyword pseudo-queries; the rest are spans
  double teacherTemperature = 0.05; // on BM25 scores divided by the list's top score
  double studentTemperature = 0.05; // on cosine similarities
  double learningRate = 3e-3;       // AdamW peak, after 10% warm-up, then linear decay
  int queryMaxLength = 64;          // tokens of a pseudo-query, [CLS]/[SEP] included
  std::uint64_t seed = 42;
  ProgressCallback progress;
  std::stop_token stop;
};

struct Bm25ImitationReport {
  std::int64_t steps = 0;
  double firstLoss = 0;
  double lastLoss = 0; // mean of the last 20 steps
};

/// Trains student (mean pooling, no transformer layers, zero position embeddings: see
/// StudentModel::embedTokenBags) to rank passages as BM25 ranks them, for a fixed number of steps and seeded,
/// so the result is the same on every run. Throws InputError when fewer than two passages have words, Cancelled
/// when stop is requested.
Bm25ImitationReport imitateBm25(StudentModel& student, const std::vector<std::string>& passages,
                                const Bm25ImitationOptions& options);

} // namespace distillery::model
