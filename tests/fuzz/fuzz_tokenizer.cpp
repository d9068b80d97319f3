// Fuzz target for the WordPiece tokenizer: loading tokenizer.json or vocab.txt, then encoding text with it.
#include "tests/fuzz/FuzzSupport.h"

#include "core/text/WordPieceTokenizer.h"
#include "core/util/Error.h"

#include <optional>

namespace distillery::fuzz {
namespace fs = std::filesystem;
using distillery::text::WordPieceTokenizer;

namespace {

void checkEncoding(const WordPieceTokenizer& tokenizer, std::string_view text, int maxLength) {
  const auto encoding = tokenizer.encode(text, maxLength);
  DISTILLERY_FUZZ_CHECK(encoding.ids.size() == encoding.tokens.size());
  DISTILLERY_FUZZ_CHECK(encoding.ids.size() >= 2 || (maxLength > 0 && maxLength < 2));
  if (maxLength > 0)
    DISTILLERY_FUZZ_CHECK(encoding.ids.size() <= static_cast<std::size_t>(maxLength));
  for (std::size_t i = 0; i < encoding.ids.size(); ++i) {
    DISTILLERY_FUZZ_CHECK(encoding.ids[i] >= 0 && encoding.ids[i] < tokenizer.vocabularySize());
    DISTILLERY_FUZZ_CHECK(tokenizer.token(encoding.ids[i]) == encoding.tokens[i]);
  }
  DISTILLERY_FUZZ_CHECK(tokenizer.encodeIds(text, maxLength) == encoding.ids);
}

} // namespace

// First byte: bit 0 picks vocab.txt over tokenizer.json, the rest a maximum length. Then the tokenizer file,
// "\n--text--\n", and the text to encode (a few fixed texts are encoded as well).
void fuzzTokenizer(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return;
  const auto parts = splitInput(asText(data + 1, size - 1), "\n--text--\n", 2);
  const fs::path file = freshScratchDir() / ((data[0] & 1) ? "vocab.txt" : "tokenizer.json");
  writeFile(file, parts[0]);
  std::optional<WordPieceTokenizer> tokenizer;
  try {
    tokenizer.emplace(WordPieceTokenizer::fromPath(file));
  } catch (const InputError&) {
    return; // the documented rejection, naming the file and field
  }
  const int maxLength = data[0] >> 1; // 0: no truncation
  checkEncoding(*tokenizer, parts[1], maxLength);
  for (const char* text : {"Revenue rose 12% to $4.2 billion in fiscal 2023.", "Ünïcödé façade — 株式会社 ﬁnance", "",
                           "   ", "supercalifragilisticexpialidociousnessnessnessness"})
    checkEncoding(*tokenizer, text, maxLength);
  const auto batch = tokenizer->encodeBatch({std::string(parts[1]), "a b c"}, 16);
  DISTILLERY_FUZZ_CHECK(batch.rows == 2 && batch.ids.size() == static_cast<std::size_t>(batch.rows * batch.columns));
}

} // namespace distillery::fuzz
