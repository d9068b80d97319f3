#pragma once
// Near-duplicate detection with MinHash over 5-word shingles and LSH banding: boilerplate paragraphs
// repeated across a company's filings (forward-looking-statement disclaimers, exhibit lists) are flagged
// so evaluation and mining can treat them as one.
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace distillery::corpus {

class NearDuplicateIndex {
public:
  /// threshold: estimated Jaccard similarity (share of equal MinHash values) that counts as near-duplicate.
  explicit NearDuplicateIndex(double threshold = 0.85);

  /// The id of an earlier text whose estimated similarity to text reaches the threshold, if any;
  /// then remembers text under id either way.
  std::optional<std::int64_t> findOrAdd(std::int64_t id, std::string_view text);

  std::size_t size() const { return ids_.size(); }
  /// Forgets the texts added after the first `size` (a document whose import was rolled back).
  void truncate(std::size_t size);

  static constexpr int kHashes = 64;
  static constexpr int kBands = 16; // 16 bands of 4 rows: pairs above ~0.6 Jaccard almost always collide

private:
  using Signature = std::vector<std::uint32_t>;
  Signature signature(std::string_view text) const;
  static std::vector<std::uint64_t> bandKeys(const std::uint32_t* signature);

  double threshold_;
  std::vector<std::int64_t> ids_;
  std::vector<std::uint32_t> signatures_; // kHashes values per entry, entry after entry
  std::vector<std::unordered_map<std::uint64_t, std::vector<std::uint32_t>>> buckets_; // per band: band hash -> entries
};

} // namespace distillery::corpus
