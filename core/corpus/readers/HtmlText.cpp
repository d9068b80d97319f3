#include "core/corpus/readers/HtmlText.h"

#include "core/util/Utf8.h"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_set>

namespace distillery::corpus {
namespace {

bool isBlock(GumboTag tag) {
  switch (tag) {
  case GUMBO_TAG_P:
  case GUMBO_TAG_DIV:
  case GUMBO_TAG_BR:
  case GUMBO_TAG_LI:
  case GUMBO_TAG_UL:
  case GUMBO_TAG_OL:
  case GUMBO_TAG_H1:
  case GUMBO_TAG_H2:
  case GUMBO_TAG_H3:
  case GUMBO_TAG_H4:
  case GUMBO_TAG_H5:
  case GUMBO_TAG_H6:
  case GUMBO_TAG_TABLE:
  case GUMBO_TAG_TR:
  case GUMBO_TAG_BLOCKQUOTE:
  case GUMBO_TAG_PRE:
  case GUMBO_TAG_HR:
  case GUMBO_TAG_SECTION:
  case GUMBO_TAG_ARTICLE:
  case GUMBO_TAG_CENTER:
  case GUMBO_TAG_DL:
  case GUMBO_TAG_DT:
  case GUMBO_TAG_DD:
  case GUMBO_TAG_BODY:
  case GUMBO_TAG_FORM:
  case GUMBO_TAG_CAPTION:
    return true;
  default:
    return false;
  }
}

// Lower case without spaces, so "Display: None" and "display:none" compare equal.
std::string compactStyle(std::string_view style) {
  std::string value;
  value.reserve(style.size());
  for (unsigned char c : style)
    if (!std::isspace(c))
      value += static_cast<char>(std::tolower(c));
  return value;
}

std::string styleOf(const GumboElement& element) {
  const GumboAttribute* style = gumbo_get_attribute(&element.attributes, "style");
  return style ? compactStyle(style->value) : std::string();
}

bool isHidden(const GumboElement& element) {
  if (element.tag == GUMBO_TAG_SCRIPT || element.tag == GUMBO_TAG_STYLE || element.tag == GUMBO_TAG_HEAD ||
      element.tag == GUMBO_TAG_NOSCRIPT || element.tag == GUMBO_TAG_TEMPLATE)
    return true;
  // inline XBRL puts its machine-readable header in a hidden div
  return styleOf(element).find("display:none") != std::string::npos;
}

class TextBuilder {
public:
  std::string take() {
    endLine();
    return std::move(out_);
  }

  void appendText(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      // Non-breaking spaces (U+00A0, C2 A0) pad filing tables; they are spaces here.
      const bool nbsp = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0;
      if (std::isspace(c) || nbsp) {
        pendingSpace_ = true;
        if (nbsp)
          ++i;
        continue;
      }
      if (pendingSpace_ && !line_.empty())
        line_ += ' ';
      pendingSpace_ = false;
      line_ += static_cast<char>(c);
    }
  }

  void endLine() {
    if (!line_.empty()) {
      out_ += line_;
      out_ += '\n';
      line_.clear();
    }
    pendingSpace_ = false;
  }

  // Table rows: each cell's text is collected on its own, then the non-empty cells are joined.
  std::string takeLine() {
    std::string line = std::move(line_);
    line_.clear();
    pendingSpace_ = false;
    return line;
  }
  void appendRaw(std::string_view text) { line_ += text; }

  // A printed page ends here (CSS page-break-before/after on a filing's <hr> or <div>): a form feed line.
  void pageBreak() {
    endLine();
    if (!out_.empty() && !out_.ends_with("\f\n"))
      out_ += "\f\n";
  }

private:
  std::string out_;
  std::string line_;
  bool pendingSpace_ = false;
};

void walk(const GumboNode* node, TextBuilder& text, int depth);

constexpr int kMaxWalkDepth = 400; // below this the tree is walked with its structure (recursively)

// Past kMaxWalkDepth: the text of the subtree in document order, lines ended at blocks, without recursion.
void walkFlat(const GumboNode* root, TextBuilder& text) {
  std::vector<const GumboNode*> stack = {root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA || node->type == GUMBO_NODE_WHITESPACE) {
      text.appendText(node->v.text.text);
      continue;
    }
    if ((node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) || isHidden(node->v.element))
      continue;
    if (isBlock(node->v.element.tag))
      text.endLine();
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i > 0; --i)
      stack.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
  }
}

