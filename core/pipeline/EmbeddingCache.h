#pragma once
// The corpus embeddings of stored students, on disk beside the store (<store>.indexes/model<id>-<passage
// fingerprint>.npy) so a resumed run does not embed the corpus again, and read through a memory map: the latest
// student's matrix is mapped, never copied into the heap (a million passages x 768 floats is 3 GB).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "core/util/Progress.h"

namespace distillery::model {
class StudentModel;
class EmbeddingMatrixReader;
} // namespace distillery::model

namespace distillery::pipeline {

/// A student's corpus embeddings: rows x columns floats, row-major, one row per passage in the cache's text order.
struct CorpusMatrix {
  const float* data = nullptr;
  std::int64_t rows = 0;
  std::int64_t columns = 0;
  const float* row(std::int64_t index) const { return data + index * columns; }
};

class EmbeddingCache {
public:
  /// directory: where the .npy files go; texts: the passages as the student reads them, in the order the rows
  /// follow; fingerprint: names the passage list (its ids and texts), so a changed corpus is embedded again.
  EmbeddingCache(std::filesystem::path directory, const std::vector<std::string>& texts, std::string fingerprint);
  ~EmbeddingCache();

  /// modelId's embeddings: from its file, else computed with model (threads: 0 for the default) and written to its
  /// file. Throws Cancelled on stop. Only the latest student's file stays mapped: the matrix is valid until the next
  /// call for another student.
  CorpusMatrix embeddings(std::int64_t modelId, model::StudentModel& model, int threads,
                          const ProgressCallback& progress, std::stop_token stop);

  /// Unmaps the mapped matrix, if any: matrices returned before are invalid.
  void release();

  /// Computes the embeddings that are not on disk (e.g. sharded over the ranks of a data-parallel run); unset, the
  /// model encodes every passage here, a slice at a time.
  using Encoder = std::function<std::vector<float>(
      std::int64_t modelId, model::StudentModel& model, const std::vector<std::string>& texts,
      const std::string& fingerprint, int threads, const ProgressCallback& progress, std::stop_token stop)>;
  void setEncoder(Encoder encoder) { encoder_ = std::move(encoder); }

private:
  void compute(std::int64_t modelId, model::StudentModel& model, int threads, const ProgressCallback& progress,
               std::stop_token stop, const std::filesystem::path& partial);

  std::filesystem::path directory_;
  const std::vector<std::string>& texts_;
  std::string fingerprint_;
  std::int64_t mappedModel_ = -1;
  std::unique_ptr<model::EmbeddingMatrixReader> mapped_;
  Encoder encoder_;
};

} // namespace distillery::pipeline
