#include "core/text/TokenizerFiles.h"

#include "core/util/Error.h"
#include "core/util/JsonNumber.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <type_traits>
#include <utility>

namespace distillery::text {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::size_t kMaxNesting = 100; // real tokenizer files nest about 5 deep

std::string megabytes(std::uintmax_t bytes) {
  return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB";
}

void checkFileSize(const fs::path& path) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  if (error)
    throw InputError("cannot read tokenizer file " + path.string() + ": " + error.message());
  if (size > kMaxTokenizerFileBytes)
    throw InputError(path.string() + ": " + megabytes(size) + " is larger than the " +
                     megabytes(kMaxTokenizerFileBytes) +
                     " a tokenizer file may have (BERT's tokenizer.json is 0.5 MB); not loaded");
}

std::string vocabularyTooLarge(const std::string& where, const std::string& field) {
  return where + ": " + field + " has more than " + std::to_string(kMaxVocabularySize) +
         " tokens, far more than any WordPiece tokenizer; not loaded";
}

/// Builds the JSON document as nlohmann's own DOM parser does, with two differences that bound memory: nesting
/// deeper than kMaxNesting is refused, and (when asked) the entries of model.vocab are not put in the tree but
/// checked and collected as they arrive, so an oversized vocabulary is refused before it is held in memory.
class BoundedJsonReader final : public Json::json_sax_t {
public:
  BoundedJsonReader(std::string where, bool streamVocabulary)
      : where_(std::move(where)), streamVocabulary_(streamVocabulary) {}

  Json document;
  bool vocabularyObjectSeen = false;
  std::vector<std::pair<std::string, std::int64_t>> vocabulary; // (token, id) in file order

  bool null() override { return place(nullptr); }
  bool boolean(bool value) override { return place(value); }
  bool number_integer(number_integer_t value) override {
    if (inVocabulary_)
      return vocabularyEntry(value);
    return place(value);
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (inVocabulary_) // past INT64_MAX is past any vocabulary size as well
      return vocabularyEntry(value > static_cast<number_unsigned_t>(INT64_MAX) ? INT64_MAX
                                                                               : static_cast<std::int64_t>(value));
    return place(value);
  }
  bool number_float(number_float_t value, const string_t&) override {
    notAnId();
    return place(value);
  }
  bool string(string_t& value) override {
    notAnId();
    return place(std::move(value));
  }
  bool binary(binary_t& value) override { // only binary formats produce these, never JSON text
    notAnId();
    return place(Json::binary(value));
  }
  bool start_object(std::size_t) override {
    notAnId();
    if (streamVocabulary_ && atModelField("vocab")) {
      inVocabulary_ = true;
      vocabularyObjectSeen = true;
      return true;
    }
    return open(Json::object());
  }
  bool key(string_t& name) override {
    if (inVocabulary_)
      token_ = std::move(name);
    else
      key_ = std::move(name);
    return true;
  }
  bool end_object() override {
    if (inVocabulary_)
      inVocabulary_ = false;
    else
      close();
    return true;
  }
  bool start_array(std::size_t) override {
    notAnId();
    return open(Json::array());
  }
  bool end_array() override {
    close();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const Json::exception& error) override {
    // parse_error, or out_of_range for a number like 1e999
    throw InputError(where_ + ": not valid JSON: " + error.what());
  }

private:
  struct Open {
    Json* value;
    std::string name; // the key it is stored under; empty for the root and array elements
  };

  bool atModelField(const char* name) const {
    return open_.size() == 2 && open_[1].name == "model" && open_[1].value->is_object() && key_ == name;
  }

  Json* store(Json&& value) {
    if (open_.empty()) {
      document = std::move(value);
      return &document;
    }
    Json& parent = *open_.back().value;
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    Json& slot = parent[key_];
    slot = std::move(value);
    return &slot;
  }

  template <typename Value> bool place(Value&& value) {
    store(Json(std::forward<Value>(value)));
    return true;
  }

