#include "core/corpus/FilingRules.h"
#include "core/corpus/TextViews.h"

#include <algorithm>
#include <cctype>

namespace distillery::corpus {
namespace {

// ASCII only, and without the C library's locale lookup per character (filing text is UTF-8, whose bytes past
// 0x7F no locale folds anyway); these rules run on every line of every filing.
inline char asciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}
inline bool asciiDigit(unsigned char c) {
  return c >= '0' && c <= '9';
}
inline bool asciiAlpha(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Case-insensitive equality with a lower-case literal.
bool equalsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size())
    return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (asciiLower(s[i]) != lower[i])
      return false;
  return true;
}

bool isRomanNumeral(std::string_view s) {
  if (s.empty() || s.size() > 5)
    return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::string_view("ivxlIVXL").find(c) != std::string_view::npos; });
}

} // namespace

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = asciiLower(c);
  return out;
}

bool startsWithLower(std::string_view s, std::string_view lowerPrefix) {
  return s.size() >= lowerPrefix.size() && equalsLower(s.substr(0, lowerPrefix.size()), lowerPrefix);
}

std::string footerKey(std::string_view line) {
  std::string key;
  bool lastSpace = true, lastDigit = false;
  for (unsigned char c : trim(line)) {
    if (asciiDigit(c)) {
      if (!lastDigit)
        key += '#';
      lastDigit = true;
      lastSpace = false;
      continue;
    }
    lastDigit = false;
    if (isAsciiSpace(c)) {
      if (!lastSpace)
        key += ' ';
      lastSpace = true;
    } else {
      key += asciiLower(static_cast<char>(c));
      lastSpace = false;
    }
  }
  return key;
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool looksLikePageNumber(std::string_view line) {
  std::string_view s = trim(line);
  if (s.empty())
    return false;
  std::string l = lowerAscii(s);
  std::string_view v = l;
  if (v.starts_with("page "))
    v = trim(v.substr(5));
  if (const std::size_t of = v.find(" of "); of != std::string_view::npos && allDigits(trim(v.substr(of + 4))))
    v = trim(v.substr(0, of));
  while (!v.empty() && (v.front() == '-' || v.front() == ' '))
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == '-' || v.back() == ' '))
    v.remove_suffix(1);
  if (v.size() >= 2 && std::isalpha(static_cast<unsigned char>(v[0])) && v[1] == '-') // F-3, A-12
    v.remove_prefix(2);
  return (allDigits(v) && v.size() <= 4) || isRomanNumeral(v);
}

bool looksLikeNumberedFooter(std::string_view line) {
  const std::string_view t = trim(line);
  if (t.size() < 10 || t.size() > 120 || !std::isdigit(static_cast<unsigned char>(t.back())))
    return false;
  return std::count_if(t.begin(), t.end(), [](unsigned char c) { return std::isalpha(c); }) >= 8;
}

bool isTableOfContentsLine(std::string_view line) {
  const std::string_view t = trim(line);
  if (t.size() < 5 || t.size() > 29) // the shortest and longest of the phrases below
    return false;
  for (std::string_view phrase : {"table of contents", "index", "table of contents (continued)", "(table of contents)",
                                  "return to table of contents", "back to table of contents", "back to contents"})
    if (equalsLower(t, phrase))
      return true;
  return false;
}

bool startsWithItemWord(std::string_view line) {
  return line.size() >= 5 && lowerAscii(line.substr(0, 4)) == "item" &&
         std::isspace(static_cast<unsigned char>(line[4]));
}

bool parseItemHeading(std::string_view rawLine, std::string& label, std::string& title) {
  const std::string_view line = trim(rawLine);
  if (!startsWithItemWord(line) || line.size() > 200)
    return false;
  std::size_t i = 5;
  while (i < line.size() && line[i] == ' ')
    ++i;
  const std::size_t numberStart = i;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])))
    ++i;
  if (i == numberStart || i - numberStart > 2)
    return false;
  if (i + 2 < line.size() && line[i] == '.' && std::isdigit(static_cast<unsigned char>(line[i + 1])) &&
      std::isdigit(static_cast<unsigned char>(line[i + 2])))
    i += 3; // 8-K items: 2.02
  if (i < line.size() && std::string_view("ABCabc").find(line[i]) != std::string_view::npos &&
      (i + 1 == line.size() || !std::isalpha(static_cast<unsigned char>(line[i + 1]))))
    ++i;
  std::string number(line.substr(numberStart, i - numberStart));
  if (!number.empty() && std::isalpha(static_cast<unsigned char>(number.back())))
    number.back() = static_cast<char>(std::toupper(static_cast<unsigned char>(number.back())));
  std::string_view rest = line.substr(i);
  bool punctuated = false;
  if (!rest.empty() && (rest.front() == '.' || rest.front() == ':' || rest.front() == '-')) {
    punctuated = true;
    rest.remove_prefix(1);
  }
  rest = trim(rest);
  // "Item 1A of the Company's annual report" is prose; "ITEM 7 MANAGEMENT'S DISCUSSION" and
  // "Item 2.02 Results of Operations" are headings.
  if (!rest.empty() && !punctuated && !std::isupper(static_cast<unsigned char>(rest.front())))
    return false;
  if (rest.size() > 150)
    return false;
  label = "Item " + number;
  title = std::string(rest);
  return true;
}

bool looksLikeTitle(std::string_view line) {
  std::string label, title;
  return !line.empty() && line.size() < 120 && std::isupper(static_cast<unsigned char>(line.front())) &&
         line.back() != '.' && !line.starts_with("PART ") && !line.starts_with("Part ") &&
         !parseItemHeading(line, label, title);
}

bool isContentsHeading(std::string_view line) {
  const std::string_view t = trim(line);
  return equalsLower(t, "table of contents") || equalsLower(t, "contents") || equalsLower(t, "index");
}

} // namespace distillery::corpus
