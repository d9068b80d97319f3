// Fuzz target for the safetensors reader (header length, JSON header, offsets, dtype conversion).
#include "tests/fuzz/FuzzSupport.h"

#include "core/model/Safetensors.h"
#include "core/util/Error.h"

namespace distillery::fuzz {
namespace fs = std::filesystem;
using distillery::model::SafetensorsFile;

void fuzzSafetensors(const std::uint8_t* data, std::size_t size) {
  const fs::path file = freshScratchDir() / "model.safetensors";
  writeFile(file, asText(data, size));
  try {
    const SafetensorsFile tensors = SafetensorsFile::read(file);
    for (const auto& [name, entry] : tensors.entries()) {
      DISTILLERY_FUZZ_CHECK(entry.begin <= entry.end && entry.end <= size);
      DISTILLERY_FUZZ_CHECK(tensors.contains(name));
      if (entry.dtype == "F32" || entry.dtype == "F16" || entry.dtype == "BF16" || entry.dtype == "F64") {
        const std::vector<float> values = tensors.toFloat32(name);
        DISTILLERY_FUZZ_CHECK(values.size() == static_cast<std::size_t>(entry.elementCount()));
      }
    }
  } catch (const InputError&) {
    // the documented rejection, naming the file and tensor
  }
}

} // namespace distillery::fuzz
