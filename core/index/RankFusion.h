#pragma once
// Hybrid retrieval: reciprocal-rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009).
#include <vector>

#include "core/index/SearchHit.h"

namespace distillery::index {

/// The usual RRF constant: damps the weight of the very first ranks.
constexpr int kRrfConstant = 60;

/// Fuses ranked lists (each best first): score(id) = sum over lists containing id of
/// 1 / (constant + rank), rank from 1. Returns the best k, ties broken by id ascending.
HitList reciprocalRankFusion(const std::vector<HitList>& lists, int k, int constant = kRrfConstant);

} // namespace distillery::index
