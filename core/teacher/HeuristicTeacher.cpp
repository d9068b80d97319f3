#include "core/teacher/HeuristicTeacher.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/util/Time.h"

namespace distillery::teacher {
namespace {

const std::unordered_set<std::string>& stopwords() {
  static const std::unordered_set<std::string> words = {
      "a",         "about",   "above",    "after",        "again",     "all",      "also",      "am",      "an",
      "and",       "any",     "are",      "as",           "at",        "be",       "been",      "being",   "below",
      "both",      "but",     "by",       "can",          "could",     "did",      "do",        "does",    "doing",
      "down",      "during",  "each",     "few",          "for",       "from",     "further",   "had",     "has",
      "have",      "having",  "he",       "her",          "here",      "hers",     "him",       "his",     "how",
      "i",         "if",      "in",       "into",         "is",        "it",       "its",       "itself",  "just",
      "may",       "me",      "might",    "more",         "most",      "must",     "my",        "no",      "nor",
      "not",       "of",      "off",      "on",           "once",      "only",     "or",        "other",   "our",
      "ours",      "out",     "over",     "own",          "same",      "shall",    "she",       "should",  "so",
      "some",      "such",    "than",     "that",         "the",       "their",    "theirs",    "them",    "then",
      "there",     "these",   "they",     "this",         "those",     "through",  "to",        "too",     "under",
      "until",     "up",      "upon",     "us",           "very",      "was",      "we",        "were",    "what",
      "when",      "where",   "which",    "while",        "who",       "whom",     "why",       "will",    "with",
      "would",     "you",     "your",     "yours",        "per",       "within",   "without",   "among",   "including",
      "included",  "certain", "related",  "respectively", "thereof",   "herein",   "hereby",    "whether", "however",
      "therefore", "said",    "say",      "describe",     "described", "disclose", "disclosed", "report",  "reported",
      "filing",    "company", "companies"};
  return words;
}

struct Token {
  std::string surface; // as written
  std::string word;    // lowercased, not stemmed
  std::string term;    // lowercased, lightly stemmed; what matching uses
  bool numeric = false;
  bool capitalised = false;
};

std::string stem(std::string word) {
  // Light plural folding only: "revenues" ~ "revenue", "liabilities" ~ "liability".
  if (word.size() > 4 && word.ends_with("ies"))
    return word.substr(0, word.size() - 3) + "y";
  if (word.size() > 3 && word.ends_with("s") && !word.ends_with("ss") && !word.ends_with("us"))
    return word.substr(0, word.size() - 1);
  return word;
}

std::vector<Token> tokenize(const std::string& text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    // Keep 4.2, 1,200 and 10-K together; stop at other punctuation.
    while (j < text.size()) {
      const unsigned char d = static_cast<unsigned char>(text[j]);
      if (std::isalnum(d)) {
        ++j;
      } else if ((d == '.' || d == ',' || d == '-') && j + 1 < text.size() &&
                 std::isalnum(static_cast<unsigned char>(text[j + 1])) &&
                 (d == '-' || std::isdigit(static_cast<unsigned char>(text[j - 1])))) {
        ++j;
      } else {
        break;
      }
    }
    Token token;
    token.surface = text.substr(i, j - i);
    std::string lower = token.surface;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    lower.erase(std::remove(lower.begin(), lower.end(), ','), lower.end());
    token.numeric = std::any_of(lower.begin(), lower.end(), [](unsigned char ch) { return std::isdigit(ch); });
    token.capitalised = std::isupper(c) != 0;
    token.word = lower;
    token.term = token.numeric ? lower : stem(lower);
    tokens.push_back(std::move(token));
    i = j;
  }
  return tokens;
}

/// Form names (10-K, 8-K, 10-Q, S-1) name the document, not its content: passages rarely repeat them.
bool isFormName(const std::string& term) {
  const auto dash = term.find('-');
  return dash != std::string::npos && term.size() <= 6 && term.find_first_of("0123456789") != std::string::npos;
}

bool isContent(const Token& token) {
  if (token.numeric)
    return !isFormName(token.term);
  // Both forms: "does" stems to "doe", which is no stop word.
  return token.term.size() > 2 && !stopwords().count(token.term) && !stopwords().count(token.word);
}

bool isYear(const Token& token) {
  return token.numeric && token.term.size() == 4 && (token.term.starts_with("19") || token.term.starts_with("20")) &&
         std::all_of(token.term.begin(), token.term.end(), [](unsigned char c) { return std::isdigit(c); });
}

/// How much a query term counts when grading. Years and dates match nearly every financial table, and the words
/// that say what to compute (change, average, percentage) rarely appear in the passage that holds the figures.
double gradingWeight(const Token& token) {
  static const std::unordered_set<std::string> months = {"january",   "february", "march",    "april",
                                                         "may",       "june",     "july",     "august",
                                                         "september", "october",  "november", "december"};
  static const std::unordered_set<std::string> askingWords = {
      "change",     "percentage", "percent", "between", "average", "amount", "increase",   "decrease",    "difference",
      "value",      "much",       "many",    "number",  "year",    "fiscal", "period",     "ended",       "end",
      "proportion", "ratio",      "sum",     "growth",  "figure",  "total",  "respective", "respectively"};
  if (token.numeric) {
    if (isYear(token))
      return 1.0;
    return token.term.size() <= 2 ? 0.5 : 2.0; // the day of a date, or a figure
  }
  if (months.count(token.term))
    return 0.5;
  if (askingWords.count(token.term) || askingWords.count(token.word))
    return 0.25;
  return token.term.size() >= 7 ? 1.5 : 1.0;
}

double termWeight(const Token& token) {
  if (token.numeric)
    return 2.0; // figures and years are what financial queries hinge on
  return token.term.size() >= 7 ? 1.5 : 1.0;
}

std::vector<std::string> splitSentences(const std::string& text) {
  std::vector<std::string> sentences;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    current.push_back(c == '\n' || c == '\t' || c == '\r' ? ' ' : c);
    const bool boundary = (c == '.' || c == '!' || c == '?' || c == ';') && i + 1 < text.size() &&
                          std::isspace(static_cast<unsigned char>(text[i + 1]));
    const bool paragraph = c == '\n' && i + 1 < text.size() && text[i + 1] == '\n';
    if (boundary || paragraph || i + 1 == text.size()) {
      std::size_t begin = current.find_first_not_of(' ');
      std::size_t end = current.find_last_not_of(' ');
      if (begin != std::string::npos)
        sentences.push_back(current.substr(begin, end - begin + 1));
      current.clear();
    }
  }
  return sentences;
}

