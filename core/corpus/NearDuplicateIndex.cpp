#include "core/corpus/NearDuplicateIndex.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace distillery::corpus {
namespace {

std::uint64_t mix(std::uint64_t x) { // splitmix64 finaliser: a cheap, well-spread hash of a 64-bit value
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Hashes of the lower-cased alphanumeric words of text (FNV-1a per word).
std::vector<std::uint64_t> wordHashes(std::string_view text) {
  std::vector<std::uint64_t> words;
  std::uint64_t h = 0;
  bool inWord = false;
  for (unsigned char c : text) {
    const bool upper = c >= 'A' && c <= 'Z';
    if (upper || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      if (!inWord)
        h = 1469598103934665603ull;
      h = (h ^ (upper ? c + 32u : c)) * 1099511628211ull; // ASCII lower-casing, locale-free
      inWord = true;
    } else if (inWord) {
      words.push_back(h);
      inWord = false;
    }
  }
  if (inWord)
    words.push_back(h);
  return words;
}

constexpr int kShingleWords = 5;

// The kHashes hash functions of the signature: multiply-shift (odd multiplier, added constant, top 32 bits) over
// the already well-mixed shingle hash, two operations per function instead of a full mixer (the mixer per
// function and shingle was a fifth of the import's own work).
struct MinHashFamily {
  std::uint64_t multiplier[NearDuplicateIndex::kHashes];
  std::uint64_t offset[NearDuplicateIndex::kHashes];
  MinHashFamily() {
    for (int k = 0; k < NearDuplicateIndex::kHashes; ++k) {
      multiplier[k] = mix(0x632BE59BD9B4E019ull * (k + 1)) | 1;
      offset[k] = mix(0x9E3779B97F4A7C15ull * (k + 7));
    }
  }
};
const MinHashFamily kFamily;

} // namespace

NearDuplicateIndex::NearDuplicateIndex(double threshold) : threshold_(threshold), buckets_(kBands) {}

NearDuplicateIndex::Signature NearDuplicateIndex::signature(std::string_view text) const {
  const std::vector<std::uint64_t> words = wordHashes(text);
  std::vector<std::uint64_t> shingles;
  if (words.size() < kShingleWords) {
    std::uint64_t h = 0;
    for (std::uint64_t w : words)
      h = mix(h ^ w);
    shingles.push_back(h);
  } else {
    for (std::size_t i = 0; i + kShingleWords <= words.size(); ++i) {
      std::uint64_t h = 0;
      for (int k = 0; k < kShingleWords; ++k)
        h = mix(h ^ words[i + k]);
      shingles.push_back(h);
    }
  }
  Signature sig(kHashes, std::numeric_limits<std::uint32_t>::max());
  for (std::uint64_t s : shingles)
    for (int k = 0; k < kHashes; ++k)
      sig[k] = std::min(sig[k], static_cast<std::uint32_t>((s * kFamily.multiplier[k] + kFamily.offset[k]) >> 32));
  return sig;
}

std::vector<std::uint64_t> NearDuplicateIndex::bandKeys(const std::uint32_t* sig) {
  constexpr int rows = kHashes / kBands;
  std::vector<std::uint64_t> keys(kBands);
  for (int b = 0; b < kBands; ++b) {
    std::uint64_t h = static_cast<std::uint64_t>(b);
    for (int r = 0; r < rows; ++r)
      h = mix(h ^ sig[b * rows + r]);
    keys[b] = h;
  }
  return keys;
}

void NearDuplicateIndex::truncate(std::size_t size) {
  while (ids_.size() > size) {
    const std::size_t entry = ids_.size() - 1;
    const std::vector<std::uint64_t> keys = bandKeys(&signatures_[entry * kHashes]);
    for (int b = 0; b < kBands; ++b) {
      auto it = buckets_[b].find(keys[b]);
      it->second.pop_back(); // entries are added in order, so the last one added is last in each of its buckets
      if (it->second.empty())
        buckets_[b].erase(it);
    }
    ids_.pop_back();
    signatures_.resize(entry * kHashes);
  }
}

std::optional<std::int64_t> NearDuplicateIndex::findOrAdd(std::int64_t id, std::string_view text) {
  const Signature sig = signature(text);
  const std::vector<std::uint64_t> keys = bandKeys(sig.data());
  std::optional<std::int64_t> match;
  std::vector<std::uint32_t> checked;
  for (int b = 0; b < kBands && !match; ++b) {
    const auto it = buckets_[b].find(keys[b]);
    if (it == buckets_[b].end())
      continue;
    int inspected = 0;
    for (std::uint32_t entry : it->second) {
      if (++inspected > 64) // a huge bucket is one boilerplate family: its first members suffice
        break;
      if (std::find(checked.begin(), checked.end(), entry) != checked.end())
        continue;
      checked.push_back(entry);
      const std::uint32_t* other = &signatures_[static_cast<std::size_t>(entry) * kHashes];
      int equal = 0;
      for (int k = 0; k < kHashes; ++k)
        equal += sig[k] == other[k];
      if (equal >= threshold_ * kHashes) {
        match = ids_[entry];
        break;
      }
    }
  }
  const auto entry = static_cast<std::uint32_t>(ids_.size());
  ids_.push_back(id);
  signatures_.insert(signatures_.end(), sig.begin(), sig.end());
  for (int b = 0; b < kBands; ++b)
    buckets_[b][keys[b]].push_back(entry);
  return match;
}

} // namespace distillery::corpus
