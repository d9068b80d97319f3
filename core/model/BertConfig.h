#pragma once
// The architecture and encoding settings of a BERT-family model directory (config.json plus the
// sentence-transformers files beside it). No libtorch: the CLI and tests read it too.
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/util/EnumNames.h"

namespace distillery::model {

enum class Pooling { Cls, Mean };

inline constexpr EnumName<Pooling> kPoolingNames[] = {
    {.value = Pooling::Cls, .name = "cls", .description = "the [CLS] token's hidden state"},
    {.value = Pooling::Mean, .name = "mean", .description = "the mean of the tokens' hidden states"},
};
constexpr std::span<const EnumName<Pooling>> enumNames(Pooling) {
  return kPoolingNames;
}

struct BertConfig {
  std::int64_t vocabSize = 30522;
  std::int64_t hiddenSize = 768;
  std::int64_t layers = 12;
  std::int64_t heads = 12;
  std::int64_t intermediateSize = 3072;
  std::int64_t maxPositions = 512;
  std::int64_t typeVocabSize = 2;
  double layerNormEps = 1e-12;
  std::string hiddenAct = "gelu"; // gelu | gelu_new | gelu_pytorch_tanh | relu
  double hiddenDropout = 0.1;     // used only when training
  double attentionDropout = 0.1;

  Pooling pooling = Pooling::Mean;
  std::string queryPrefix;   // prepended to queries ("query: ", bge's instruction)
  std::string passagePrefix; // prepended to passages ("passage: ")
  std::int64_t maxSequenceLength = 512;

  /// Reads dir/config.json (+ 1_Pooling/config.json, config_sentence_transformers.json,
  /// sentence_bert_config.json). Throws InputError naming the file and field.
  static BertConfig load(const std::filesystem::path& directory);
  /// Writes config.json and the sentence-transformers files (modules.json, 1_Pooling, 2_Normalize, prompts).
  void save(const std::filesystem::path& directory) const;
  /// Checks the numbers are usable (positive sizes, hidden divisible by heads); throws InputError.
  void validate(const std::string& where) const;
};

} // namespace distillery::model
