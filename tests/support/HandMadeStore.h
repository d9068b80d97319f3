#pragma once
// Rows of a tiny hand-made experiment (documents, passages, queries with their qrels), inserted directly so that a
// suite knows every value it later checks. The store must have been created (store::Store::open(..., CreateNew)).
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/store/Store.h"

namespace distillery::test {

inline std::int64_t insertDocument(store::Store& s, std::int64_t corpus, const std::string& external,
                                   const std::string& filingType, const std::string& company = "Acme") {
  s.prepare("INSERT INTO documents(corpus_id, external_id, filing_type, company, content_hash, imported_at) "
            "VALUES (?1, ?2, ?3, ?4, ?2, 'now')")
      .bind(1, corpus)
      .bind(2, external)
      .bind(3, filingType)
      .bind(4, company)
      .run();
  return s.lastInsertId();
}

inline void insertPassage(store::Store& s, std::int64_t corpus, std::int64_t document, int ordinal,
                          const std::string& key, const std::string& text) {
  s.prepare("INSERT INTO passages(document_id, corpus_id, record_key, ordinal, text, token_count, content_hash) "
            "VALUES (?1, ?2, ?3, ?4, ?5, 5, ?5)")
      .bind(1, document)
      .bind(2, corpus)
      .bind(3, key)
      .bind(4, ordinal)
      .bind(5, text)
      .run();
}

/// A query (without an external id the evaluator keys it 'q' || id) and its judgments: record key -> grade.
inline std::int64_t insertQuery(store::Store& s, std::int64_t set, const std::optional<std::string>& key,
                                const std::string& text, const std::optional<std::string>& filingType,
                                const std::map<std::string, int>& qrels) {
  s.prepare("INSERT INTO queries(query_set_id, external_id, text, filing_type) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, set)
      .bind(2, key)
      .bind(3, text)
      .bind(4, filingType)
      .run();
  const std::int64_t id = s.lastInsertId();
  for (const auto& [record, grade] : qrels)
    s.prepare("INSERT INTO qrels(query_id, record_key, grade) VALUES (?1, ?2, ?3)")
        .bind(1, id)
        .bind(2, record)
        .bind(3, grade)
        .run();
  return id;
}

} // namespace distillery::test
