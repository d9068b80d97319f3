#include "core/model/BertConfig.h"

#include "core/util/Error.h"
#include "core/util/FileWrite.h"
#include "core/util/JsonNumber.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <type_traits>

namespace distillery::model {
namespace {

nlohmann::json readJson(const std::filesystem::path& path) {
  constexpr std::uintmax_t kMaxConfigBytes = 16u << 20; // real ones are a few hundred bytes
  std::error_code error;
  if (const auto size = std::filesystem::file_size(path, error); !error && size > kMaxConfigBytes)
    throw InputError(path.string() + ": " + std::to_string(size >> 20) +
                     " MB is far larger than a model config can be");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  try {
    auto json = nlohmann::json::parse(buffer.str());
    if (!json.is_object())
      throw InputError(path.string() + ": expected a JSON object");
    return json;
  } catch (const nlohmann::json::exception& e) { // parse_error, or out_of_range for a number like 1e999
    throw InputError(path.string() + ": not valid JSON: " + e.what());
  }
}

template <typename T>
T field(const nlohmann::json& json, const char* name, T fallback, const std::filesystem::path& path) {
  if (!json.contains(name) || json[name].is_null())
    return fallback;
  if constexpr (std::is_same_v<T, std::int64_t>) { // range-checked first: 5e20 converted to int64 is undefined
    return jsonWholeNumber(json[name], INT64_MIN, INT64_MAX, path.string() + ": field " + name);
  } else {
    try {
      return json[name].get<T>();
    } catch (const nlohmann::json::exception&) {
      throw InputError(path.string() + ": field " + name + " has the wrong type");
    }
  }
}

void writeJson(const std::filesystem::path& path, const nlohmann::ordered_json& json) {
  writeWholeFile(path, json.dump(2) + '\n');
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

} // namespace

void BertConfig::validate(const std::string& where) const {
  auto positive = [&](std::int64_t value, const char* name) {
    if (value <= 0)
      throw InputError(where + ": field " + name + " must be positive, got " + std::to_string(value));
  };
  positive(vocabSize, "vocab_size");
  positive(hiddenSize, "hidden_size");
  if (layers < 0)
    throw InputError(where + ": field num_hidden_layers must not be negative");
  positive(heads, "num_attention_heads");
  positive(intermediateSize, "intermediate_size");
  positive(maxPositions, "max_position_embeddings");
  positive(typeVocabSize, "type_vocab_size");
  // Ceilings far above any BERT (bert-large: 1,024 hidden, 24 layers), so that a hostile config.json cannot make
  // a random initialisation allocate terabytes; the parameter count is estimated in double to avoid overflow.
  auto atMost = [&](std::int64_t value, std::int64_t ceiling, const char* name) {
    if (value > ceiling)
      throw InputError(where + ": field " + name + " is " + std::to_string(value) + ", more than the " +
                       std::to_string(ceiling) + " this build supports");
  };
  atMost(vocabSize, 10'000'000, "vocab_size");
  atMost(hiddenSize, 65'536, "hidden_size");
  atMost(layers, 1'000, "num_hidden_layers");
  atMost(heads, 1'024, "num_attention_heads");
  atMost(intermediateSize, 1'048'576, "intermediate_size");
  atMost(maxPositions, 1'048'576, "max_position_embeddings");
  atMost(typeVocabSize, 1'024, "type_vocab_size");
  const double hidden = static_cast<double>(hiddenSize);
  const double parameters =
      hidden * static_cast<double>(vocabSize + maxPositions + typeVocabSize) +
      static_cast<double>(layers) * (4 * hidden * hidden + 2 * hidden * static_cast<double>(intermediateSize));
  if (parameters > 4e9)
    throw InputError(where + ": the architecture has about " + std::to_string(static_cast<std::int64_t>(parameters)) +
                     " parameters, more than the 4,000,000,000 this build loads");
  if (hiddenSize % heads != 0)
    throw InputError(where + ": hidden_size " + std::to_string(hiddenSize) +
                     " is not divisible by num_attention_heads " + std::to_string(heads));
  if (hiddenAct != "gelu" && hiddenAct != "gelu_new" && hiddenAct != "gelu_pytorch_tanh" && hiddenAct != "relu")
    throw InputError(where + ": field hidden_act \"" + hiddenAct + "\" is not supported (gelu, gelu_new, relu)");
}

BertConfig BertConfig::load(const std::filesystem::path& directory) {
  const auto path = directory / "config.json";
  if (!std::filesystem::exists(path))
    throw InputError(directory.string() + ": no config.json; not a Hugging Face model directory");
  const auto json = readJson(path);
  const std::string modelType = field<std::string>(json, "model_type", "", path);
  if (modelType != "bert")
    throw InputError(path.string() + ": field model_type is \"" + modelType +
                     "\"; only BERT-architecture models (model_type \"bert\") are supported");
  const std::string positionType = field<std::string>(json, "position_embedding_type", "absolute", path);
  if (positionType != "absolute")
    throw InputError(path.string() + ": field position_embedding_type \"" + positionType + "\" is not supported");

  BertConfig config;
  config.vocabSize = field<std::int64_t>(json, "vocab_size", config.vocabSize, path);
  config.hiddenSize = field<std::int64_t>(json, "hidden_size", config.hiddenSize, path);
  config.layers = field<std::int64_t>(json, "num_hidden_layers", config.layers, path);
  config.heads = field<std::int64_t>(json, "num_attention_heads", config.heads, path);
  config.intermediateSize = field<std::int64_t>(json, "intermediate_size", config.intermediateSize, path);
  config.maxPositions = field<std::int64_t>(json, "max_position_embeddings", config.maxPositions, path);
  config.typeVocabSize = field<std::int64_t>(json, "type_vocab_size", config.typeVocabSize, path);
  config.layerNormEps = field<double>(json, "layer_norm_eps", config.layerNormEps, path);
  config.hiddenAct = field<std::string>(json, "hidden_act", config.hiddenAct, path);
  config.hiddenDropout = field<double>(json, "hidden_dropout_prob", config.hiddenDropout, path);
  config.attentionDropout = field<double>(json, "attention_probs_dropout_prob", config.attentionDropout, path);
  config.maxSequenceLength = config.maxPositions;
  config.validate(path.string());

  // Pooling: sentence-transformers' 1_Pooling/config.json wins; else our own field; else by model family.
  const std::string name = lower(directory.filename().string().empty() ? directory.parent_path().filename().string()
                                                                       : directory.filename().string());
  const bool looksBge = name.find("bge") != std::string::npos;
  const bool looksE5 = name.find("e5") != std::string::npos;
  config.pooling = looksBge ? Pooling::Cls : Pooling::Mean;
  if (json.contains("distillery") && json["distillery"].is_object()) {
    const auto& own = json["distillery"];
    const auto pooling = field<std::string>(own, "pooling", "", path);
    if (const auto named = findEnum<Pooling>(pooling))
      config.pooling = *named;
    else if (!pooling.empty())
      throw InputError(path.string() + ": field distillery.pooling must be \"cls\" or \"mean\"");
  }
  const auto poolingPath = directory / "1_Pooling" / "config.json";
  if (std::filesystem::exists(poolingPath)) {
    const auto pooling = readJson(poolingPath);
    if (field<bool>(pooling, "pooling_mode_cls_token", false, poolingPath))
      config.pooling = Pooling::Cls;
    else if (field<bool>(pooling, "pooling_mode_mean_tokens", false, poolingPath))
      config.pooling = Pooling::Mean;
    else
      throw InputError(poolingPath.string() + ": only pooling_mode_cls_token or pooling_mode_mean_tokens is supported");
  }

  // Prefixes: sentence-transformers prompts when present, else the conventions of e5 and bge.
  if (looksE5) {
    config.queryPrefix = "query: ";
    config.passagePrefix = "passage: ";
  } else if (looksBge && name.find("en") != std::string::npos) {
    config.queryPrefix = "Represent this sentence for searching relevant passages: ";
  }
  const auto promptsPath = directory / "config_sentence_transformers.json";
  if (std::filesystem::exists(promptsPath)) {
    const auto st = readJson(promptsPath);
    if (st.contains("prompts") && st["prompts"].is_object()) {
      const auto& prompts = st["prompts"];
      config.queryPrefix = field<std::string>(prompts, "query", config.queryPrefix, promptsPath);
      config.passagePrefix = field<std::string>(
          prompts, "passage", field<std::string>(prompts, "document", config.passagePrefix, promptsPath), promptsPath);
    }
  }
  const auto sbertPath = directory / "sentence_bert_config.json";
  if (std::filesystem::exists(sbertPath)) {
    const auto length = field<std::int64_t>(readJson(sbertPath), "max_seq_length", config.maxPositions, sbertPath);
    if (length < 1)
      throw InputError(sbertPath.string() + ": field max_seq_length must be positive, got " + std::to_string(length));
    config.maxSequenceLength = std::min(config.maxPositions, length);
  }
  return config;
}

void BertConfig::save(const std::filesystem::path& directory) const {
  std::filesystem::create_directories(directory / "1_Pooling");
  std::filesystem::create_directories(directory / "2_Normalize");
  writeJson(directory / "config.json", {{"architectures", {"BertModel"}},
                                        {"model_type", "bert"},
                                        {"vocab_size", vocabSize},
                                        {"hidden_size", hiddenSize},
                                        {"num_hidden_layers", layers},
                                        {"num_attention_heads", heads},
                                        {"intermediate_size", intermediateSize},
                                        {"hidden_act", hiddenAct},
                                        {"hidden_dropout_prob", hiddenDropout},
                                        {"attention_probs_dropout_prob", attentionDropout},
                                        {"max_position_embeddings", maxPositions},
                                        {"type_vocab_size", typeVocabSize},
                                        {"initializer_range", 0.02},
                                        {"layer_norm_eps", layerNormEps},
                                        {"pad_token_id", 0},
                                        {"position_embedding_type", "absolute"},
                                        {"torch_dtype", "float32"},
                                        {"distillery", {{"pooling", std::string(enumName(pooling))}}}});
  writeJson(
      directory / "modules.json",
      nlohmann::ordered_json::array(
          {{{"idx", 0}, {"name", "0"}, {"path", ""}, {"type", "sentence_transformers.models.Transformer"}},
           {{"idx", 1}, {"name", "1"}, {"path", "1_Pooling"}, {"type", "sentence_transformers.models.Pooling"}},
           {{"idx", 2}, {"name", "2"}, {"path", "2_Normalize"}, {"type", "sentence_transformers.models.Normalize"}}}));
  writeJson(directory / "1_Pooling" / "config.json", {{"word_embedding_dimension", hiddenSize},
                                                      {"pooling_mode_cls_token", pooling == Pooling::Cls},
                                                      {"pooling_mode_mean_tokens", pooling == Pooling::Mean},
                                                      {"pooling_mode_max_tokens", false},
                                                      {"pooling_mode_mean_sqrt_len_tokens", false}});
  writeJson(directory / "sentence_bert_config.json", {{"max_seq_length", maxSequenceLength}, {"do_lower_case", false}});
  writeJson(directory / "config_sentence_transformers.json",
            {{"prompts", {{"query", queryPrefix}, {"passage", passagePrefix}}}, {"default_prompt_name", nullptr}});
}

} // namespace distillery::model
