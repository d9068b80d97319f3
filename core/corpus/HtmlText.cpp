#include "core/corpus/HtmlText.h"

#include "core/util/Utf8.h"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <cstring>

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

bool isHidden(const GumboElement& element) {
  if (element.tag == GUMBO_TAG_SCRIPT || element.tag == GUMBO_TAG_STYLE || element.tag == GUMBO_TAG_HEAD ||
      element.tag == GUMBO_TAG_NOSCRIPT || element.tag == GUMBO_TAG_TEMPLATE)
    return true;
  if (const GumboAttribute* style = gumbo_get_attribute(&element.attributes, "style")) {
    std::string value(style->value);
    std::erase_if(value, [](unsigned char c) { return std::isspace(c); });
    std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
    if (value.find("display:none") != std::string::npos)
      return true; // inline XBRL puts its machine-readable header in a hidden div
  }
  return false;
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

private:
  std::string out_;
  std::string line_;
  bool pendingSpace_ = false;
};

void walk(const GumboNode* node, TextBuilder& text, int depth);

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
  if (depth > 400) { // pathological nesting: keep the text, drop the structure (and the recursion)
    return;
  }
  if (element.tag == GUMBO_TAG_TR) {
    walkRow(element, text, depth);
    return;
  }
  const bool block = isBlock(element.tag);
  if (block)
    text.endLine();
  walkChildren(element, text, depth);
  if (block)
    text.endLine();
}

} // namespace

std::string htmlToText(std::string_view html) {
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  TextBuilder text;
  walk(output->root, text, 0);
  gumbo_destroy_output(&kGumboDefaultOptions, output);
  // gumbo encodes an out-of-range numeric reference (&#8217222...;) as bytes that are not UTF-8.
  std::string result = text.take();
  return isValidUtf8(result) ? result : repairUtf8(result);
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