  bool open(Json&& container) {
    if (open_.size() >= kMaxNesting)
      throw InputError(where_ + ": field " + path() + " is nested more than " + std::to_string(kMaxNesting) +
                       " levels deep; not a tokenizer file");
    const bool named = !open_.empty() && open_.back().value->is_object();
    Json* stored = store(std::move(container));
    open_.push_back({stored, named ? key_ : std::string()});
    return true;
  }

  void close() { open_.pop_back(); }

  std::string path() const {
    std::string joined;
    for (const Open& entry : open_)
      if (!entry.name.empty())
        joined += (joined.empty() ? "" : ".") + entry.name;
    if (!open_.empty() && open_.back().value->is_object())
      joined += (joined.empty() ? "" : ".") + key_;
    return joined.empty() ? std::string("(top level)") : joined;
  }

  void notAnId() const {
    if (inVocabulary_)
      throw InputError(where_ + ": field model.vocab[\"" + token_ + "\"] is not an integer id");
  }

  bool vocabularyEntry(std::int64_t id) {
    if (vocabulary.size() >= kMaxVocabularySize)
      throw InputError(vocabularyTooLarge(where_, "field model.vocab"));
    vocabulary.emplace_back(std::move(token_), id);
    return true;
  }

  std::string where_;
  bool streamVocabulary_;
  std::vector<Open> open_;
  std::string key_;
  bool inVocabulary_ = false;
  std::string token_;
};

BoundedJsonReader readJson(const fs::path& path, bool streamVocabulary) {
  checkFileSize(path);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError("cannot read tokenizer file " + path.string());
  BoundedJsonReader reader(path.string(), streamVocabulary);
  Json::sax_parse(in, &reader);
  return reader;
}

/// A string or boolean field; absent or null gives the fallback, any other type is refused naming the field.
template <typename T>
T typedField(const Json& object, const char* name, T fallback, const std::string& where, const std::string& field) {
  static_assert(std::is_same_v<T, std::string> || std::is_same_v<T, bool>);
  constexpr bool isFlag = std::is_same_v<T, bool>;
  const auto it = object.find(name);
  if (it == object.end() || it->is_null())
    return fallback;
  if (isFlag ? !it->is_boolean() : !it->is_string())
    throw InputError(where + ": field " + field + " must be " + (isFlag ? "true or false" : "a string") + ", not " +
                     it->type_name());
  return it->get<T>();
}

std::string stringField(const Json& object, const char* name, const char* fallback, const std::string& where,
                        const std::string& field) {
  return typedField<std::string>(object, name, fallback, where, field);
}

bool boolField(const Json& object, const char* name, bool fallback, const std::string& where,
               const std::string& field) {
  return typedField<bool>(object, name, fallback, where, field);
}

/// Tokens by id: every id from 0 to n-1 exactly once.
std::vector<std::string> tokensById(std::vector<std::pair<std::string, std::int64_t>>& entries,
                                    const std::string& where) {
  const auto size = static_cast<std::int64_t>(entries.size());
  std::vector<std::string> tokens(entries.size());
  std::vector<bool> seen(entries.size(), false);
  for (auto& [token, id] : entries) {
    if (id < 0 || id >= size || seen[static_cast<std::size_t>(id)])
      throw InputError(where + ": field model.vocab[\"" + token + "\"] has id " + std::to_string(id) + ", outside 0.." +
                       std::to_string(size - 1) + " or repeated");
    seen[static_cast<std::size_t>(id)] = true;
    tokens[static_cast<std::size_t>(id)] = std::move(token);
  }
  return tokens;
}

} // namespace

