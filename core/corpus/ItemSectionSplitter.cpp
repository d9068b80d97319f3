#include "core/corpus/ItemSectionSplitter.h"

#include "core/corpus/FilingRules.h"
#include "core/corpus/FilingText.h"
#include "core/corpus/TextViews.h"

namespace distillery::corpus {

ItemSectionSplitter::ItemSectionSplitter(SectionSink& sink, std::string leadName)
    : sink_(sink), leadName_(std::move(leadName)) {}

void ItemSectionSplitter::begin(const std::string& name) {
  sink_.beginSection(name);
  started_ = true;
}

void ItemSectionSplitter::addLine(std::string_view line) {
  if (!started_)
    begin(leadName_);
  if (!pendingLabel_.empty()) {
    const std::string_view t = trim(line);
    if (t.empty())
      return;
    const std::string label = std::move(pendingLabel_);
    pendingLabel_.clear();
    if (looksLikeTitle(t)) {
      begin(cleanHeading(label + ". " + std::string(t)));
      return;
    }
    begin(cleanHeading(label));
  }
  std::string label, title;
  if (parseItemHeading(line, label, title)) {
    if (label == currentLabel_)
      return; // a running page header ("PART II Item 1A") repeats the item it is in
    currentLabel_ = label;
    if (title.empty()) {
      pendingLabel_ = label;
      return;
    }
    // "Item 8.01 Other Events. The board declared a dividend ...": the heading's paragraph runs on in its line
    // (HTML filings often put both in one <p>); it is the section's first text, not part of its name.
    std::string body;
    if (const std::size_t end = title.find(". "); end != std::string::npos && end > 0) {
      body = std::string(trim(std::string_view(title).substr(end + 2)));
      if (!body.empty())
        title.resize(end);
    }
    begin(cleanHeading(label + ". " + title));
    if (!body.empty())
      sink_.addText(body);
    return;
  }
  sink_.addText(line);
}

bool ItemSectionSplitter::finish() {
  if (!pendingLabel_.empty()) {
    begin(cleanHeading(pendingLabel_));
    pendingLabel_.clear();
  }
  if (started_)
    sink_.endSection();
  return !currentLabel_.empty();
}

} // namespace distillery::corpus
