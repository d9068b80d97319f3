#include "ui/run/RunJobs.h"

#include <cstdio>
#include <stdexcept>

#include "core/eval/Evaluator.h"
#include "core/model/EncoderFactory.h"
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/RunRepository.h"
#include "core/store/Store.h"
#include "core/teacher/JudgmentCache.h"
#include "core/teacher/Teacher.h"
#include "ui/charts/TrainingLossFeed.h"

namespace distillery::ui {

JobFunction runPipelineJob(RunJobRequest request) {
  return [request = std::move(request)](const ProgressCallback& progress, std::stop_token stop) {
    auto store = store::Store::open(request.experimentPath.toStdString(), store::OpenMode::MustExist);
    pipeline::RunCallbacks callbacks;
    callbacks.progress = progress;
    // No stage and no counts: a log line that leaves the progress bar as it is (see JobRunner).
    callbacks.log = [&progress](const std::string& line) { report(progress, {"", 0, 0, line}); };
    if (request.loss)
      callbacks.trainingLoss = [feed = request.loss.get()](int round, int step, double loss) {
        feed->append(round, step, loss);
      };
    pipeline::RunEnvironment environment;
    environment.apiKey = request.apiKey;
    environment.maxSteps = request.maxSteps;
    pipeline::executeRun(store, request.runId, callbacks, stop, environment);
  };
}

JobFunction evaluationJob(EvaluationJobRequest request) {
  return [request = std::move(request)](const ProgressCallback& progress, std::stop_token stop) {
    store::Store store = store::Store::open(request.experimentPath.toStdString(), store::OpenMode::MustExist);
    eval::EvaluationRequest evaluation;
    evaluation.corpusId = request.corpusId;
    evaluation.querySetId = request.querySetId;
    // As a run does: a set with a test split is scored on it, never on the dev queries settings are chosen on.
    if (request.split) {
      if (!request.split->empty())
        evaluation.split = *request.split;
    } else if (pipeline::RunRepository(store).querySetHasSplit(request.querySetId, "test")) {
      evaluation.split = "test";
    }
    evaluation.progress = progress;
    evaluation.stop = stop;
    std::unique_ptr<model::TextEncoder> encoder;
    if (request.modelId) {
      model::EncoderContext context;
      context.store = &store;
      context.stop = stop;
      encoder = model::openEncoder("model:" + std::to_string(*request.modelId), context);
      evaluation.retriever = eval::RetrieverKind::Dense;
      evaluation.encoder = encoder.get();
      evaluation.modelId = request.modelId;
    } else {
      evaluation.retriever = eval::RetrieverKind::Bm25;
    }
    const eval::EvaluationResult result = eval::evaluate(store, evaluation);
    // The figures themselves in the log line: what the user ran it for.
    std::string line = "evaluation " + std::to_string(result.evaluationId) + " stored: ";
    if (const auto all = result.table.groups.find(eval::kAllFilingTypes); all != result.table.groups.end()) {
      char figures[96];
      std::snprintf(figures, sizeof figures, "NDCG@%d %.3f, MRR@%d %.3f", result.table.k, all->second.mean.ndcg,
                    result.table.k, all->second.mean.mrr);
      line += figures;
    }
    line += " on " + std::to_string(result.queries.size()) + " " +
            (evaluation.split ? *evaluation.split + " " : std::string("(every split) ")) + "queries";
    report(progress, {"evaluate", 1, 1, line});
  };
}

JobFunction judgeJob(JudgeJobRequest request) {
  return [request = std::move(request)](const ProgressCallback& progress, std::stop_token stop) {
    store::Store store = store::Store::open(request.experimentPath.toStdString(), store::OpenMode::MustExist);
    const std::unique_ptr<teacher::Teacher> teacher = teacher::makeTeacher(request.teacher);
    const auto result = teacher::judgeStoredPassages(store, *teacher, request.query, request.passageIds, progress, stop,
                                                     [&request](std::size_t index, const teacher::Judgment& judgment) {
                                                       if (judgment.ok && request.graded)
                                                         request.graded(request.passageIds[index], judgment.grade);
                                                     });
    std::string summary = std::to_string(result.judged) + " judged by " + teacher->model() + ", " +
                          std::to_string(result.cached) + " already stored, " + std::to_string(result.failed) +
                          " failed";
    if (result.usage.cost > 0) {
      char cost[32];
      std::snprintf(cost, sizeof cost, "%.4f", result.usage.cost);
      summary += std::string(", cost ") + cost;
    }
    for (const auto& failure : result.failures)
      report(progress,
             {"", 0, 0, "passage " + std::to_string(request.passageIds[failure.index]) + ": " + failure.reason});
    report(progress, {"judge", 1, 1, summary});
    if (result.failed > 0 && result.judged + result.cached == 0)
      throw std::runtime_error("the teacher judged none of the " + std::to_string(request.passageIds.size()) +
                               " passages: " + result.failures.front().reason);
  };
}

} // namespace distillery::ui
