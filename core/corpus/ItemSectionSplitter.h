#pragma once
// Splits a filing's lines at item headings ("Item 7.", "ITEM 1A. RISK FACTORS", "Item 2.02 Results of ...")
// as they arrive, so that sections of any length pass through to the chunker a line at a time.
// splitItemSections() in FilingText.h is the whole-text form.
#include <string>
#include <string_view>

#include "core/corpus/Chunker.h"

namespace distillery::corpus {

class ItemSectionSplitter {
public:
  /// Text before the first heading goes to a section named leadName.
  explicit ItemSectionSplitter(SectionSink& sink, std::string leadName = "Cover");

  void addLine(std::string_view line);
  /// Ends the last section. True when some item heading was seen; otherwise the lead section held the whole
  /// text and a name like "Cover" would mislabel it (callers clear it).
  bool finish();

private:
  void begin(const std::string& name);

  SectionSink& sink_;
  std::string leadName_;
  bool started_ = false;
  std::string currentLabel_;
  std::string pendingLabel_; // a bare "Item 7." whose title may sit on the next non-empty line
};

} // namespace distillery::corpus
