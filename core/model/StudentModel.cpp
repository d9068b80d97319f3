#include "core/model/StudentModel.h"

#include "core/model/HeapTuning.h"
#include "core/model/Safetensors.h"
#include "core/util/Error.h"
#include "core/util/Progress.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <thread>

namespace distillery::model {
namespace {

using Shape = std::vector<std::int64_t>;

std::vector<std::pair<std::string, Shape>> expectedTensors(const BertConfig& c) {
  const auto h = c.hiddenSize, i = c.intermediateSize;
  std::vector<std::pair<std::string, Shape>> out{
      {"embeddings.word_embeddings.weight", {c.vocabSize, h}},
      {"embeddings.position_embeddings.weight", {c.maxPositions, h}},
      {"embeddings.token_type_embeddings.weight", {c.typeVocabSize, h}},
      {"embeddings.LayerNorm.weight", {h}},
      {"embeddings.LayerNorm.bias", {h}},
  };
  for (std::int64_t layer = 0; layer < c.layers; ++layer) {
    const std::string p = "encoder.layer." + std::to_string(layer) + ".";
    for (const char* projection : {"query", "key", "value"}) {
      out.push_back({p + "attention.self." + projection + ".weight", {h, h}});
      out.push_back({p + "attention.self." + projection + ".bias", {h}});
    }
    out.push_back({p + "attention.output.dense.weight", {h, h}});
    out.push_back({p + "attention.output.dense.bias", {h}});
    out.push_back({p + "attention.output.LayerNorm.weight", {h}});
    out.push_back({p + "attention.output.LayerNorm.bias", {h}});
    out.push_back({p + "intermediate.dense.weight", {i, h}});
    out.push_back({p + "intermediate.dense.bias", {i}});
    out.push_back({p + "output.dense.weight", {h, i}});
    out.push_back({p + "output.dense.bias", {h}});
    out.push_back({p + "output.LayerNorm.weight", {h}});
    out.push_back({p + "output.LayerNorm.bias", {h}});
  }
  return out;
}

// Tensors some checkpoints carry that the encoder does not use: kept (pooler) or ignored (buffers).
bool isIgnoredBuffer(const std::string& name) {
  return name == "embeddings.position_ids";
}

// HF checkpoints of BertForX prefix the encoder with "bert."; very old ones name LayerNorm gamma/beta.
std::string canonicalName(std::string name) {
  if (name.rfind("bert.", 0) == 0)
    name.erase(0, 5);
  auto replaceSuffix = [&](const std::string& from, const std::string& to) {
    if (name.size() > from.size() && name.compare(name.size() - from.size(), from.size(), from) == 0 &&
        name.find("LayerNorm") != std::string::npos)
      name.replace(name.size() - from.size(), from.size(), to);
  };
  replaceSuffix(".gamma", ".weight");
  replaceSuffix(".beta", ".bias");
  return name;
}

std::string shapeText(const Shape& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

torch::Tensor activation(const torch::Tensor& x, const std::string& kind) {
  if (kind == "relu")
    return torch::relu(x);
  if (kind == "gelu_new" || kind == "gelu_pytorch_tanh")
    return torch::gelu(x, "tanh");
  return torch::gelu(x);
}

// 0 means all cores, unless OMP_NUM_THREADS says otherwise (as every OpenMP program honours it).
int resolveThreads(int requested) {
  if (requested > 0)
    return requested;
  if (const char* omp = std::getenv("OMP_NUM_THREADS"); omp && std::atoi(omp) > 0)
    return std::atoi(omp);
  return std::max(1u, std::thread::hardware_concurrency());
}

class StudentTextEncoder : public TextEncoder {
public:
  explicit StudentTextEncoder(std::shared_ptr<StudentModel> model) : model_(std::move(model)) {}
  std::string name() const override { return model_->name(); }
  int dimension() const override { return static_cast<int>(model_->config().hiddenSize); }
  std::vector<float> encode(const std::vector<std::string>& texts, TextRole role,
                            const EncodeOptions& options) override {
    return model_->encode(texts, role, options);
  }

private:
  std::shared_ptr<StudentModel> model_;
};

} // namespace

torch::Device defaultDevice() {
  return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

StudentModel::StudentModel(BertConfig config, text::WordPieceTokenizer tokenizer, torch::Device device)
    : config_(std::move(config)), tokenizer_(std::move(tokenizer)), device_(device) {}

std::shared_ptr<StudentModel> StudentModel::load(const std::filesystem::path& directory, torch::Device device) {
  auto config = BertConfig::load(directory);
  auto tokenizer = text::WordPieceTokenizer::fromPath(directory);
  if (tokenizer.vocabularySize() > config.vocabSize)
    throw InputError(directory.string() + ": tokenizer has " + std::to_string(tokenizer.vocabularySize()) +
                     " tokens but config.json vocab_size is " + std::to_string(config.vocabSize));
  const auto weightsPath = directory / "model.safetensors";
  if (!std::filesystem::exists(weightsPath))
    throw InputError(directory.string() + ": no model.safetensors (pytorch_model.bin is not supported; convert it)");
  const auto file = SafetensorsFile::read(weightsPath);

  std::map<std::string, std::string> fileNameOf; // canonical -> name in the file
  for (const auto& [name, entry] : file.entries()) {
    const auto canonical = canonicalName(name);
    if (!fileNameOf.emplace(canonical, name).second)
      throw InputError(weightsPath.string() + ": tensor " + name + " appears twice (with and without prefix)");
  }
  const auto expected = expectedTensors(config);
  std::map<std::string, Shape> expectedShapes(expected.begin(), expected.end());
  expectedShapes.emplace("pooler.dense.weight", Shape{config.hiddenSize, config.hiddenSize});
  expectedShapes.emplace("pooler.dense.bias", Shape{config.hiddenSize});
  for (const auto& [canonical, name] : fileNameOf)
    if (!expectedShapes.count(canonical) && !isIgnoredBuffer(canonical))
      throw InputError(weightsPath.string() + ": unexpected tensor " + name + " for a " +
                       std::to_string(config.layers) + "-layer BERT (config.json)");

  std::shared_ptr<StudentModel> model(new StudentModel(config, std::move(tokenizer), device));
  model->name_ =
      directory.filename().empty() ? directory.parent_path().filename().string() : directory.filename().string();
  auto loadTensor = [&](const std::string& canonical, const Shape& shape) {
    const auto& name = fileNameOf.at(canonical);
    const auto& entry = file.entry(name);
    if (entry.shape != shape)
      throw InputError(weightsPath.string() + ": tensor " + name + " has shape " + shapeText(entry.shape) +
                       ", config.json implies " + shapeText(shape));
    auto values = file.toFloat32(name);
    return torch::from_blob(values.data(), shape, torch::kFloat32).clone().to(device);
  };
  for (const auto& [canonical, shape] : expected) {
    if (!fileNameOf.count(canonical))
      throw InputError(weightsPath.string() + ": missing tensor " + canonical);
    model->parameters_.emplace_back(canonical, loadTensor(canonical, shape).requires_grad_(true));
  }
  for (const char* canonical : {"pooler.dense.weight", "pooler.dense.bias"})
    if (fileNameOf.count(canonical))
      model->passthrough_.emplace_back(canonical, loadTensor(canonical, expectedShapes.at(canonical)));
  model->bindLayers();
  return model;
}

std::shared_ptr<StudentModel> StudentModel::open(const std::string& spec, const EncoderContext& context,
                                                 torch::Device device) {
  return load(resolveModelDirectory(spec, context), device);
}

std::shared_ptr<StudentModel> StudentModel::createRandom(const BertConfig& config, text::WordPieceTokenizer tokenizer,
                                                         std::uint64_t seed, torch::Device device) {
  config.validate("model config");
  std::shared_ptr<StudentModel> model(new StudentModel(config, std::move(tokenizer), device));
  auto generator = at::detail::createCPUGenerator(seed);
  for (const auto& [name, shape] : expectedTensors(config)) {
    torch::Tensor tensor;
    const bool isNorm = name.find("LayerNorm") != std::string::npos;
    const bool isBias = name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    if (isNorm && !isBias)
      tensor = torch::ones(shape);
    else if (isBias)
      tensor = torch::zeros(shape);
    else
      tensor = torch::randn(shape, generator, torch::kFloat32) * 0.02;
    model->parameters_.emplace_back(name, tensor.to(device).requires_grad_(true));
  }
  model->name_ = "random";
  model->bindLayers();
  return model;
}

torch::Tensor& StudentModel::parameter(const std::string& name) {
  for (auto& [n, tensor] : parameters_)
    if (n == name)
      return tensor;
  throw Error("student has no parameter " + name);
}

void StudentModel::bindLayers() {
  wordEmbeddings_ = parameter("embeddings.word_embeddings.weight");
  positionEmbeddings_ = parameter("embeddings.position_embeddings.weight");
  typeEmbeddings_ = parameter("embeddings.token_type_embeddings.weight");
  embeddingNormWeight_ = parameter("embeddings.LayerNorm.weight");
  embeddingNormBias_ = parameter("embeddings.LayerNorm.bias");
  layers_.clear();
  for (std::int64_t i = 0; i < config_.layers; ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    Layer l;
    l.queryWeight = parameter(p + "attention.self.query.weight");
    l.queryBias = parameter(p + "attention.self.query.bias");
    l.keyWeight = parameter(p + "attention.self.key.weight");
    l.keyBias = parameter(p + "attention.self.key.bias");
    l.valueWeight = parameter(p + "attention.self.value.weight");
    l.valueBias = parameter(p + "attention.self.value.bias");
    l.attentionOutWeight = parameter(p + "attention.output.dense.weight");
    l.attentionOutBias = parameter(p + "attention.output.dense.bias");
    l.attentionNormWeight = parameter(p + "attention.output.LayerNorm.weight");
    l.attentionNormBias = parameter(p + "attention.output.LayerNorm.bias");
    l.intermediateWeight = parameter(p + "intermediate.dense.weight");
    l.intermediateBias = parameter(p + "intermediate.dense.bias");
    l.outputWeight = parameter(p + "output.dense.weight");
    l.outputBias = parameter(p + "output.dense.bias");
    l.outputNormWeight = parameter(p + "output.LayerNorm.weight");
    l.outputNormBias = parameter(p + "output.LayerNorm.bias");
    layers_.push_back(std::move(l));
  }
}

torch::Tensor StudentModel::forward(const torch::Tensor& ids, const torch::Tensor& mask, bool train) {
  const auto batch = ids.size(0), length = ids.size(1), hidden = config_.hiddenSize;
  const auto heads = config_.heads, headSize = hidden / heads;
  if (length > config_.maxPositions)
    throw InputError("sequence of " + std::to_string(length) + " tokens exceeds max_position_embeddings " +
                     std::to_string(config_.maxPositions));
  const double eps = config_.layerNormEps;
  auto dropout = [&](const torch::Tensor& x, double p) { return train && p > 0 ? torch::dropout(x, p, true) : x; };

  auto x = torch::embedding(wordEmbeddings_, ids) + positionEmbeddings_.narrow(0, 0, length).unsqueeze(0) +
           typeEmbeddings_[0];
  x = dropout(torch::layer_norm(x, {hidden}, embeddingNormWeight_, embeddingNormBias_, eps), config_.hiddenDropout);
  // Padding keys get a large negative score, so softmax gives them no weight.
  const auto additiveMask = ((1.0 - mask.to(x.dtype())) * -1e9).view({batch, 1, 1, length}); // [batch, 1, 1, keys]
  const double scale = 1.0 / std::sqrt(static_cast<double>(headSize));
  for (const auto& l : layers_) {
    const auto qkvWeight = torch::cat({l.queryWeight, l.keyWeight, l.valueWeight}, 0);
    const auto qkvBias = torch::cat({l.queryBias, l.keyBias, l.valueBias}, 0);
    const auto qkv =
        torch::linear(x, qkvWeight, qkvBias).view({batch, length, 3, heads, headSize}).permute({2, 0, 3, 1, 4});
    const auto query = qkv[0], key = qkv[1], value = qkv[2]; // [batch, heads, length, headSize]
    auto scores = torch::matmul(query * scale, key.transpose(-1, -2)) + additiveMask;
    auto probabilities = dropout(torch::softmax(scores, -1), config_.attentionDropout);
    const auto context = torch::matmul(probabilities, value).permute({0, 2, 1, 3}).reshape({batch, length, hidden});
    const auto attended =
        dropout(torch::linear(context, l.attentionOutWeight, l.attentionOutBias), config_.hiddenDropout);
    x = torch::layer_norm(attended + x, {hidden}, l.attentionNormWeight, l.attentionNormBias, eps);
    const auto intermediate = activation(torch::linear(x, l.intermediateWeight, l.intermediateBias), config_.hiddenAct);
    const auto output = dropout(torch::linear(intermediate, l.outputWeight, l.outputBias), config_.hiddenDropout);
    x = torch::layer_norm(output + x, {hidden}, l.outputNormWeight, l.outputNormBias, eps);
  }
  return x;
}

std::vector<StudentModel::InferenceLayer> StudentModel::inferenceLayers() const {
  const double scale = 1.0 / std::sqrt(static_cast<double>(config_.hiddenSize / config_.heads));
  std::vector<InferenceLayer> prepared;
  prepared.reserve(layers_.size());
  for (const auto& l : layers_) {
    // One product for Q, K and V; the query rows carry the 1/sqrt(head size) of the scores, which saves a pass
    // over every score matrix.
    prepared.push_back({torch::cat({l.queryWeight * scale, l.keyWeight, l.valueWeight}, 0),
                        torch::cat({l.queryBias * scale, l.keyBias, l.valueBias}, 0)});
  }
  return prepared;
}

torch::Tensor StudentModel::forwardInference(const torch::Tensor& ids, const torch::Tensor& mask,
                                             const std::vector<InferenceLayer>& prepared) const {
  // forward() without autograd or dropout, shaped for the CPU: tokens as rows of one matrix, so that every product
  // is a single addmm with its bias, residuals added in place, the scores' mask added in place.
  const auto batch = ids.size(0), length = ids.size(1), hidden = config_.hiddenSize;
  const auto heads = config_.heads, headSize = hidden / heads;
  if (length > config_.maxPositions)
    throw InputError("sequence of " + std::to_string(length) + " tokens exceeds max_position_embeddings " +
                     std::to_string(config_.maxPositions));
  const double eps = config_.layerNormEps;
  auto x = torch::embedding(wordEmbeddings_, ids);
  x.add_(positionEmbeddings_.narrow(0, 0, length).unsqueeze(0)).add_(typeEmbeddings_[0]);
  x = torch::layer_norm(x, {hidden}, embeddingNormWeight_, embeddingNormBias_, eps).view({batch * length, hidden});
  const auto additiveMask = ((1.0 - mask.to(x.dtype())) * -1e9).view({batch, 1, 1, length});
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const auto& l = layers_[i];
    const auto qkv = torch::addmm(prepared[i].qkvBias, x, prepared[i].qkvWeight.t())
                         .view({batch, length, 3, heads, headSize})
                         .permute({2, 0, 3, 1, 4}); // [3, batch, heads, length, headSize]
    auto scores = torch::matmul(qkv[0], qkv[1].transpose(-1, -2));
    scores.add_(additiveMask);
    const auto context =
        torch::matmul(torch::softmax(scores, -1), qkv[2]).transpose(1, 2).reshape({batch * length, hidden});
    auto attended = torch::addmm(l.attentionOutBias, context, l.attentionOutWeight.t());
    x = torch::layer_norm(attended.add_(x), {hidden}, l.attentionNormWeight, l.attentionNormBias, eps);
    const auto intermediate =
        activation(torch::addmm(l.intermediateBias, x, l.intermediateWeight.t()), config_.hiddenAct);
    auto output = torch::addmm(l.outputBias, intermediate, l.outputWeight.t());
    x = torch::layer_norm(output.add_(x), {hidden}, l.outputNormWeight, l.outputNormBias, eps);
  }
  return x.view({batch, length, hidden});
}

torch::Tensor StudentModel::pool(const torch::Tensor& hidden, const torch::Tensor& mask) const {
  torch::Tensor pooled;
  if (config_.pooling == Pooling::Cls) {
    pooled = hidden.select(1, 0);
  } else {
    const auto weights = mask.to(hidden.dtype()).unsqueeze(-1);
    pooled = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0);
  }
  return torch::nn::functional::normalize(pooled, torch::nn::functional::NormalizeFuncOptions().p(2).dim(1));
}

std::string StudentModel::applyPrefix(const std::string& text, TextRole role) const {
  return (role == TextRole::Query ? config_.queryPrefix : config_.passagePrefix) + text;
}

torch::Tensor StudentModel::embedTokenized(const std::vector<std::vector<std::int64_t>>& rows, bool train) {
  keepTensorBuffersInTheHeap();
  if (layers_.empty() || rows.size() <= static_cast<std::size_t>(kRowsPerLengthBucket))
    return embedPadded(rows, train);
  // A training batch mixes a 20-token query with 256-token passages: padded together, every row would pay for the
  // longest in attention and in every product. Rows of similar length go through the network together instead,
  // and the pooled rows come back in the caller's order (autograd follows the gather).
  std::vector<std::int64_t> order(rows.size());
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::int64_t a, std::int64_t b) { return rows[a].size() > rows[b].size(); });
  std::vector<torch::Tensor> pooled;
  std::vector<std::vector<std::int64_t>> bucket;
  for (std::size_t start = 0; start < order.size(); start += kRowsPerLengthBucket) {
    bucket.clear();
    for (auto i = start; i < std::min(order.size(), start + kRowsPerLengthBucket); ++i)
      bucket.push_back(rows[static_cast<std::size_t>(order[i])]);
    pooled.push_back(embedPadded(bucket, train));
  }
  std::vector<std::int64_t> positionOf(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    positionOf[static_cast<std::size_t>(order[i])] = static_cast<std::int64_t>(i);
  const auto positions =
      torch::from_blob(positionOf.data(), {static_cast<std::int64_t>(positionOf.size())}, torch::kInt64)
          .to(device_, /*non_blocking=*/false, /*copy=*/true);
  return torch::cat(pooled).index_select(0, positions);
}

