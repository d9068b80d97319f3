// The libFuzzer entry point of one target; CMake names the target function in DISTILLERY_FUZZ_ENTRY.
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  distillery::fuzz::DISTILLERY_FUZZ_ENTRY(data, size);
  return 0;
}