std::string joinWords(const std::vector<std::string>& words, std::size_t maxWords) {
  std::string out;
  for (std::size_t i = 0; i < words.size() && i < maxWords; ++i)
    out += (i ? " " : "") + words[i];
  return out;
}

std::vector<std::string> wordsOf(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;)
    words.push_back(word);
  return words;
}

/// Adverbs, participles and common verbs make poor subjects for keyword queries, titles and questions.
bool likelyNoun(const Token& token) {
  static const std::unordered_set<std::string> verbs = {
      "believe", "believes", "expect",   "expects",   "addition", "result", "include", "includes",
      "provide", "provides", "continue", "continues", "make",     "makes",  "take",    "use"};
  if (token.numeric)
    return true;
  const std::string& t = token.term;
  if (verbs.count(t))
    return false;
  return !(t.size() > 5 && (t.ends_with("ly") || t.ends_with("ing") || t.ends_with("ed")));
}

/// The passage's key terms: content words ranked by weighted frequency (capitalised names count more),
/// returned in the order they first appear so phrases read naturally.
std::vector<Token> keyTerms(const std::vector<Token>& tokens, std::size_t count) {
  std::map<std::string, std::pair<double, std::size_t>> scores; // term -> (score, first position)
  std::map<std::string, Token> firstToken;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (!isContent(tokens[i]) || (tokens[i].numeric && tokens[i].term.size() < 2))
      continue;
    auto [it, inserted] = scores.try_emplace(tokens[i].term, 0.0, i);
    it->second.first +=
        termWeight(tokens[i]) * (tokens[i].capitalised ? 1.5 : 1.0) * (likelyNoun(tokens[i]) ? 1.0 : 0.3);
    if (inserted)
      firstToken.emplace(tokens[i].term, tokens[i]);
  }
  std::vector<std::pair<std::string, std::pair<double, std::size_t>>> ranked(scores.begin(), scores.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second.first != b.second.first ? a.second.first > b.second.first : a.second.second < b.second.second;
  });
  if (ranked.size() > count)
    ranked.resize(count);
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.second.second < b.second.second; });
  std::vector<Token> result;
  for (const auto& entry : ranked)
    result.push_back(firstToken.at(entry.first));
  return result;
}

