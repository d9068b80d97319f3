#include "core/index/RankFusion.h"

#include <algorithm>
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

HitList weightedScoreFusion(const HitList& dense, const HitList& bm25, double denseWeight, int k) {
  std::unordered_map<std::int64_t, double> fused;
  const auto add = [&fused](const HitList& list, double weight) {
    if (list.empty() || weight == 0.0)
      return;
    const auto [low, high] =
        std::minmax_element(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.score < b.score; });
    const double range = static_cast<double>(high->score) - low->score;
    for (const SearchHit& hit : list)
      fused[hit.id] += weight * (range > 0 ? (static_cast<double>(hit.score) - low->score) / range : 1.0);
  };
  add(dense, denseWeight);
  add(bm25, 1.0 - denseWeight);
  // An id only the zero-weighted list holds still ranks (last), so the list is as deep as the inputs.
  for (const HitList* list : {&dense, &bm25})
    for (const SearchHit& hit : *list)
      fused.try_emplace(hit.id, 0.0);
  HitList hits;
  hits.reserve(fused.size());
  for (const auto& [id, score] : fused)
    hits.push_back({id, static_cast<float>(score)});
  sortAndTruncate(hits, static_cast<std::size_t>(k > 0 ? k : 0));
  return hits;
}

} // namespace distillery::index
