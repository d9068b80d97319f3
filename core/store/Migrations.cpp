// The experiment schema, as ordered migrations. Never edit a released step: add a new one.
// Column comments are the contract every area of core writes to.
#include "core/store/Store.h"

namespace distillery::store {
namespace {

// Version 1: what a corpus, its queries and the jobs that load them need.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE corpora(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  settings_json TEXT NOT NULL DEFAULT '{}'      -- chunking and import options used
);
CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  corpus_id INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  external_id TEXT,                            -- BEIR _id, accession number, file name
  title TEXT,
  filing_type TEXT NOT NULL DEFAULT 'unknown', -- 10-K, 10-Q, 8-K, DEF 14A, ...
  company TEXT,
  cik TEXT,
  filing_date TEXT,
  period TEXT,                                 -- period of report
  source_path TEXT,
  content_hash TEXT NOT NULL,                  -- of the source bytes: re-imports add nothing
  metadata_json TEXT NOT NULL DEFAULT '{}',
  imported_at TEXT NOT NULL,
  UNIQUE(corpus_id, content_hash)
);
CREATE INDEX documents_filing_type ON documents(corpus_id, filing_type);
CREATE INDEX documents_external_id ON documents(corpus_id, external_id);
CREATE TABLE passages(
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  corpus_id INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  record_key TEXT NOT NULL,                    -- id qrels use: BEIR _id (shared by its chunks) or 'p<id>'
  section TEXT NOT NULL DEFAULT '',
  ordinal INTEGER NOT NULL,                    -- position within the document
  text TEXT NOT NULL,
  token_count INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  near_duplicate_of INTEGER REFERENCES passages(id) ON DELETE SET NULL,
  UNIQUE(document_id, ordinal)
);
CREATE INDEX passages_corpus ON passages(corpus_id, id);
CREATE INDEX passages_record ON passages(corpus_id, record_key);
CREATE INDEX passages_hash ON passages(corpus_id, content_hash);
CREATE VIRTUAL TABLE passages_fts USING fts5(text, content='passages', content_rowid='id',
  tokenize="unicode61 remove_diacritics 2");
CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages BEGIN
  INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
  INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER passages_fts_update AFTER UPDATE OF text ON passages BEGIN
  INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TABLE query_sets(
  id INTEGER PRIMARY KEY,
  corpus_id INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  origin TEXT NOT NULL,                        -- imported | synthetic | manual
  created_at TEXT NOT NULL,
  UNIQUE(corpus_id, name)
);
CREATE TABLE queries(
  id INTEGER PRIMARY KEY,
  query_set_id INTEGER NOT NULL REFERENCES query_sets(id) ON DELETE CASCADE,
  external_id TEXT,                            -- BEIR query _id
  text TEXT NOT NULL,
  query_type TEXT NOT NULL DEFAULT 'question', -- question | claim | keyword | title
  source_passage_id INTEGER REFERENCES passages(id) ON DELETE SET NULL,
  origin TEXT NOT NULL DEFAULT 'imported',     -- imported | teacher:<model> | heuristic
  filing_type TEXT,                            -- the query's own filing type, if known
  split TEXT NOT NULL DEFAULT 'test',          -- train | dev | test (test never enters training)
  round_id INTEGER,                            -- round that synthesised it
  metadata_json TEXT NOT NULL DEFAULT '{}',
  UNIQUE(query_set_id, external_id)
);
CREATE TABLE qrels(
  query_id INTEGER NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
  record_key TEXT NOT NULL,                    -- passages.record_key
  grade INTEGER NOT NULL,
  PRIMARY KEY(query_id, record_key)
);
CREATE TABLE models(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                          -- huggingface | default | checkpoint
  name TEXT NOT NULL,
  path TEXT,                                   -- model directory
  parent_id INTEGER REFERENCES models(id),
  config_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  corpus_id INTEGER NOT NULL REFERENCES corpora(id),
  name TEXT,
  config_json TEXT NOT NULL,
  software_version TEXT NOT NULL,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',      -- pending | running | paused | completed | failed | cancelled
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE TABLE rounds(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  round_index INTEGER NOT NULL,                -- 0 evaluates the base model
  status TEXT NOT NULL DEFAULT 'pending',
  last_completed_step TEXT,                    -- synthesise | retrieve | judge | mine | train | evaluate
  model_id INTEGER REFERENCES models(id),      -- student after this round
  started_at TEXT,
  finished_at TEXT,
  UNIQUE(run_id, round_index)
);
CREATE TABLE jobs(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                          -- import | synthesise | judge | mine | train | evaluate | run
  status TEXT NOT NULL DEFAULT 'queued',       -- queued | running | paused | completed | failed | cancelled
  params_json TEXT NOT NULL DEFAULT '{}',
  run_id INTEGER REFERENCES runs(id),
  progress_done INTEGER NOT NULL DEFAULT 0,
  progress_total INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE TABLE job_log(
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  logged_at TEXT NOT NULL,
  level TEXT NOT NULL,                         -- info | warning | error
  message TEXT NOT NULL
);
CREATE INDEX job_log_job ON job_log(job_id, id);
)sql";

// Version 2: what distillation rounds produce (candidates, judgments, mined pairs, labels, metrics).
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE candidates(
  id INTEGER PRIMARY KEY,
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  query_id INTEGER NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
  passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
  retriever TEXT NOT NULL DEFAULT 'dense',
  student_rank INTEGER NOT NULL,               -- 1-based
  student_score REAL NOT NULL,
  UNIQUE(round_id, query_id, passage_id)
);
CREATE TABLE judgments(
  id INTEGER PRIMARY KEY,
  teacher_kind TEXT NOT NULL,                  -- heuristic | openai
  teacher_model TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  query_text TEXT NOT NULL,
  passage_hash TEXT NOT NULL,                  -- contentHash of the passage text: the cache key
  query_id INTEGER REFERENCES queries(id) ON DELETE SET NULL,
  passage_id INTEGER REFERENCES passages(id) ON DELETE SET NULL,
  status TEXT NOT NULL,                        -- ok | failed
  grade INTEGER,                               -- 0 irrelevant .. 3 fully answers
  score REAL,                                  -- probability-weighted grade when logprobs exist
  rationale TEXT,
  raw_response TEXT,
  failure_reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 1,
  latency_ms REAL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cost REAL,
  created_at TEXT NOT NULL,
  UNIQUE(teacher_model, prompt_version, query_text, passage_hash)
);
CREATE INDEX judgments_pair ON judgments(query_id, passage_id);
CREATE TABLE mined_examples(
  id INTEGER PRIMARY KEY,
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  query_id INTEGER NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
  passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,                          -- a name of kMinedKindNames (core/pipeline/HardExampleMiner.h)
  grade INTEGER,
  student_rank INTEGER,
  student_score REAL,
  rank_after INTEGER,                          -- after the round's training
  score_after REAL,
  reason TEXT,                                 -- why it was mined or excluded (e.g. likely false negative)
  UNIQUE(round_id, query_id, passage_id)
);
CREATE INDEX mined_examples_round ON mined_examples(round_id, kind);
CREATE TABLE human_labels(
  id INTEGER PRIMARY KEY,
  query_id INTEGER NOT NULL REFERENCES queries(id) ON DELETE CASCADE,
  passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
  grade INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  labelled_at TEXT NOT NULL,
  UNIQUE(query_id, passage_id)
);
CREATE TABLE training_log(
  id INTEGER PRIMARY KEY,
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  loss REAL NOT NULL,
  learning_rate REAL,
  dev_metric REAL,
  UNIQUE(round_id, step)
);
CREATE TABLE evaluations(
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  round_index INTEGER,
  model_id INTEGER REFERENCES models(id),
  retriever TEXT NOT NULL,                     -- dense | bm25 | hybrid | external run file
  query_set_id INTEGER REFERENCES query_sets(id),
  k INTEGER NOT NULL,
  config_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE TABLE metrics(
  id INTEGER PRIMARY KEY,
  evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  round_index INTEGER,
  filing_type TEXT NOT NULL,                   -- 'ALL' for the average over every query
  name TEXT NOT NULL,                          -- mrr | dcg | ndcg | recall
  k INTEGER NOT NULL,
  value REAL NOT NULL,
  query_count INTEGER NOT NULL,
  UNIQUE(evaluation_id, filing_type, name, k)
);
CREATE INDEX metrics_run ON metrics(run_id, round_index);
)sql";

std::vector<Migration> makeMigrations() {
  return {
      {1, "corpora, documents, passages, queries, models, runs, jobs", [](Store& s) { s.exec(kSchemaV1); }},
      {2, "candidates, judgments, mined examples, labels, training log, metrics", [](Store& s) { s.exec(kSchemaV2); }},
      // Version 5 (eval): per-query metrics and rankings of an evaluation, for drill-down and TREC export.
      {5, "evaluation queries and rankings",
       [](Store& s) {
         s.exec(R"sql(
CREATE TABLE evaluation_queries(
  evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  query_key TEXT NOT NULL,                     -- queries.external_id (BEIR _id) or 'q<id>'
  filing_type TEXT NOT NULL,                   -- the group the query was averaged into
  mrr REAL NOT NULL,                           -- at evaluations.k
  dcg REAL NOT NULL,
  ndcg REAL NOT NULL,
  recall REAL NOT NULL,
  judgments_json TEXT NOT NULL,                -- {record_key: grade} scored against (TREC qrels export)
  PRIMARY KEY(evaluation_id, query_key)
);
CREATE TABLE evaluation_rankings(
  evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  query_key TEXT NOT NULL,
  rank INTEGER NOT NULL,                       -- 1-based, distinct records (chunks collapsed)
  record_key TEXT NOT NULL,                    -- passages.record_key
  score REAL NOT NULL,
  PRIMARY KEY(evaluation_id, query_key, rank)
);
)sql");
       }},
      // Version 6 (issue 20): who judged a query set and on which scale, and each stored mean's bootstrap interval.
      {6, "judges, grade scales and confidence intervals",
       [](Store& s) {
         s.exec(R"sql(
ALTER TABLE query_sets ADD COLUMN judged_by TEXT;       -- human | teacher:<kind>:<model>:<prompt>; NULL: unknown
ALTER TABLE query_sets ADD COLUMN grade_scale INTEGER;  -- top grade: 1 binary, 3 the 0-3 scale; NULL: its qrels' top
ALTER TABLE metrics ADD COLUMN ci_low REAL;             -- 95% bootstrap interval of the mean over queries;
ALTER TABLE metrics ADD COLUMN ci_high REAL;            -- NULL below 2 queries
)sql");
       }},
      // Version 7 (issue 20): people's labels overrule the teacher in mining and training; judgments by query text.
      {7, "who graded each mined pair; judgments by query text",
       [](Store& s) {
         s.exec(R"sql(
ALTER TABLE mined_examples ADD COLUMN graded_by TEXT NOT NULL DEFAULT 'teacher'; -- teacher | human (a label overruled)
CREATE INDEX judgments_text ON judgments(query_text, passage_hash);
)sql");
       }},
      // Version 8 (issue 24): the corpus browser's section list read every passage row (1 s at 535k passages, on
      // each open); this index holds what that query reads, document id included for its join.
      {8, "an index of passages by section",
       [](Store& s) { s.exec("CREATE INDEX passages_section ON passages(corpus_id, section, document_id);"); }},
  };
}

} // namespace

const std::vector<Migration>& builtinMigrations() {
  static const std::vector<Migration> migrations = makeMigrations();
  return migrations;
}

int currentSchemaVersion() {
  return builtinMigrations().back().version;
}

} // namespace distillery::store
