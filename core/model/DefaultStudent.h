#pragma once
// The student used when the user names no model: a small BERT-layout encoder built from the corpus alone.
// 1. Lexical start: a WordPiece vocabulary learned from the corpus, and token embeddings that are random
//    directions of length proportional to the token's inverse document frequency, with position embeddings
//    zero and a layer-norm epsilon far above the tokens' variance, so the norm is linear. Mean pooling then
//    gives an IDF-weighted bag of words in a random projection: a lexical retriever before any training, which
//    a transformer trained from scratch on a few thousand passages does not reach on CPU time.
// 2. A passage marker: passages are embedded with the prefix word kPassageMarker, whose vector is orthogonal
//    (nearly: random) to the tokens' and about as long as a passage's summed tokens. A query has no marker, so
//    the marker adds nothing to a query-passage dot product but a constant to every passage's squared norm:
//    cosine similarity then normalises passage length softly, like BM25's b < 1, rather than fully; a very
//    short passage no longer outscores a long one on a single shared word. On TAT-QA this alone lifts the
//    lexical start's MRR@5 by about a third.
// 3. Unsupervised warm start: the student learns to rank like BM25 on pseudo-queries cut from the passages
//    (see Bm25Imitation.h), for a fixed number of seeded steps, so the result is the same on every run.
// No transformer layers: embedding a corpus costs a lookup and a mean, so re-embedding it every round is
// cheap, and the model exports in the Hugging Face layout with num_hidden_layers 0.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/model/Bm25Imitation.h"

namespace distillery::model {

/// The word the default student prefixes passages with (its passage prompt is kPassageMarker + " ").
inline constexpr const char* kPassageMarker = "distillerypassage";

/// The model's shape and start; the warm start's settings are the inherited ones (steps, batchSize, seed, ...).
struct DefaultStudentOptions : Bm25ImitationOptions {
  std::size_t vocabularySize = 16000;
  int hiddenSize = 768; // the random projection's width: more dimensions, less cross-talk between tokens
  int layers = 0;       // saveRandomStudent only: trainDefaultStudent needs a model without layers
  int heads = 12;
  int intermediateSize = 1536;
  int maxLength = 256;              // positions of the model; longer texts are truncated when embedding
  double layerNormEps = 4.0;        // far above a token's variance (tokenNorm^2 / hiddenSize): the norm stays linear
  double tokenNorm = 4.0;           // length of the rarest token's vector; the others are shorter by their IDF
  double passageMarkerWeight = 1.0; // the marker's length over the mean length of a passage's summed tokens
  int threads = 0;                  // 0: all cores
};

struct DefaultStudentReport {
  std::int64_t steps = 0;
  double seconds = 0;
  double firstLoss = 0;
  double lastLoss = 0; // mean of the last 20 steps
};

/// The warm start's step count for a corpus: about a dozen pseudo-queries per passage, at least 24 steps and at
/// most options.steps. A fixed budget, the same on every machine.
int defaultStudentSteps(std::size_t passages, const DefaultStudentOptions& options);

/// Trains the default student on passages and saves it to directory (export layout). Throws InputError
/// when there are no passages to learn from or options ask for layers; Cancelled (nothing saved) when stop is
/// requested.
DefaultStudentReport trainDefaultStudent(const std::vector<std::string>& passages,
                                         const std::filesystem::path& directory, const DefaultStudentOptions& options);

/// Saves an untrained student of the same shape (vocabulary learned from passages, random weights): the
/// baseline the warm start has to beat.
void saveRandomStudent(const std::vector<std::string>& passages, const std::filesystem::path& directory,
                       const DefaultStudentOptions& options);

} // namespace distillery::model
