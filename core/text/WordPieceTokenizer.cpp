#include "core/text/WordPieceTokenizer.h"

#include "core/text/TokenizerFiles.h"
#include "core/util/Error.h"
#include "core/util/FileWrite.h"
#include "core/util/Utf8.h"

#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include <algorithm>
#include <fstream>
#include <map>

namespace distillery::text {
namespace {

using Codepoints = std::vector<utf8proc_int32_t>;

Codepoints decode(std::string_view text) {
  std::string repaired;
  if (!isValidUtf8(text)) {
    repaired = repairUtf8(text);
    text = repaired;
  }
  Codepoints out;
  out.reserve(text.size());
  auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t remaining = static_cast<utf8proc_ssize_t>(text.size());
  while (remaining > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(bytes, remaining, &cp);
    if (n <= 0) { // cannot happen after repair; skip one byte defensively
      cp = 0xFFFD;
      n = 1;
    }
    out.push_back(cp);
    bytes += n;
    remaining -= n;
  }
  return out;
}

void appendUtf8(std::string& out, utf8proc_int32_t cp) {
  utf8proc_uint8_t buffer[4];
  const auto n = utf8proc_encode_char(cp, buffer);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

// Rust's char::is_whitespace (Unicode White_Space), which HF tokenizers uses.
bool isWhitespace(utf8proc_int32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r' || cp == ' ' || cp == 0x0B || cp == 0x0C || cp == 0x85)
    return true;
  const auto category = utf8proc_category(cp);
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL || category == UTF8PROC_CATEGORY_ZP;
}

// HF's is_control: every "Other" category (Cc, Cf, Cs, Co, Cn) except tab, newline and carriage return.
bool isControl(utf8proc_int32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r')
    return false;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_CC:
  case UTF8PROC_CATEGORY_CF:
  case UTF8PROC_CATEGORY_CS:
  case UTF8PROC_CATEGORY_CO:
  case UTF8PROC_CATEGORY_CN:
    return true;
  default:
    return false;
  }
}

bool isChineseChar(utf8proc_int32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
         (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

bool isPunctuation(utf8proc_int32_t cp) {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_PC:
  case UTF8PROC_CATEGORY_PD:
  case UTF8PROC_CATEGORY_PS:
  case UTF8PROC_CATEGORY_PE:
  case UTF8PROC_CATEGORY_PI:
  case UTF8PROC_CATEGORY_PF:
  case UTF8PROC_CATEGORY_PO:
    return true;
  default:
    return false;
  }
}

Codepoints normalizeCodepoints(std::string_view text, const NormalizerOptions& options) {
  Codepoints input = decode(text);
  Codepoints out;
  out.reserve(input.size() + 8);
  for (const auto cp : input) {
    if (options.cleanText) {
      if (cp == 0 || cp == 0xFFFD || isControl(cp))
        continue;
      if (isWhitespace(cp)) {
        out.push_back(' ');
        continue;
      }
    }
    if (options.handleChineseChars && isChineseChar(cp)) {
      out.push_back(' ');
      out.push_back(cp);
      out.push_back(' ');
      continue;
    }
    out.push_back(cp);
  }
  if (options.stripAccents) {
    Codepoints stripped;
    stripped.reserve(out.size());
    utf8proc_int32_t decomposed[16];
    for (const auto cp : out) {
      int lastBoundClass = 0;
      const auto n = utf8proc_decompose_char(cp, decomposed, 16, UTF8PROC_DECOMPOSE, &lastBoundClass);
      if (n <= 0 || n > 16) {
        stripped.push_back(cp);
        continue;
      }
      for (int i = 0; i < n; ++i)
        if (utf8proc_category(decomposed[i]) != UTF8PROC_CATEGORY_MN)
          stripped.push_back(decomposed[i]);
    }
    out.swap(stripped);
  }
  if (options.lowercase)
    for (auto& cp : out)
      cp = utf8proc_tolower(cp);
  return out;
}

std::vector<std::string> splitWords(const Codepoints& normalized) {
  std::vector<std::string> words;
  std::string current;
  for (const auto cp : normalized) {
    if (isWhitespace(cp)) {
      if (!current.empty())
        words.push_back(std::move(current));
      current.clear();
    } else if (isPunctuation(cp)) {
      if (!current.empty())
        words.push_back(std::move(current));
      current.clear();
      std::string single;
      appendUtf8(single, cp);
      words.push_back(std::move(single));
    } else {
      appendUtf8(current, cp);
    }
  }
  if (!current.empty())
    words.push_back(std::move(current));
  return words;
}

std::size_t utf8Length(const std::string& word) {
  std::size_t n = 0;
  for (const unsigned char c : word)
    n += (c & 0xC0) != 0x80;
  return n;
}

std::int64_t requireToken(const std::unordered_map<std::string, std::int64_t>& ids, const std::string& token,
                          const std::string& where) {
  const auto it = ids.find(token);
  if (it == ids.end())
    throw InputError(where + ": vocabulary has no " + token + " token");
  return it->second;
}

WordPieceTokenizer fromContents(TokenizerFileContents contents, const std::filesystem::path& path) {
  try {
    return WordPieceTokenizer(std::move(contents.vocabulary), contents.normalizer, contents.maxInputCharsPerWord);
  } catch (const InputError& e) { // a special token is missing: name the file it should have been in
    throw InputError(path.string() + ": " + e.what());
  }
}

} // namespace

WordPieceTokenizer WordPieceTokenizer::fromPath(const std::filesystem::path& path) {
  if (std::filesystem::is_directory(path)) {
    if (std::filesystem::exists(path / "tokenizer.json"))
      return fromContents(readTokenizerJson(path / "tokenizer.json"), path / "tokenizer.json");
    if (std::filesystem::exists(path / "vocab.txt"))
      return fromContents(readVocabTxt(path / "vocab.txt"), path / "vocab.txt");
    throw InputError(path.string() + ": directory has neither tokenizer.json nor vocab.txt");
  }
  if (!std::filesystem::exists(path))
    throw InputError("tokenizer file not found: " + path.string());
  if (path.extension() == ".json")
    return fromContents(readTokenizerJson(path), path);
  return fromContents(readVocabTxt(path), path);
}

WordPieceTokenizer::WordPieceTokenizer(std::vector<std::string> vocabulary, NormalizerOptions normalizer,
                                       int maxInputCharsPerWord)
    : vocabulary_(std::move(vocabulary)), normalizer_(normalizer), maxInputCharsPerWord_(maxInputCharsPerWord) {
  ids_.reserve(vocabulary_.size());
  for (std::size_t i = 0; i < vocabulary_.size(); ++i)
    ids_.emplace(vocabulary_[i], static_cast<std::int64_t>(i)); // first occurrence wins, as in HF
  padId_ = requireToken(ids_, "[PAD]", "tokenizer");
  clsId_ = requireToken(ids_, "[CLS]", "tokenizer");
  sepId_ = requireToken(ids_, "[SEP]", "tokenizer");
  unkId_ = requireToken(ids_, "[UNK]", "tokenizer");
  maskId_ = tokenId("[MASK]");
}

std::int64_t WordPieceTokenizer::tokenId(const std::string& token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? -1 : it->second;
}

std::vector<std::string> WordPieceTokenizer::preTokenize(std::string_view text) const {
  return splitWords(normalizeCodepoints(text, normalizer_));
}

void WordPieceTokenizer::wordPieceIds(const std::string& word, std::vector<std::int64_t>& out) const {
  if (utf8Length(word) > static_cast<std::size_t>(maxInputCharsPerWord_)) {
    out.push_back(unkId_);
    return;
  }
  const std::size_t first = out.size();
  std::size_t start = 0;
  std::string candidate;
  while (start < word.size()) {
    std::size_t end = word.size();
    std::int64_t found = -1;
    while (end > start) {
      candidate.assign(start > 0 ? "##" : "");
      candidate.append(word, start, end - start);
      const auto it = ids_.find(candidate);
      if (it != ids_.end()) {
        found = it->second;
        break;
      }
      do // step back one whole UTF-8 character
        --end;
      while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
    }
    if (found < 0) {
      out.resize(first);
      out.push_back(unkId_);
      return;
    }
    out.push_back(found);
    start = end;
  }
}

std::vector<std::int64_t> WordPieceTokenizer::encodeIds(std::string_view text, int maxLength) const {
  std::vector<std::int64_t> ids{clsId_};
  if (maxLength == 1)
    return ids; // no room for [SEP]
  // Room for [CLS] and the words; [SEP] is appended after (maxLength 2 leaves no word).
  const std::size_t limit = maxLength > 0 ? static_cast<std::size_t>(maxLength - 1) : SIZE_MAX;
  for (const auto& word : preTokenize(text)) {
    wordPieceIds(word, ids);
    if (ids.size() >= limit)
      break;
  }
  if (ids.size() > limit)
    ids.resize(limit);
  ids.push_back(sepId_);
  return ids;
}

Encoding WordPieceTokenizer::encode(std::string_view text, int maxLength) const {
  Encoding encoding;
  encoding.ids = encodeIds(text, maxLength);
  encoding.tokens.reserve(encoding.ids.size());
  for (const auto id : encoding.ids)
    encoding.tokens.push_back(vocabulary_[static_cast<std::size_t>(id)]);
  return encoding;
}

BatchEncoding WordPieceTokenizer::pad(const std::vector<std::vector<std::int64_t>>& rows) const {
  BatchEncoding batch;
  batch.rows = static_cast<std::int64_t>(rows.size());
  for (const auto& row : rows)
    batch.columns = std::max<std::int64_t>(batch.columns, static_cast<std::int64_t>(row.size()));
  batch.ids.assign(static_cast<std::size_t>(batch.rows * batch.columns), padId_);
  batch.attentionMask.assign(batch.ids.size(), 0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto offset = r * static_cast<std::size_t>(batch.columns);
    std::copy(rows[r].begin(), rows[r].end(), batch.ids.begin() + static_cast<std::ptrdiff_t>(offset));
    std::fill_n(batch.attentionMask.begin() + static_cast<std::ptrdiff_t>(offset), rows[r].size(), 1);
    batch.realTokens += static_cast<std::int64_t>(rows[r].size());
  }
  return batch;
}

BatchEncoding WordPieceTokenizer::encodeBatch(const std::vector<std::string>& texts, int maxLength) const {
  std::vector<std::vector<std::int64_t>> rows;
  rows.reserve(texts.size());
  for (const auto& text : texts)
    rows.push_back(encodeIds(text, maxLength));
  return pad(rows);
}

void WordPieceTokenizer::save(const std::filesystem::path& directory) const {
  std::filesystem::create_directories(directory);
  {
    std::string vocabText;
    for (const auto& token : vocabulary_)
      vocabText.append(token).push_back('\n');
    writeWholeFile(directory / "vocab.txt", vocabText);
  }
  nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < vocabulary_.size(); ++i)
    if (!vocab.contains(vocabulary_[i]))
      vocab[vocabulary_[i]] = i;
  nlohmann::ordered_json added = nlohmann::ordered_json::array();
  for (const char* special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
    const auto id = tokenId(special);
    if (id >= 0)
      added.push_back({{"id", id},
                       {"content", special},
                       {"single_word", false},
                       {"lstrip", false},
                       {"rstrip", false},
                       {"normalized", false},
                       {"special", true}});
  }
  auto specialTemplate = [](const char* name, int typeId) {
    return nlohmann::ordered_json{{"SpecialToken", {{"id", name}, {"type_id", typeId}}}};
  };
  auto sequenceTemplate = [](const char* name, int typeId) {
    return nlohmann::ordered_json{{"Sequence", {{"id", name}, {"type_id", typeId}}}};
  };
  nlohmann::ordered_json tokenizer = {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", added},
      {"normalizer",
       {{"type", "BertNormalizer"},
        {"clean_text", normalizer_.cleanText},
        {"handle_chinese_chars", normalizer_.handleChineseChars},
        {"strip_accents", normalizer_.stripAccents},
        {"lowercase", normalizer_.lowercase}}},
      {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
      {"post_processor",
       {{"type", "TemplateProcessing"},
        {"single", {specialTemplate("[CLS]", 0), sequenceTemplate("A", 0), specialTemplate("[SEP]", 0)}},
        {"pair",
         {specialTemplate("[CLS]", 0), sequenceTemplate("A", 0), specialTemplate("[SEP]", 0), sequenceTemplate("B", 1),
          specialTemplate("[SEP]", 1)}},
        {"special_tokens",
         {{"[CLS]", {{"id", "[CLS]"}, {"ids", {clsId_}}, {"tokens", {"[CLS]"}}}},
          {"[SEP]", {{"id", "[SEP]"}, {"ids", {sepId_}}, {"tokens", {"[SEP]"}}}}}}}},
      {"decoder", {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}},
      {"model",
       {{"type", "WordPiece"},
        {"unk_token", "[UNK]"},
        {"continuing_subword_prefix", "##"},
        {"max_input_chars_per_word", maxInputCharsPerWord_},
        {"vocab", vocab}}}};
  writeWholeFile(directory / "tokenizer.json", tokenizer.dump(2) + '\n');
  const nlohmann::ordered_json config = {{"tokenizer_class", "BertTokenizer"},
                                         {"do_lower_case", normalizer_.lowercase},
                                         {"strip_accents", normalizer_.stripAccents},
                                         {"tokenize_chinese_chars", normalizer_.handleChineseChars},
                                         {"unk_token", "[UNK]"},
                                         {"sep_token", "[SEP]"},
                                         {"pad_token", "[PAD]"},
                                         {"cls_token", "[CLS]"},
                                         {"mask_token", "[MASK]"},
                                         {"model_max_length", 512}};
  writeWholeFile(directory / "tokenizer_config.json", config.dump(2) + '\n');
  const nlohmann::ordered_json specials = {{"unk_token", "[UNK]"},
                                           {"sep_token", "[SEP]"},
                                           {"pad_token", "[PAD]"},
                                           {"cls_token", "[CLS]"},
                                           {"mask_token", "[MASK]"}};
  writeWholeFile(directory / "special_tokens_map.json", specials.dump(2) + '\n');
}

std::vector<std::string> learnWordPieceVocabulary(const std::vector<std::string>& texts, std::size_t vocabularySize,
                                                  const NormalizerOptions& normalizer) {
  std::unordered_map<std::string, std::int64_t> wordCounts;
  std::map<std::string, std::int64_t> characterCounts; // ordered: a deterministic vocabulary
  for (const auto& text : texts)
    for (auto& word : splitWords(normalizeCodepoints(text, normalizer))) {
      const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(word.data());
      utf8proc_ssize_t offset = 0;
      while (offset < static_cast<utf8proc_ssize_t>(word.size())) {
        utf8proc_int32_t cp = 0;
        const auto n = utf8proc_iterate(bytes + offset, static_cast<utf8proc_ssize_t>(word.size()) - offset, &cp);
        if (n <= 0)
          break;
        characterCounts[word.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(n))]++;
        offset += n;
      }
      wordCounts[std::move(word)]++;
    }

