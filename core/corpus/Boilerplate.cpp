#include "core/corpus/Boilerplate.h"

#include "core/corpus/FilingRules.h"
#include "core/corpus/TextViews.h"

#include <algorithm>
#include <cctype>

namespace distillery::corpus {
namespace {

// A footer of the unpaged filter: short, ends in a digit, is not just a number.
bool looksLikeTrailingNumberLine(std::string_view t) {
  return !t.empty() && t.size() < 100 && std::isdigit(static_cast<unsigned char>(t.back()));
}

} // namespace

void RecurrenceCounter::add(const std::string& key) {
  if (counts_.size() >= kMaxKeys && !counts_.count(key))
    std::erase_if(counts_, [](const auto& entry) { return entry.second <= 1; });
  ++counts_[key];
}

int RecurrenceCounter::count(const std::string& key) const {
  const auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

void PagedBoilerplate::observeLine(std::string_view line) {
  if (trim(line).empty())
    return;
  std::string key = footerKey(line);
  if (firstKeys_.size() < kEdgeLines)
    firstKeys_.push_back(key);
  lastKeys_.push_back(std::move(key));
  if (lastKeys_.size() > kEdgeLines)
    lastKeys_.pop_front();
  if (looksLikeNumberedFooter(line)) // PDF text may put a footer amid the page's last table cells
    pageFooters_.insert(footerKey(line));
  pageHasContentsHeading_ |= isContentsHeading(line);
  pageItemLines_ += startsWithItemWord(trim(line));
}

void PagedBoilerplate::observePageBreak() {
  endObservedPage();
}

void PagedBoilerplate::endObservedPage() {
  std::unordered_set<std::string> keys(firstKeys_.begin(), firstKeys_.end());
  keys.insert(lastKeys_.begin(), lastKeys_.end());
  for (const std::string& key : keys)
    edgeCounts_.add(key);
  for (const std::string& key : pageFooters_)
    footerCounts_.add(key);
  if (pageHasContentsHeading_ && pageItemLines_ >= 4)
    contentsPages_.push_back(pages_);
  ++pages_;
  firstKeys_.clear();
  lastKeys_.clear();
  pageFooters_.clear();
  pageHasContentsHeading_ = false;
  pageItemLines_ = 0;
}

bool PagedBoilerplate::dropped(std::string_view line, bool atEdge) const {
  const bool manyPages = pages_ >= 4;
  if (atEdge && (looksLikePageNumber(line) || (manyPages && edgeCounts_.count(footerKey(line)) >= minRepeats_)))
    return true;
  if (manyPages && looksLikeNumberedFooter(line) && footerCounts_.count(footerKey(line)) >= minRepeats_)
    return true;
  return isTableOfContentsLine(line);
}

void PagedBoilerplate::filterLine(std::string_view line, const LineCallback& keep) {
  if (!filtering_) {
    endObservedPage(); // the last page has no break after it
    filtering_ = true;
    minRepeats_ = std::max<int>(3, static_cast<int>(pages_ * 2 / 5));
    // A contents page is one page of several: a document read as one page (HTML without page-break styles)
    // would otherwise lose all its text to its own table of contents.
    if (pages_ < 2)
      contentsPages_.clear();
    skipPage_ = !contentsPages_.empty() && contentsPages_[0] == 0;
    nextContentsPage_ = skipPage_ ? 1 : 0;
  }
  if (skipPage_ || trim(line).empty())
    return;
  pending_.emplace_back(std::string(line), lineInPage_++);
  if (pending_.size() > kEdgeLines) { // it has three lines after it: only the page's first lines are edges
    const auto& [text, index] = pending_.front();
    if (!dropped(text, index < kEdgeLines))
      keep(text);
    pending_.pop_front();
  }
}

void PagedBoilerplate::filterPageBreak(const LineCallback& keep) {
  if (!filtering_)
    filterLine("", keep); // an empty first page: start the second pass
  for (const auto& [text, index] : pending_)
    if (!dropped(text, true))
      keep(text);
  pending_.clear();
  lineInPage_ = 0;
  ++page_;
  skipPage_ = nextContentsPage_ < contentsPages_.size() && contentsPages_[nextContentsPage_] == page_;
  if (skipPage_)
    ++nextContentsPage_;
}

void PagedBoilerplate::finishFiltering(const LineCallback& keep) {
  if (!filtering_)
    filterLine("", keep);
  for (const auto& [text, index] : pending_)
    if (!dropped(text, true))
      keep(text);
  pending_.clear();
}

void LineBoilerplate::observeLine(std::string_view line) {
  const std::string_view t = trim(line);
  if (looksLikeTrailingNumberLine(t))
    footerCounts_.add(footerKey(t));
}

bool LineBoilerplate::keeps(std::string_view line) const {
  const std::string_view t = trim(line);
  if (isTableOfContentsLine(t))
    return false;
  if ((startsWithLower(t, "page ") || t.starts_with("-")) && looksLikePageNumber(t))
    return false;
  if (looksLikeTrailingNumberLine(t) && !allDigits(t)) {
    const std::string key = footerKey(t);
    const auto letters = std::count_if(key.begin(), key.end(), [](unsigned char c) { return std::isalpha(c); });
    if (letters >= 8 && footerCounts_.count(key) >= 5)
      return false;
  }
  return true;
}

} // namespace distillery::corpus
