#pragma once
// Read (and small write) helpers over the corpus tables, so other areas never write this SQL.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace distillery::store {
class Store;
}

namespace distillery::corpus {

struct PassageRecord {
  std::int64_t id = 0;
  std::string recordKey; // what qrels refer to: the BEIR _id (shared by its chunks) or "p<id>"
  std::int64_t documentId = 0;
  std::string section;
  std::string title; // what the passage is indexed under (see core/index/IndexedText.h); empty when untitled
  std::string text;  // the passage's own text (its content_hash keys the teacher's judgments)
  std::string filingType;
  std::string company; // empty when unknown
  std::string period;  // empty when unknown
  int tokenCount = 0;
  std::optional<std::int64_t> nearDuplicateOf;
  /// What BM25 and the student read: the title's line, then the text.
  std::string indexedText() const;
};

struct QueryRecord {
  std::int64_t id = 0;
  std::string externalId;
  std::string text;
  std::string queryType;  // question | claim | keyword | title
  std::string filingType; // empty when unknown
  std::string split;      // train | dev | test
  std::optional<std::int64_t> sourcePassageId;
  std::map<std::string, int> qrels; // record_key -> grade
};

struct QuerySetRecord {
  std::int64_t id = 0;
  std::int64_t corpusId = 0;
  std::string name;
  std::string origin;               // imported | synthetic | manual
  std::vector<QueryRecord> queries; // in id order
};

struct CorpusInfo {
  std::int64_t id = 0;
  std::string name;
  std::int64_t documents = 0;
  std::int64_t passages = 0;
};

/// Id of the corpus called name; throws InputError "no corpus named 'X' in <store>" when missing.
std::int64_t findCorpusId(store::Store& store, const std::string& name);
std::optional<std::int64_t> tryFindCorpusId(store::Store& store, const std::string& name);
/// Existing corpus or a new one (settingsJson is stored only when creating).
std::int64_t ensureCorpus(store::Store& store, const std::string& name, const std::string& settingsJson = "{}");
std::vector<CorpusInfo> listCorpora(store::Store& store);

/// Every passage of the corpus in id order, with its document's filing type, company and period.
std::vector<PassageRecord> loadPassages(store::Store& store, std::int64_t corpusId);
std::int64_t countPassages(store::Store& store, std::int64_t corpusId);
/// What a run's cost estimate needs to know of a corpus, counted in SQL without loading passage text.
struct PassageStatistics {
  std::int64_t passages = 0;        // all of the corpus's passages
  std::int64_t querySources = 0;    // passages of at least minSourceTokens estimated tokens that are no near-duplicate
  double meanTextChars = 0;         // characters of a passage's own text, mean over the corpus (0 when empty)
  double meanDetailChars = 0;       // characters of its company, filing type, period, title and section, mean
  bool hasImportedQuerySet = false; // a human (imported) query set exists: runs evaluate on it
};
PassageStatistics passageStatistics(store::Store& store, std::int64_t corpusId, int minSourceTokens);
/// The corpus's newest passage id (0 when it has none): changes when an import adds passages to it.
std::int64_t lastPassageId(store::Store& store, std::int64_t corpusId);
/// One passage as loadPassages reads it; empty when the id is unknown.
std::optional<PassageRecord> loadPassage(store::Store& store, std::int64_t passageId);

/// A query set with its queries and qrels. Throws InputError naming the set when missing.
QuerySetRecord loadQuerySet(store::Store& store, std::int64_t corpusId, const std::string& name);
QuerySetRecord loadQuerySet(store::Store& store, std::int64_t querySetId);
std::optional<std::int64_t> tryFindQuerySetId(store::Store& store, std::int64_t corpusId, const std::string& name);
/// The filing types of the experiment's documents, sorted.
std::vector<std::string> listFilingTypes(store::Store& store);

/// A query and a passage side by side, as the pair inspector shows them.
struct QueryPassagePair {
  std::string queryText;
  std::string queryType;   // question | claim | keyword | title
  std::string queryOrigin; // imported | teacher:<model> | heuristic | human
  std::string passageText;
  std::string filingType, company, period, section; // of the passage's document ("" when unknown)
};
/// Empty when either id is unknown.
std::optional<QueryPassagePair> loadQueryPassagePair(store::Store& store, std::int64_t queryId, std::int64_t passageId);

/// A document's first passage (by ordinal); empty when it has none.
std::optional<std::int64_t> firstPassageOfDocument(store::Store& store, std::int64_t documentId);

/// A split of a query set that has relevance judgments: what an evaluation can score.
struct JudgedSplit {
  std::int64_t querySetId = 0;
  std::string querySetName;
  std::string split;    // train | dev | test
  std::int64_t queries; // of this split with at least one judgment
};
/// The corpus's judged query sets (in id order) split by split, test first, then dev, then any other.
std::vector<JudgedSplit> listJudgedSplits(store::Store& store, std::int64_t corpusId);

/// Names of the corpus's query sets, in id order.
std::vector<std::string> listQuerySets(store::Store& store, std::int64_t corpusId);

/// Creates an empty query set; throws InputError when the corpus already has one with that name.
std::int64_t createQuerySet(store::Store& store, std::int64_t corpusId, const std::string& name,
                            const std::string& origin = "synthetic");

} // namespace distillery::corpus
