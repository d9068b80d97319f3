#pragma once
// Content hashes (xxHash XXH3-128) used to recognise files, passages and judgments seen before.
#include <string>
#include <string_view>

namespace distillery {

/// 32 lowercase hex digits of XXH3-128 over the bytes of text.
std::string contentHash(std::string_view text);

/// Incremental form for streamed files.
class ContentHasher {
public:
  ContentHasher();
  ~ContentHasher();
  ContentHasher(const ContentHasher&) = delete;
  ContentHasher& operator=(const ContentHasher&) = delete;
  void update(std::string_view bytes);
  std::string hexDigest() const;

private:
  void* state_;
};

} // namespace distillery
