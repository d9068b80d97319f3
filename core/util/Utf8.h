#pragma once
// UTF-8 validation and repair for text from outside (filings, LLM replies).
#include <cstddef>
#include <string>
#include <string_view>

namespace distillery {

/// True when bytes are well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool isValidUtf8(std::string_view bytes);

/// Copy of bytes with every ill-formed sequence replaced by U+FFFD; `replaced` counts them.
std::string repairUtf8(std::string_view bytes, std::size_t* replaced = nullptr);

} // namespace distillery