/// The most informative sentence: most content terms (figures count double), sensible length.
std::string bestSentence(const std::string& passage) {
  std::string best;
  double bestScore = -1;
  for (const std::string& sentence : splitSentences(passage)) {
    const auto tokens = tokenize(sentence);
    if (tokens.size() < 5)
      continue;
    double score = 0;
    for (const Token& token : tokens)
      if (isContent(token))
        score += token.numeric ? 2.0 : 1.0;
    score /= std::max(1.0, std::sqrt(static_cast<double>(tokens.size()) / 12.0)); // prefer focused sentences
    if (score > bestScore) {
      bestScore = score;
      best = sentence;
    }
  }
  if (best.empty())
    best = passage;
  return joinWords(wordsOf(best), 40);
}

std::string lowerSurface(const Token& token) {
  if (token.numeric || (token.surface.size() > 1 && std::all_of(token.surface.begin(), token.surface.end(), [](char c) {
                          return std::isupper(static_cast<unsigned char>(c)) ||
                                 std::isdigit(static_cast<unsigned char>(c));
                        })))
    return token.surface; // keep figures and acronyms (EBITDA, SOFR) as written
  std::string lower = token.surface;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return lower;
}

std::string titleCase(const Token& token) {
  std::string word = lowerSurface(token);
  if (!word.empty())
    word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
  return word;
}

std::string listPhrase(const std::vector<std::string>& items) {
  if (items.empty())
    return "";
  if (items.size() == 1)
    return items[0];
  std::string out;
  for (std::size_t i = 0; i + 1 < items.size(); ++i)
    out += (i ? ", " : "") + items[i];
  return out + " and " + items.back();
}

/// The years (1900-2099) written in text as four digits of their own: "FY2018", "2018-12-31" and "2018" give 2018.
std::vector<std::string> yearsIn(const std::string& text) {
  std::vector<std::string> years;
  const auto digit = [&](std::size_t i) {
    return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
  };
  for (std::size_t i = 0; i + 4 <= text.size(); ++i)
    if ((i == 0 || !digit(i - 1)) && digit(i) && digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4) &&
        (text.compare(i, 2, "19") == 0 || text.compare(i, 2, "20") == 0))
      years.push_back(text.substr(i, 4));
  return years;
}

/// The document's metadata as matchable terms, periods also as their years.
std::set<std::string> metadataTerms(const JudgeRequest& request) {
  std::set<std::string> terms;
  for (const std::string* field :
       {&request.title, &request.company, &request.filingType, &request.period, &request.section})
    for (const Token& token : tokenize(*field))
      terms.insert(token.term);
  for (const std::string& year : yearsIn(request.period))
    terms.insert(year);
  return terms;
}

/// Whether text holds term as one of its (stemmed, lower-case) tokens.
bool containsWord(const std::string& text, const std::string& term) {
  const auto tokens = tokenize(text);
  return std::any_of(tokens.begin(), tokens.end(), [&](const Token& token) { return token.term == term; });
}

/// A table as the corpus renders it: one row a line, cells joined by " | ".
bool looksLikeTable(const std::string& passage) {
  std::size_t rows = 0;
  std::istringstream lines(passage);
  for (std::string line; std::getline(lines, line);)
    rows += line.find('|') != std::string::npos ? 1 : 0;
  return rows >= 2;
}

