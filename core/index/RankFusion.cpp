#include "core/index/RankFusion.h"

#include <unordered_map>

namespace distillery::index {

HitList reciprocalRankFusion(const std::vector<HitList>& lists, int k, int constant) {
  std::unordered_map<std::int64_t, double> fused;
  for (const HitList& list : lists)
    for (std::size_t rank = 1; rank <= list.size(); ++rank)
      fused[list[rank - 1].id] += 1.0 / (constant + static_cast<double>(rank));
  HitList hits;
  hits.reserve(fused.size());
  for (const auto& [id, score] : fused)
    hits.push_back({id, static_cast<float>(score)});
  sortAndTruncate(hits, static_cast<std::size_t>(k > 0 ? k : 0));
  return hits;
}

} // namespace distillery::index
