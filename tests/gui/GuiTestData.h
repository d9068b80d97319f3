#pragma once
// A small, fully known experiment for the GUI tests and the screenshot tool: a corpus of three filing
// types, queries, one run with rounds 0-2 (candidates, judgments, mined pairs, training log, metrics) and
// a BM25 baseline. Everything is written with plain SQL through the store, as core would write it.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/DefaultStudent.h"
#include "core/store/Store.h"

namespace distillery::test {

/// A small untrained student (one layer, 48 wide) of the texts' vocabulary, written to `directory`: quick to train,
/// with everything still to learn. What the GUI tests' runs train.
inline void writeSmallUntrainedStudent(const std::vector<std::string>& texts, const std::string& directory) {
  model::DefaultStudentOptions student;
  student.hiddenSize = 48;
  student.intermediateSize = 96;
  student.vocabularySize = 2000;
  student.heads = 2;
  student.layers = 1;
  model::saveRandomStudent(texts, directory, student);
}

struct DemoExperiment {
  std::int64_t corpusId = 0;
  std::int64_t runId = 0;
  std::vector<std::int64_t> roundIds; // by round index
  int documents = 0;
  int passages = 0;
  int minedPerRound = 0;
};

/// Half the width of every stored metric's 95% interval in the demo experiment.
inline constexpr double kDemoIntervalHalfWidth = 0.05;

inline const std::vector<std::string>& demoFilingTypes() {
  static const std::vector<std::string> types{"10-K", "10-Q", "8-K"};
  return types;
}

inline const std::vector<std::string>& demoCompanies() {
  static const std::vector<std::string> companies{"Acme Corp", "Globex Inc"};
  return companies;
}

/// Metric value the demo stores, so tests can compare what the dashboard shows with what is stored.
inline double demoMetricValue(int round, const std::string& type, const std::string& metric, bool bm25) {
  const double typeOffset = type == "10-K" ? 0.00 : type == "10-Q" ? 0.05 : type == "8-K" ? 0.10 : 0.03;
  const double metricOffset = metric == "mrr" ? 0.0 : metric == "ndcg" ? 0.04 : 0.9;
  const double base = bm25 ? 0.38 : 0.42 + 0.08 * round;
  return std::round((base + typeOffset + metricOffset) * 10000.0) / 10000.0;
}

inline DemoExperiment seedDemoExperiment(store::Store& store, int rounds = 3) {
  DemoExperiment demo;
  static const char* const sections[] = {"Item 1 Business", "Item 1A Risk Factors", "Item 7 MD&A",
                                         "Item 8 Financial Statements"};
  static const char* const topics[] = {
      "Revenue increased due to higher subscription volume and pricing in the cloud segment.",
      "Liquidity remains adequate; the company holds cash equivalents and an undrawn revolving credit facility.",
      "The company recorded a goodwill impairment charge after the annual test of the retail reporting unit.",
      "Supply chain disruptions and inflation raised the cost of components and freight.",
      "Litigation reserves were increased following an adverse ruling in the patent dispute.",
  };
  store.transaction([&] {
    store.exec("INSERT INTO corpora(name, created_at) VALUES ('demo filings', '2026-01-01T00:00:00Z')");
    demo.corpusId = store.lastInsertId();
    store::Statement doc = store.prepare(
        "INSERT INTO documents(corpus_id, external_id, title, filing_type, company, cik, filing_date, period, "
        "content_hash, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, '0000000001', ?6, ?7, ?8, '2026-01-01T00:00:00Z')");
    store::Statement passage = store.prepare(
        "INSERT INTO passages(document_id, corpus_id, record_key, section, ordinal, text, token_count, content_hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    for (const std::string& type : demoFilingTypes())
      for (const std::string& company : demoCompanies())
        for (const std::string period : {"2022", "2023"}) {
          const std::string key = type + "-" + company + "-" + period;
          doc.bind(1, demo.corpusId)
              .bind(2, key)
              .bind(3, company + " " + type + " for " + period)
              .bind(4, type)
              .bind(5, company)
              .bind(6, period + "-03-01")
              .bind(7, period)
              .bind(8, "hash-" + key)
              .run();
          const std::int64_t documentId = store.lastInsertId();
          ++demo.documents;
          for (int i = 0; i < 5; ++i) {
            const std::string text = std::string(topics[i]) + " " + company + " reported this in its " + type +
                                     " for fiscal " + period + ".";
            passage.bind(1, documentId)
                .bind(2, demo.corpusId)
                .bind(3, "p" + std::to_string(documentId) + "-" + std::to_string(i))
                .bind(4, sections[i % 4])
                .bind(5, i)
                .bind(6, text)
                .bind(7, 30)
                .bind(8, "h" + std::to_string(documentId) + "-" + std::to_string(i))
                .run();
            ++demo.passages;
          }
        }
    store
        .prepare("INSERT INTO query_sets(corpus_id, name, origin, created_at) VALUES (?1, 'synthetic', 'synthetic', "
                 "'2026-01-01T00:00:00Z')")
        .bind(1, demo.corpusId)
        .run();
    const std::int64_t querySet = store.lastInsertId();
    // One query per passage with topic 0 or 2, sourced from it.
    store
        .prepare("INSERT INTO queries(query_set_id, external_id, text, query_type, source_passage_id, origin, "
                 "filing_type, split) SELECT ?1, 'q' || p.id, CASE p.ordinal WHEN 0 THEN 'Why did revenue grow for ' "
                 "ELSE 'Was there a goodwill impairment at ' END || d.company || '?', 'question', p.id, 'heuristic', "
                 "d.filing_type, 'train' FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.ordinal IN "
                 "(0, 2) ORDER BY p.id")
        .bind(1, querySet)
        .run();
    store
        .prepare("INSERT INTO runs(corpus_id, name, config_json, software_version, seed, status, created_at) VALUES "
                 "(?1, 'demo run', '{\"rounds\":2}', '0.1.0', 7, 'completed', '2026-01-01T00:00:00Z')")
        .bind(1, demo.corpusId)
        .run();
    demo.runId = store.lastInsertId();
    const char* const kinds[] = {"hard_positive", "hard_negative", "easy_positive", "easy_negative"};
    for (int round = 0; round < rounds; ++round) {
      store
          .prepare("INSERT INTO rounds(run_id, round_index, status, last_completed_step) VALUES (?1, ?2, "
                   "'completed', 'evaluate')")
          .bind(1, demo.runId)
          .bind(2, round)
          .run();
      const std::int64_t roundId = store.lastInsertId();
      demo.roundIds.push_back(roundId);
      // Each query is paired with its source passage and with the next passage of its document.
      store::Statement pairs = store.prepare(
          "SELECT q.id, q.text, p.id, p.content_hash FROM queries q JOIN passages s ON s.id = q.source_passage_id "
          "JOIN passages p ON p.document_id = s.document_id AND p.ordinal IN (s.ordinal, s.ordinal + 1) ORDER BY "
          "q.id, p.id");
      struct Pair {
        std::int64_t query, passage;
        std::string text, hash;
      };
      std::vector<Pair> list;
      while (pairs.step())
        list.push_back({pairs.columnInt64(0), pairs.columnInt64(2), pairs.columnText(1), pairs.columnText(3)});
      int n = 0;
      for (const Pair& pair : list) {
        const bool source = n % 2 == 0;
        const int grade = source ? 3 - (n / 2) % 2 : (n / 2) % 3 == 0 ? 1 : 0;
        const char* kind = kinds[n % 4];
        store
            .prepare("INSERT INTO candidates(round_id, query_id, passage_id, student_rank, student_score) VALUES "
                     "(?1, ?2, ?3, ?4, ?5)")
            .bind(1, roundId)
            .bind(2, pair.query)
            .bind(3, pair.passage)
            .bind(4, n % 7 + 1)
            .bind(5, 0.9 - 0.05 * (n % 7))
            .run();
        if (round == 0)
          store
              .prepare("INSERT INTO judgments(teacher_kind, teacher_model, prompt_version, query_text, passage_hash, "
                       "query_id, passage_id, status, grade, rationale, raw_response, created_at) VALUES ('heuristic', "
                       "'lexical-grader', 'v1', ?1, ?2, ?3, ?4, 'ok', ?5, ?6, ?7, '2026-01-01T00:00:00Z')")
              .bind(1, pair.text)
              .bind(2, pair.hash)
              .bind(3, pair.query)
              .bind(4, pair.passage)
              .bind(5, grade)
              .bind(6, source ? "The passage states the answer directly." : "The passage is about another topic.")
              .bind(7, "{\"grade\": " + std::to_string(grade) + "}")
              .run();
        store
            .prepare("INSERT INTO mined_examples(round_id, query_id, passage_id, kind, grade, student_rank, "
                     "student_score, rank_after, score_after, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                     "'demo')")
            .bind(1, roundId)
            .bind(2, pair.query)
            .bind(3, pair.passage)
            .bind(4, kind)
            .bind(5, grade)
            .bind(6, n % 7 + 1)
            .bind(7, 0.9 - 0.05 * (n % 7))
            .bind(8, std::max(1, n % 7 + (source ? -1 : 2)))
            .bind(9, 0.9 - 0.05 * (n % 7) + (source ? 0.04 : -0.04))
            .run();
        ++n;
      }
      demo.minedPerRound = n;
      for (int step = 0; step < 20; ++step)
        store
            .prepare("INSERT INTO training_log(round_id, step, epoch, loss, learning_rate) VALUES (?1, ?2, ?3, ?4, "
                     "2e-5)")
            .bind(1, roundId)
            .bind(2, step * 10)
            .bind(3, step / 10)
            .bind(4, 1.5 / (1.0 + 0.2 * step + round))
            .run();
    }
    // Metrics: dense for every round, BM25 once; per filing type and ALL.
    const auto evaluation = [&](int round, bool bm25) {
      store
          .prepare(
              "INSERT INTO evaluations(run_id, round_index, retriever, k, config_json, created_at) VALUES (?1, ?2, "
              "?3, 5, ?4, '2026-01-01T00:00:00Z')")
          .bind(1, demo.runId)
          .bind(2, round)
          .bind(3, bm25 ? "bm25" : "dense")
          .bind(4, std::string(R"({"judged_by": "teacher:heuristic:heuristic-lexical/v2:heuristic-lexical/v2"})"))
          .run();
      const std::int64_t evaluationId = store.lastInsertId();
      std::vector<std::string> types = demoFilingTypes();
      types.push_back("ALL");
      for (const std::string& type : types)
        for (const std::string metric : {"mrr", "dcg", "ndcg"}) {
          const double value = demoMetricValue(round, type, metric, bm25);
          store
              .prepare("INSERT INTO metrics(evaluation_id, run_id, round_index, filing_type, name, k, value, "
                       "query_count, ci_low, ci_high) VALUES (?1, ?2, ?3, ?4, ?5, 5, ?6, ?7, ?8, ?9)")
              .bind(1, evaluationId)
              .bind(2, demo.runId)
              .bind(3, round)
              .bind(4, type)
              .bind(5, metric)
              .bind(6, value)
              .bind(7, type == "ALL" ? 24 : 8)
              .bind(8, value - kDemoIntervalHalfWidth)
              .bind(9, value + kDemoIntervalHalfWidth)
              .run();
        }
      // Per query (8 of each filing type), for the paired comparison with round 0: every 10-K and 10-Q query gains
      // 0.1 a round (significant: p = 2 / 2^8), 8-K queries gain and lose 0.1 in turn (no change: p = 1).
      for (const std::string& type : demoFilingTypes())
        for (int q = 0; q < 8; ++q) {
          const double step = type == "8-K" ? (q % 2 == 0 ? 0.1 : -0.1) : 0.1;
          const double value = bm25 ? 0.6 : 0.4 + step * round;
          store
              .prepare("INSERT INTO evaluation_queries(evaluation_id, query_key, filing_type, mrr, dcg, ndcg, recall, "
                       "judgments_json) VALUES (?1, ?2, ?3, ?4, ?4, ?4, ?4, '{}')")
              .bind(1, evaluationId)
              .bind(2, type + "-" + std::to_string(q))
              .bind(3, type)
              .bind(4, value)
              .run();
        }
    };
    evaluation(0, true);
    for (int round = 0; round < rounds; ++round)
      evaluation(round, false);
  });
  return demo;
}

} // namespace distillery::test
