#include "core/index/SearchHit.h"

#include <algorithm>

namespace distillery::index {

void sortAndTruncate(HitList& hits, std::size_t k) {
  if (hits.size() > k) {
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(k), hits.end(), rankedBefore);
    hits.resize(k);
  } else {
    std::sort(hits.begin(), hits.end(), rankedBefore);
  }
}

} // namespace distillery::index
