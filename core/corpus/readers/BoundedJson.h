#pragma once
// JSON from files we did not write. nlohmann's parser itself is iterative, but copying, dumping and
// comparing a value recurse once per level, so a million nested arrays in a record would overflow the
// stack later on: nesting is refused while parsing. Errors read as sentences for the `skipped` list.
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace distillery::corpus {

/// Deepest nesting of arrays and objects accepted; real filings' metadata stays below ten.
constexpr int kMaxJsonDepth = 100;

/// The events of one JSON value passed on to nlohmann's DOM builder, with nesting limited to kMaxJsonDepth.
/// Use with nlohmann::json::sax_parse; after a false return, tooDeep() tells whether the limit stopped it.
template <typename Json> class DepthLimitedDomBuilder {
public:
  using number_integer_t = typename Json::number_integer_t;
  using number_unsigned_t = typename Json::number_unsigned_t;
  using number_float_t = typename Json::number_float_t;
  using string_t = typename Json::string_t;
  using binary_t = typename Json::binary_t;

  explicit DepthLimitedDomBuilder(Json& result) : dom_(result, true) {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(number_float_t value, const string_t& text) { return dom_.number_float(value, text); }
  bool string(string_t& value) { return dom_.string(value); }
  bool binary(binary_t& value) { return dom_.binary(value); }
  bool start_object(std::size_t elements) { return deeper() && dom_.start_object(elements); }
  bool key(string_t& value) { return dom_.key(value); }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t elements) { return deeper() && dom_.start_array(elements); }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  template <typename Exception> bool parse_error(std::size_t position, const std::string& token, const Exception& e) {
    return dom_.parse_error(position, token, e); // throws: the builder was made with exceptions allowed
  }

  bool tooDeep() const { return tooDeep_; }

private:
  bool deeper() {
    if (++depth_ <= kMaxJsonDepth)
      return true;
    tooDeep_ = true;
    return false;
  }

  // nlohmann's own builder (detail namespace, but the one json::parse uses), so values come out the same.
  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  int depth_ = 0;
  bool tooDeep_ = false;
};

/// Parses text as one JSON value. Throws UnreadableInput: "invalid JSON: ..." (with nlohmann's line and
/// column) or "JSON nested deeper than 100 levels".
nlohmann::json parseBoundedJson(std::string_view text);

} // namespace distillery::corpus
