#pragma once
// What an experiment holds, table by table, printed by natural keys (never by the row ids a resumed or repeated
// command may hand out differently), so two experiments can be compared: the one an interrupted command left
// and the one the same command writes uninterrupted.
#include <QDirIterator>
#include <QString>
#include <QStringList>
#include <QTest>

#include <string>
#include <utility>
#include <vector>

#include "core/store/Store.h"

namespace distillery::test {

// One text per row; the queries below print each row's natural key and content, never a row id that a resumed
// run may hand out differently (passage ids are the exception: the corpus's ids are part of its content).
inline QStringList rows(store::Store& store, const std::string& sql) {
  QStringList out;
  auto s = store.prepare(sql);
  while (s.step())
    out << QString::fromStdString(s.columnText(0));
  return out;
}

inline const std::vector<std::pair<const char*, std::string>> kCorpusContent = {
    {"documents", "SELECT printf('%s|%s|%s|%s', external_id, content_hash, filing_type, coalesce(company, '')) "
                  "FROM documents ORDER BY 1"},
    {"passages", "SELECT printf('%d|%s|%s|%d|%s|%s|%d', p.id, p.record_key, p.content_hash, p.ordinal, "
                 "d.content_hash, coalesce(p.near_duplicate_of, '-'), p.token_count) "
                 "FROM passages p JOIN documents d ON d.id = p.document_id ORDER BY 1"},
    {"queries", "SELECT printf('%s|%s|%s|%s|%s|%s|%s', qs.name, coalesce(q.external_id, ''), q.text, q.query_type, "
                "q.split, coalesce(q.source_passage_id, '-'), q.metadata_json) "
                "FROM queries q JOIN query_sets qs ON qs.id = q.query_set_id ORDER BY 1"},
    {"qrels", "SELECT printf('%s|%s|%s|%d', qs.name, coalesce(q.external_id, q.text), r.record_key, r.grade) "
              "FROM qrels r JOIN queries q ON q.id = r.query_id JOIN query_sets qs ON qs.id = q.query_set_id "
              "ORDER BY 1"},
};

// A query named as the run names it: its external id (written from its source passage and type), else its text.
inline const std::string kQueryKey = "coalesce(q.external_id, q.text)";

inline const std::vector<std::pair<const char*, std::string>> kRunContent = {
    {"runs", "SELECT printf('%s|%d', status, seed) FROM runs ORDER BY 1"},
    {"rounds", "SELECT printf('%d|%s|%s|%s', r.round_index, r.status, r.last_completed_step, m.name) "
               "FROM rounds r LEFT JOIN models m ON m.id = r.model_id ORDER BY 1"},
    {"models", "SELECT printf('%s|%s', kind, name) FROM models ORDER BY 1"},
    {"judgments", "SELECT printf('%s|%s|%s|%s|%s|%s|%s', teacher_kind, teacher_model, prompt_version, query_text, "
                  "passage_hash, status, coalesce(grade, '-')) FROM judgments ORDER BY 1"},
    {"candidates", "SELECT printf('%d|%s|%d|%d|%.17g', r.round_index, " + kQueryKey +
                       ", c.passage_id, c.student_rank, "
                       "c.student_score) FROM candidates c JOIN rounds r ON r.id = c.round_id "
                       "JOIN queries q ON q.id = c.query_id ORDER BY 1"},
    {"mined_examples", "SELECT printf('%d|%s|%d|%s|%s|%s|%s|%s', r.round_index, " + kQueryKey +
                           ", m.passage_id, m.kind, "
                           "coalesce(m.grade, '-'), m.student_rank, coalesce(m.rank_after, '-'), "
                           "coalesce(printf('%.17g', m.score_after), '-')) FROM mined_examples m "
                           "JOIN rounds r ON r.id = m.round_id JOIN queries q ON q.id = m.query_id ORDER BY 1"},
    {"training_log", "SELECT printf('%d|%d|%d|%.17g|%s', r.round_index, t.step, t.epoch, t.loss, "
                     "coalesce(printf('%.17g', t.dev_metric), '-')) FROM training_log t "
                     "JOIN rounds r ON r.id = t.round_id ORDER BY 1"},
    {"metrics", "SELECT printf('%d|%s|%s|%s|%d|%.17g|%d', e.round_index, e.retriever, m.filing_type, m.name, m.k, "
                "m.value, m.query_count) FROM metrics m JOIN evaluations e ON e.id = m.evaluation_id ORDER BY 1"},
    {"evaluation_queries", "SELECT printf('%d|%s|%s|%.17g|%s', e.round_index, e.retriever, x.query_key, x.ndcg, "
                           "x.judgments_json) FROM evaluation_queries x "
                           "JOIN evaluations e ON e.id = x.evaluation_id ORDER BY 1"},
};

// Natural keys the schema does not enforce: a resumed step that wrote its rows again would show here.
inline const std::vector<std::pair<const char*, std::string>> kNaturalKeys = {
    {"evaluations", "SELECT COUNT(*) FROM (SELECT 1 FROM evaluations GROUP BY run_id, round_index, retriever, "
                    "coalesce(query_set_id, -1), k HAVING COUNT(*) > 1)"},
    {"models", "SELECT COUNT(*) FROM (SELECT 1 FROM models GROUP BY path HAVING COUNT(*) > 1)"},
    {"queries",
     "SELECT COUNT(*) FROM (SELECT 1 FROM queries q GROUP BY query_set_id, " + kQueryKey + " HAVING COUNT(*) > 1)"},
    {"passages", "SELECT COUNT(*) FROM (SELECT 1 FROM passages WHERE near_duplicate_of IS NULL "
                 "GROUP BY corpus_id, content_hash HAVING COUNT(*) > 1)"},
    {"runs", "SELECT COUNT(*) - 1 FROM runs"},
    {"metrics", "SELECT COUNT(*) FROM (SELECT 1 FROM metrics GROUP BY run_id, round_index, evaluation_id, filing_type, "
                "name, k HAVING COUNT(*) > 1)"},
};

// The experiment `resumed` is sound and holds what `reference` holds, table by table.
inline void verifySameContent(const QString& reference, const QString& resumed,
                              const std::vector<std::pair<const char*, std::string>>& tables, const QString& context) {
  auto a = store::Store::open(reference.toStdString(), store::OpenMode::MustExist);
  auto b = store::Store::open(resumed.toStdString(), store::OpenMode::MustExist);
  QCOMPARE(rows(b, "PRAGMA integrity_check"), QStringList{"ok"});
  QCOMPARE(rows(b, "PRAGMA foreign_key_check"), QStringList{});
  try {
    b.exec("INSERT INTO passages_fts(passages_fts) VALUES ('integrity-check')"); // FTS index matches its table
  } catch (const std::exception& e) {
    QFAIL(qPrintable(context + ": full-text index damaged: " + e.what()));
  }
  for (const auto& [table, sql] : kNaturalKeys)
    QVERIFY2(b.queryInt64(sql) <= 0, qPrintable(context + ": duplicated rows in " + table));
  for (const auto& [table, sql] : tables) {
    const QStringList expected = rows(a, sql), actual = rows(b, sql);
    if (actual != expected) {
      QStringList missing, extra;
      for (const QString& row : expected)
        if (!actual.contains(row))
          missing << row;
      for (const QString& row : actual)
        if (!expected.contains(row))
          extra << row;
      QFAIL(qPrintable(QStringLiteral("%1: table %2 differs from the uninterrupted run (%3 rows, expected %4); "
                                      "missing: %5; unexpected: %6")
                           .arg(context, table)
                           .arg(actual.size())
                           .arg(expected.size())
                           .arg(missing.mid(0, 3).join(QStringLiteral(" / ")))
                           .arg(extra.mid(0, 3).join(QStringLiteral(" / ")))));
    }
  }
}

// A killed training or embedding leaves a side directory the resumed step must clear away.
inline QStringList leftovers(const QString& experiment) {
  QStringList found;
  for (const QString& folder : {experiment + ".models", experiment + ".indexes"}) {
    QDirIterator it(folder, QDir::AllEntries | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
      if (const QString path = it.next(); path.contains(QStringLiteral(".partial")))
        found << path;
  }
  return found;
}

} // namespace distillery::test
