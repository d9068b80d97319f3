#pragma once
// Boilerplate removal as two passes over a document's lines, so that no reader has to hold a whole filing:
// the first pass counts what recurs (page headers and footers), the second drops it. Both passes must see the
// same lines in the same order. removePagedBoilerplate() and removeBoilerplateLines() in FilingText.h are the
// whole-text forms.
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace distillery::corpus {

using LineCallback = std::function<void(std::string_view line)>;

/// Counts of keys seen in many pages or lines, bounded: past kMaxKeys the keys seen only once are dropped
/// (a header that recurs on 40% of the pages is counted again soon after), so memory does not grow with the file.
class RecurrenceCounter {
public:
  void add(const std::string& key);
  int count(const std::string& key) const;

private:
  static constexpr std::size_t kMaxKeys = 1 << 17;
  std::unordered_map<std::string, int> counts_;
};

/// Paged text (form feeds, <PAGE> lines, HTML page breaks): drops a page number among the first or last
/// lines of a page, "Table of Contents" lines, table-of-contents pages, and header/footer lines that recur
/// (digits aside) at the top or bottom of many pages.
class PagedBoilerplate {
public:
  // First pass.
  void observeLine(std::string_view line);
  void observePageBreak();
  // Second pass: the lines that stay go to keep, up to three lines late (whether a line is among the last
  // three of its page is known only when the page goes on or ends).
  void filterLine(std::string_view line, const LineCallback& keep);
  void filterPageBreak(const LineCallback& keep);
  void finishFiltering(const LineCallback& keep);

private:
  static constexpr int kEdgeLines = 3; // headers and footers live in the first and last few lines of a page
  void endObservedPage();
  bool dropped(std::string_view line, bool atEdge) const;

  // First pass, the page being read.
  std::vector<std::string> firstKeys_;
  std::deque<std::string> lastKeys_;
  std::unordered_set<std::string> pageFooters_;
  bool pageHasContentsHeading_ = false;
  int pageItemLines_ = 0;
  // First pass, the whole document.
  std::int64_t pages_ = 0;
  RecurrenceCounter edgeCounts_, footerCounts_;
  std::vector<std::int64_t> contentsPages_; // in increasing order
  // Second pass.
  bool filtering_ = false;
  std::int64_t page_ = 0;
  int lineInPage_ = 0;
  std::deque<std::pair<std::string, int>> pending_; // lines not yet known to be among the last three
  std::size_t nextContentsPage_ = 0;
  bool skipPage_ = false;
  int minRepeats_ = 3;
};

/// Text without page breaks (an EDGAR-CORPUS item, an exhibit): drops "Table of Contents" lines, "Page 12" /
/// "- 12 -" lines and footer lines ending in a page number that recur at least five times.
class LineBoilerplate {
public:
  void observeLine(std::string_view line);
  bool keeps(std::string_view line) const;

private:
  RecurrenceCounter footerCounts_;
};

} // namespace distillery::corpus
