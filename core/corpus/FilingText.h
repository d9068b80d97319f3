#pragma once
// Turning raw filing text into clean sections: boilerplate removal (page numbers, "Table of Contents"
// lines, repeated page headers/footers) and item heading detection, shared by the text, full-submission
// and HTML importers.
#include <string>
#include <string_view>
#include <vector>

#include "core/corpus/Chunker.h"

namespace distillery::corpus {

/// Joins pages into one text without their boilerplate: a page number among the first/last lines of a
/// page, "Table of Contents" lines, table-of-contents pages, and header/footer lines that recur (digits
/// aside) at the top or bottom of many pages.
std::string removePagedBoilerplate(const std::vector<std::string>& pages);

/// For text without page breaks (an EDGAR-CORPUS item): drops "Table of Contents" lines, "Page 12" /
/// "- 12 -" lines and footer lines ending in a page number that recur at least five times.
std::string removeBoilerplateLines(std::string_view text);

/// Splits text at item headings ("Item 7.", "ITEM 1A. RISK FACTORS", "Item 2.02 Results of ...");
/// text before the first heading becomes a section named `leadName`.
std::vector<Section> splitItemSections(std::string_view text, const std::string& leadName = "Cover");

/// A heading fit for a section name: rules of dashes/underscores/equals signs removed, spaces collapsed,
/// at most 150 bytes ("Item 8. Financial Statements - ------" -> "Item 8. Financial Statements").
std::string cleanHeading(std::string_view heading);

/// Filing type named near the start of a filing ("FORM 10-K" -> "10-K"), or empty.
std::string detectFilingTypeInText(std::string_view text);

/// Canonical spelling of a form type: upper case, single spaces ("def 14a" -> "DEF 14A"); empty -> "unknown".
std::string normaliseFilingType(std::string_view formType);

} // namespace distillery::corpus
