#pragma once
// Reading and writing the files IR tools exchange: BEIR queries.jsonl, qrels (BEIR TSV or TREC), and
// TREC run files (`qid Q0 docid rank score tag`) as trec_eval and ir_measures read them.
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/eval/Metrics.h"

namespace distillery::eval {

struct QueryRecord {
  std::string key; // BEIR _id
  std::string text;
  std::optional<std::string> filingType; // "filing_type" at top level or in "metadata"
};

/// Query key -> judgments.
using Qrels = std::map<std::string, Judgments>;

/// One retrieved record of a run.
struct RunEntry {
  std::string docKey;
  double score = 0;
  long long rank = 0; // the run file's rank column (0 when not read from a file)
};
/// Query key -> entries, best first.
using Run = std::map<std::string, std::vector<RunEntry>>;

/// BEIR queries.jsonl: one JSON object a line with "_id" and "text". Throws InputError naming file and line.
std::vector<QueryRecord> readQueriesJsonl(const std::filesystem::path& path);

/// Qrels as BEIR TSV (`query-id corpus-id score`, optional header) or TREC (`qid iteration docid grade`),
/// told apart by the number of columns; tabs or spaces: the one qrels format, shared with `import` (see
/// core/corpus/readers/QrelsReader.h). Throws InputError naming file and line.
Qrels readQrels(const std::filesystem::path& path);

/// A TREC run file. Entries of each query are ordered by score descending; equal scores keep the file's
/// rank order, then docid ascending (so a run Distillery exported, whose ties were broken by passage id,
/// re-scores identically; note trec_eval itself ignores ranks and breaks ties by docid descending). A
/// docid repeated within a query keeps its first line. Throws InputError naming file and line.
Run readTrecRun(const std::filesystem::path& path);

/// Writes `qid Q0 docid rank score tag` lines, rank from 1, queries in key order.
void writeTrecRun(std::ostream& out, const Run& run, const std::string& tag);
/// Writes `qid 0 docid grade` lines.
void writeTrecQrels(std::ostream& out, const Qrels& qrels);

} // namespace distillery::eval