  std::vector<std::string> vocabulary{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  std::unordered_map<std::string, bool> present;
  auto add = [&](const std::string& token) {
    if (vocabulary.size() < vocabularySize && present.emplace(token, true).second)
      vocabulary.push_back(token);
  };
  for (const auto& token : vocabulary)
    present.emplace(token, true);
  // Every character seen, so that no word of the corpus becomes [UNK].
  for (const auto& [character, count] : characterCounts) {
    add(character);
    add("##" + character);
  }

  // Whole words by frequency; then frequent word endings (##suffix) so rarer words split into pieces.
  std::vector<std::pair<std::string, std::int64_t>> words(wordCounts.begin(), wordCounts.end());
  auto byCount = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  std::sort(words.begin(), words.end(), byCount);
  const std::size_t wordBudget =
      vocabulary.size() + (vocabularySize - std::min(vocabularySize, vocabulary.size())) * 4 / 5;
  std::unordered_map<std::string, std::int64_t> pieceCounts;
  for (const auto& [word, count] : words) {
    if (count >= 2 && vocabulary.size() < wordBudget && present.find(word) == present.end()) {
      add(word);
      continue;
    }
    if (present.count(word))
      continue;
    // Prefixes and ##suffixes of 2-6 bytes of out-of-vocabulary words, at character boundaries.
    for (std::size_t len = 2; len <= 6 && len < word.size(); ++len) {
      if ((static_cast<unsigned char>(word[len]) & 0xC0) != 0x80)
        pieceCounts[word.substr(0, len)] += count;
      const auto from = word.size() - len;
      if ((static_cast<unsigned char>(word[from]) & 0xC0) != 0x80)
        pieceCounts["##" + word.substr(from)] += count;
    }
  }
  std::vector<std::pair<std::string, std::int64_t>> pieces(pieceCounts.begin(), pieceCounts.end());
  std::sort(pieces.begin(), pieces.end(), byCount);
  for (const auto& [piece, count] : pieces)
    if (count >= 2)
      add(piece);
  return vocabulary;
}

} // namespace distillery::text