void walkChildren(const GumboElement& element, TextBuilder& text, int depth) {
  for (unsigned i = 0; i < element.children.length; ++i)
    walk(static_cast<const GumboNode*>(element.children.data[i]), text, depth + 1);
}

void walkRow(const GumboElement& row, TextBuilder& text, int depth) {
  text.endLine();
  std::string joined;
  for (unsigned i = 0; i < row.children.length; ++i) {
    const auto* cell = static_cast<const GumboNode*>(row.children.data[i]);
    if (cell->type != GUMBO_NODE_ELEMENT || isHidden(cell->v.element))
      continue;
    walkChildren(cell->v.element, text, depth + 1);
    std::string cellText = text.takeLine();
    for (char& c : cellText)
      if (c == '\n')
        c = ' ';
    if (cellText.empty() || cellText == "$" || cellText == "%" || cellText == ")")
      continue; // filing tables split "$" and ")" into their own padding cells
    if (!joined.empty())
      joined += " | ";
    joined += cellText;
  }
  text.appendRaw(joined);
  text.endLine();
}

void walk(const GumboNode* node, TextBuilder& text, int depth) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA || node->type == GUMBO_NODE_WHITESPACE) {
    text.appendText(node->v.text.text);
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE)
    return;
  const GumboElement& element = node->v.element;
  if (isHidden(element))
    return;
  if (depth > kMaxWalkDepth) { // pathological nesting: keep the text, drop the structure (and the recursion)
    walkFlat(node, text);
    return;
  }
  if (element.tag == GUMBO_TAG_TR) {
    walkRow(element, text, depth);
    return;
  }
  const std::string style = styleOf(element);
  if (style.find("page-break-before:always") != std::string::npos ||
      style.find("break-before:page") != std::string::npos)
    text.pageBreak();
  const bool block = isBlock(element.tag);
  if (block)
    text.endLine();
  walkChildren(element, text, depth);
  if (block)
    text.endLine();
  if (style.find("page-break-after:always") != std::string::npos || style.find("break-after:page") != std::string::npos)
    text.pageBreak();
}

// One piece of HTML through gumbo. Parse errors are not recorded (max_errors 0): nobody reads them, and a
// broken filing would otherwise allocate one per bad tag.
std::string pieceToText(std::string_view html) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  TextBuilder text;
  walk(output->root, text, 0);
  gumbo_destroy_output(&options, output);
  // gumbo encodes an out-of-range numeric reference (&#8217222...;) as bytes that are not UTF-8.
  std::string result = text.take();
  return isValidUtf8(result) ? result : repairUtf8(result);
}

bool isOneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Elements that never hold others, or whose end tag is implied by what follows (<p>, <td>, <li>): they do not
// deepen nesting, so the lexical pass does not count them.
bool isUncounted(std::string_view name) {
  return isOneOf(name,
                 {"area",     "base",  "basefont", "bgsound", "br",   "col",      "embed",   "frame", "hr",    "image",
                  "img",      "input", "keygen",   "link",    "meta", "param",    "source",  "track", "wbr",   "p",
                  "li",       "dt",    "dd",       "tr",      "td",   "th",       "thead",   "tbody", "tfoot", "option",
                  "optgroup", "rb",    "rt",       "rtc",     "rp",   "colgroup", "caption", "html",  "head",  "body"});
}

// Elements whose content is not text for us (and not markup to gumbo): skipped unread.
bool isSkippedRawText(std::string_view name) {
  return isOneOf(name, {"script", "style", "title", "iframe", "noembed", "noframes"});
}

// Where a piece may end: before a block element, where a line ends anyway; inside a table only before a row.
bool isCutPoint(std::string_view name, bool inTable) {
  if (inTable)
    return name == "tr";
  return isOneOf(name, {"p",  "div", "table", "br",         "hr",  "h1",     "h2",      "h3",      "h4", "h5", "h6",
                        "li", "ul",  "ol",    "blockquote", "pre", "center", "section", "article", "dl", "dt", "dd"});
}

