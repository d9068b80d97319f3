#pragma once
// The student as a libtorch network, for code that trains it (core/model, core/pipeline .cpp files only:
// this header includes torch). A BERT-family encoder in Hugging Face tensor naming, loaded from and saved
// to a model directory (config.json, model.safetensors, tokenizer, sentence-transformers files).
#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/model/BertConfig.h"
#include "core/model/EncoderFactory.h"
#include "core/model/TextEncoder.h"
#include "core/text/WordPieceTokenizer.h"

namespace distillery::model {

class StudentModel {
public:
  /// Loads a model directory; tensor names and shapes are checked against config.json.
  static std::shared_ptr<StudentModel> load(const std::filesystem::path& directory,
                                            torch::Device device = torch::Device(torch::kCPU));
  /// Loads what a spec names (directory, `default`, `model:<id>`), see EncoderFactory.h.
  static std::shared_ptr<StudentModel> open(const std::string& spec, const EncoderContext& context,
                                            torch::Device device = torch::Device(torch::kCPU));
  /// A freshly initialised network (BERT's init: normal(0, 0.02), LayerNorm 1/0), seeded.
  static std::shared_ptr<StudentModel> createRandom(const BertConfig& config, text::WordPieceTokenizer tokenizer,
                                                    std::uint64_t seed,
                                                    torch::Device device = torch::Device(torch::kCPU));

  /// L2-normalised embeddings [texts, hidden]; with train true dropout is on and autograd records the graph.
  torch::Tensor embed(const std::vector<std::string>& texts, TextRole role, bool train, int maxLength = 256);
  /// As embed(), over already tokenised rows (ids with [CLS]/[SEP]).
  torch::Tensor embedTokenized(const std::vector<std::vector<std::int64_t>>& rows, bool train);
  /// For a model without transformer layers whose position embeddings are all zero: what embedTokenized() gives
  /// (mean pooling, dropout off), computed as one embedding_bag over the LayerNorm'd rows of the tokens the batch
  /// uses, so long texts cost no padding and no [batch, length, hidden] activations; autograd records the graph.
  /// Throws Error for any other model, where the two would differ.
  torch::Tensor embedTokenBags(const std::vector<std::vector<std::int64_t>>& rows);
  /// Last hidden states [batch, length, hidden] for ids/mask [batch, length] (int64, on device()).
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask, bool train);
  /// Pools and L2-normalises hidden states as the config says.
  torch::Tensor pool(const torch::Tensor& hidden, const torch::Tensor& mask) const;

  /// Fast inference: length-sorted batches, dynamic padding, InferenceMode, progress and stop token.
  std::vector<float> encode(const std::vector<std::string>& texts, TextRole role, const EncodeOptions& options);

  /// Trainable tensors in HF naming, in a stable order.
  const std::vector<std::pair<std::string, torch::Tensor>>& namedParameters() const { return parameters_; }
  std::vector<torch::Tensor> parameters() const;
  /// What fine-tuning should update: every tensor, except for a bag of tokens (mean pooling, no layers, zero
  /// positions: the default student), where only the token vectors are. There the norm's bias, the type row and
  /// the positions would add one shared vector to every text and wash out the lexical geometry (measured on the
  /// demo: every epoch lowered dev NDCG@5, whatever the learning rate); the warm start trains the same tensor.
  std::vector<torch::Tensor> fineTunedParameters() const;
  /// A deep copy (own tensors, same device), e.g. the base model kept for weight averaging.
  std::shared_ptr<StudentModel> clone() const;
  /// Writes the directory in the export layout; reloading gives bit-identical weights.
  void save(const std::filesystem::path& directory) const;
  void to(torch::Device device);

  const BertConfig& config() const { return config_; }
  BertConfig& mutableConfig() { return config_; } // prefixes and pooling before save()
  const text::WordPieceTokenizer& tokenizer() const { return tokenizer_; }
  torch::Device device() const { return device_; }
  const std::string& name() const { return name_; }
  void setName(std::string name) { name_ = std::move(name); }
  std::string applyPrefix(const std::string& text, TextRole role) const;

private:
  StudentModel(BertConfig config, text::WordPieceTokenizer tokenizer, torch::Device device);
  void bindLayers(); // resolves the per-layer tensor handles from parameters_
  torch::Tensor& parameter(const std::string& name);

  struct Layer {
    torch::Tensor queryWeight, queryBias, keyWeight, keyBias, valueWeight, valueBias;
    torch::Tensor attentionOutWeight, attentionOutBias, attentionNormWeight, attentionNormBias;
    torch::Tensor intermediateWeight, intermediateBias, outputWeight, outputBias, outputNormWeight, outputNormBias;
  };

  /// One padded batch through the network and pooled (embedTokenized splits long batches into length buckets).
  torch::Tensor embedPadded(const std::vector<std::vector<std::int64_t>>& rows, bool train);
  static constexpr std::size_t kRowsPerLengthBucket = 16;

  /// The weights encode() computes with, prepared once per call (the inference path's fused Q/K/V).
  struct InferenceLayer {
    torch::Tensor qkvWeight, qkvBias;
  };
  std::vector<InferenceLayer> inferenceLayers() const;
  /// forward() for inference: no autograd, no dropout, the products as addmm over all tokens, in-place residuals.
  torch::Tensor forwardInference(const torch::Tensor& ids, const torch::Tensor& mask,
                                 const std::vector<InferenceLayer>& prepared) const;

  bool positionsAreZero() const; // a token's vector then does not depend on where it stands

  BertConfig config_;
  text::WordPieceTokenizer tokenizer_;
  torch::Device device_;
  std::string name_;
  std::vector<std::pair<std::string, torch::Tensor>> parameters_;
  std::vector<std::pair<std::string, torch::Tensor>> passthrough_; // e.g. pooler weights: kept, saved, unused
  torch::Tensor wordEmbeddings_, positionEmbeddings_, typeEmbeddings_, embeddingNormWeight_, embeddingNormBias_;
  std::vector<Layer> layers_;
};

/// The TextEncoder view of a student (shares the network).
std::unique_ptr<TextEncoder> makeTextEncoder(std::shared_ptr<StudentModel> model);

/// The device the workbench computes on: CUDA when this libtorch has it, else the CPU.
torch::Device defaultDevice();

} // namespace distillery::model
