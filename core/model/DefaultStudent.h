#pragma once
// The student used when the user names no model: a small BERT trained from scratch on the corpus with an
// unsupervised warm start (independent cropping: two random spans of one passage form a positive pair,
// the other passages of the batch are negatives). Sized to train in about a minute on two CPU cores.
#include <cstdint>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include "core/util/Progress.h"

namespace distillery::model {

struct DefaultStudentOptions {
  std::size_t vocabularySize = 16000;
  int hiddenSize = 128;
  int layers = 1;
  int heads = 2;
  int intermediateSize = 256;
  int maxLength = 128;   // positions of the model; longer texts are truncated when embedding
  int cropMinTokens = 6; // the query-like span: 6-24 tokens
  int cropMaxTokens = 24;
  int keyMaxTokens = 64; // the passage-like span: half the passage up to this many tokens
  int batchSize = 64;
  int steps = 600;
  double learningRate = 1e-3;
  double temperature = 0.05;
  double maxSeconds = 120; // stop training early past this wall-clock budget
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
