#include "core/pipeline/RunRepository.h"

#include "core/store/Store.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

namespace distillery::pipeline {

std::string toString(RoundStep step) {
  return std::string(enumName(step));
}

RoundStep roundStepFromString(const std::string& text) {
  return findEnum<RoundStep>(text).value_or(RoundStep::None);
}

std::int64_t RunRepository::createRun(std::int64_t corpusId, const RunConfig& config, const std::string& name) {
  store_
      .prepare("INSERT INTO runs(corpus_id, name, config_json, software_version, seed, status, created_at) "
               "VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)")
      .bind(1, corpusId)
      .bind(2, name)
      .bind(3, toJson(config).dump())
      .bind(4, std::string(DISTILLERY_VERSION))
      .bind(5, static_cast<std::int64_t>(config.seed))
      .bind(6, nowIso8601())
      .run();
  return store_.lastInsertId();
}

RunRecord RunRepository::loadRun(std::int64_t runId) {
  auto s = store_.prepare("SELECT r.id, r.corpus_id, c.name, r.config_json, r.status FROM runs r "
                          "JOIN corpora c ON c.id = r.corpus_id WHERE r.id = ?1");
  s.bind(1, runId);
  if (!s.step())
    throw InputError("no run with id " + std::to_string(runId) + " in '" + store_.path().string() + "'");
  RunRecord run;
  run.id = s.columnInt64(0);
  run.corpusId = s.columnInt64(1);
  run.corpusName = s.columnText(2);
  run.config = parseRunConfig(nlohmann::json::parse(s.columnText(3)), "stored config of run " + std::to_string(runId));
  run.status = s.columnText(4);
  return run;
}

void RunRepository::setRunStatus(std::int64_t runId, const std::string& status) {
  const bool finished = status == "completed" || status == "failed" || status == "cancelled";
  store_.prepare("UPDATE runs SET status = ?2, started_at = COALESCE(started_at, ?3), finished_at = ?4 WHERE id = ?1")
      .bind(1, runId)
      .bind(2, status)
      .bind(3, nowIso8601())
      .bind(4, finished ? std::optional<std::string>(nowIso8601()) : std::nullopt)
      .run();
}

RoundRecord RunRepository::ensureRound(std::int64_t runId, int index) {
  store_.prepare("INSERT OR IGNORE INTO rounds(run_id, round_index, status, started_at) VALUES (?1, ?2, 'running', ?3)")
      .bind(1, runId)
      .bind(2, index)
      .bind(3, nowIso8601())
      .run();
  for (const RoundRecord& r : rounds(runId))
    if (r.index == index)
      return r;
  throw Error("round " + std::to_string(index) + " of run " + std::to_string(runId) + " could not be created");
}

std::vector<RoundRecord> RunRepository::rounds(std::int64_t runId) {
  auto s = store_.prepare("SELECT id, round_index, status, last_completed_step, model_id FROM rounds "
                          "WHERE run_id = ?1 ORDER BY round_index");
  s.bind(1, runId);
  std::vector<RoundRecord> out;
  while (s.step())
    out.push_back({s.columnInt64(0), static_cast<int>(s.columnInt64(1)), s.columnText(2),
                   roundStepFromString(s.columnText(3)), s.columnOptionalInt64(4)});
  return out;
}

void RunRepository::completeStep(std::int64_t roundId, RoundStep step) {
  store_.prepare("UPDATE rounds SET last_completed_step = ?2 WHERE id = ?1")
      .bind(1, roundId)
      .bind(2, toString(step))
      .run();
}

void RunRepository::setRoundModel(std::int64_t roundId, std::int64_t modelId) {
  store_.prepare("UPDATE rounds SET model_id = ?2 WHERE id = ?1").bind(1, roundId).bind(2, modelId).run();
}

void RunRepository::finishRound(std::int64_t roundId) {
  store_.prepare("UPDATE rounds SET status = 'completed', finished_at = ?2 WHERE id = ?1")
      .bind(1, roundId)
      .bind(2, nowIso8601())
      .run();
}

void RunRepository::replaceCandidates(std::int64_t roundId, const std::vector<CandidateRow>& rows) {
  store_.prepare("DELETE FROM candidates WHERE round_id = ?1").bind(1, roundId).run();
  auto insert = store_.prepare("INSERT INTO candidates(round_id, query_id, passage_id, retriever, student_rank, "
                               "student_score) VALUES (?1, ?2, ?3, 'dense', ?4, ?5)");
  for (const CandidateRow& row : rows)
    insert.bind(1, roundId).bind(2, row.queryId).bind(3, row.passageId).bind(4, row.rank).bind(5, row.score).run();
}

std::vector<CandidateRow> RunRepository::candidates(std::int64_t roundId) {
  auto s = store_.prepare("SELECT query_id, passage_id, student_rank, student_score FROM candidates "
                          "WHERE round_id = ?1 ORDER BY query_id, student_rank");
  s.bind(1, roundId);
  std::vector<CandidateRow> out;
  while (s.step())
    out.push_back({s.columnInt64(0), s.columnInt64(1), static_cast<int>(s.columnInt64(2)), s.columnDouble(3)});
  return out;
}

std::vector<RunSummary> listRuns(store::Store& store) {
  auto select = store.prepare(
      "SELECT r.id, coalesce(r.name, ''), c.name, r.status, (SELECT count(*) FROM rounds o WHERE o.run_id = r.id "
      "AND o.round_index > 0 AND o.last_completed_step = 'evaluate'), coalesce(json_extract(r.config_json, "
      "'$.rounds'), 0) FROM runs r JOIN corpora c ON c.id = r.corpus_id ORDER BY r.id");
  std::vector<RunSummary> runs;
  while (select.step())
    runs.push_back({select.columnInt64(0), select.columnText(1), select.columnText(2), select.columnText(3),
                    static_cast<int>(select.columnInt64(4)), static_cast<int>(select.columnInt64(5))});
  return runs;
}

std::vector<RoundPairs> roundsWithMinedPairs(store::Store& store, std::int64_t runId) {
  auto select = store.prepare(
      "SELECT r.id, r.round_index, (SELECT count(*) FROM mined_examples m WHERE m.round_id = r.id) FROM rounds r "
      "WHERE r.run_id = ?1 ORDER BY r.round_index");
  select.bind(1, runId);
  std::vector<RoundPairs> rounds;
  while (select.step())
    rounds.push_back({select.columnInt64(0), static_cast<int>(select.columnInt64(1)), select.columnInt64(2)});
  return rounds;
}

std::optional<std::int64_t> runOfRound(store::Store& store, std::int64_t roundId) {
  auto select = store.prepare("SELECT run_id FROM rounds WHERE id = ?1");
  select.bind(1, roundId);
  return select.step() ? std::optional<std::int64_t>(select.columnInt64(0)) : std::nullopt;
}

std::optional<TrainingRound> latestTrainingRound(store::Store& store) {
  auto select = store.prepare("SELECT r.id, r.run_id, r.round_index FROM rounds r WHERE r.id = (SELECT max(round_id) "
                              "FROM training_log)");
  if (!select.step())
    return std::nullopt;
  return TrainingRound{select.columnInt64(0), select.columnInt64(1), static_cast<int>(select.columnInt64(2))};
}

std::vector<std::pair<std::int64_t, double>> trainingLossAfter(store::Store& store, std::int64_t roundId,
                                                               std::int64_t afterStep) {
  auto select = store.prepare("SELECT step, loss FROM training_log WHERE round_id = ?1 AND step > ?2 ORDER BY step");
  select.bind(1, roundId).bind(2, afterStep);
  std::vector<std::pair<std::int64_t, double>> points;
  while (select.step())
    points.emplace_back(select.columnInt64(0), select.columnDouble(1));
  return points;
}

std::optional<std::string> findRunName(store::Store& store, std::int64_t runId) {
  auto select = store.prepare("SELECT coalesce(name, '') FROM runs WHERE id = ?1");
  select.bind(1, runId);
  return select.step() ? std::optional<std::string>(select.columnText(0)) : std::nullopt;
}

namespace {

void requireRun(store::Store& store, std::int64_t runId) {
  if (!findRunName(store, runId))
    throw InputError("no run with id " + std::to_string(runId) + " in " + store.path().string());
}

} // namespace

void renameRun(store::Store& store, std::int64_t runId, const std::string& name) {
  requireRun(store, runId);
  store.prepare("UPDATE runs SET name = ?2 WHERE id = ?1").bind(1, runId).bind(2, name).run();
}

std::int64_t duplicateRun(store::Store& store, std::int64_t runId) {
  requireRun(store, runId);
  auto select = store.prepare("SELECT corpus_id, coalesce(name, '') FROM runs WHERE id = ?1");
  select.bind(1, runId);
  select.step();
  const std::int64_t corpusId = select.columnInt64(0);
  const std::string name = select.columnText(1);
  const RunConfig config = parseRunConfig(*storedRunConfig(store, runId), "run " + std::to_string(runId) + " config");
  return RunRepository(store).createRun(corpusId, config,
                                        (name.empty() ? "run " + std::to_string(runId) : name) + " (copy)");
}

RunContents runContents(store::Store& store, std::int64_t runId) {
  const std::string id = std::to_string(runId);
  RunContents contents;
  contents.rounds = static_cast<int>(store.queryInt64("SELECT count(*) FROM rounds WHERE run_id = " + id));
  contents.minedPairs = store.queryInt64(
      "SELECT count(*) FROM mined_examples m JOIN rounds r ON r.id = m.round_id WHERE r.run_id = " + id);
  contents.evaluations = store.queryInt64("SELECT count(*) FROM evaluations WHERE run_id = " + id);
  return contents;
}

void deleteRun(store::Store& store, std::int64_t runId) {
  requireRun(store, runId);
  store.transaction([&] {
    store.prepare("UPDATE jobs SET run_id = NULL WHERE run_id = ?1").bind(1, runId).run();
    store.prepare("DELETE FROM runs WHERE id = ?1").bind(1, runId).run(); // rounds, evaluations... cascade
  });
}

CorpusContents corpusContents(store::Store& store, std::int64_t corpusId) {
  const std::string id = std::to_string(corpusId);
  const std::string sets = "SELECT id FROM query_sets WHERE corpus_id = " + id;
  CorpusContents contents;
  contents.documents = store.queryInt64("SELECT count(*) FROM documents WHERE corpus_id = " + id);
  contents.passages = store.queryInt64("SELECT count(*) FROM passages WHERE corpus_id = " + id);
  contents.querySets = store.queryInt64("SELECT count(*) FROM query_sets WHERE corpus_id = " + id);
  contents.queries = store.queryInt64("SELECT count(*) FROM queries WHERE query_set_id IN (" + sets + ")");
  contents.labels = store.queryInt64("SELECT count(*) FROM human_labels WHERE query_id IN (SELECT id FROM queries "
                                     "WHERE query_set_id IN (" +
                                     sets + "))");
  contents.runs = store.queryInt64("SELECT count(*) FROM runs WHERE corpus_id = " + id);
  return contents;
}

void deleteCorpus(store::Store& store, std::int64_t corpusId) {
  if (store.queryInt64("SELECT count(*) FROM corpora WHERE id = " + std::to_string(corpusId)) == 0)
    throw InputError("no corpus with id " + std::to_string(corpusId) + " in " + store.path().string());
  store.transaction([&] {
    std::vector<std::int64_t> runs;
    {
      auto select = store.prepare("SELECT id FROM runs WHERE corpus_id = ?1");
      select.bind(1, corpusId);
      while (select.step())
        runs.push_back(select.columnInt64(0));
    }
    for (const std::int64_t run : runs)
      deleteRun(store, run);
    // Evaluations outside runs scored its query sets (metrics and rankings cascade).
    store.prepare("DELETE FROM evaluations WHERE query_set_id IN (SELECT id FROM query_sets WHERE corpus_id = ?1)")
        .bind(1, corpusId)
        .run();
    // Documents, passages, query sets, queries, qrels, candidates and labels cascade; judgments forget the ids.
    store.prepare("DELETE FROM corpora WHERE id = ?1").bind(1, corpusId).run();
  });
}

std::optional<nlohmann::json> storedRunConfig(store::Store& store, std::int64_t runId) {
  auto select = store.prepare("SELECT config_json FROM runs WHERE id = ?1");
  select.bind(1, runId);
  if (!select.step())
    return std::nullopt;
  return nlohmann::json::parse(select.columnText(0), nullptr, false);
}

RoundModels roundModels(store::Store& store, std::int64_t roundId) {
  RoundModels models;
  auto select = store.prepare("SELECT r.model_id, (SELECT p.model_id FROM rounds p WHERE p.run_id = r.run_id AND "
                              "p.round_index = r.round_index - 1) FROM rounds r WHERE r.id = ?1");
  select.bind(1, roundId);
  if (select.step()) {
    if (!select.columnIsNull(0))
      models.after = select.columnInt64(0);
    if (!select.columnIsNull(1))
      models.before = select.columnInt64(1);
  }
  return models;
}

void RunRepository::replaceMined(std::int64_t roundId, const std::vector<MinedRow>& rows) {
  store_.prepare("DELETE FROM mined_examples WHERE round_id = ?1").bind(1, roundId).run();
  auto insert = store_.prepare("INSERT INTO mined_examples(round_id, query_id, passage_id, kind, grade, student_rank, "
                               "student_score, reason, graded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  for (const MinedRow& row : rows)
    insert.bind(1, roundId)
        .bind(2, row.queryId)
        .bind(3, row.passageId)
        .bind(4, toString(row.decision.kind))
        .bind(5, row.grade)
        .bind(6, row.studentRank)
        .bind(7, row.studentScore)
        .bind(8, row.decision.reason)
        .bind(9, row.gradedByHuman ? "human" : "teacher")
        .run();
}

void RunRepository::setRankAfter(std::int64_t roundId, std::int64_t queryId, std::int64_t passageId, int rank,
                                 double score) {
  store_
      .prepare("UPDATE mined_examples SET rank_after = ?4, score_after = ?5 "
               "WHERE round_id = ?1 AND query_id = ?2 AND passage_id = ?3")
      .bind(1, roundId)
      .bind(2, queryId)
      .bind(3, passageId)
      .bind(4, rank)
      .bind(5, score)
      .run();
}

void RunRepository::replaceTrainingLog(std::int64_t roundId) {
  store_.prepare("DELETE FROM training_log WHERE round_id = ?1").bind(1, roundId).run();
}

void RunRepository::addTrainingStep(std::int64_t roundId, int step, int epoch, double loss, double learningRate,
                                    std::optional<double> devMetric) {
  store_
      .prepare("INSERT OR REPLACE INTO training_log(round_id, step, epoch, loss, learning_rate, dev_metric) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, roundId)
      .bind(2, step)
      .bind(3, epoch)
      .bind(4, loss)
      .bind(5, learningRate)
      .bind(6, devMetric)
      .run();
}

std::string RunRepository::modelPath(std::int64_t modelId) {
  auto s = store_.prepare("SELECT path FROM models WHERE id = ?1");
  s.bind(1, modelId);
  if (!s.step())
    throw Error("model " + std::to_string(modelId) + " is not in the experiment");
  return s.columnText(0);
}

std::string RunRepository::evaluationJudges(std::int64_t runId) {
  auto select = store_.prepare("SELECT COALESCE(json_extract(config_json, '$.judged_by'), '') FROM evaluations "
                               "WHERE run_id = ?1 AND retriever = 'dense' ORDER BY id DESC LIMIT 1");
  select.bind(1, runId);
  return select.step() ? select.columnText(0) : std::string();
}

bool RunRepository::querySetHasSplit(std::int64_t querySetId, const std::string& split) {
  return store_.prepare("SELECT 1 FROM queries WHERE query_set_id = ?1 AND split = ?2 LIMIT 1")
      .bind(1, querySetId)
      .bind(2, split)
      .step();
}

std::vector<MinedPairKind> RunRepository::minedForTraining(std::int64_t roundId) {
  auto s = store_.prepare("SELECT m.query_id, m.passage_id, m.kind FROM mined_examples m "
                          "JOIN candidates c ON c.round_id = m.round_id AND c.query_id = m.query_id "
                          "AND c.passage_id = m.passage_id WHERE m.round_id = ?1 ORDER BY m.query_id, c.student_rank");
  s.bind(1, roundId);
  std::vector<MinedPairKind> pairs;
  while (s.step())
    pairs.push_back({s.columnInt64(0), s.columnInt64(1), minedKindFromString(s.columnText(2))});
  return pairs;
}

std::vector<std::pair<std::int64_t, std::int64_t>> RunRepository::minedPairs(std::int64_t roundId) {
  auto s = store_.prepare("SELECT query_id, passage_id FROM mined_examples WHERE round_id = ?1 ORDER BY query_id");
  s.bind(1, roundId);
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  while (s.step())
    pairs.emplace_back(s.columnInt64(0), s.columnInt64(1));
  return pairs;
}

std::vector<std::pair<std::int64_t, std::string>> RunRepository::minedQueries(std::int64_t roundId) {
  auto s = store_.prepare("SELECT DISTINCT m.query_id, q.text FROM mined_examples m JOIN queries q ON q.id = "
                          "m.query_id WHERE m.round_id = ?1 ORDER BY m.query_id");
  s.bind(1, roundId);
  std::vector<std::pair<std::int64_t, std::string>> queries;
  while (s.step())
    queries.emplace_back(s.columnInt64(0), s.columnText(1));
  return queries;
}

std::vector<RoundQuery> RunRepository::roundQueries(std::int64_t roundId, std::int64_t corpusId,
                                                    const std::string& querySet) {
  auto s = store_.prepare("SELECT q.id, q.text, q.source_passage_id, q.split FROM queries q "
                          "JOIN query_sets qs ON qs.id = q.query_set_id "
                          "WHERE q.round_id = ?1 AND qs.corpus_id = ?2 AND qs.name = ?3 ORDER BY q.id");
  s.bind(1, roundId).bind(2, corpusId).bind(3, querySet);
  std::vector<RoundQuery> queries;
  while (s.step())
    queries.push_back({s.columnInt64(0), s.columnText(1), s.columnOptionalInt64(2).value_or(0), s.columnText(3)});
  return queries;
}

void RunRepository::setRoundQuerySplit(std::int64_t roundId, const std::string& split) {
  store_.prepare("UPDATE queries SET split = ?2 WHERE round_id = ?1").bind(1, roundId).bind(2, split).run();
}

void RunRepository::markQueriesFiltered(const std::vector<std::pair<std::int64_t, std::string>>& reasons) {
  auto mark = store_.prepare("UPDATE queries SET metadata_json = json_set(metadata_json, '$.filtered', ?2) "
                             "WHERE id = ?1");
  for (const auto& [id, reason] : reasons)
    mark.bind(1, id).bind(2, reason).run();
}

std::vector<std::int64_t> RunRepository::querySourcesBefore(std::int64_t runId, int beforeRound) {
  auto s = store_.prepare("SELECT q.source_passage_id FROM queries q JOIN rounds r ON r.id = q.round_id "
                          "WHERE r.run_id = ?1 AND r.round_index < ?2 AND q.source_passage_id IS NOT NULL");
  s.bind(1, runId).bind(2, beforeRound);
  std::vector<std::int64_t> passages;
  while (s.step())
    passages.push_back(s.columnInt64(0));
  return passages;
}

std::vector<std::string> RunRepository::importedQuerySets(std::int64_t corpusId) {
  auto s = store_.prepare("SELECT name FROM query_sets WHERE corpus_id = ?1 AND origin = 'imported' ORDER BY id");
  s.bind(1, corpusId);
  std::vector<std::string> names;
  while (s.step())
    names.push_back(s.columnText(0));
  return names;
}

void RunRepository::setQuerySetJudging(std::int64_t querySetId, int gradeScale, const std::string& judgedBy) {
  store_.prepare("UPDATE query_sets SET grade_scale = ?2, judged_by = ?3 WHERE id = ?1")
      .bind(1, querySetId)
      .bind(2, gradeScale)
      .bind(3, judgedBy)
      .run();
}

void RunRepository::raiseQrels(const std::vector<QrelGrade>& grades) {
  auto upsert = store_.prepare("INSERT INTO qrels(query_id, record_key, grade) VALUES (?1, ?2, ?3) "
                               "ON CONFLICT(query_id, record_key) DO UPDATE SET grade = MAX(grade, excluded.grade)");
  for (const QrelGrade& g : grades)
    upsert.bind(1, g.queryId).bind(2, g.recordKey).bind(3, g.grade).run();
}

namespace {
std::vector<RunEvaluation> readEvaluations(store::Statement& select) {
  std::vector<RunEvaluation> evaluations;
  while (select.step())
    evaluations.push_back({select.columnInt64(0), select.columnText(1), static_cast<int>(select.columnInt64(2))});
  return evaluations;
}
} // namespace

std::vector<RunEvaluation> RunRepository::evaluationsBefore(std::int64_t runId, int beforeRound) {
  auto select = store_.prepare("SELECT id, retriever, round_index FROM evaluations WHERE run_id = ?1 AND "
                               "round_index < ?2 ORDER BY id");
  select.bind(1, runId).bind(2, beforeRound);
  return readEvaluations(select);
}

std::vector<RunEvaluation> RunRepository::roundEvaluations(std::int64_t runId, int roundIndex) {
  auto select = store_.prepare("SELECT id, retriever, round_index FROM evaluations WHERE run_id = ?1 AND "
                               "round_index = ?2 ORDER BY id");
  select.bind(1, runId).bind(2, roundIndex);
  return readEvaluations(select);
}

void RunRepository::deleteRoundEvaluations(std::int64_t runId, int roundIndex) {
  store_.prepare("DELETE FROM evaluations WHERE run_id = ?1 AND round_index = ?2")
      .bind(1, runId)
      .bind(2, roundIndex)
      .run();
}

std::optional<std::string> RunRepository::runStatus(std::int64_t runId) {
  auto select = store_.prepare("SELECT status FROM runs WHERE id = ?1");
  select.bind(1, runId);
  if (!select.step())
    return std::nullopt;
  return select.columnText(0);
}

} // namespace distillery::pipeline
