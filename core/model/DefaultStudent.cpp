#include "core/model/DefaultStudent.h"

#include "core/model/StudentModel.h"
#include "core/model/TrainingLoop.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

#include <algorithm>
#include <deque>
#include <numeric>
#include <random>
#include <thread>

namespace distillery::model {
namespace {

BertConfig defaultConfig(const DefaultStudentOptions& options, std::int64_t vocabularySize) {
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
  if (options.lexicalStart) {
    config.layerNormEps = options.layerNormEps;
    // Dropout on a bag of token vectors costs a random number per token and dimension every step (most of a
    // training step's time) and regularises little that the cropping and the dev split do not already.
    config.hiddenDropout = 0.0;
    config.attentionDropout = 0.0;
  }
  return config;
}

/// Token ids of every passage without [CLS]/[SEP].
std::vector<std::vector<std::int64_t>> tokenBodies(const text::WordPieceTokenizer& tokenizer,
                                                   const std::vector<std::string>& passages) {
  std::vector<std::vector<std::int64_t>> bodies;
  bodies.reserve(passages.size());
  for (const auto& passage : passages) {
    auto ids = tokenizer.encodeIds(passage, 0);
    bodies.emplace_back(ids.size() >= 2 ? ids.begin() + 1 : ids.end(), ids.size() >= 2 ? ids.end() - 1 : ids.end());
  }
  return bodies;
}

/// The lexical start (see the header): token t's embedding is a random direction of length idf(t) / max idf,
/// with idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)) over the passages (BM25's idf). Special tokens get
/// length 0, tokens the corpus never uses the largest. Positions and token types add nothing at first.
void applyLexicalStart(StudentModel& model, const std::vector<std::vector<std::int64_t>>& bodies, std::uint64_t seed) {
  const auto vocabulary = model.config().vocabSize;
  std::vector<double> documentFrequency(static_cast<std::size_t>(vocabulary), 0.0);
  std::vector<std::int64_t> seenIn(static_cast<std::size_t>(vocabulary), -1);
  for (std::size_t p = 0; p < bodies.size(); ++p)
    for (const auto id : bodies[p])
      if (id >= 0 && id < vocabulary && seenIn[static_cast<std::size_t>(id)] != static_cast<std::int64_t>(p)) {
        seenIn[static_cast<std::size_t>(id)] = static_cast<std::int64_t>(p);
        documentFrequency[static_cast<std::size_t>(id)] += 1;
      }
  const double n = static_cast<double>(bodies.size());
  const double maxIdf = std::log(1 + (n + 0.5) / 0.5);
  std::vector<float> scale(static_cast<std::size_t>(vocabulary));
  for (std::size_t t = 0; t < scale.size(); ++t) {
    const double df = documentFrequency[t];
    scale[t] = static_cast<float>(std::log(1 + (n - df + 0.5) / (df + 0.5)) / maxIdf);
  }
  const auto& tokenizer = model.tokenizer();
  for (const auto special : {tokenizer.clsId(), tokenizer.sepId(), tokenizer.padId()})
    if (special >= 0 && special < vocabulary)
      scale[static_cast<std::size_t>(special)] = 0;

  torch::NoGradGuard noGrad;
  auto generator = at::detail::createCPUGenerator(seed ^ 0x9e3779b97f4a7c15ULL);
  const auto hidden = model.config().hiddenSize;
  const auto directions = torch::randn({vocabulary, hidden}, generator, torch::kFloat32);
  const auto lengths = torch::from_blob(scale.data(), {vocabulary, 1}, torch::kFloat32).clone();
  for (auto& [name, tensor] : model.namedParameters()) {
    if (name == "embeddings.word_embeddings.weight")
      tensor.copy_((directions * lengths).to(tensor.device()));
    else if (name == "embeddings.position_embeddings.weight" || name == "embeddings.token_type_embeddings.weight")
      tensor.zero_();
    else if (name.find(".attention.output.dense.") != std::string::npos ||
             (name.find(".output.dense.") != std::string::npos && name.find("attention") == std::string::npos))
      tensor.zero_(); // a layer's residual branches start at zero: the layer passes its input through
  }
}

std::shared_ptr<StudentModel> untrainedStudent(const std::vector<std::string>& passages,
                                               const DefaultStudentOptions& options) {
  if (passages.empty())
    throw InputError("the corpus has no passages to train the default student on");
  text::WordPieceTokenizer tokenizer(text::learnWordPieceVocabulary(passages, options.vocabularySize));
  const auto config = defaultConfig(options, tokenizer.vocabularySize());
  return StudentModel::createRandom(config, std::move(tokenizer), options.seed, defaultDevice());
}

std::vector<std::int64_t> crop(const std::vector<std::int64_t>& tokens, std::int64_t length, std::mt19937_64& random,
                               std::int64_t cls, std::int64_t sep) {
  const auto n = static_cast<std::int64_t>(tokens.size());
  length = std::clamp<std::int64_t>(length, 1, n);
  const auto start = std::uniform_int_distribution<std::int64_t>(0, n - length)(random);
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(length + 2));
  out.push_back(cls);
  out.insert(out.end(), tokens.begin() + start, tokens.begin() + start + length);
  out.push_back(sep);
  return out;
}

} // namespace

