#include "core/corpus/FilingText.h"
#include "core/corpus/TextViews.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace distillery::corpus {
namespace {

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Lower case, digit runs as '#', single spaces: "Apple Inc. | Q3 2022 Form 10-Q | 14" and the same
// footer on page 15 compare equal.
std::string footerKey(std::string_view line) {
  std::string key;
  bool lastSpace = true, lastDigit = false;
  for (unsigned char c : trim(line)) {
    if (std::isdigit(c)) {
      if (!lastDigit)
        key += '#';
      lastDigit = true;
      lastSpace = false;
      continue;
    }
    lastDigit = false;
    if (std::isspace(c)) {
      if (!lastSpace)
        key += ' ';
      lastSpace = true;
    } else {
      key += static_cast<char>(std::tolower(c));
      lastSpace = false;
    }
  }
  return key;
}

bool isRomanNumeral(std::string_view s) {
  if (s.empty() || s.size() > 5)
    return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::string_view("ivxlIVXL").find(c) != std::string_view::npos; });
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "12", "- 12 -", "Page 12", "Page 12 of 40", "F-3", "ii": what a page number line looks like.
bool looksLikePageNumber(std::string_view line) {
  std::string_view s = trim(line);
  if (s.empty())
    return false;
  std::string l = lower(s);
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

// "Apple Inc. | Q3 2022 Form 10-Q | 14": words, then a page number at the end.
bool looksLikeNumberedFooter(std::string_view line) {
  const std::string_view t = trim(line);
  if (t.size() < 10 || t.size() > 120 || !std::isdigit(static_cast<unsigned char>(t.back())))
    return false;
  return std::count_if(t.begin(), t.end(), [](unsigned char c) { return std::isalpha(c); }) >= 8;
}

bool isTableOfContentsLine(std::string_view line) {
  const std::string l = lower(trim(line));
  return l == "table of contents" || l == "index" || l == "table of contents (continued)" ||
         l == "(table of contents)" || l == "return to table of contents" || l == "back to table of contents" ||
         l == "back to contents";
}

bool startsWithItemWord(std::string_view line) {
  return line.size() >= 5 && lower(line.substr(0, 4)) == "item" && std::isspace(static_cast<unsigned char>(line[4]));
}

// If line is an item heading, returns its label ("Item 7A") and the title after it (maybe empty).
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

// The line after a bare "Item 7." is its title when it reads like one: short, starts with a capital,
// not a sentence, not another heading or a "PART II" banner.
bool looksLikeTitle(std::string_view line) {
  std::string label, title;
  return !line.empty() && line.size() < 120 && std::isupper(static_cast<unsigned char>(line.front())) &&
         line.back() != '.' && !line.starts_with("PART ") && !line.starts_with("Part ") &&
         !parseItemHeading(line, label, title);
}

// A table-of-contents page: a contents line plus several item lines. Its text would become junk passages.
bool isContentsPage(const std::vector<std::string_view>& lines) {
  bool contents = false;
  int items = 0;
  for (std::string_view line : lines) {
    const std::string l = lower(trim(line));
    if (l == "table of contents" || l == "contents" || l == "index")
      contents = true;
    if (startsWithItemWord(trim(line)))
      ++items;
  }
  return contents && items >= 4;
}

} // namespace

std::string removePagedBoilerplate(const std::vector<std::string>& pages) {
  constexpr int kEdgeLines = 3; // headers and footers live in the first and last few lines of a page
  std::vector<std::vector<std::string_view>> pageLines;
  pageLines.reserve(pages.size());
  std::map<std::string, int> edgeCounts, footerCounts;
  for (const std::string& page : pages) {
    std::vector<std::string_view> lines;
    for (std::string_view line : splitLines(page))
      if (!trim(line).empty())
        lines.push_back(line);
    std::set<std::string> keys;
    for (int k = 0; k < kEdgeLines && k < static_cast<int>(lines.size()); ++k) {
      keys.insert(footerKey(lines[k]));
      keys.insert(footerKey(lines[lines.size() - 1 - k]));
    }
    for (const std::string& key : keys)
      ++edgeCounts[key];
    std::set<std::string> footers; // PDF text may put a footer amid the page's last table cells
    for (std::string_view line : lines)
      if (looksLikeNumberedFooter(line))
        footers.insert(footerKey(line));
    for (const std::string& key : footers)
      ++footerCounts[key];
    pageLines.push_back(std::move(lines));
  }
  const int minRepeats = std::max(3, static_cast<int>(pages.size() * 2 / 5));
  std::string out;
  for (const auto& lines : pageLines) {
    if (isContentsPage(lines))
      continue;
    const int n = static_cast<int>(lines.size());
    for (int k = 0; k < n; ++k) {
      const bool atEdge = k < kEdgeLines || k >= n - kEdgeLines;
      if (atEdge &&
          (looksLikePageNumber(lines[k]) || (pages.size() >= 4 && edgeCounts[footerKey(lines[k])] >= minRepeats)))
        continue;
      if (pages.size() >= 4 && looksLikeNumberedFooter(lines[k]) && footerCounts[footerKey(lines[k])] >= minRepeats)
        continue;
      if (isTableOfContentsLine(lines[k]))
        continue;
      out.append(lines[k]);
      out += '\n';
    }
    out += '\n'; // a page break ends a paragraph
  }
  return out;
}

