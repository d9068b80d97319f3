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
    if (title.empty())
      pendingLabel_ = label;
    else
      begin(cleanHeading(label + ". " + title));
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
