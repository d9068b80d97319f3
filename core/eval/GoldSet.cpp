#include "core/eval/GoldSet.h"

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/corpus/CorpusRepository.h"
#include "core/eval/Judges.h"
#include "core/eval/TrecFormat.h"
#include "core/store/Store.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

namespace distillery::eval {
namespace {

constexpr int kGoldTopGrade = 3;     // labels are graded on the teacher's 0-3 scale
constexpr int kGoldRelevantFrom = 2; // where that scale starts counting a record as relevant

struct GoldQuery {
  std::string text;
  std::optional<std::string> filingType; // the first labelled query's own filing type, when it had one
  std::map<std::int64_t, std::pair<std::string, int>> labels; // passage id -> (record_key, latest label)
  bool trainedOn = false;

  // record_key -> the highest label of its chunks: a record answers when any of its passages does.
  std::map<std::string, int> recordGrades() const {
    std::map<std::string, int> grades;
    for (const auto& [passage, label] : labels) {
      auto [it, added] = grades.try_emplace(label.first, label.second);
      if (!added)
        it->second = std::max(it->second, label.second);
    }
    return grades;
  }
};

// Every label of the corpus (or of one run's queries), grouped by query text in the order labelled.
std::vector<GoldQuery> labelledQueries(store::Store& store, const GoldSetOptions& options, std::int64_t& labels) {
  store::Statement select = store.prepare(
      "SELECT q.text, q.filing_type, p.record_key, h.grade, q.split, h.passage_id FROM human_labels h "
      "JOIN queries q ON q.id = h.query_id JOIN query_sets s ON s.id = q.query_set_id "
      "JOIN passages p ON p.id = h.passage_id "
      "WHERE s.corpus_id = ?1 AND (?2 IS NULL OR q.round_id IN (SELECT id FROM rounds WHERE run_id = ?2)) "
      "ORDER BY h.labelled_at, h.id");
  select.bind(1, options.corpusId).bind(2, options.runId);
  std::vector<GoldQuery> queries;
  std::map<std::string, std::size_t> byText;
  while (select.step()) {
    ++labels;
    const std::string text = select.columnText(0);
    auto [it, added] = byText.try_emplace(text, queries.size());
    if (added)
      queries.push_back({text, select.columnOptionalText(1), {}, false});
    GoldQuery& query = queries[it->second];
    if (!query.filingType)
      query.filingType = select.columnOptionalText(1);
    // The same pair labelled again under the same query text (a later round asked it too): the latest label.
    query.labels[select.columnInt64(5)] = {select.columnText(2), static_cast<int>(select.columnInt64(3))};
    const std::string split = select.columnText(4);
    query.trainedOn = query.trainedOn || split == "train" || split == "dev";
  }
  return queries;
}

// The key the evaluator gives a stored query: its external id, else "q<id>".
std::string queryKey(const std::optional<std::string>& externalId, std::int64_t id) {
  return externalId ? *externalId : "q" + std::to_string(id);
}

void requireQuerySet(store::Store& store, std::int64_t querySetId) {
  if (!store.prepare("SELECT 1 FROM query_sets WHERE id = ?1").bind(1, querySetId).step())
    throw InputError("no query set with id " + std::to_string(querySetId) + " in " + store.path().string());
}

} // namespace

GoldSetSummary saveGoldQuerySet(store::Store& store, const GoldSetOptions& options) {
  if (options.name.empty())
    throw InputError("a gold query set needs a name");
  if (options.runId && !store.prepare("SELECT 1 FROM runs WHERE id = ?1 AND corpus_id = ?2")
                            .bind(1, *options.runId)
                            .bind(2, options.corpusId)
                            .step())
    throw InputError("no run with id " + std::to_string(*options.runId) + " on this corpus in " +
                     store.path().string());
  GoldSetSummary summary;
  const std::vector<GoldQuery> queries = labelledQueries(store, options, summary.labels);
  if (queries.empty())
    throw InputError(options.runId ? "run " + std::to_string(*options.runId) +
                                         " has no labelled pairs: label pairs in the pair inspector first"
                                   : std::string("the corpus has no labelled pairs: label pairs in the pair "
                                                 "inspector first"));
  store.transaction([&] {
    summary.querySetId = corpus::createQuerySet(store, options.corpusId, options.name, kGoldOrigin);
    store.prepare("UPDATE query_sets SET grade_scale = ?2, judged_by = ?3 WHERE id = ?1")
        .bind(1, summary.querySetId)
        .bind(2, kGoldTopGrade)
        .bind(3, kHumanJudges)
        .run();
    auto insertQuery = store.prepare("INSERT INTO queries(query_set_id, external_id, text, origin, filing_type, split) "
                                     "VALUES (?1, ?2, ?3, 'human', ?4, 'test')");
    auto insertQrel = store.prepare("INSERT INTO qrels(query_id, record_key, grade) VALUES (?1, ?2, ?3)");
    for (std::size_t i = 0; i < queries.size(); ++i) {
      const GoldQuery& query = queries[i];
      insertQuery.bind(1, summary.querySetId)
          .bind(2, "gold-" + std::to_string(i + 1))
          .bind(3, query.text)
          .bind(4, query.filingType)
          .run();
      const std::int64_t queryId = store.lastInsertId();
      bool relevant = false;
      for (const auto& [record, grade] : query.recordGrades()) {
        insertQrel.bind(1, queryId).bind(2, record).bind(3, grade).run();
        relevant = relevant || grade >= kGoldRelevantFrom;
        ++summary.judgments;
      }
      ++summary.queries;
      summary.noRelevant += relevant ? 0 : 1;
      summary.trainedOn += query.trainedOn ? 1 : 0;
    }
  });
  return summary;
}

void exportQuerySetBeir(store::Store& store, std::int64_t querySetId, const std::filesystem::path& directory) {
  requireQuerySet(store, querySetId);
  std::ostringstream queriesJsonl;
  std::map<std::string, std::ostringstream> qrelsBySplit;
  store::Statement queries = store.prepare(
      "SELECT id, external_id, text, filing_type, split FROM queries WHERE query_set_id = ?1 ORDER BY id");
  queries.bind(1, querySetId);
  store::Statement qrels = store.prepare("SELECT record_key, grade FROM qrels WHERE query_id = ?1 ORDER BY record_key");
  while (queries.step()) {
    const std::string key = queryKey(queries.columnOptionalText(1), queries.columnInt64(0));
    nlohmann::json line = {{"_id", key}, {"text", queries.columnText(2)}};
    if (const auto filingType = queries.columnOptionalText(3); filingType && !filingType->empty())
      line["filing_type"] = *filingType;
    queriesJsonl << line.dump() << '\n';
    std::ostringstream& tsv = qrelsBySplit[queries.columnText(4)];
    qrels.bind(1, queries.columnInt64(0));
    while (qrels.step())
      tsv << key << '\t' << qrels.columnText(0) << '\t' << qrels.columnInt64(1) << '\n';
    qrels.reset();
  }
  std::filesystem::create_directories(directory / "qrels");
  writeFileAtomically(directory / "queries.jsonl", queriesJsonl.str());
  for (const auto& [split, tsv] : qrelsBySplit)
    writeFileAtomically(directory / "qrels" / (split + ".tsv"), "query-id\tcorpus-id\tscore\n" + tsv.str());
}

void exportQuerySetTrecQrels(store::Store& store, std::int64_t querySetId, std::ostream& out) {
  requireQuerySet(store, querySetId);
  store::Statement select =
      store.prepare("SELECT q.id, q.external_id, r.record_key, r.grade FROM queries q JOIN qrels r ON "
                    "r.query_id = q.id WHERE q.query_set_id = ?1");
  select.bind(1, querySetId);
  Qrels judgments;
  while (select.step())
    judgments[queryKey(select.columnOptionalText(1), select.columnInt64(0))][select.columnText(2)] =
        static_cast<int>(select.columnInt64(3));
  writeTrecQrels(out, judgments);
}

} // namespace distillery::eval
