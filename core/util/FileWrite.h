#pragma once
// Writing files so that a failure says why ("cannot write X: No space left on device") instead of leaving a
// silently short file behind.
#include <filesystem>
#include <string>
#include <string_view>

namespace distillery {

/// "<what> <path>: <the reason errno gives>" ("unknown reason" when errno is 0, as after some stream failures).
std::string systemError(const std::string& what, const std::filesystem::path& path);

/// Writes (replaces) path with contents, flushed and closed; throws Error naming the file and the reason.
void writeWholeFile(const std::filesystem::path& path, std::string_view contents);

} // namespace distillery
