#include "core/model/DefaultStudent.h"

#include "core/model/Bm25Imitation.h"
#include "core/model/StudentModel.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <thread>

namespace distillery::model {
namespace {

enum class Start { Lexical, Random };

BertConfig defaultConfig(const DefaultStudentOptions& options, std::int64_t vocabularySize, Start start) {
  BertConfig config;
  config.vocabSize = vocabularySize;
  config.hiddenSize = options.hiddenSize;
  config.layers = options.layers;
  config.heads = options.heads;
  config.intermediateSize = options.intermediateSize;
  config.maxPositions = options.maxLength;
  config.maxSequenceLength = options.maxLength;
  config.typeVocabSize = 2;
  config.hiddenAct = "gelu";
  config.pooling = Pooling::Mean;
  if (start == Start::Lexical) {
    config.layerNormEps = options.layerNormEps;
    // Dropout on a bag of token vectors costs a random number per token and dimension every step (most of a
    // training step's time) and regularises little that the pseudo-queries and the dev split do not already.
    config.hiddenDropout = 0.0;
    config.attentionDropout = 0.0;
  }
  return config;
}

/// Token ids of every passage as the model sees it (truncated to maxLength), without [CLS]/[SEP], end to end:
/// passage p's are ids[offsets[p] .. offsets[p + 1]). One flat int32 array (a vector of int64 per passage was
/// 2 GB at a million passages, most of the default student build's peak).
struct TokenBodies {
  std::vector<std::int32_t> ids;
  std::vector<std::int64_t> offsets{0};
  std::size_t size() const { return offsets.size() - 1; }
};

TokenBodies tokenBodies(const text::WordPieceTokenizer& tokenizer, const std::vector<std::string>& passages,
                        int maxLength) {
  TokenBodies bodies;
  bodies.offsets.reserve(passages.size() + 1);
  for (const auto& passage : passages) {
    const auto ids = tokenizer.encodeIds(passage, maxLength);
    if (ids.size() >= 2)
      bodies.ids.insert(bodies.ids.end(), ids.begin() + 1, ids.end() - 1);
    bodies.offsets.push_back(static_cast<std::int64_t>(bodies.ids.size()));
  }
  return bodies;
}

/// The lexical start (see the header): token t's embedding is a random direction of length
/// tokenNorm * idf(t) / max idf, with idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)) over the passages (BM25's idf).
/// Special tokens get length 0, tokens the corpus never uses the largest; the passage marker is as long as
/// passageMarkerWeight times a passage's summed token vectors, on average. Positions and token types add nothing.
void applyLexicalStart(StudentModel& model, const TokenBodies& bodies, const DefaultStudentOptions& options) {
  const auto vocabulary = model.config().vocabSize;
  std::vector<double> documentFrequency(static_cast<std::size_t>(vocabulary), 0.0);
  std::vector<std::int64_t> seenIn(static_cast<std::size_t>(vocabulary), -1);
  for (std::size_t p = 0; p < bodies.size(); ++p)
    for (auto i = bodies.offsets[p]; i < bodies.offsets[p + 1]; ++i)
      if (const std::int64_t id = bodies.ids[static_cast<std::size_t>(i)];
          id >= 0 && id < vocabulary && seenIn[static_cast<std::size_t>(id)] != static_cast<std::int64_t>(p)) {
        seenIn[static_cast<std::size_t>(id)] = static_cast<std::int64_t>(p);
        documentFrequency[static_cast<std::size_t>(id)] += 1;
      }
  const double n = static_cast<double>(bodies.size());
  const double maxIdf = std::log(1 + (n + 0.5) / 0.5);
  std::vector<float> scale(static_cast<std::size_t>(vocabulary));
  for (std::size_t t = 0; t < scale.size(); ++t) {
    const double df = documentFrequency[t];
    scale[t] = static_cast<float>(options.tokenNorm * std::log(1 + (n - df + 0.5) / (df + 0.5)) / maxIdf);
  }
  const auto& tokenizer = model.tokenizer();
  const auto marker = tokenizer.tokenId(kPassageMarker);
  for (const auto special : {tokenizer.clsId(), tokenizer.sepId(), tokenizer.padId(), marker})
    if (special >= 0 && special < vocabulary)
      scale[static_cast<std::size_t>(special)] = 0;

  torch::NoGradGuard noGrad;
  auto generator = at::detail::createCPUGenerator(options.seed ^ 0x9e3779b97f4a7c15ULL);
  const auto hidden = model.config().hiddenSize;
  auto directions = torch::randn({vocabulary, hidden}, generator, torch::kFloat32);
  directions /= directions.norm(2, 1, true);
  auto words = directions * torch::from_blob(scale.data(), {vocabulary, 1}, torch::kFloat32);
  if (marker >= 0 && bodies.size() > 0) {
    // Each passage's summed token vectors, a slice of passages at a time (all at once, a million passages' sums
    // are 3 GB); only their norms are kept, so the mean is the same as over one matrix of all the sums.
    constexpr std::size_t kSlice = 65536;
    std::vector<torch::Tensor> norms;
    for (std::size_t first = 0; first < bodies.size(); first += kSlice) {
      const std::size_t last = std::min(bodies.size(), first + kSlice);
      const std::vector<std::int64_t> flat(bodies.ids.begin() + bodies.offsets[first],
                                           bodies.ids.begin() + bodies.offsets[last]);
      std::vector<std::int64_t> offsets(bodies.offsets.begin() + static_cast<std::ptrdiff_t>(first),
                                        bodies.offsets.begin() + static_cast<std::ptrdiff_t>(last));
      for (auto& offset : offsets)
        offset -= bodies.offsets[first];
      const auto sums = std::get<0>(torch::embedding_bag(words, torch::tensor(flat, torch::kInt64),
                                                         torch::tensor(offsets, torch::kInt64), false, /*mode=sum*/ 0));
      norms.push_back(sums.norm(2, 1));
    }
    words[marker] = directions[marker] * (options.passageMarkerWeight * torch::cat(norms).mean().item<double>());
  }
  for (auto& [name, tensor] : model.namedParameters()) {
    if (name == "embeddings.word_embeddings.weight")
      tensor.copy_(words.to(tensor.device()));
    else if (name == "embeddings.position_embeddings.weight" || name == "embeddings.token_type_embeddings.weight")
      tensor.zero_();
  }
}

/// The corpus's WordPiece vocabulary, with the passage marker as a whole word for the lexical start.
text::WordPieceTokenizer defaultTokenizer(const std::vector<std::string>& passages, std::size_t vocabularySize,
                                          Start start) {
  if (start == Start::Random)
    return text::WordPieceTokenizer(text::learnWordPieceVocabulary(passages, vocabularySize));
  auto vocabulary = text::learnWordPieceVocabulary(passages, std::max<std::size_t>(vocabularySize, 2) - 1);
  if (std::find(vocabulary.begin(), vocabulary.end(), kPassageMarker) == vocabulary.end())
    vocabulary.emplace_back(kPassageMarker);
  return text::WordPieceTokenizer(std::move(vocabulary));
}

std::shared_ptr<StudentModel> untrainedStudent(const std::vector<std::string>& passages,
                                               const DefaultStudentOptions& options, Start start) {
  if (passages.empty())
    throw InputError("the corpus has no passages to train the default student on");
  auto tokenizer = defaultTokenizer(passages, options.vocabularySize, start);
  const auto config = defaultConfig(options, tokenizer.vocabularySize(), start);
  auto model = StudentModel::createRandom(config, std::move(tokenizer), options.seed, defaultDevice());
  // The marker only means something to the lexical start's geometry; a random start is plain BERT, as before.
  if (start == Start::Lexical)
    model->mutableConfig().passagePrefix = std::string(kPassageMarker) + ' ';
  return model;
}

} // namespace

int defaultStudentSteps(std::size_t passages, const DefaultStudentOptions& options) {
  const auto perStep = static_cast<std::size_t>(std::max(1, options.batchSize));
  const auto steps = static_cast<int>(std::min<std::size_t>(12 * ((passages + perStep - 1) / perStep), INT32_MAX));
  return std::clamp(steps, std::min(24, options.steps), options.steps);
}

void saveRandomStudent(const std::vector<std::string>& passages, const std::filesystem::path& directory,
                       const DefaultStudentOptions& options) {
  untrainedStudent(passages, options, Start::Random)->save(directory);
}

DefaultStudentReport trainDefaultStudent(const std::vector<std::string>& passages,
                                         const std::filesystem::path& directory, const DefaultStudentOptions& options) {
  const double started = monotonicSeconds();
  if (options.layers != 0)
    throw InputError("the default student has no transformer layers (asked for " + std::to_string(options.layers) +
                     "); its warm start trains a bag of tokens");
  if (options.threads > 0)
    torch::set_num_threads(options.threads);
  auto model = untrainedStudent(passages, options, Start::Lexical);
  applyLexicalStart(*model, tokenBodies(model->tokenizer(), passages, options.maxLength), options);

  const auto imitation = imitateBm25(*model, passages, options);
  throwIfStopped(options.stop);
  model->setName("default");
  model->save(directory);
  DefaultStudentReport result;
  result.steps = imitation.steps;
  result.firstLoss = imitation.firstLoss;
  result.lastLoss = imitation.lastLoss;
  result.seconds = monotonicSeconds() - started;
  return result;
}

} // namespace distillery::model
