#include "core/corpus/FilingText.h"

#include "core/corpus/Boilerplate.h"
#include "core/corpus/FilingRules.h"
#include "core/corpus/ItemSectionSplitter.h"
#include "core/corpus/TextViews.h"

#include <algorithm>
#include <cctype>

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

// Collects the sections a splitter emits (the whole-text form).
class SectionCollector : public SectionSink {
public:
  explicit SectionCollector(std::vector<Section>& sections) : sections_(sections) {}
  void beginSection(const std::string& name) override { sections_.push_back({name, {}}); }
  void addText(std::string_view lines) override {
    sections_.back().text.append(lines);
    sections_.back().text += '\n';
  }
  void endSection() override {}

private:
  std::vector<Section>& sections_;
};

} // namespace

std::string removePagedBoilerplate(const std::vector<std::string>& pages) {
  PagedBoilerplate filter;
  for (std::size_t p = 0; p < pages.size(); ++p) {
    if (p > 0)
      filter.observePageBreak();
    for (std::string_view line : splitLines(pages[p]))
      filter.observeLine(line);
  }
  std::string out;
  const LineCallback keep = [&](std::string_view line) {
    out.append(line);
    out += '\n';
  };
  for (std::size_t p = 0; p < pages.size(); ++p) {
    if (p > 0) {
      filter.filterPageBreak(keep);
      out += '\n'; // a page break ends a paragraph
    }
    for (std::string_view line : splitLines(pages[p]))
      filter.filterLine(line, keep);
  }
  filter.finishFiltering(keep);
  if (!pages.empty())
    out += '\n';
  return out;
}

std::string removeBoilerplateLines(std::string_view text) {
  const std::vector<std::string_view> lines = splitLines(text);
  LineBoilerplate filter;
  for (std::string_view line : lines)
    filter.observeLine(line);
  std::string out;
  out.reserve(text.size());
  for (std::string_view line : lines)
    if (filter.keeps(line)) {
      out.append(line);
      out += '\n';
    }
  return out;
}

std::vector<Section> splitItemSections(std::string_view text, const std::string& leadName) {
  std::vector<Section> sections;
  SectionCollector collector(sections);
  ItemSectionSplitter splitter(collector, leadName);
  for (std::string_view line : splitLines(text))
    splitter.addLine(line);
  const bool sawHeading = splitter.finish();
  std::erase_if(sections, [](const Section& s) { return trim(s.text).empty(); });
  if (!sawHeading && sections.size() == 1)
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
  const std::string head = lowerAscii(text.substr(0, std::min<std::size_t>(text.size(), 6000)));
  std::size_t best = std::string::npos;
  std::string bestForm;
  for (const std::string& form : kForms) {
    for (const std::string prefix : {"form ", "form\n", "schedule "}) {
      const std::size_t at = head.find(prefix + lowerAscii(form));
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