TokenizerFileContents readTokenizerJson(const fs::path& path) {
  const std::string where = path.string();
  BoundedJsonReader reader = readJson(path, true);
  const Json& json = reader.document;
  const auto model = json.is_object() ? json.find("model") : json.end();
  if (!json.is_object() || model == json.end() || !model->is_object())
    throw InputError(where + ": no \"model\" object; not a Hugging Face tokenizer.json");
  const std::string type = stringField(*model, "type", "WordPiece", where, "model.type");
  if (type != "WordPiece" || model->contains("merges"))
    throw InputError(where + ": field model.type is \"" + (model->contains("merges") ? std::string("BPE") : type) +
                     "\"; only WordPiece (BERT-family) tokenizers are supported");
  if (stringField(*model, "continuing_subword_prefix", "##", where, "model.continuing_subword_prefix") != "##")
    throw InputError(where + ": field model.continuing_subword_prefix must be \"##\"");
  if (!reader.vocabularyObjectSeen || reader.vocabulary.empty())
    throw InputError(where + ": field model.vocab must be a non-empty object of token -> id");

  TokenizerFileContents contents;
  contents.vocabulary = tokensById(reader.vocabulary, where);
  if (const auto limit = model->find("max_input_chars_per_word"); limit != model->end() && !limit->is_null())
    contents.maxInputCharsPerWord =
        static_cast<int>(jsonWholeNumber(*limit, 1, 1'000'000, where + ": field model.max_input_chars_per_word"));
  if (const auto n = json.find("normalizer"); n != json.end() && n->is_object()) {
    const std::string normalizerType = stringField(*n, "type", "", where, "normalizer.type");
    if (normalizerType != "BertNormalizer")
      throw InputError(where + ": field normalizer.type is \"" + normalizerType +
                       "\"; only BertNormalizer is supported");
    NormalizerOptions& options = contents.normalizer;
    options.cleanText = boolField(*n, "clean_text", true, where, "normalizer.clean_text");
    options.handleChineseChars = boolField(*n, "handle_chinese_chars", true, where, "normalizer.handle_chinese_chars");
    options.lowercase = boolField(*n, "lowercase", true, where, "normalizer.lowercase");
    options.stripAccents = boolField(*n, "strip_accents", options.lowercase, where, "normalizer.strip_accents");
  } else {
    contents.normalizer = {false, false, false, false};
  }
  if (const auto pre = json.find("pre_tokenizer"); pre != json.end() && pre->is_object()) {
    const std::string preType = stringField(*pre, "type", "", where, "pre_tokenizer.type");
    if (preType != "BertPreTokenizer")
      throw InputError(where + ": field pre_tokenizer.type is \"" + preType + "\"; only BertPreTokenizer is supported");
  }
  return contents;
}

TokenizerFileContents readVocabTxt(const fs::path& path) {
  checkFileSize(path);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError("cannot read tokenizer file " + path.string());
  TokenizerFileContents contents;
  std::string line;
  while (std::getline(in, line)) {
    if (contents.vocabulary.size() >= kMaxVocabularySize)
      throw InputError(vocabularyTooLarge(path.string(), "the vocabulary"));
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    contents.vocabulary.push_back(line);
  }
  if (contents.vocabulary.empty())
    throw InputError(path.string() + ": empty vocabulary");
  // vocab.txt carries no normaliser settings: assume the uncased BERT defaults unless a sibling
  // tokenizer_config.json says do_lower_case false.
  const auto configPath = path.parent_path() / "tokenizer_config.json";
  if (fs::exists(configPath)) {
    const std::string where = configPath.string();
    const Json config = readJson(configPath, false).document;
    if (!config.is_object())
      throw InputError(where + ": expected a JSON object");
    NormalizerOptions& options = contents.normalizer;
    options.lowercase = boolField(config, "do_lower_case", true, where, "do_lower_case");
    options.stripAccents = boolField(config, "strip_accents", options.lowercase, where, "strip_accents");
    options.handleChineseChars = boolField(config, "tokenize_chinese_chars", true, where, "tokenize_chinese_chars");
  }
  return contents;
}

} // namespace distillery::text
