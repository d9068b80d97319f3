#pragma once
// Line-level rules that tell boilerplate and item headings from filing prose, shared by the boilerplate
// filters and the item section splitter (whole-text forms in FilingText.h).
#include <string>
#include <string_view>

namespace distillery::corpus {

std::string lowerAscii(std::string_view s);
/// Case-insensitive (ASCII) s.starts_with(lowerPrefix); lowerPrefix is lower case.
bool startsWithLower(std::string_view s, std::string_view lowerPrefix);
/// Lower case, digit runs as '#', single spaces: "Apple Inc. | Q3 2022 Form 10-Q | 14" and the same
/// footer on page 15 compare equal.
std::string footerKey(std::string_view line);
bool allDigits(std::string_view s);
/// "12", "- 12 -", "Page 12", "Page 12 of 40", "F-3", "ii": what a page number line looks like.
bool looksLikePageNumber(std::string_view line);
/// "Apple Inc. | Q3 2022 Form 10-Q | 14": words, then a page number at the end.
bool looksLikeNumberedFooter(std::string_view line);
/// "Table of Contents", "Back to Contents" and the like.
bool isTableOfContentsLine(std::string_view line);
/// The line that names a contents page ("Table of Contents", "Contents", "Index").
bool isContentsHeading(std::string_view line);
bool startsWithItemWord(std::string_view line);
/// If line is an item heading, its label ("Item 7A") and the title after it (maybe empty).
bool parseItemHeading(std::string_view line, std::string& label, std::string& title);
/// The line after a bare "Item 7." is its title when it reads like one: short, starts with a capital,
/// not a sentence, not another heading or a "PART II" banner.
bool looksLikeTitle(std::string_view line);

} // namespace distillery::corpus