// The lower-case name of the tag that starts at tag[0] == '<', and whether it is an end tag.
std::string tagName(std::string_view tag, bool& isEnd) {
  std::size_t i = 1;
  isEnd = i < tag.size() && tag[i] == '/';
  if (isEnd)
    ++i;
  std::string name;
  for (; i < tag.size() && name.size() < 64; ++i) {
    const auto c = static_cast<unsigned char>(tag[i]);
    if (!std::isalnum(c) && c != ':' && c != '-' && c != '_' && c != '.')
      break;
    name += static_cast<char>(std::tolower(c));
  }
  return name;
}

constexpr std::size_t kMaxTagBytes = 1 << 16; // a longer tag (a megabyte of attributes) is dropped whole

} // namespace

HtmlTextStream::HtmlTextStream(TextCallback onText, std::size_t pieceBytes)
    : onText_(std::move(onText)), pieceBytes_(std::max<std::size_t>(pieceBytes, 1024)) {}

void HtmlTextStream::add(std::string_view html) {
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    switch (state_) {
    case State::Data: {
      const void* found = std::memchr(html.data() + i, '<', html.size() - i);
      const std::size_t end =
          found ? static_cast<std::size_t>(static_cast<const char*>(found) - html.data()) : html.size();
      pending_.append(html.substr(i, end - i));
      i = end;
      if (pending_.size() >= 3 * pieceBytes_) { // text without tags: cut after a space (never inside an entity)
        std::size_t cut = pending_.find_last_of(" \n", pending_.size() - 1);
        if (cut == std::string::npos || pending_.size() - cut > (1 << 16)) {
          cut = pending_.size() - 1;
          while (cut > 0 && (static_cast<unsigned char>(pending_[cut]) & 0xC0) == 0x80)
            --cut; // not inside a UTF-8 sequence
        }
        cutBefore(cut + 1);
      }
      if (found) {
        tagStart_ = pending_.size();
        pending_ += '<';
        ++i;
        state_ = State::TagOpen;
      }
      break;
    }
    case State::TagOpen:
      if (c == '!' || c == '?') {
        pending_ += c;
        ++i;
        state_ = State::Declaration;
      } else if (c == '/' || std::isalpha(static_cast<unsigned char>(c))) {
        pending_ += c;
        ++i;
        quote_ = 0;
        afterEquals_ = false;
        state_ = State::Tag;
      } else {
        state_ = State::Data; // a lone '<' is text, for gumbo too
      }
      break;
    case State::Tag:
      ++i;
      if (pending_.size() - tagStart_ < kMaxTagBytes)
        pending_ += c;
      if (quote_) {
        if (c == quote_)
          quote_ = 0;
      } else if (c == '>') {
        if (pending_.size() - tagStart_ >= kMaxTagBytes)
          pending_.resize(tagStart_);
        else
          completeTag();
        if (state_ == State::Tag)
          state_ = State::Data;
      } else if (c == '=') {
        afterEquals_ = true;
      } else if (afterEquals_ && (c == '"' || c == '\'')) {
        quote_ = c;
        afterEquals_ = false;
      } else if (!std::isspace(static_cast<unsigned char>(c))) {
        afterEquals_ = false;
      }
      break;
    case State::Declaration:
      ++i;
      if (pending_.size() - tagStart_ < 4096)
        pending_ += c;
      if (pending_.size() - tagStart_ == 4 && pending_.compare(tagStart_, 4, "<!--") == 0) {
        pending_.resize(tagStart_);
        commentDashes_ = 0;
        state_ = State::Comment;
      } else if (c == '>') {
        // Only the doctype matters (it sets gumbo's quirks mode); other declarations and CDATA are dropped.
        std::string head = pending_.substr(tagStart_, 9);
        std::transform(head.begin(), head.end(), head.begin(), [](unsigned char ch) { return std::tolower(ch); });
        if (head != "<!doctype")
          pending_.resize(tagStart_);
        state_ = State::Data;
      }
      break;
    case State::Comment: // comments are dropped unread: "-->" ends one
      ++i;
      if (c == '-') {
        ++commentDashes_;
      } else {
        if (c == '>' && commentDashes_ >= 2)
          state_ = State::Data;
        commentDashes_ = 0;
      }
      break;
    case State::RawText: // a script or style: skipped up to its end tag, which is then read as a tag
      ++i;
      if (std::tolower(static_cast<unsigned char>(c)) == rawEnd_[rawMatched_]) {
        if (++rawMatched_ == rawEnd_.size()) {
          tagStart_ = pending_.size();
          pending_ += rawEnd_;
          quote_ = 0;
          afterEquals_ = false;
          state_ = State::Tag;
        }
      } else {
        rawMatched_ = c == '<' ? 1 : 0;
      }
      break;
    }
  }
}