torch::Tensor StudentModel::embedPadded(const std::vector<std::vector<std::int64_t>>& rows, bool train) {
  const auto batch = tokenizer_.pad(rows);
  const auto cpu = torch::TensorOptions().dtype(torch::kInt64);
  auto ids =
      torch::from_blob(const_cast<std::int64_t*>(batch.ids.data()), {batch.rows, batch.columns}, cpu).to(device_);
  auto mask = torch::from_blob(const_cast<std::int64_t*>(batch.attentionMask.data()), {batch.rows, batch.columns}, cpu)
                  .to(device_);
  if (device_.is_cpu()) { // from_blob does not own the vectors' memory
    ids = ids.clone();
    mask = mask.clone();
  }
  if (train)
    return pool(forward(ids, mask, true), mask);
  torch::NoGradGuard noGrad;
  return pool(forward(ids, mask, false), mask);
}

torch::Tensor StudentModel::embedTokenBags(const std::vector<std::vector<std::int64_t>>& rows) {
  if (!layers_.empty() || config_.pooling != Pooling::Mean)
    throw Error("token bags need a mean-pooled model without transformer layers; this one has " +
                std::to_string(layers_.size()));
  if (!positionsAreZero())
    throw Error("token bags need zero position embeddings: a token's vector would depend on its position");
  // Only the rows the batch uses go through the LayerNorm, each once; the bags index into that subset.
  std::vector<std::int64_t> used;
  for (const auto& row : rows)
    used.insert(used.end(), row.begin(), row.end());
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  std::vector<std::int64_t> flat, offsets;
  offsets.reserve(rows.size());
  for (const auto& row : rows) {
    offsets.push_back(static_cast<std::int64_t>(flat.size()));
    for (const auto id : row)
      flat.push_back(std::lower_bound(used.begin(), used.end(), id) - used.begin());
  }
  const auto cpu = torch::TensorOptions().dtype(torch::kInt64);
  auto toDevice = [&](std::vector<std::int64_t>& values) {
    return torch::from_blob(values.data(), {static_cast<std::int64_t>(values.size())}, cpu).clone().to(device_);
  };
  const auto usedIds = toDevice(used), indices = toDevice(flat), bagOffsets = toDevice(offsets);
  // forward() adds the (zero) position row and the type-0 row to each token before its LayerNorm: the same here.
  const auto tokens =
      torch::layer_norm(torch::index_select(wordEmbeddings_, 0, usedIds) + typeEmbeddings_[0], {config_.hiddenSize},
                        embeddingNormWeight_, embeddingNormBias_, config_.layerNormEps);
  const auto pooled = std::get<0>(torch::embedding_bag(tokens, indices, bagOffsets, /*scale_grad_by_freq=*/false,
                                                       /*mode=mean*/ 1));
  return torch::nn::functional::normalize(pooled, torch::nn::functional::NormalizeFuncOptions().p(2).dim(1));
}

