#include "core/pipeline/EmbeddingCache.h"

#include "core/model/EmbeddingMatrixFile.h"
#include "core/model/StudentModel.h"
#include "core/util/Error.h"
#include "core/util/ResourceFailure.h"

#include <cstdio>

namespace distillery::pipeline {

const std::vector<float>& EmbeddingCache::embeddings(std::int64_t modelId, model::StudentModel& model, int threads,
                                                     const ProgressCallback& progress, std::stop_token stop) {
  auto found = byModel_.find(modelId);
  if (found != byModel_.end())
    return found->second;
  // One student's matrix at a time (a million passages x 768 floats is 3 GB): freed before the next is allocated;
  // a student asked for again reloads from its .npy.
  byModel_.clear();
  const auto rows = static_cast<std::int64_t>(texts_.size());
  const auto dimension = static_cast<std::int64_t>(model.config().hiddenSize);
  const std::filesystem::path cache = directory_ / ("model" + std::to_string(modelId) + "-" + fingerprint_ + ".npy");
  std::vector<float>& vectors = byModel_[modelId];
  if (std::filesystem::exists(cache)) {
    try {
      model::EmbeddingMatrixReader reader(cache);
      if (reader.rows() == rows && reader.columns() == dimension) {
        vectors.assign(reader.row(0), reader.row(0) + reader.rows() * reader.columns());
        return vectors;
      }
    } catch (const Error&) {
      // a damaged cache is rebuilt below
    }
  }
  // The matrix alone is rows x dimension floats; the phase's message says so when memory or disk runs out.
  char matrix[64];
  std::snprintf(matrix, sizeof matrix, "%.2f GB", static_cast<double>(rows) * static_cast<double>(dimension) * 4 / 1e9);
  const std::string phase = "embedding the corpus (" + std::to_string(rows) + " passages x " +
                            std::to_string(dimension) + " dimensions: a " + matrix + " matrix, in memory and in " +
                            cache.parent_path().string() + ")";
  const std::filesystem::path partial = cache.string() + ".partial";
  try {
    runPhase(phase, "run the command again (a run: resume it with --resume)", [&] {
      if (encoder_) {
        vectors = encoder_(modelId, model, texts_, fingerprint_, threads, progress, stop);
      } else {
        model::EncodeOptions options;
        options.stop = stop;
        options.threads = threads;
        options.progress = progress;
        vectors = model.encode(texts_, model::TextRole::Passage, options);
      }
      throwIfStopped(stop);
      std::filesystem::create_directories(cache.parent_path());
      {
        model::EmbeddingMatrixWriter writer(partial, rows, dimension);
        for (std::int64_t i = 0; i < rows; ++i)
          writer.writeRow(i, vectors.data() + static_cast<std::size_t>(i * dimension));
        writer.close();
      }
      std::filesystem::rename(partial, cache);
    });
  } catch (...) {
    byModel_.erase(modelId); // no half-computed entry is served later
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw;
  }
  return vectors;
}

} // namespace distillery::pipeline
