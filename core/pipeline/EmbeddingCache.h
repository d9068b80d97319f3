#pragma once
// The corpus embeddings of stored students, kept in memory for the few models a run works with and on disk beside
// the store (<store>.indexes/model<id>-<passage fingerprint>.npy), so a resumed run does not embed the corpus again.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "core/util/Progress.h"

namespace distillery::model {
class StudentModel;
}

namespace distillery::pipeline {

class EmbeddingCache {
public:
  /// directory: where the .npy files go; texts: the passages as the student reads them, in the order the rows
  /// follow; fingerprint: names the passage list (its ids and texts), so a changed corpus is embedded again.
  EmbeddingCache(std::filesystem::path directory, const std::vector<std::string>& texts, std::string fingerprint)
      : directory_(std::move(directory)), texts_(texts), fingerprint_(std::move(fingerprint)) {}

  /// Row-major passages x hiddenSize floats of modelId's embeddings: from memory, else from its file, else
  /// computed with model (threads: 0 for the default) and written to its file. Throws Cancelled on stop. Only the
  /// latest student's matrix stays in memory: the reference is valid until the next call for another student.
  const std::vector<float>& embeddings(std::int64_t modelId, model::StudentModel& model, int threads,
                                       const ProgressCallback& progress, std::stop_token stop);

  /// Computes the embeddings that are neither in memory nor on disk (e.g. sharded over the ranks of a data-parallel
  /// run); unset, the model encodes every passage here.
  using Encoder = std::function<std::vector<float>(
      std::int64_t modelId, model::StudentModel& model, const std::vector<std::string>& texts,
      const std::string& fingerprint, int threads, const ProgressCallback& progress, std::stop_token stop)>;
  void setEncoder(Encoder encoder) { encoder_ = std::move(encoder); }

private:
  std::filesystem::path directory_;
  const std::vector<std::string>& texts_;
  std::string fingerprint_;
  std::map<std::int64_t, std::vector<float>> byModel_; // the latest student's only
  Encoder encoder_;
};

} // namespace distillery::pipeline