/// What the grade rests on. strength, in [0, 1], combines three kinds of lexical evidence:
///   coverage     the share of the query's weighted content terms the passage holds (BM25-saturated frequency;
///                a term found only in the document's metadata counts once);
///   phraseMatch  the share of adjacent query term pairs that also stand next to each other in the passage
///                (stop words between them allowed); the coverage when the query has one term;
///   rowMatch     for a table, how well its best row label and the query's words match (overlap squared over
///                the product of their sizes): the row that holds the asked figure names it.
/// strength = (coverage + 0.6 phraseMatch + 0.45 rowMatch) / 2.05; the weights were chosen on TAT-QA dev.
struct GradeEvidence {
  double coverage = 0, phraseMatch = 0, rowMatch = 0, strength = 0;
  std::size_t phrases = 0, phrasesFound = 0;
  std::string rowLabel;
  std::vector<std::string> matched, matchedInMetadata, missing;
};

constexpr double kPhraseWeight = 0.6, kRowWeight = 0.45;

GradeEvidence gradeEvidence(const JudgeRequest& request) {
  constexpr double k1 = 1.2, b = 0.75, averageLength = 120.0;
  const auto passageTokens = tokenize(request.passageText);
  std::map<std::string, int> frequency;
  for (const Token& token : passageTokens)
    ++frequency[token.term];
  const double lengthNorm = 1.0 - b + b * static_cast<double>(passageTokens.size()) / averageLength;
  const std::set<std::string> metadata = metadataTerms(request);

  GradeEvidence evidence;
  const auto queryTokens = tokenize(request.queryText);
  std::vector<std::string> sequence; // the query's content terms in order, repeats included
  std::set<std::string> seen, queryWords;
  double totalWeight = 0, gained = 0;
  for (const Token& token : queryTokens) {
    if (!isContent(token))
      continue;
    sequence.push_back(token.term);
    if (!seen.insert(token.term).second)
      continue;
    if (!token.numeric)
      queryWords.insert(token.term);
    const double weight = gradingWeight(token);
    totalWeight += weight;
    const auto it = frequency.find(token.term);
    const double tf = it == frequency.end() ? 0.0 : it->second;
    if (tf > 0) {
      // BM25 term saturation, scaled so that a well-represented term contributes its full weight.
      gained += weight * std::min(1.0, tf * (k1 + 1) / (tf + k1 * lengthNorm) / (k1 + 1) * 1.6);
      evidence.matched.push_back(token.term);
    } else if (metadata.count(token.term)) {
      gained += weight * std::min(1.0, (k1 + 1) / (1 + k1 * lengthNorm) / (k1 + 1) * 1.6);
      evidence.matched.push_back(token.term);
      evidence.matchedInMetadata.push_back(token.term);
    } else {
      evidence.missing.push_back(token.term);
    }
  }
  evidence.coverage = totalWeight > 0 ? gained / totalWeight : 0.0;

  // Adjacent pairs of the passage, over all its tokens and over its content tokens only.
  std::set<std::pair<std::string, std::string>> pairs;
  const Token* previousContent = nullptr;
  for (std::size_t i = 0; i < passageTokens.size(); ++i) {
    if (i > 0)
      pairs.emplace(passageTokens[i - 1].term, passageTokens[i].term);
    if (isContent(passageTokens[i])) {
      if (previousContent)
        pairs.emplace(previousContent->term, passageTokens[i].term);
      previousContent = &passageTokens[i];
    }
  }
  evidence.phrases = sequence.size() > 1 ? sequence.size() - 1 : 0;
  for (std::size_t i = 1; i < sequence.size(); ++i)
    evidence.phrasesFound += pairs.count({sequence[i - 1], sequence[i]});
  evidence.phraseMatch =
      evidence.phrases > 0 ? double(evidence.phrasesFound) / double(evidence.phrases) : evidence.coverage;

  if (looksLikeTable(request.passageText) && !queryWords.empty()) {
    std::istringstream lines(request.passageText);
    for (std::string line; std::getline(lines, line);) {
      const auto bar = line.find('|');
      if (bar == std::string::npos)
        continue;
      std::set<std::string> labelWords;
      for (const Token& token : tokenize(line.substr(0, bar)))
        if (isContent(token) && !token.numeric)
          labelWords.insert(token.term);
      std::size_t shared = 0;
      for (const std::string& word : labelWords)
        shared += queryWords.count(word);
      if (labelWords.empty() || shared == 0)
        continue;
      const double match = double(shared * shared) / double(labelWords.size() * queryWords.size());
      if (match > evidence.rowMatch) {
        evidence.rowMatch = match;
        const auto begin = line.find_first_not_of(' ');
        const auto end = line.find_last_not_of(' ', bar == 0 ? 0 : bar - 1);
        evidence.rowLabel = begin < bar ? line.substr(begin, end - begin + 1) : std::string();
      }
    }
  }
  evidence.strength = (evidence.coverage + kPhraseWeight * evidence.phraseMatch + kRowWeight * evidence.rowMatch) /
                      (1.0 + kPhraseWeight + kRowWeight);
  return evidence;
}

} // namespace

