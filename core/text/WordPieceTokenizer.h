#pragma once
// BERT's WordPiece tokenizer, compatible with Hugging Face `tokenizers`: BertNormalizer (clean text, CJK
// spacing, accent stripping, lowercasing via utf8proc), BertPreTokenizer (whitespace and punctuation),
// greedy longest-match WordPiece with "##" continuations, and the [CLS] ... [SEP] template.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace distillery::text {

struct Encoding {
  std::vector<std::int64_t> ids;   // with [CLS] first and [SEP] last
  std::vector<std::string> tokens; // same length as ids
};

/// A padded batch: rows x columns ids and attention mask (1 real, 0 padding), row-major.
struct BatchEncoding {
  std::int64_t rows = 0;
  std::int64_t columns = 0;
  std::vector<std::int64_t> ids;
  std::vector<std::int64_t> attentionMask;
  std::int64_t realTokens = 0; // sum of the mask: tokens that are not padding
};

struct NormalizerOptions {
  bool cleanText = true;
  bool handleChineseChars = true;
  bool stripAccents = true; // HF: strip_accents null follows lowercase
  bool lowercase = true;
};

class WordPieceTokenizer {
public:
  /// Loads tokenizer.json, vocab.txt, or a model directory holding either (tokenizer.json preferred).
  /// Throws InputError naming the file and field when the file is not a BERT WordPiece tokenizer, or is larger
  /// than any real one (limits in core/text/TokenizerFiles.h).
  static WordPieceTokenizer fromPath(const std::filesystem::path& path);
  /// A tokenizer over an in-memory vocabulary (one token per id, in order).
  WordPieceTokenizer(std::vector<std::string> vocabulary, NormalizerOptions normalizer = {},
                     int maxInputCharsPerWord = 100);

  /// Encodes one text with [CLS]/[SEP]; maxLength > 0 truncates to at most maxLength ids (specials included).
  Encoding encode(std::string_view text, int maxLength = 0) const;
  /// Ids only (faster: no token strings), with [CLS]/[SEP] and truncation as encode().
  std::vector<std::int64_t> encodeIds(std::string_view text, int maxLength = 0) const;
  /// Pads already encoded rows to the longest one.
  BatchEncoding pad(const std::vector<std::vector<std::int64_t>>& rows) const;
  BatchEncoding encodeBatch(const std::vector<std::string>& texts, int maxLength) const;

  /// Normalisation and pre-tokenisation only: the words WordPiece sees.
  std::vector<std::string> preTokenize(std::string_view text) const;
  /// WordPiece ids of one pre-tokenised word (a single [UNK] when it cannot be split).
  void wordPieceIds(const std::string& word, std::vector<std::int64_t>& out) const;

  /// Writes vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json into dir.
  void save(const std::filesystem::path& directory) const;

  std::int64_t vocabularySize() const { return static_cast<std::int64_t>(vocabulary_.size()); }
  const std::string& token(std::int64_t id) const { return vocabulary_.at(static_cast<std::size_t>(id)); }
  /// Id of a token, or -1.
  std::int64_t tokenId(const std::string& token) const;
  std::int64_t padId() const { return padId_; }
  std::int64_t clsId() const { return clsId_; }
  std::int64_t sepId() const { return sepId_; }
  std::int64_t unkId() const { return unkId_; }
  const NormalizerOptions& normalizer() const { return normalizer_; }

private:
  std::string normalize(std::string_view text) const;

  std::vector<std::string> vocabulary_;
  std::unordered_map<std::string, std::int64_t> ids_;
  NormalizerOptions normalizer_;
  int maxInputCharsPerWord_ = 100;
  std::int64_t padId_ = 0, clsId_ = 0, sepId_ = 0, unkId_ = 0, maskId_ = -1;
};

/// Learns a WordPiece vocabulary from texts: the special tokens, every character seen (alone and as
/// "##" continuation), then the most frequent words and word endings, up to vocabularySize entries.
std::vector<std::string> learnWordPieceVocabulary(const std::vector<std::string>& texts, std::size_t vocabularySize,
                                                  const NormalizerOptions& normalizer = {});

} // namespace distillery::text
