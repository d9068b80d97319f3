// EDGAR-CORPUS JSON as a stream of JSON events (nlohmann's SAX interface over the file read in pieces):
// each item_* string becomes a section the moment it has been read, so memory holds one item, not the filing.
// nlohmann's lexer keeps a whole string token, so one item is limited to ReadLimits::maxValueBytes; a longer
// one skips the file with that reason rather than growing without bound.
#include "core/corpus/FilingText.h"
#include "core/corpus/TextViews.h"
#include "core/corpus/readers/BoundedJson.h"
#include "core/corpus/readers/FilingReaders.h"
#include "core/corpus/readers/ReaderSupport.h"
#include "core/corpus/readers/Utf8Repairer.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <memory>

namespace distillery::corpus {
namespace {

// The file's bytes (UTF-8 repaired) for nlohmann's lexer, with the line number of the current position and a
// limit on how far the lexer may read past the last JSON event (the length of one token).
class JsonFileInput {
public:
  JsonFileInput(const std::filesystem::path& path, std::uint64_t maxTokenBytes, std::size_t bufferBytes)
      : file_(std::fopen(path.c_str(), "rb"), &std::fclose), buffer_(std::max<std::size_t>(bufferBytes, 1)),
        maxTokenBytes_(maxTokenBytes) {
    if (!file_)
      throw UnreadableInput("cannot open file");
  }

  bool atEnd() { return position_ == window_.size() && !refill(); }
  char current() const { return window_[position_]; }
  void advance() { ++position_; }
  /// A JSON event: the token that ended here was within the limit.
  void markEvent() { lastEvent_ = consumed_ + position_; }
  bool tokenTooLong() const { return tokenTooLong_; }
  std::int64_t line() const {
    return linesBefore_ + 1 +
           std::count(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(position_), '\n');
  }

private:
  bool refill() {
    if (finished_)
      return false;
    if (consumed_ + position_ - lastEvent_ > maxTokenBytes_) { // stop the lexer: it would keep all of it
      tokenTooLong_ = finished_ = true;
      return false;
    }
    linesBefore_ += std::count(window_.begin(), window_.end(), '\n');
    consumed_ += window_.size();
    const std::size_t got = std::fread(buffer_.data(), 1, buffer_.size(), file_.get());
    window_ = repairer_.repair(std::string_view(buffer_.data(), got), got == 0);
    position_ = 0;
    if (got == 0)
      finished_ = true;
    return !window_.empty() || (!finished_ && refill());
  }

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::vector<char> buffer_;
  Utf8Repairer repairer_;
  std::string_view window_;
  std::size_t position_ = 0;
  std::uint64_t consumed_ = 0; // bytes before window_
  std::uint64_t lastEvent_ = 0;
  std::uint64_t maxTokenBytes_;
  std::int64_t linesBefore_ = 0;
  bool finished_ = false;
  bool tokenTooLong_ = false;
};

// An input iterator over JsonFileInput, the form nlohmann::json::sax_parse takes input in.
class JsonByteIterator {
public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;

  JsonByteIterator() = default;
  explicit JsonByteIterator(JsonFileInput* input) : input_(input) {}
  char operator*() const { return input_->current(); }
  JsonByteIterator& operator++() {
    input_->advance();
    return *this;
  }
  JsonByteIterator operator++(int) {
    JsonByteIterator before = *this;
    input_->advance();
    return before;
  }
  bool operator==(const JsonByteIterator& other) const { return atEnd() == other.atEnd(); }
  bool operator!=(const JsonByteIterator& other) const { return !(*this == other); }

private:
  bool atEnd() const { return !input_ || input_->atEnd(); }
  JsonFileInput* input_ = nullptr;
};

std::string fieldText(const nlohmann::json& value) {
  if (value.is_null())
    return {};
  if (value.is_string())
    return std::string(trim(value.get_ref<const std::string&>()));
  return value.dump();
}

// "Item 7" plus the title the item text starts with ("ITEM 7.\nMANAGEMENT'S DISCUSSION ..."), cleaned.
std::string itemSectionName(const std::string& key, std::string_view text) {
  std::string name = "Item " + key.substr(5);
  const std::size_t firstEnd = text.find('\n');
  const std::string_view first = trim(text.substr(0, firstEnd));
  std::string_view second;
  if (firstEnd != std::string_view::npos) {
    const std::string_view rest = text.substr(firstEnd + 1);
    second = trim(rest.substr(0, rest.find('\n')));
  }
  if (first.size() <= 12 && !second.empty() && second.size() < 150)
    name += ". " + std::string(second);
  else if (first.size() < 150 && first.size() > 12)
    name = std::string(first);
  return cleanHeading(name);
}

// The record's fields as they are read: items to the sink, the filing's own fields to info, the rest to metadata.
class EdgarRecord {
public:
  EdgarRecord(DocumentInfo& info, DocumentSink& sink, const ReadLimits& limits)
      : info_(info), sink_(sink), limits_(limits) {}

  void field(const std::string& key, nlohmann::json&& value) {
    if (key.starts_with("item_")) {
      anyItem_ = true;
      if (value.is_string() && !trim(value.get_ref<const std::string&>()).empty()) {
        const std::string& text = value.get_ref<const std::string&>();
        sink_.beginSection(itemSectionName(key, text));
        sink_.addText(removeBoilerplateLines(text));
      }
      return;
    }
    if (key == "filing_type")
      info_.filingType = normaliseFilingType(fieldText(value));
    else if (key == "company")
      info_.company = fieldText(value);
    else if (key == "cik")
      info_.cik = fieldText(value);
    else if (key == "filing_date")
      info_.filingDate = fieldText(value);
    else if (key == "period_of_report")
      info_.period = fieldText(value);
    else if (const std::size_t bytes =
                 value.is_string() ? value.get_ref<const std::string&>().size() : value.dump().size();
             bytes > limits_.maxMetadataBytes)
      info_.warnings.push_back("metadata field '" + key + "' dropped: " + std::to_string(bytes) + " bytes");
    else
      info_.metadata[key] = std::move(value);
  }

