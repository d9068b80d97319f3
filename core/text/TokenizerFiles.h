#pragma once
// Reading the files a WordPiece tokenizer comes in (Hugging Face tokenizer.json, BERT's vocab.txt) with bounded
// memory and time whatever the file holds: a size limit checked before reading, a vocabulary limit enforced while
// parsing (tokenizer.json's vocabulary streams straight into the token list instead of a JSON tree), a nesting
// limit, and every number range-checked before it is converted.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/text/WordPieceTokenizer.h"

namespace distillery::text {

/// Far above any real WordPiece tokenizer (bert-base-uncased's tokenizer.json is 0.5 MB and 30,522 tokens;
/// LaBSE's, among the largest, 501,153 tokens in 13 MB).
inline constexpr std::uintmax_t kMaxTokenizerFileBytes = 64u << 20;
inline constexpr std::size_t kMaxVocabularySize = 2'000'000;

struct TokenizerFileContents {
  std::vector<std::string> vocabulary; // token of each id, in id order
  NormalizerOptions normalizer;
  int maxInputCharsPerWord = 100;
};

/// Reads a tokenizer.json; throws InputError naming the file and the field that is wrong or too large.
TokenizerFileContents readTokenizerJson(const std::filesystem::path& path);
/// Reads a vocab.txt (one token a line) and the tokenizer_config.json beside it, when there is one.
TokenizerFileContents readVocabTxt(const std::filesystem::path& path);

} // namespace distillery::text
