#include "tests/fuzz/FuzzSupport.h"

#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace distillery::fuzz {
namespace fs = std::filesystem;

// Allocated once and never freed, so the exit handler that removes it can still read it.
const fs::path& scratchRoot() {
  static const fs::path* root = [] {
    std::error_code ec;
    const fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    auto* dir = new fs::path(base / ("distillery-fuzz-" + std::to_string(::getpid())));
    fs::create_directories(*dir);
    // Left-over scratch files of a crashed run are harmless, but a clean exit removes them.
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(scratchRoot(), ignored);
    });
    return dir;
  }();
  return *root;
}

fs::path freshScratchDir() {
  const fs::path dir = scratchRoot() / "input";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  return dir;
}

void writeFile(const fs::path& path, std::string_view bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out)
    throw std::runtime_error("fuzz harness cannot write " + path.string());
}

std::vector<std::string_view> splitInput(std::string_view data, std::string_view marker, std::size_t parts) {
  std::vector<std::string_view> pieces;
  while (pieces.size() + 1 < parts) {
    const std::size_t at = data.find(marker);
    if (at == std::string_view::npos)
      break;
    pieces.push_back(data.substr(0, at));
    data.remove_prefix(at + marker.size());
  }
  pieces.push_back(data);
  pieces.resize(parts);
  return pieces;
}

} // namespace distillery::fuzz