  bool anyItem() const { return anyItem_; }

private:
  DocumentInfo& info_;
  DocumentSink& sink_;
  const ReadLimits& limits_;
  bool anyItem_ = false;
};

// SAX events of the whole file: the root object's members go to the record one by one; a member that is an
// array or object is built with nlohmann's DOM builder first (metadata such as "exhibits").
class EdgarSax {
public:
  using Json = nlohmann::json;
  EdgarSax(JsonFileInput& input, EdgarRecord& record) : input_(input), record_(record) {}

  bool null() {
    input_.markEvent();
    return nested_ ? nested_->null() : member(Json(nullptr));
  }
  bool boolean(bool value) {
    input_.markEvent();
    return nested_ ? nested_->boolean(value) : member(Json(value));
  }
  bool number_integer(Json::number_integer_t value) {
    input_.markEvent();
    return nested_ ? nested_->number_integer(value) : member(Json(value));
  }
  bool number_unsigned(Json::number_unsigned_t value) {
    input_.markEvent();
    return nested_ ? nested_->number_unsigned(value) : member(Json(value));
  }
  bool number_float(Json::number_float_t value, const Json::string_t& text) {
    input_.markEvent();
    return nested_ ? nested_->number_float(value, text) : member(Json(value));
  }
  bool string(Json::string_t& value) {
    input_.markEvent();
    return nested_ ? nested_->string(value) : member(Json(std::move(value)));
  }
  bool binary(Json::binary_t& value) {
    input_.markEvent();
    return nested_ ? nested_->binary(value) : member(Json::binary(std::move(value)));
  }
  bool key(Json::string_t& value) {
    input_.markEvent();
    if (nested_)
      return nested_->key(value);
    key_ = std::move(value);
    return true;
  }
  bool start_object(std::size_t elements) {
    input_.markEvent();
    if (depth_ == 0) {
      depth_ = 1;
      return true;
    }
    return open() && nested_->start_object(elements);
  }
  bool start_array(std::size_t elements) {
    input_.markEvent();
    if (depth_ == 0)
      return fail("not an EDGAR-CORPUS filing: the JSON is not an object");
    return open() && nested_->start_array(elements);
  }
  bool end_object() { return close(true); }
  bool end_array() { return close(false); }
  template <typename Exception> bool parse_error(std::size_t, const std::string&, const Exception& e) {
    if (input_.tokenTooLong())
      return fail("a JSON value is longer than the limit of one value in memory (line " +
                  std::to_string(input_.line()) + ")");
    return fail(std::string("invalid JSON: ") + e.what());
  }

  const std::string& error() const { return error_; }

private:
  bool member(Json&& value) {
    if (depth_ == 0)
      return fail("not an EDGAR-CORPUS filing: the JSON is not an object");
    record_.field(key_, std::move(value));
    return true;
  }

  bool open() {
    if (++depth_ > kMaxJsonDepth)
      return fail("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (line " +
                  std::to_string(input_.line()) + ")");
    if (!nested_) {
      value_ = Json();
      nested_ = std::make_unique<nlohmann::detail::json_sax_dom_parser<Json>>(value_, true);
    }
    return true;
  }

  bool close(bool object) {
    input_.markEvent();
    --depth_;
    if (!nested_)
      return true; // the root object ended
    const bool ok = object ? nested_->end_object() : nested_->end_array();
    if (depth_ == 1) {
      nested_.reset();
      return ok && member(std::move(value_));
    }
    return ok;
  }

  bool fail(std::string reason) {
    if (error_.empty())
      error_ = std::move(reason);
    return false;
  }

  JsonFileInput& input_;
  EdgarRecord& record_;
  int depth_ = 0;
  std::string key_;
  Json value_;
  std::unique_ptr<nlohmann::detail::json_sax_dom_parser<Json>> nested_;
  std::string error_;
};

} // namespace

void streamEdgarJson(const std::filesystem::path& path, const ReadLimits& limits, DocumentSink& sink) {
  DocumentInfo info;
  info.sourcePath = path.string();
  info.externalId = path.stem().string();
  info.contentHash = checkedTextHash(path, info, limits.readBufferBytes);
  if (!sink.beginDocument(info))
    return;
  JsonFileInput input(path, limits.maxValueBytes, limits.readBufferBytes);
  EdgarRecord record(info, sink, limits);
  EdgarSax sax(input, record);
  bool parsed = false;
  try {
    parsed = nlohmann::json::sax_parse(JsonByteIterator(&input), JsonByteIterator(), &sax);
  } catch (const nlohmann::json::exception& e) { // thrown by the DOM builder of a nested member
    throw UnreadableInput(std::string("invalid JSON: ") + e.what());
  }
  if (!parsed)
    throw UnreadableInput(sax.error().empty() ? "invalid JSON" : sax.error());
  if (!record.anyItem() && info.filingType == "unknown")
    throw UnreadableInput("not an EDGAR-CORPUS filing: no filing_type and no item_* fields");
  info.title = info.company.empty() ? info.externalId : info.company + " " + info.filingType + " " + info.filingDate;
  sink.endDocument(info);
}

} // namespace distillery::corpus
