#include "core/corpus/PassageDossier.h"

#include "core/store/Store.h"

namespace distillery::corpus {
namespace {} // namespace

std::optional<PassageDossier> loadPassageDossier(store::Store& store, std::int64_t passageId,
                                                 const std::string& ftsQuery, int limit) {
  store::Statement p = store.prepare(
      "SELECT p.document_id, p.ordinal, coalesce(p.section, ''), p.text, p.token_count, p.record_key, "
      "coalesce(d.filing_type, ''), coalesce(d.company, ''), coalesce(d.period, ''), coalesce(d.title, "
      "d.external_id, ''), coalesce(d.filing_date, '') FROM passages p JOIN documents d ON d.id = p.document_id "
      "WHERE p.id = ?1");
  p.bind(1, passageId);
  if (!p.step())
    return std::nullopt;
  PassageDossier d;
  d.id = passageId;
  d.documentId = p.columnInt64(0);
  d.ordinal = p.columnInt64(1);
  d.section = p.columnText(2);
  d.text = p.columnText(3);
  d.tokenCount = p.columnInt64(4);
  d.recordKey = p.columnText(5);
  d.filingType = p.columnText(6);
  d.company = p.columnText(7);
  d.period = p.columnText(8);
  d.title = p.columnText(9);
  d.filingDate = p.columnText(10);

  if (!ftsQuery.empty()) {
    store::Statement h = store.prepare("SELECT highlight(passages_fts, 0, char(2), char(3)) FROM passages_fts WHERE "
                                       "passages_fts MATCH ?1 AND rowid = ?2");
    h.bind(1, ftsQuery).bind(2, passageId);
    if (h.step())
      d.highlighted = h.columnText(0);
  }
  store::Statement neighbour = store.prepare("SELECT id, text FROM passages WHERE document_id = ?1 AND ordinal = ?2");
  for (auto [at, slot] : {std::pair{d.ordinal - 1, &d.previous}, std::pair{d.ordinal + 1, &d.next}}) {
    neighbour.bind(1, d.documentId).bind(2, at);
    if (neighbour.step())
      *slot = PassageDossier::Neighbour{neighbour.columnInt64(0), neighbour.columnText(1)};
    neighbour.reset();
  }

  store::Statement queries = store.prepare(
      "SELECT q.id, q.text, q.query_type, 'source', q.split FROM queries q WHERE q.source_passage_id = ?1 "
      "UNION SELECT q.id, q.text, q.query_type, 'qrel grade ' || r.grade, q.split FROM qrels r "
      "JOIN queries q ON q.id = r.query_id JOIN passages p ON p.id = ?1 AND p.record_key = r.record_key "
      "JOIN query_sets s ON s.id = q.query_set_id AND s.corpus_id = p.corpus_id ORDER BY 1 LIMIT ?2");
  queries.bind(1, passageId).bind(2, limit);
  while (queries.step())
    d.queries.push_back({queries.columnInt64(0), queries.columnText(1), queries.columnText(2), queries.columnText(3),
                         queries.columnText(4)});

  // Keyed as the cache keys judgments (the passage's content), so a judgment made for an identical passage or
  // written before this passage's id was recorded shows too.
  store::Statement judgments = store.prepare(
      "SELECT j.query_text, j.grade, j.teacher_model, j.prompt_version, coalesce(j.rationale, j.failure_reason, ''), "
      "j.status FROM judgments j JOIN passages p ON p.id = ?1 AND j.passage_hash = p.content_hash ORDER BY j.id "
      "LIMIT ?2");
  judgments.bind(1, passageId).bind(2, limit);
  while (judgments.step())
    d.judgments.push_back({judgments.columnText(0), judgments.columnOptionalInt64(1), judgments.columnText(2),
                           judgments.columnText(3), judgments.columnText(4), judgments.columnText(5)});

  store::Statement mined = store.prepare(
      "SELECT r.run_id, r.round_index, q.text, m.kind, m.grade, m.student_rank, m.rank_after FROM mined_examples m "
      "JOIN rounds r ON r.id = m.round_id JOIN queries q ON q.id = m.query_id WHERE m.passage_id = ?1 "
      "ORDER BY r.run_id, r.round_index, m.id LIMIT ?2");
  mined.bind(1, passageId).bind(2, limit);
  while (mined.step())
    d.mined.push_back({mined.columnInt64(0), static_cast<int>(mined.columnInt64(1)), mined.columnText(2),
                       mined.columnText(3), mined.columnOptionalInt64(4), mined.columnOptionalInt64(5),
                       mined.columnOptionalInt64(6)});

  store::Statement labels = store.prepare("SELECT q.text, h.grade, h.note, h.labelled_at FROM human_labels h "
                                          "JOIN queries q ON q.id = h.query_id WHERE h.passage_id = ?1 LIMIT ?2");
  labels.bind(1, passageId).bind(2, limit);
  while (labels.step())
    d.labels.push_back(
        {labels.columnText(0), static_cast<int>(labels.columnInt64(1)), labels.columnText(2), labels.columnText(3)});
  return d;
}

} // namespace distillery::corpus
