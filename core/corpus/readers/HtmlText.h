#pragma once
// HTML to plain text with a real parser (gumbo): block elements end lines, table rows become one line
// with cells joined by " | " (the layout TAT-QA and the demo corpus use), scripts, styles and hidden
// inline-XBRL headers are dropped, and CSS page breaks become form feeds (so paged boilerplate removal
// sees an HTML filing's pages).
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace distillery::corpus {

/// Deepest element nesting passed to gumbo; deeper start tags (and their end tags) are dropped, their text kept.
constexpr int kMaxHtmlDepth = 256;

/// HTML of any size to text in bounded memory and time. gumbo needs a whole document and builds a tree ten
/// or more times the size of its input, so the HTML is cut into pieces of about pieceBytes, each parsed on
/// its own: a cut falls just before a block element (before a row inside a table), where a line ends anyway,
/// and the tables and hidden elements open at the cut are opened again at the start of the next piece, so
/// the text comes out as from one parse. A lexical pass ahead of gumbo keeps the open elements, flattens
/// nesting past kMaxHtmlDepth (gumbo's tree building walks the open elements per tag: quadratic in depth)
/// and drops comments, scripts and styles unparsed.
class HtmlTextStream {
public:
  using TextCallback = std::function<void(std::string_view text)>;
  explicit HtmlTextStream(TextCallback onText, std::size_t pieceBytes = 1 << 20);

  /// Any split of the HTML: tags and comments may span calls.
  void add(std::string_view html);
  void finish();

private:
  enum class State { Data, TagOpen, Tag, Comment, Declaration, RawText };
  struct OpenElement {
    std::string name;
    std::string reopen; // start tag to repeat at the next piece ("<table>"), or empty
  };

  void startTag(std::size_t tagStart);
  void completeTag();
  void cutBefore(std::size_t offset);
  std::string reopenPrefix() const;

  TextCallback onText_;
  std::size_t pieceBytes_;
  std::string pending_; // HTML of the current piece (after the lexical pass)
  std::string prefix_;  // start tags that reopen the elements open at the last cut
  State state_ = State::Data;
  std::size_t tagStart_ = 0; // offset in pending_ of the '<' being read
  char quote_ = 0;
  bool afterEquals_ = false;
  std::string rawEnd_; // "</script" while in a raw text element
  std::size_t rawMatched_ = 0;
  int commentDashes_ = 0;
  std::vector<OpenElement> open_;
  int tablesOpen_ = 0;
  int dropped_ = 0; // start tags dropped past kMaxHtmlDepth whose end tags are still to come
};

/// The whole text of an HTML document (HtmlTextStream over all of it).
std::string htmlToText(std::string_view html);

/// True when the start of text looks like HTML (a filing's <html>, <body>, <div>, <p> or <table>).
bool looksLikeHtml(std::string_view text);

} // namespace distillery::corpus
