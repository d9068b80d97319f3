#include "core/corpus/Chunker.h"
#include "core/corpus/TextViews.h"

#include "core/util/Error.h"

#include <algorithm>

namespace distillery::corpus {
namespace {

bool isWordByte(unsigned char c) {
  // Bytes of multi-byte UTF-8 sequences count as word characters (letters of other scripts).
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

std::vector<std::string_view> splitWords(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && isAsciiSpace(static_cast<unsigned char>(s[i])))
      ++i;
    const std::size_t start = i;
    while (i < s.size() && !isAsciiSpace(static_cast<unsigned char>(s[i])))
      ++i;
    if (i > start)
      words.push_back(s.substr(start, i - start));
  }
  return words;
}

// Sentence ends: '.', '!' or '?' followed by whitespace (abbreviations may split early; harmless).
std::vector<std::string_view> splitSentences(std::string_view line) {
  std::vector<std::string_view> sentences;
  std::size_t start = 0;
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    const char c = line[i];
    if ((c == '.' || c == '!' || c == '?') && line[i + 1] == ' ') {
      sentences.push_back(trim(line.substr(start, i + 1 - start)));
      start = i + 1;
    }
  }
  sentences.push_back(trim(line.substr(start)));
  std::erase_if(sentences, [](std::string_view s) { return s.empty(); });
  return sentences;
}

// The trailing words of text whose estimated tokens fit in budget, for the next chunk's overlap.
std::string tailWithin(const std::string& text, int budget) {
  if (budget <= 0)
    return {};
  const std::vector<std::string_view> words = splitWords(text);
  int used = 0;
  std::size_t first = words.size();
  while (first > 0) {
    const int t = estimateTokens(words[first - 1]);
    if (used + t > budget)
      break;
    used += t;
    --first;
  }
  if (first == words.size() || first == 0)
    return {}; // nothing fits, or the whole chunk would repeat
  std::string_view tail = std::string_view(text).substr(static_cast<std::size_t>(words[first].data() - text.data()));
  // Start the overlap at a sentence or line start inside the window when there is one, so the next
  // passage does not open mid-sentence.
  for (std::size_t i = 0; i + 2 < tail.size(); ++i) {
    if (tail[i] == '\n' || ((tail[i] == '.' || tail[i] == '?' || tail[i] == '!') && tail[i + 1] == ' ')) {
      const std::string_view rest = trim(tail.substr(i + 1));
      if (!rest.empty())
        return std::string(rest);
      break;
    }
  }
  return std::string(tail);
}

} // namespace

int estimateTokens(std::string_view text) {
  int tokens = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (isAsciiSpace(c)) {
      ++i;
    } else if (isWordByte(c)) {
      std::size_t characters = 0;
      while (i < text.size() && isWordByte(static_cast<unsigned char>(text[i]))) {
        // Count code points, not bytes: continuation bytes (10xxxxxx) do not start a character.
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
          ++characters;
        ++i;
      }
      tokens += static_cast<int>((characters + 8) / 9);
    } else {
      ++tokens;
      ++i;
    }
  }
  return tokens;
}

void validateChunkingOptions(const ChunkingOptions& options) {
  if (options.maxTokens < 16 || options.maxTokens > 8192)
    throw InputError("chunking: max tokens must be between 16 and 8192, got " + std::to_string(options.maxTokens));
  if (options.overlapTokens < 0 || options.overlapTokens * 2 > options.maxTokens)
    throw InputError("chunking: overlap tokens must be between 0 and half of max tokens (" +
                     std::to_string(options.maxTokens / 2) + "), got " + std::to_string(options.overlapTokens));
  if (options.minTokens < 0 || options.minTokens > options.maxTokens)
    throw InputError("chunking: min tokens must be between 0 and max tokens, got " + std::to_string(options.minTokens));
}

SectionChunker::SectionChunker(const ChunkingOptions& options, ChunkCallback emit)
    : options_(options), emit_(std::move(emit)) {
  validateChunkingOptions(options);
}

void SectionChunker::beginSection(const std::string& name) {
  endSection();
  section_ = name;
  inSection_ = true;
}

void SectionChunker::addText(std::string_view lines) {
  while (!lines.empty()) {
    const std::size_t end = lines.find('\n');
    const std::string_view line = trim(lines.substr(0, end));
    lines = end == std::string_view::npos ? std::string_view{} : lines.substr(end + 1);
    if (!line.empty())
      addLine(line);
  }
}

void SectionChunker::endSection() {
  if (inSection_ && currentHasNewText_)
    emitCurrent();
  inSection_ = false;
  current_.clear(); // the overlap never crosses into the next section
  currentTokens_ = 0;
  currentHasNewText_ = false;
}

// A line that fits the budget is one unit (table rows stay whole); a longer one is split into
// sentences, and a run-on "sentence" (a long table line, a list without full stops) into words.
void SectionChunker::addLine(std::string_view line) {
  const int lineTokens = estimateTokens(line);
  if (lineTokens <= options_.maxTokens) {
    addUnit(line, '\n', lineTokens);
    return;
  }
  char join = '\n';
  for (std::string_view sentence : splitSentences(line)) {
    const int sentenceTokens = estimateTokens(sentence);
    if (sentenceTokens <= options_.maxTokens) {
      addUnit(sentence, join, sentenceTokens);
      join = ' ';
      continue;
    }
    for (std::string_view word : splitWords(sentence)) {
      addUnit(word, join, estimateTokens(word));
      join = ' ';
    }
  }
}

// joinBefore: '\n' keeps lines (table rows) apart; ' ' joins pieces of one line.
void SectionChunker::addUnit(std::string_view text, char joinBefore, int tokens) {
  if (!current_.empty() && currentTokens_ + tokens > options_.maxTokens) {
    emitCurrent();
    if (currentTokens_ + tokens > options_.maxTokens) { // overlap plus a big unit: drop the overlap
      current_.clear();
      currentTokens_ = 0;
    }
  }
  if (!current_.empty())
    current_ += joinBefore;
  current_.append(text);
  currentTokens_ += tokens;
  currentHasNewText_ = true;
}

void SectionChunker::emitCurrent() {
  std::string overlap = tailWithin(current_, options_.overlapTokens);
  if (currentHasNewText_ && currentTokens_ >= options_.minTokens) {
    const int tokens = estimateTokens(current_);
    emit_({section_, std::move(current_), tokens});
  }
  current_ = std::move(overlap);
  currentTokens_ = estimateTokens(current_);
  currentHasNewText_ = false;
}

std::vector<Chunk> chunkSections(const std::vector<Section>& sections, const ChunkingOptions& options) {
  std::vector<Chunk> chunks;
  SectionChunker chunker(options, [&](Chunk&& chunk) { chunks.push_back(std::move(chunk)); });
  for (const Section& section : sections) {
    chunker.beginSection(section.name);
    chunker.addText(section.text);
  }
  chunker.endSection();
  return chunks;
}

} // namespace distillery::corpus
