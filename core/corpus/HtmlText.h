#pragma once
// HTML to plain text with a real parser (gumbo): block elements end lines, table rows become one line
// with cells joined by " | " (the layout TAT-QA and the demo corpus use), scripts, styles and hidden
// inline-XBRL headers are dropped.
#include <string>
#include <string_view>

namespace distillery::corpus {

std::string htmlToText(std::string_view html);

/// True when the start of text looks like HTML (a filing's <html>, <body>, <div>, <p> or <table>).
bool looksLikeHtml(std::string_view text);

} // namespace distillery::corpus