void HtmlTextStream::completeTag() {
  bool isEnd = false;
  const std::string name = tagName(std::string_view(pending_).substr(tagStart_), isEnd);
  if (name.empty())
    return;
  const bool counted = !isUncounted(name) && !isSkippedRawText(name);
  if (isEnd) {
    if (!counted)
      return;
    if (dropped_ > 0) { // the end of a start tag dropped for depth
      --dropped_;
      pending_.resize(tagStart_);
      return;
    }
    for (std::size_t k = open_.size(); k > 0; --k)
      if (open_[k - 1].name == name) { // closes it and whatever was left open inside it
        for (std::size_t j = k - 1; j < open_.size(); ++j)
          tablesOpen_ -= open_[j].name == "table";
        open_.resize(k - 1);
        break;
      }
    return;
  }
  const std::size_t tagBytes = pending_.size() - tagStart_;
  if ((pending_.size() - tagBytes >= pieceBytes_ && isCutPoint(name, tablesOpen_ > 0)) ||
      pending_.size() - tagBytes >= 2 * pieceBytes_)
    cutBefore(tagStart_);
  if (isSkippedRawText(name)) {
    rawEnd_ = "</" + name;
    rawMatched_ = 0;
    state_ = State::RawText;
    return;
  }
  if (!counted)
    return;
  if (open_.size() >= static_cast<std::size_t>(kMaxHtmlDepth)) {
    ++dropped_;
    pending_.resize(tagStart_);
    return;
  }
  std::string reopen;
  if (name == "table")
    reopen = "<table>";
  else if (name == "template" || name == "noscript")
    reopen = "<" + name + ">";
  else if (compactStyle(std::string_view(pending_).substr(tagStart_)).find("display:none") != std::string::npos)
    reopen = "<" + name + " style=\"display:none\">"; // the same name, so its own end tag closes it
  tablesOpen_ += name == "table";
  open_.push_back({name, std::move(reopen)});
}

std::string HtmlTextStream::reopenPrefix() const {
  std::string prefix;
  for (const OpenElement& element : open_)
    prefix += element.reopen;
  return prefix;
}

void HtmlTextStream::cutBefore(std::size_t offset) {
  onText_(pieceToText(prefix_ + pending_.substr(0, offset)));
  prefix_ = reopenPrefix();
  pending_.erase(0, offset);
  tagStart_ = tagStart_ >= offset ? tagStart_ - offset : 0;
}

void HtmlTextStream::finish() {
  if (!pending_.empty() || !prefix_.empty())
    onText_(pieceToText(prefix_ + pending_));
  pending_.clear();
  prefix_.clear();
  open_.clear();
  tablesOpen_ = dropped_ = 0;
  state_ = State::Data;
}

std::string htmlToText(std::string_view html) {
  std::string text;
  HtmlTextStream stream([&](std::string_view piece) { text.append(piece); });
  stream.add(html);
  stream.finish();
  return text;
}

bool looksLikeHtml(std::string_view text) {
  std::string head(text.substr(0, std::min<std::size_t>(text.size(), 4096)));
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* marker : {"<html", "<body", "<div", "<p>", "<p ", "<table", "<!doctype html", "<xbrl"})
    if (head.find(marker) != std::string::npos)
      return true;
  return false;
}

} // namespace distillery::corpus