Judgment HeuristicTeacher::judgeOne(const std::string& query, const std::string& passage) {
  JudgeRequest request;
  request.queryText = query;
  request.passageText = passage;
  return judgeOne(request);
}

Judgment HeuristicTeacher::judgeOne(const JudgeRequest& request) {
  const double started = monotonicSeconds();
  const GradeEvidence evidence = gradeEvidence(request);
  Judgment judgment;
  judgment.ok = true;
  judgment.attempts = 1;
  judgment.grade = evidence.strength >= 0.6 ? 3 : evidence.strength >= 0.4 ? 2 : evidence.strength >= 0.15 ? 1 : 0;
  judgment.score = std::round(evidence.strength * 3.0 * 1000.0) / 1000.0;
  std::ostringstream rationale;
  rationale << "Heuristic lexical grade (not an LLM judgment): ";
  const std::size_t terms = evidence.matched.size() + evidence.missing.size();
  if (terms == 0) {
    rationale << "the query has no content words to match.";
  } else if (evidence.matched.empty()) {
    rationale << "the passage contains none of the " << terms << " query terms.";
  } else {
    rationale << "the passage contains " << evidence.matched.size() << " of " << terms << " query terms ("
              << listPhrase(std::vector<std::string>(evidence.matched.begin(),
                                                     evidence.matched.begin() +
                                                         std::min<std::size_t>(evidence.matched.size(), 6)))
              << ")";
    if (evidence.phrases > 0)
      rationale << ", " << evidence.phrasesFound << " of " << evidence.phrases << " query word pairs in sequence";
    if (!evidence.rowLabel.empty())
      rationale << ", table row '" << evidence.rowLabel << "'";
    rationale << ".";
  }
  judgment.rationale = rationale.str();
  judgment.rawResponse = nlohmann::json{{"grade", judgment.grade},
                                        {"coverage", evidence.coverage},
                                        {"phrase_match", evidence.phraseMatch},
                                        {"row_match", evidence.rowMatch},
                                        {"matched", evidence.matched},
                                        {"matched_in_metadata", evidence.matchedInMetadata},
                                        {"missing", evidence.missing}}
                             .dump();
  judgment.latencyMs = (monotonicSeconds() - started) * 1000.0;
  return judgment;
}