void saveRandomStudent(const std::vector<std::string>& passages, const std::filesystem::path& directory,
                       const DefaultStudentOptions& options) {
  auto randomOptions = options;
  randomOptions.lexicalStart = false;
  auto model = untrainedStudent(passages, randomOptions);
  model->save(directory);
}

DefaultStudentReport trainDefaultStudent(const std::vector<std::string>& passages,
                                         const std::filesystem::path& directory, const DefaultStudentOptions& options) {
  const double started = monotonicSeconds();
  if (options.threads > 0)
    torch::set_num_threads(options.threads);
  torch::manual_seed(options.seed); // dropout draws from the global generator
  auto model = untrainedStudent(passages, options);
  const auto& tokenizer = model->tokenizer();
  const auto cls = tokenizer.clsId(), sep = tokenizer.sepId();
  const auto bodyLimit = std::min(options.maxLength - 2, options.keyMaxTokens);

  auto bodies = tokenBodies(tokenizer, passages);
  if (options.lexicalStart)
    applyLexicalStart(*model, bodies, options.seed);
  // Passages too short to crop twice are left out of the warm start.
  std::erase_if(bodies, [](const auto& body) { return body.size() < 3; });
  if (bodies.size() < 2)
    throw InputError("the corpus has fewer than two passages with text; the default student needs more");

  std::mt19937_64 random(options.seed);
  const auto batchSize = static_cast<std::size_t>(std::min<std::size_t>(options.batchSize, bodies.size()));
  TrainingSchedule schedule;
  schedule.totalSteps = options.steps;
  schedule.learningRate = options.learningRate;
  schedule.warmupFraction = 0.1;
  schedule.weightDecay = 0.01;
  TrainingLoop loop(model->parameters(), schedule);

  std::vector<std::size_t> order(bodies.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::size_t cursor = order.size();
  DefaultStudentReport result;
  std::deque<double> recent;
  for (int step = 0; step < options.steps; ++step) {
    throwIfStopped(options.stop);
    // Independent cropping: a short query-like span and a longer passage-like span of the same passage.
    std::vector<std::vector<std::int64_t>> queries, keys;
    for (std::size_t b = 0; b < batchSize; ++b) {
      if (cursor >= order.size()) {
        std::shuffle(order.begin(), order.end(), random);
        cursor = 0;
      }
      const auto& body = bodies[order[cursor++]];
      const auto n = static_cast<std::int64_t>(body.size());
      const auto queryLength =
          std::uniform_int_distribution<std::int64_t>(options.cropMinTokens, options.cropMaxTokens)(random);
      const auto keyMax = std::min<std::int64_t>(n, bodyLimit);
      const auto keyMin = std::min<std::int64_t>(keyMax, std::max<std::int64_t>(queryLength, n / 2));
      const auto keyLength = std::uniform_int_distribution<std::int64_t>(keyMin, keyMax)(random);
      queries.push_back(crop(body, std::min(queryLength, n), random, cls, sep));
      keys.push_back(crop(body, std::max<std::int64_t>(1, std::min(keyLength, n)), random, cls, sep));
    }
    const auto loss =
        inBatchInfoNce(model->embedTokenized(queries, true), model->embedTokenized(keys, true), options.temperature);
    const double value = loop.step(loss);
    if (step == 0)
      result.firstLoss = value;
    recent.push_back(value);
    if (recent.size() > 20)
      recent.pop_front();
    ++result.steps;
    if (step % 10 == 0 || step + 1 == options.steps)
      report(options.progress, {"train default student", step + 1, options.steps, "loss " + std::to_string(value)});
  }
  result.lastLoss = recent.empty() ? 0 : std::accumulate(recent.begin(), recent.end(), 0.0) / double(recent.size());
  throwIfStopped(options.stop);
  model->setName("default");
  model->save(directory);
  result.seconds = monotonicSeconds() - started;
  return result;
}

} // namespace distillery::model
