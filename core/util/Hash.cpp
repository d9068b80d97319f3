#include "core/util/Hash.h"

#include <xxhash.h>

#include <cstdio>

namespace distillery {
namespace {
std::string toHex(XXH128_hash_t h) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}
} // namespace

std::string contentHash(std::string_view text) {
  return toHex(XXH3_128bits(text.data(), text.size()));
}

ContentHasher::ContentHasher() : state_(XXH3_createState()) {
  XXH3_128bits_reset(static_cast<XXH3_state_t*>(state_));
}

ContentHasher::~ContentHasher() {
  XXH3_freeState(static_cast<XXH3_state_t*>(state_));
}

void ContentHasher::update(std::string_view bytes) {
  XXH3_128bits_update(static_cast<XXH3_state_t*>(state_), bytes.data(), bytes.size());
}

std::string ContentHasher::hexDigest() const {
  return toHex(XXH3_128bits_digest(static_cast<XXH3_state_t*>(state_)));
}

} // namespace distillery
