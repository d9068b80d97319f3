// Fuzz target for the run configuration (RUN.json): parse, validate, and round-trip through toJson.
#include "tests/fuzz/FuzzSupport.h"

#include "core/pipeline/RunConfig.h"
#include "core/util/Error.h"

namespace distillery::fuzz {
using namespace distillery::pipeline;

void fuzzRunConfig(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = asText(data, size);
  const nlohmann::json json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded())
    return;
  RunConfig config;
  try {
    config = parseRunConfig(json, "fuzz.json");
  } catch (const InputError&) {
    return; // the documented rejection, naming the field
  }
  // What toJson writes (and the store records) must read back as the same config.
  const nlohmann::json written = toJson(config);
  DISTILLERY_FUZZ_CHECK(toJson(parseRunConfig(written, "round trip")) == written);
}

} // namespace distillery::fuzz
