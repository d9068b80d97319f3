#include "core/corpus/CorpusRepository.h"

#include "core/index/IndexedText.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

namespace distillery::corpus {

std::optional<std::int64_t> tryFindCorpusId(store::Store& store, const std::string& name) {
  auto statement = store.prepare("SELECT id FROM corpora WHERE name = ?");
  statement.bind(1, name);
  if (statement.step())
    return statement.columnInt64(0);
  return std::nullopt;
}

std::int64_t findCorpusId(store::Store& store, const std::string& name) {
  if (auto id = tryFindCorpusId(store, name))
    return *id;
  std::string known;
  for (const CorpusInfo& corpus : listCorpora(store))
    known += (known.empty() ? "" : ", ") + corpus.name;
  throw InputError("no corpus named '" + name + "' in " + store.path().string() +
                   (known.empty() ? " (it has no corpora yet: run import first)" : " (corpora: " + known + ")"));
}

std::int64_t ensureCorpus(store::Store& store, const std::string& name, const std::string& settingsJson) {
  if (name.empty())
    throw InputError("corpus name must not be empty");
  return store.transaction([&] {
    if (auto id = tryFindCorpusId(store, name))
      return *id;
    auto insert = store.prepare("INSERT INTO corpora(name, created_at, settings_json) VALUES (?, ?, ?)");
    insert.bind(1, name).bind(2, nowIso8601()).bind(3, settingsJson);
    insert.run();
    return store.lastInsertId();
  });
}

std::vector<CorpusInfo> listCorpora(store::Store& store) {
  auto statement = store.prepare("SELECT c.id, c.name, "
                                 "(SELECT COUNT(*) FROM documents d WHERE d.corpus_id = c.id), "
                                 "(SELECT COUNT(*) FROM passages p WHERE p.corpus_id = c.id) "
                                 "FROM corpora c ORDER BY c.id");
  std::vector<CorpusInfo> corpora;
  while (statement.step())
    corpora.push_back(
        {statement.columnInt64(0), statement.columnText(1), statement.columnInt64(2), statement.columnInt64(3)});
  return corpora;
}

std::string PassageRecord::indexedText() const {
  return index::indexedText(title, text);
}

namespace {

constexpr const char* kPassageColumns =
    "SELECT p.id, p.record_key, p.document_id, p.section, p.text, d.filing_type, COALESCE(d.company, ''), "
    "COALESCE(d.period, ''), p.token_count, p.near_duplicate_of, COALESCE(d.title, '') "
    "FROM passages p JOIN documents d ON d.id = p.document_id ";

// A row selected with kPassageColumns; `titled`: the corpus indexes passages under their document's title.
PassageRecord readPassage(store::Statement& statement, bool titled) {
  PassageRecord p;
  p.id = statement.columnInt64(0);
  p.recordKey = statement.columnText(1);
  p.documentId = statement.columnInt64(2);
  p.section = statement.columnText(3);
  p.text = statement.columnText(4);
  p.filingType = statement.columnText(5);
  p.company = statement.columnText(6);
  p.period = statement.columnText(7);
  p.tokenCount = static_cast<int>(statement.columnInt64(8));
  p.nearDuplicateOf = statement.columnOptionalInt64(9);
  if (titled)
    p.title = index::passageTitle({statement.columnText(10), p.company, p.filingType, p.period, p.section});
  return p;
}

} // namespace

std::vector<PassageRecord> loadPassages(store::Store& store, std::int64_t corpusId) {
  auto statement = store.prepare(std::string(kPassageColumns) + "WHERE p.corpus_id = ? ORDER BY p.id");
  statement.bind(1, corpusId);
  const bool titled = index::corpusIndexesTitles(store, corpusId);
  std::vector<PassageRecord> passages;
  passages.reserve(static_cast<std::size_t>(countPassages(store, corpusId)));
  while (statement.step())
    passages.push_back(readPassage(statement, titled));
  return passages;
}

std::int64_t lastPassageId(store::Store& store, std::int64_t corpusId) {
  auto statement = store.prepare("SELECT coalesce(max(id), 0) FROM passages WHERE corpus_id = ?");
  statement.bind(1, corpusId);
  statement.step();
  return statement.columnInt64(0);
}

std::optional<PassageRecord> loadPassage(store::Store& store, std::int64_t passageId) {
  auto corpus = store.prepare("SELECT corpus_id FROM passages WHERE id = ?");
  corpus.bind(1, passageId);
  if (!corpus.step())
    return std::nullopt;
  const bool titled = index::corpusIndexesTitles(store, corpus.columnInt64(0));
  auto statement = store.prepare(std::string(kPassageColumns) + "WHERE p.id = ?");
  statement.bind(1, passageId);
  if (!statement.step())
    return std::nullopt;
  return readPassage(statement, titled);
}

std::int64_t countPassages(store::Store& store, std::int64_t corpusId) {
  auto statement = store.prepare("SELECT COUNT(*) FROM passages WHERE corpus_id = ?");
  statement.bind(1, corpusId);
  statement.step();
  return statement.columnInt64(0);
}

PassageStatistics passageStatistics(store::Store& store, std::int64_t corpusId, int minSourceTokens) {
  auto statement =
      store.prepare("SELECT COUNT(*), COALESCE(SUM(p.token_count >= ?2 AND p.near_duplicate_of IS NULL), 0), "
                    "COALESCE(AVG(LENGTH(p.text)), 0), COALESCE(AVG(LENGTH(COALESCE(d.company, '')) + "
                    "LENGTH(COALESCE(d.filing_type, '')) + LENGTH(COALESCE(d.period, '')) + LENGTH(COALESCE(d.title, "
                    "'')) + LENGTH(COALESCE(p.section, ''))), 0) "
                    "FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.corpus_id = ?1");
  statement.bind(1, corpusId).bind(2, minSourceTokens);
  statement.step();
  PassageStatistics statistics;
  statistics.passages = statement.columnInt64(0);
  statistics.querySources = statement.columnInt64(1);
  statistics.meanTextChars = statement.columnDouble(2);
  statistics.meanDetailChars = statement.columnDouble(3);
  auto imported = store.prepare("SELECT 1 FROM query_sets WHERE corpus_id = ?1 AND origin = 'imported' LIMIT 1");
  imported.bind(1, corpusId);
  statistics.hasImportedQuerySet = imported.step();
  return statistics;
}

std::optional<std::int64_t> tryFindQuerySetId(store::Store& store, std::int64_t corpusId, const std::string& name) {
  auto statement = store.prepare("SELECT id FROM query_sets WHERE corpus_id = ? AND name = ?");
  statement.bind(1, corpusId).bind(2, name);
  if (statement.step())
    return statement.columnInt64(0);
  return std::nullopt;
}

std::vector<std::string> listFilingTypes(store::Store& store) {
  auto select = store.prepare("SELECT DISTINCT coalesce(filing_type, '') FROM documents ORDER BY 1");
  std::vector<std::string> types;
  while (select.step())
    types.push_back(select.columnText(0));
  return types;
}

std::optional<QueryPassagePair> loadQueryPassagePair(store::Store& store, std::int64_t queryId,
                                                     std::int64_t passageId) {
  auto select = store.prepare(
      "SELECT q.text, q.query_type, q.origin, p.text, coalesce(d.filing_type, ''), coalesce(d.company, ''), "
      "coalesce(d.period, ''), coalesce(p.section, '') FROM queries q, passages p JOIN documents d ON d.id = "
      "p.document_id WHERE q.id = ?1 AND p.id = ?2");
  select.bind(1, queryId).bind(2, passageId);
  if (!select.step())
    return std::nullopt;
  return QueryPassagePair{select.columnText(0), select.columnText(1), select.columnText(2), select.columnText(3),
                          select.columnText(4), select.columnText(5), select.columnText(6), select.columnText(7)};
}

std::optional<std::int64_t> firstPassageOfDocument(store::Store& store, std::int64_t documentId) {
  auto select = store.prepare("SELECT id FROM passages WHERE document_id = ?1 ORDER BY ordinal LIMIT 1");
  select.bind(1, documentId);
  return select.step() ? std::optional<std::int64_t>(select.columnInt64(0)) : std::nullopt;
}

std::vector<JudgedSplit> listJudgedSplits(store::Store& store, std::int64_t corpusId) {
  auto select = store.prepare(
      "SELECT s.id, s.name, q.split, COUNT(DISTINCT q.id) FROM query_sets s JOIN queries q ON q.query_set_id = s.id "
      "JOIN qrels r ON r.query_id = q.id WHERE s.corpus_id = ?1 GROUP BY s.id, q.split "
      "ORDER BY s.id, CASE q.split WHEN 'test' THEN 0 WHEN 'dev' THEN 1 ELSE 2 END, q.split");
  select.bind(1, corpusId);
  std::vector<JudgedSplit> splits;
  while (select.step())
    splits.push_back({select.columnInt64(0), select.columnText(1), select.columnText(2), select.columnInt64(3)});
  return splits;
}

std::vector<std::string> listQuerySets(store::Store& store, std::int64_t corpusId) {
  auto statement = store.prepare("SELECT name FROM query_sets WHERE corpus_id = ? ORDER BY id");
  statement.bind(1, corpusId);
  std::vector<std::string> names;
  while (statement.step())
    names.push_back(statement.columnText(0));
  return names;
}

QuerySetRecord loadQuerySet(store::Store& store, std::int64_t corpusId, const std::string& name) {
  if (auto id = tryFindQuerySetId(store, corpusId, name))
    return loadQuerySet(store, *id);
  std::string known;
  for (const std::string& set : listQuerySets(store, corpusId))
    known += (known.empty() ? "" : ", ") + set;
  throw InputError("no query set named '" + name + "' in corpus " + std::to_string(corpusId) +
                   (known.empty() ? " (it has no query sets)" : " (query sets: " + known + ")"));
}

QuerySetRecord loadQuerySet(store::Store& store, std::int64_t querySetId) {
  QuerySetRecord set;
  {
    auto statement = store.prepare("SELECT id, corpus_id, name, origin FROM query_sets WHERE id = ?");
    statement.bind(1, querySetId);
    if (!statement.step())
      throw InputError("no query set with id " + std::to_string(querySetId) + " in " + store.path().string());
    set.id = statement.columnInt64(0);
    set.corpusId = statement.columnInt64(1);
    set.name = statement.columnText(2);
    set.origin = statement.columnText(3);
  }
  auto queries = store.prepare("SELECT id, COALESCE(external_id, ''), text, query_type, COALESCE(filing_type, ''), "
                               "split, source_passage_id FROM queries WHERE query_set_id = ? ORDER BY id");
  queries.bind(1, querySetId);
  std::map<std::int64_t, std::size_t> indexById;
  while (queries.step()) {
    QueryRecord q;
    q.id = queries.columnInt64(0);
    q.externalId = queries.columnText(1);
    q.text = queries.columnText(2);
    q.queryType = queries.columnText(3);
    q.filingType = queries.columnText(4);
    q.split = queries.columnText(5);
    q.sourcePassageId = queries.columnOptionalInt64(6);
    indexById[q.id] = set.queries.size();
    set.queries.push_back(std::move(q));
  }
  auto qrels =
      store.prepare("SELECT r.query_id, r.record_key, r.grade FROM qrels r JOIN queries q ON q.id = r.query_id "
                    "WHERE q.query_set_id = ?");
  qrels.bind(1, querySetId);
  while (qrels.step()) {
    const auto it = indexById.find(qrels.columnInt64(0));
    if (it != indexById.end())
      set.queries[it->second].qrels[qrels.columnText(1)] = static_cast<int>(qrels.columnInt64(2));
  }
  return set;
}

std::int64_t createQuerySet(store::Store& store, std::int64_t corpusId, const std::string& name,
                            const std::string& origin) {
  if (name.empty())
    throw InputError("query set name must not be empty");
  return store.transaction([&] {
    if (tryFindQuerySetId(store, corpusId, name))
      throw InputError("corpus " + std::to_string(corpusId) + " already has a query set named '" + name + "'");
    auto insert = store.prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (?, ?, ?, ?)");
    insert.bind(1, corpusId).bind(2, name).bind(3, origin).bind(4, nowIso8601());
    insert.run();
    return store.lastInsertId();
  });
}

} // namespace distillery::corpus
