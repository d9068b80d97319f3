#pragma once
// The student bi-encoder as the rest of core sees it: texts in, L2-normalised float vectors out.
// No libtorch here: this header is included by index, eval and pipeline code.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/util/Progress.h"

namespace distillery::model {

/// Decides the prefix or instruction a model expects ("query: ", "passage: ", bge's instruction).
enum class TextRole { Query, Passage };

/// What an encode() call computed, for throughput and padding figures. Running totals: updated after every
/// batch, before the progress callback, so a benchmark can attribute work to each batch.
struct EncodeStatistics {
  std::int64_t texts = 0;
  std::int64_t batches = 0;
  std::int64_t realTokens = 0;     // tokens of the texts themselves ([CLS]/[SEP] included)
  std::int64_t computedTokens = 0; // tokens the model ran over, padding included: sum of rows x columns
  std::int64_t attentionPairs = 0; // query-key pairs self-attention scores per layer and head: rows x columns^2
  int threads = 0;                 // CPU threads the model ran on (EncodeOptions::threads resolved)
  double paddingRatio() const { return realTokens > 0 ? double(computedTokens) / double(realTokens) : 1.0; }
};

/// Receives one finished embedding row (dimension() floats) for texts[index]; rows arrive in any order.
using EmbeddingRowSink = std::function<void(std::size_t index, const float* row)>;

struct EncodeOptions {
  int batchSize = 16;        // bench_model throughput, 2 cores: 82 passages/s at 16, 67 at 32, 62 at 64, 76 at 8
  int maxLength = 256;       // tokens, [CLS]/[SEP] included
  int threads = 0;           // 0: all cores
  ProgressCallback progress; // called between batches
  std::stop_token stop;      // checked between batches
  EmbeddingRowSink rowSink;  // when set, rows stream here and encode() returns an empty vector
  EncodeStatistics* statistics = nullptr; // filled when set
};

class TextEncoder {
public:
  virtual ~TextEncoder() = default;
  /// Human-readable identity, e.g. "bge-small-en-v1.5" or "default (trained on corpus demo)".
  virtual std::string name() const = 0;
  virtual int dimension() const = 0;
  /// Row-major texts.size() x dimension() matrix; every row has unit L2 norm.
  virtual std::vector<float> encode(const std::vector<std::string>& texts, TextRole role,
                                    const EncodeOptions& options = {}) = 0;
};

} // namespace distillery::model