std::string removeBoilerplateLines(std::string_view text) {
  const std::vector<std::string_view> lines = splitLines(text);
  std::map<std::string, int> footerCounts;
  for (std::string_view line : lines) {
    const std::string_view t = trim(line);
    if (!t.empty() && t.size() < 100 && std::isdigit(static_cast<unsigned char>(t.back())))
      ++footerCounts[footerKey(t)];
  }
  std::string out;
  out.reserve(text.size());
  for (std::string_view line : lines) {
    const std::string_view t = trim(line);
    if (isTableOfContentsLine(t))
      continue;
    const std::string l = lower(t);
    if ((l.starts_with("page ") || l.starts_with("-")) && looksLikePageNumber(t))
      continue;
    if (!t.empty() && t.size() < 100 && std::isdigit(static_cast<unsigned char>(t.back())) && !allDigits(t)) {
      const std::string key = footerKey(t);
      const auto letters = std::count_if(key.begin(), key.end(), [](unsigned char c) { return std::isalpha(c); });
      if (letters >= 8 && footerCounts[key] >= 5)
        continue;
    }
    out.append(line);
    out += '\n';
  }
  return out;
}

std::vector<Section> splitItemSections(std::string_view text, const std::string& leadName) {
  std::vector<Section> sections;
  sections.push_back({leadName, {}});
  const std::vector<std::string_view> lines = splitLines(text);
  std::string currentLabel;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    std::string label, title;
    if (parseItemHeading(lines[k], label, title)) {
      if (label == currentLabel)
        continue;          // a running page header ("PART II Item 1A") repeats the item it is in
      if (title.empty()) { // the title often sits on the next non-empty line
        std::size_t next = k + 1;
        while (next < lines.size() && trim(lines[next]).empty())
          ++next;
        if (next < lines.size() && looksLikeTitle(trim(lines[next]))) {
          title = std::string(trim(lines[next]));
          k = next;
        }
      }
      currentLabel = label;
      sections.push_back({cleanHeading(title.empty() ? label : label + ". " + title), {}});
      continue;
    }
    sections.back().text.append(lines[k]);
    sections.back().text += '\n';
  }
  std::erase_if(sections, [](const Section& s) { return trim(s.text).empty(); });
  if (sections.size() == 1 && currentLabel.empty())
    sections.front().name.clear(); // no item headings at all: "Cover" would mislabel the whole filing
  return sections;
}

std::string cleanHeading(std::string_view heading) {
  std::string out;
  for (std::size_t i = 0; i < heading.size(); ++i) {
    const char c = heading[i];
    if ((c == '-' || c == '_' || c == '=') && i + 2 < heading.size() && heading[i + 1] == c && heading[i + 2] == c) {
      while (i + 1 < heading.size() && heading[i + 1] == c)
        ++i;
      continue; // a rule, not text
    }
    if (isAsciiSpace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ')
        out += ' ';
      continue;
    }
    out += c;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '-'))
    out.pop_back();
  if (out.size() > 150) {
    out.resize(150);
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
      out.pop_back(); // never cut a UTF-8 sequence in half
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0)
      out.pop_back();
  }
  return out;
}

std::string normaliseFilingType(std::string_view formType) {
  std::string out;
  bool lastSpace = true;
  for (unsigned char c : trim(formType)) {
    if (std::isspace(c)) {
      if (!lastSpace)
        out += ' ';
      lastSpace = true;
    } else {
      out += static_cast<char>(std::toupper(c));
      lastSpace = false;
    }
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out.empty() ? "unknown" : out;
}

std::string detectFilingTypeInText(std::string_view text) {
  static const std::vector<std::string> kForms = {"10-K405", "10-KSB", "10-K", "10-QSB", "10-Q", "8-K",    "20-F",
                                                  "40-F",    "6-K",    "S-1",  "S-4",    "F-1",  "DEF 14A"};
  const std::string head = lower(text.substr(0, std::min<std::size_t>(text.size(), 6000)));
  std::size_t best = std::string::npos;
  std::string bestForm;
  for (const std::string& form : kForms) {
    for (const std::string prefix : {"form ", "form\n", "schedule "}) {
      const std::size_t at = head.find(prefix + lower(form));
      if (at == std::string::npos)
        continue;
      const std::size_t after = at + prefix.size() + form.size();
      if (after < head.size() && (std::isalnum(static_cast<unsigned char>(head[after])) || head[after] == '-'))
        continue; // "form 10-k405" is not "form 10-k"
      if (at < best) {
        best = at;
        bestForm = form;
      }
    }
  }
  return bestForm;
}

} // namespace distillery::corpus
