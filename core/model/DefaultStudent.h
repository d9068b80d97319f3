#pragma once
// The student used when the user names no model: a small BERT-layout encoder built from the corpus alone.
// 1. Lexical start: a WordPiece vocabulary learned from the corpus, and token embeddings that are random
//    directions scaled by the token's inverse document frequency, with position embeddings zero and a
//    layer-norm epsilon large enough that the norm keeps each token's scale. Mean pooling then gives an
//    IDF-weighted bag of words in a random projection - a lexical retriever before any training, which a
//    transformer trained from scratch on a few thousand passages does not reach on CPU time.
// 2. Unsupervised warm start: independent cropping (two random spans of one passage form a positive pair,
//    the other passages of the batch are negatives) for a fixed number of steps, so the result is the same
//    on every machine.
// No transformer layers by default: embedding a corpus costs a lookup and a mean, so re-embedding it every
// round is cheap. `layers` > 0 adds layers initialised as identity (zero output projections).
#include <cstdint>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include "core/util/Progress.h"

namespace distillery::model {

struct DefaultStudentOptions {
  std::size_t vocabularySize = 16000;
  int hiddenSize = 768; // the random projection's width: more dimensions, less cross-talk between tokens
  int layers = 0;
  int heads = 12;
  int intermediateSize = 1536;
  int maxLength = 256;       // positions of the model; longer texts are truncated when embedding
  bool lexicalStart = true;  // false: BERT's random initialisation (the baseline the recipe must beat)
  double layerNormEps = 4.0; // with token scales <= 1 the norm is near-linear in the scale (see above)
  int cropMinTokens = 6;     // the query-like span: 6-24 tokens
  int cropMaxTokens = 24;
  int keyMaxTokens = 64; // the passage-like span: half the passage up to this many tokens
  int batchSize = 64;
  int steps = 600;
  double learningRate = 1e-2;
  double temperature = 0.05;
  std::uint64_t seed = 42;
  int threads = 0; // 0: all cores
  ProgressCallback progress;
  std::stop_token stop;
};

struct DefaultStudentReport {
  std::int64_t steps = 0;
  double seconds = 0;
  double firstLoss = 0;
  double lastLoss = 0; // mean of the last 20 steps
};

/// Trains the default student on passages and saves it to directory (export layout). Throws InputError
/// when there are no passages to learn from; Cancelled (nothing saved) when stop is requested.
DefaultStudentReport trainDefaultStudent(const std::vector<std::string>& passages,
                                         const std::filesystem::path& directory, const DefaultStudentOptions& options);

/// Saves an untrained student of the same shape (vocabulary learned from passages, random weights): the
/// baseline the warm start has to beat.
void saveRandomStudent(const std::vector<std::string>& passages, const std::filesystem::path& directory,
                       const DefaultStudentOptions& options);

} // namespace distillery::model