SynthesisResult HeuristicTeacher::synthesizeOne(const SynthesisRequest& request) {
  SynthesisResult result;
  result.passageId = request.passageId;
  result.type = request.type;
  result.attempts = 1;
  const std::string sentence = bestSentence(request.passageText);
  const auto sentenceTokens = tokenize(sentence);
  const auto passageKeys = keyTerms(tokenize(request.passageText), 5);
  const auto sentenceKeys = keyTerms(sentenceTokens, 6);
  // Analysts name the company (and the period) the passage's document is about, which the passage rarely says.
  const bool knownForm = !request.filingType.empty() && request.filingType != "unknown";
  const std::string where = request.company.empty()
                                ? (knownForm ? "the " + request.filingType : std::string("the filing"))
                                : request.company + "'s " + (knownForm ? request.filingType : std::string("filing"));
  const auto periodYears = yearsIn(request.period);

  std::vector<std::string> words;
  switch (request.type) {
  case QueryType::Keyword: {
    std::size_t wanted = 6;
    if (!request.company.empty()) {
      words = wordsOf(request.company);
      wanted += words.size();
    }
    for (const Token& token : passageKeys)
      if (!containsWord(request.company, token.term))
        words.push_back(lowerSurface(token));
    result.query = joinWords(words, wanted);
    break;
  }
  case QueryType::Title:
    for (std::size_t i = 0; i < passageKeys.size() && i < 4; ++i)
      words.push_back(titleCase(passageKeys[i]));
    result.query = joinWords(words, 4);
    break;
  case QueryType::Claim:
    result.query = sentence;
    while (!result.query.empty() && (result.query.back() == '.' || result.query.back() == ';'))
      result.query.pop_back();
    break;
  case QueryType::Question: {
    // Subjects are words (figures make poor subjects; years become "in <year>"), from the sentence first.
    std::vector<std::string> subjects, years;
    for (const auto* keys : {&sentenceKeys, &passageKeys})
      for (const Token& token : *keys) {
        if (isYear(token) && years.empty())
          years.push_back(token.term);
        else if (!token.numeric && subjects.size() < 3 && !containsWord(request.company, token.term) &&
                 std::find(subjects.begin(), subjects.end(), lowerSurface(token)) == subjects.end())
          subjects.push_back(lowerSurface(token));
      }
    if (years.empty() && !periodYears.empty())
      years.push_back(periodYears.front());
    const bool hasFigure = std::any_of(sentenceTokens.begin(), sentenceTokens.end(),
                                       [&](const Token& t) { return t.numeric && !isYear(t); });
    result.query = (hasFigure ? "What figures does " + where + " give for " : "What does " + where + " state about ") +
                   listPhrase(subjects) + (years.empty() ? "" : " in " + years.front()) + "?";
    break;
  }
  }
  if (result.query.empty() || result.query == "?") {
    result.failureReason = "heuristic query writer found no content words in the passage";
    result.rawResponse = "heuristic extractive query writer (no LLM): no content words";
    return result;
  }
  result.ok = true;
  result.rawResponse = "heuristic extractive query writer (no LLM), from the sentence: " + sentence;
  return result;
}

namespace {

/// Runs one pure item function over a batch: stop checks between items, sink per item, progress every 64.
template <typename Result, typename Request, typename One, typename Sink>
std::vector<Result> runSequentially(const std::vector<Request>& requests, const char* stage, One one,
                                    const ProgressCallback& progress, const std::stop_token& stop, const Sink& sink) {
  std::vector<Result> results;
  results.reserve(requests.size());
  const auto total = static_cast<std::int64_t>(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    throwIfStopped(stop);
    results.push_back(one(requests[i]));
    if (sink)
      sink(i, results.back());
    if ((i + 1) % 64 == 0 || i + 1 == requests.size())
      report(progress, {stage, static_cast<std::int64_t>(i + 1), total, ""});
  }
  return results;
}

} // namespace

std::vector<SynthesisResult> HeuristicTeacher::synthesizeQueries(const std::vector<SynthesisRequest>& requests,
                                                                 const ProgressCallback& progress, std::stop_token stop,
                                                                 const SynthesisSink& sink) {
  return runSequentially<SynthesisResult>(requests, "synthesise", synthesizeOne, progress, stop, sink);
}

std::vector<Judgment> HeuristicTeacher::judge(const std::vector<JudgeRequest>& requests,
                                              const ProgressCallback& progress, std::stop_token stop,
                                              const JudgmentSink& sink) {
  return runSequentially<Judgment>(
      requests, "judge", [](const JudgeRequest& r) { return judgeOne(r); }, progress, stop, sink);
}

} // namespace distillery::teacher
