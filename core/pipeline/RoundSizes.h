#pragma once
// The fixed sizes of a round's steps, in one place: the steps use them, and RunEstimate counts a run's teacher calls
// from them, so an estimate cannot drift from what a run does.
#include <cstddef>

namespace distillery::pipeline {

/// Passages shorter than this (estimated tokens: headings, stubs) make poor query sources and are never sampled.
inline constexpr int kMinQuerySourceTokens = 24;
/// When round 0 pools the held-out queries' qrels: the top this many of the student and of BM25 are judged.
inline constexpr int kHoldoutPoolDepth = 10;
/// Dev retrieval ranks each dev query's judged list among a corpus sample of this many passages ...
inline constexpr std::size_t kDevDistractors = 2000;
/// ... and BM25's top this many hits for every dev query.
inline constexpr int kDevBm25Depth = 100;

} // namespace distillery::pipeline
