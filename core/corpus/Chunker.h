#pragma once
// Section-aware chunking of filing text into passages that fit a token budget.
//
// Token counts are estimates that do not need the student's tokenizer (which may not exist yet when a
// corpus is imported): each run of letters/digits counts as ceil(length / 9) word pieces, and every
// other visible character (punctuation, symbols) as one token, as WordPiece tokenizers split them.
// On the 600 reference sentences of bert-base-uncased the estimate is within ~8% on average and its
// total within ~3% (tests/corpus checks it), good enough for a budget; the student truncates anyway.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace distillery::corpus {

struct ChunkingOptions {
  int maxTokens = 256;    // token budget of a passage (estimated tokens, see estimateTokens)
  int overlapTokens = 32; // tokens of the previous passage repeated at the start of the next, same section only
  int minTokens = 8;      // shorter leftovers (a lone heading, a page number) are dropped
};

/// A titled part of a document: an EDGAR item, a page range, a BEIR record.
struct Section {
  std::string name; // e.g. "Item 7. Management's Discussion and Analysis"; may be empty
  std::string text;
};

struct Chunk {
  std::string section;
  std::string text;
  int tokenCount = 0;
};

/// Estimated token count of text (see the header comment).
int estimateTokens(std::string_view text);

/// Splits each section into passages of at most maxTokens (except a single word longer than the
/// budget), breaking at paragraph, line, then sentence, then word boundaries; never crosses sections.
std::vector<Chunk> chunkSections(const std::vector<Section>& sections, const ChunkingOptions& options);

/// Validates options; throws InputError naming the bad field.
void validateChunkingOptions(const ChunkingOptions& options);

} // namespace distillery::corpus
