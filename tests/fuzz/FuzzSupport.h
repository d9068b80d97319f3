#pragma once
// Shared by the libFuzzer targets and the regression test that replays their inputs in a normal build:
// the target table, scratch files for parsers that only take paths, and invariant checks.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace distillery::fuzz {

using FuzzFunction = void (*)(const std::uint8_t* data, std::size_t size);

// One function per parser of outside input. Each accepts any bytes: it returns normally when the parser
// succeeds or rejects the input with its documented error, and throws InvariantBroken (or crashes) otherwise.
void fuzzEdgarJson(const std::uint8_t* data, std::size_t size);
void fuzzEdgarFull(const std::uint8_t* data, std::size_t size);
void fuzzPlainText(const std::uint8_t* data, std::size_t size);
void fuzzBeir(const std::uint8_t* data, std::size_t size);
void fuzzJsonl(const std::uint8_t* data, std::size_t size);
void fuzzTokenizer(const std::uint8_t* data, std::size_t size);
void fuzzSafetensors(const std::uint8_t* data, std::size_t size);
void fuzzLlmResponse(const std::uint8_t* data, std::size_t size);
void fuzzRunConfig(const std::uint8_t* data, std::size_t size);

struct FuzzTarget {
  const char* name; // folder name under tests/fuzz/seeds and tests/fuzz/regressions
  FuzzFunction run;
};

inline const std::vector<FuzzTarget>& fuzzTargets() {
  static const std::vector<FuzzTarget> targets = {
      {"edgar_json", &fuzzEdgarJson},
      {"edgar_full", &fuzzEdgarFull},
      {"plain_text", &fuzzPlainText},
      {"beir", &fuzzBeir},
      {"jsonl", &fuzzJsonl},
      {"tokenizer", &fuzzTokenizer},
      {"safetensors", &fuzzSafetensors},
      {"llm_response", &fuzzLlmResponse},
      {"run_config", &fuzzRunConfig},
  };
  return targets;
}

/// A parser accepted or produced something it must not (a bug even though nothing crashed).
class InvariantBroken : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

#define DISTILLERY_FUZZ_CHECK(condition)                                                                               \
  do {                                                                                                                 \
    if (!(condition))                                                                                                  \
      throw ::distillery::fuzz::InvariantBroken(std::string(__FILE__ ":") + std::to_string(__LINE__) +                 \
                                                ": invariant broken: " #condition);                                    \
  } while (false)

/// This process's scratch directory (removed at exit); freshScratchDir() is a folder inside it.
const std::filesystem::path& scratchRoot();
/// An empty directory of this process (in /dev/shm when available: parsers that take paths stay fast).
/// Each call empties it again.
std::filesystem::path freshScratchDir();
void writeFile(const std::filesystem::path& path, std::string_view bytes);

/// The input cut at each occurrence of marker into at most `parts` pieces (missing pieces are empty), so one
/// fuzz input can carry several files.
std::vector<std::string_view> splitInput(std::string_view data, std::string_view marker, std::size_t parts);

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

} // namespace distillery::fuzz
