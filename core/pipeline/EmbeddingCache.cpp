#include "core/pipeline/EmbeddingCache.h"

#include "core/model/EmbeddingMatrixFile.h"
#include "core/model/StudentModel.h"
#include "core/util/Error.h"
#include "core/util/ResourceFailure.h"

#include <algorithm>
#include <cstdio>

namespace distillery::pipeline {
namespace {

// Passages encoded per slice: the encoder holds every text's token ids while it works (about 2 KB a passage), so
// a million passages at once would hold 2 GB of them. Corpora up to this size are encoded in one slice, batched
// exactly as before slices existed.
constexpr std::size_t kEncodeSlice = 65536;

} // namespace

EmbeddingCache::EmbeddingCache(std::filesystem::path directory, const std::vector<std::string>& texts,
                               std::string fingerprint)
    : directory_(std::move(directory)), texts_(texts), fingerprint_(std::move(fingerprint)) {}

EmbeddingCache::~EmbeddingCache() = default;

void EmbeddingCache::release() {
  mapped_.reset();
  mappedModel_ = -1;
}

CorpusMatrix EmbeddingCache::embeddings(std::int64_t modelId, model::StudentModel& model, int threads,
                                        const ProgressCallback& progress, std::stop_token stop) {
  const auto rows = static_cast<std::int64_t>(texts_.size());
  const auto dimension = static_cast<std::int64_t>(model.config().hiddenSize);
  if (mappedModel_ != modelId || !mapped_) {
    // One student's file mapped at a time; a student asked for again maps its .npy again.
    mapped_.reset();
    mappedModel_ = -1;
    const std::filesystem::path cache = directory_ / ("model" + std::to_string(modelId) + "-" + fingerprint_ + ".npy");
    if (std::filesystem::exists(cache)) {
      try {
        auto reader = std::make_unique<model::EmbeddingMatrixReader>(cache);
        if (reader->rows() == rows && reader->columns() == dimension)
          mapped_ = std::move(reader);
      } catch (const Error&) {
        // a damaged cache is rebuilt below
      }
    }
    if (!mapped_) {
      const std::filesystem::path partial = cache.string() + ".partial";
      try {
        compute(modelId, model, threads, progress, stop, partial);
        std::filesystem::rename(partial, cache);
      } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored); // no half-written matrix is served later
        throw;
      }
      mapped_ = std::make_unique<model::EmbeddingMatrixReader>(cache);
    }
    mappedModel_ = modelId;
  }
  return {mapped_->row(0), rows, dimension};
}

void EmbeddingCache::compute(std::int64_t modelId, model::StudentModel& model, int threads,
                             const ProgressCallback& progress, std::stop_token stop,
                             const std::filesystem::path& partial) {
  const auto rows = static_cast<std::int64_t>(texts_.size());
  const auto dimension = static_cast<std::int64_t>(model.config().hiddenSize);
  // The matrix is rows x dimension floats on disk; the phase's message says so when memory or disk runs out.
  char matrix[64];
  std::snprintf(matrix, sizeof matrix, "%.2f GB", static_cast<double>(rows) * static_cast<double>(dimension) * 4 / 1e9);
  const std::string phase = "embedding the corpus (" + std::to_string(rows) + " passages x " +
                            std::to_string(dimension) + " dimensions: a " + matrix + " matrix, in " +
                            partial.parent_path().string() + ")";
  runPhase(phase, "run the command again (a run: resume it with --resume)", [&] {
    std::filesystem::create_directories(partial.parent_path());
    model::EmbeddingMatrixWriter writer(partial, rows, dimension);
    if (encoder_) {
      const std::vector<float> vectors = encoder_(modelId, model, texts_, fingerprint_, threads, progress, stop);
      throwIfStopped(stop);
      for (std::int64_t i = 0; i < rows; ++i)
        writer.writeRow(i, vectors.data() + static_cast<std::size_t>(i * dimension));
    } else {
      for (std::size_t first = 0; first < texts_.size(); first += kEncodeSlice) {
        const std::size_t count = std::min(kEncodeSlice, texts_.size() - first);
        const std::vector<std::string> slice(texts_.begin() + static_cast<std::ptrdiff_t>(first),
                                             texts_.begin() + static_cast<std::ptrdiff_t>(first + count));
        model::EncodeOptions options;
        options.stop = stop;
        options.threads = threads;
        if (progress)
          options.progress = [&](const Progress& p) {
            Progress whole = p;
            whole.done = static_cast<std::int64_t>(first) + p.done;
            whole.total = rows;
            progress(whole);
          };
        options.rowSink = [&](std::size_t index, const float* row) {
          writer.writeRow(static_cast<std::int64_t>(first + index), row);
        };
        model.encode(slice, model::TextRole::Passage, options);
        throwIfStopped(stop);
      }
    }
    writer.close();
  });
}

} // namespace distillery::pipeline
