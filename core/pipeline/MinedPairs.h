#pragma once
// The mined pairs of a round as the pair inspector pages through them, and the pairs people labelled with the
// teacher's grade beside theirs (the agreement panel, the labels export). The teacher's grade is its latest ok
// judgment found as the cache keys it (query text, passage content), else what mining recorded from the teacher.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace distillery::store {
class Store;
}

namespace distillery::pipeline {

struct MinedPairFilter {
  std::int64_t roundId = 0;        // rounds.id; 0 gives nothing
  std::string kind;                // a mined kind's name; empty: any
  std::optional<int> teacherGrade; // empty: any
  std::string filingType;          // empty: any
  bool disagreementOnly = false;   // only pairs whose label differs from the teacher's grade
  bool unlabelledOnly = false;
};

struct MinedPairRow {
  std::int64_t id = 0; // mined_examples.id: the page key
  std::int64_t queryId = 0, passageId = 0;
  std::string query;
  std::string passageStart; // the first 300 bytes of the passage
  std::string kind;
  std::optional<std::int64_t> teacherGrade, humanGrade; // 0-3
  std::optional<std::int64_t> rankBefore, rankAfter;    // the student's rank before and after the round's training
  std::optional<double> scoreBefore, scoreAfter;
  std::string filingType;
};

/// The next `limit` pairs after `afterId` (mined_examples.id), in id order.
std::vector<MinedPairRow> loadMinedPairs(store::Store& store, const MinedPairFilter& filter, std::int64_t afterId,
                                         int limit);

struct LabelledPair {
  std::int64_t queryId = 0, passageId = 0;
  int humanGrade = 0;
  std::optional<std::int64_t> teacherGrade; // 0-3; none when no judgment or teacher-graded mining of the pair exists
  std::string note, labelledAt, filingType, query, passage;
};

/// Every labelled pair, in labelling order.
std::vector<LabelledPair> loadLabelledPairs(store::Store& store);

} // namespace distillery::pipeline