torch::Tensor StudentModel::embed(const std::vector<std::string>& texts, TextRole role, bool train, int maxLength) {
  const int limit = static_cast<int>(std::min<std::int64_t>(maxLength > 0 ? maxLength : config_.maxSequenceLength,
                                                            std::min(config_.maxSequenceLength, config_.maxPositions)));
  std::vector<std::vector<std::int64_t>> rows;
  rows.reserve(texts.size());
  for (const auto& text : texts)
    rows.push_back(tokenizer_.encodeIds(applyPrefix(text, role), limit));
  return embedTokenized(rows, train);
}

std::vector<float> StudentModel::encode(const std::vector<std::string>& texts, TextRole role,
                                        const EncodeOptions& options) {
  const auto dimension = config_.hiddenSize;
  EncodeStatistics ownStatistics;
  EncodeStatistics& statistics = options.statistics ? *options.statistics : ownStatistics;
  statistics = {};
  statistics.texts = static_cast<std::int64_t>(texts.size());
  std::vector<float> result;
  if (!options.rowSink)
    result.assign(texts.size() * static_cast<std::size_t>(dimension), 0.0f);
  if (texts.empty())
    return result;
  keepTensorBuffersInTheHeap();
  statistics.threads = resolveThreads(options.threads);
  torch::set_num_threads(statistics.threads);
  const int limit = static_cast<int>(std::min<std::int64_t>(options.maxLength > 0 ? options.maxLength : 512,
                                                            std::min(config_.maxSequenceLength, config_.maxPositions)));
  const std::int64_t batchSize = std::max(1, options.batchSize);

  // Tokenising is a noticeable share of the time: spread it over the same threads.
  std::vector<std::vector<std::int64_t>> tokenized(texts.size());
  at::parallel_for(0, static_cast<std::int64_t>(texts.size()), 64, [&](std::int64_t begin, std::int64_t end) {
    for (auto i = begin; i < end; ++i)
      tokenized[static_cast<std::size_t>(i)] =
          tokenizer_.encodeIds(applyPrefix(texts[static_cast<std::size_t>(i)], role), limit);
  });
  // Longest first: similar lengths share a batch (little padding) and peak memory shows up at once.
  std::vector<std::size_t> order(texts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return tokenized[a].size() > tokenized[b].size(); });

  c10::InferenceMode inference;
  const auto prepared = inferenceLayers();
  std::vector<std::vector<std::int64_t>> rows;
  for (std::size_t start = 0; start < order.size(); start += static_cast<std::size_t>(batchSize)) {
    throwIfStopped(options.stop);
    const auto end = std::min(order.size(), start + static_cast<std::size_t>(batchSize));
    rows.clear();
    for (auto i = start; i < end; ++i)
      rows.push_back(std::move(tokenized[order[i]]));
    const auto batch = tokenizer_.pad(rows);
    statistics.batches += 1;
    statistics.realTokens += batch.realTokens;
    statistics.computedTokens += batch.rows * batch.columns;
    statistics.attentionPairs += batch.rows * batch.columns * batch.columns;
    const auto cpu = torch::TensorOptions().dtype(torch::kInt64);
    const auto ids = torch::from_blob(const_cast<std::int64_t*>(batch.ids.data()), {batch.rows, batch.columns}, cpu)
                         .to(device_, /*non_blocking=*/false, /*copy=*/true);
    const auto mask =
        torch::from_blob(const_cast<std::int64_t*>(batch.attentionMask.data()), {batch.rows, batch.columns}, cpu)
            .to(device_, false, true);
    const auto embeddings = pool(forwardInference(ids, mask, prepared), mask).to(torch::kCPU).contiguous();
    const float* values = embeddings.data_ptr<float>();
    for (auto i = start; i < end; ++i) {
      const float* row = values + (i - start) * static_cast<std::size_t>(dimension);
      if (options.rowSink)
        options.rowSink(order[i], row);
      else
        std::copy(row, row + dimension, result.begin() + static_cast<std::ptrdiff_t>(order[i] * dimension));
    }
    report(options.progress, {"embed", static_cast<std::int64_t>(end), static_cast<std::int64_t>(order.size()), ""});
  }
  return result;
}

