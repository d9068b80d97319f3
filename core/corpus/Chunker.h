#pragma once
// Section-aware chunking of filing text into passages that fit a token budget.
//
// Token counts are estimates that do not need the student's tokenizer (which may not exist yet when a
// corpus is imported): each run of letters/digits counts as ceil(length / 9) word pieces, and every
// other visible character (punctuation, symbols) as one token, as WordPiece tokenizers split them.
// On the 600 reference sentences of bert-base-uncased the estimate is within ~8% on average and its
// total within ~3% (tests/corpus checks it), good enough for a budget; the student truncates anyway.
#include <cstddef>
#include <functional>
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

/// Where a document's text goes as it is read: section by section, a few lines at a time, so that no
/// reader has to hold a whole filing (a 200 MB text file is one section when it has no item headings).
class SectionSink {
public:
  virtual ~SectionSink() = default;
  /// Ends the current section (if any) and starts one.
  virtual void beginSection(const std::string& name) = 0;
  /// One or more whole lines of the current section, separated by '\n'.
  virtual void addText(std::string_view lines) = 0;
  virtual void endSection() = 0;
};

/// chunkSections as a stream: chunks leave through the callback as soon as they are full; the result is
/// the same as chunkSections over the whole sections.
class SectionChunker : public SectionSink {
public:
  using ChunkCallback = std::function<void(Chunk&&)>;
  /// Throws InputError for bad options (see validateChunkingOptions).
  SectionChunker(const ChunkingOptions& options, ChunkCallback emit);

  void beginSection(const std::string& name) override;
  void addText(std::string_view lines) override;
  void endSection() override;

private:
  void addLine(std::string_view line);
  void addUnit(std::string_view text, char joinBefore, int tokens);
  void emitCurrent();

  ChunkingOptions options_;
  ChunkCallback emit_;
  bool inSection_ = false;
  std::string section_;
  std::string current_;
  int currentTokens_ = 0;
  bool currentHasNewText_ = false; // a chunk of nothing but the previous overlap is not emitted
};

} // namespace distillery::corpus
