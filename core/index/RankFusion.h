#pragma once
// Hybrid retrieval: reciprocal-rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009), and a convex combination of
// min-max normalised scores whose weight is tuned on held-out queries (Bruch, Gai & Ingber 2023: with a tuned weight
// it beats RRF and is less sensitive to the lists' depth).
#include <vector>

#include "core/index/SearchHit.h"

namespace distillery::index {

/// The usual RRF constant: damps the weight of the very first ranks.
constexpr int kRrfConstant = 60;

/// Fuses ranked lists (each best first): score(id) = sum over lists containing id of
/// 1 / (constant + rank), rank from 1. Returns the best k, ties broken by id ascending.
HitList reciprocalRankFusion(const std::vector<HitList>& lists, int k, int constant = kRrfConstant);

/// Fuses a dense and a BM25 list (each best first): score(id) = denseWeight x d(id) + (1 - denseWeight) x b(id),
/// where d and b are each list's scores min-max normalised to 0..1 over the list (0 for an id the list lacks; a
/// list whose scores are all equal counts 1 for each of its ids). Returns the best k, ties broken by id ascending.
HitList weightedScoreFusion(const HitList& dense, const HitList& bm25, double denseWeight, int k);

} // namespace distillery::index