std::vector<torch::Tensor> StudentModel::parameters() const {
  std::vector<torch::Tensor> out;
  out.reserve(parameters_.size());
  for (const auto& [name, tensor] : parameters_)
    out.push_back(tensor);
  return out;
}

std::vector<torch::Tensor> StudentModel::fineTunedParameters() const {
  const bool tokenBag = layers_.empty() && config_.pooling == Pooling::Mean && positionsAreZero();
  if (!tokenBag)
    return parameters();
  return {wordEmbeddings_};
}

bool StudentModel::positionsAreZero() const {
  torch::NoGradGuard noGrad;
  return positionEmbeddings_.abs().max().item<float>() == 0.0f;
}

std::shared_ptr<StudentModel> StudentModel::clone() const {
  std::shared_ptr<StudentModel> copy(new StudentModel(config_, tokenizer_, device_));
  copy->name_ = name_;
  for (const auto& [name, tensor] : parameters_)
    copy->parameters_.emplace_back(name, tensor.detach().clone().requires_grad_(tensor.requires_grad()));
  for (const auto& [name, tensor] : passthrough_)
    copy->passthrough_.emplace_back(name, tensor.detach().clone());
  copy->bindLayers();
  return copy;
}

void StudentModel::to(torch::Device device) {
  for (auto& [name, tensor] : parameters_)
    tensor = tensor.detach().to(device).requires_grad_(tensor.requires_grad());
  for (auto& [name, tensor] : passthrough_)
    tensor = tensor.to(device);
  device_ = device;
  bindLayers();
}

void StudentModel::save(const std::filesystem::path& directory) const {
  std::filesystem::create_directories(directory);
  BertConfig config = config_;
  config.vocabSize = wordEmbeddings_.size(0);
  config.save(directory);
  tokenizer_.save(directory);
  std::vector<torch::Tensor> keepAlive;
  std::vector<SafetensorsTensorView> views;
  auto add = [&](const std::string& name, const torch::Tensor& tensor) {
    keepAlive.push_back(tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous());
    views.push_back({name, keepAlive.back().sizes().vec(), keepAlive.back().data_ptr<float>()});
  };
  for (const auto& [name, tensor] : parameters_)
    add(name, tensor);
  for (const auto& [name, tensor] : passthrough_)
    add(name, tensor);
  writeSafetensors(directory / "model.safetensors", views);
}

std::unique_ptr<TextEncoder> makeTextEncoder(std::shared_ptr<StudentModel> model) {
  return std::make_unique<StudentTextEncoder>(std::move(model));
}

} // namespace distillery::model
