#include "core/corpus/readers/BoundedJson.h"

#include "core/corpus/readers/FilingReaders.h"

namespace distillery::corpus {

nlohmann::json parseBoundedJson(std::string_view text) {
  nlohmann::json result;
  DepthLimitedDomBuilder<nlohmann::json> builder(result);
  try {
    if (!nlohmann::json::sax_parse(text.begin(), text.end(), &builder) && builder.tooDeep())
      throw UnreadableInput("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  } catch (const nlohmann::json::exception& e) { // parse_error, or out_of_range for a number like 1e999
    throw UnreadableInput(std::string("invalid JSON: ") + e.what());
  }
  return result;
}

} // namespace distillery::corpus
