#pragma once
// Everything the experiment holds about one passage, for the corpus browser's passage view: the passage in its
// document (with its neighbours as context and the search's matches marked), the queries written from it or judged
// against its record, the teacher's judgments of it, the pairs mined with it and people's labels of it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace distillery::store {
class Store;
}

namespace distillery::corpus {

struct PassageDossier {
  struct Neighbour {
    std::int64_t id = 0;
    std::string text;
  };
  struct QueryRow {
    std::int64_t id = 0;
    std::string text, type, relation, split; // relation: "source" or "qrel grade N"
  };
  struct JudgmentRow {
    std::string query;
    std::optional<std::int64_t> grade; // 0-3; none when the judgment failed
    std::string teacherModel, promptVersion, rationale, status;
  };
  struct MinedRow {
    std::int64_t runId = 0;
    int round = 0;
    std::string query, kind;
    std::optional<std::int64_t> grade;                 // 0-3
    std::optional<std::int64_t> rankBefore, rankAfter; // the student's rank of the passage for the query
  };
  struct LabelRow {
    std::string query;
    int grade = 0;
    std::string note, labelledAt;
  };

  std::int64_t id = 0;
  std::int64_t documentId = 0;
  std::int64_t ordinal = 0; // position in its document
  std::int64_t tokenCount = 0;
  std::string section, text, recordKey;
  std::string filingType, company, period, title, filingDate; // of its document ("" when unknown)
  /// The text with each match of the full-text search between \x02 and \x03 (FTS5 highlight); none without a search.
  std::optional<std::string> highlighted;
  std::optional<Neighbour> previous, next;
  std::vector<QueryRow> queries;      // each list at most `limit` rows
  std::vector<JudgmentRow> judgments; // of its text (as the judgment cache keys them), by any query
  std::vector<MinedRow> mined;
  std::vector<LabelRow> labels;
};

/// The dossier of a passage; empty when no passage has that id. ftsQuery: an FTS5 query (empty: no highlighting).
std::optional<PassageDossier> loadPassageDossier(store::Store& store, std::int64_t passageId,
                                                 const std::string& ftsQuery = {}, int limit = 200);

} // namespace distillery::corpus
