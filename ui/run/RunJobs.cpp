#include "ui/run/RunJobs.h"

#include <stdexcept>

#include <QCoreApplication>
#include <QLocale>

#include "core/eval/Evaluator.h"
#include "core/model/EncoderFactory.h"
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/RunRepository.h"
#include "core/store/Store.h"
#include "core/teacher/JudgmentCache.h"
#include "core/teacher/Teacher.h"
#include "ui/charts/TrainingLossFeed.h"

namespace distillery::ui {
// The lines these jobs write for the log are in the user's language (context "RunJobs" in translations/*.ts).

JobFunction runPipelineJob(RunJobRequest request) {
  return [request = std::move(request)](const ProgressCallback& progress, std::stop_token stop) {
    auto store = store::Store::open(request.experimentPath.toStdString(), store::OpenMode::MustExist);
    pipeline::RunCallbacks callbacks;
    callbacks.progress = progress;
    // No stage and no counts: a log line that leaves the progress bar as it is (see JobRunner).
    callbacks.log = [&progress](const std::string& line) { report(progress, {"", 0, 0, line}); };
    // Lines with a message id keep it, so the job log shows them in the user's language (ui/jobs/ProgressText.h).
    callbacks.logText = [&progress](const Message& line) { report(progress, {"", 0, 0}, line); };
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
    const QLocale locale;
    QString line = QCoreApplication::translate("RunJobs", "evaluation %1 stored:").arg(result.evaluationId);
    if (const auto all = result.table.groups.find(eval::kAllFilingTypes); all != result.table.groups.end())
      line = QCoreApplication::translate("RunJobs", "evaluation %1 stored: NDCG@%2 %3, MRR@%2 %4")
                 .arg(QString::number(result.evaluationId), QString::number(result.table.k),
                      locale.toString(all->second.mean.ndcg, 'f', 3), locale.toString(all->second.mean.mrr, 'f', 3));
    const int queries = int(result.queries.size());
    line +=
        QLatin1Char(' ') +
        (evaluation.split ? QCoreApplication::translate("RunJobs", "on %Ln %1 queries", nullptr, queries)
                                .arg(QString::fromStdString(*evaluation.split))
                          : QCoreApplication::translate("RunJobs", "on %Ln (every split) queries", nullptr, queries));
    report(progress, {"evaluate", 1, 1, line.toStdString()});
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
    const QLocale locale;
    QString summary = QCoreApplication::translate("RunJobs", "%1 judged by %2, %3 already stored, %4 failed")
                          .arg(locale.toString(qlonglong(result.judged)), QString::fromStdString(teacher->model()),
                               locale.toString(qlonglong(result.cached)), locale.toString(qlonglong(result.failed)));
    if (result.usage.cost > 0)
      summary += QCoreApplication::translate("RunJobs", ", cost %1").arg(locale.toString(result.usage.cost, 'f', 4));
    for (const auto& failure : result.failures)
      report(progress,
             {"", 0, 0,
              QCoreApplication::translate("RunJobs", "passage %1: %2")
                  .arg(QString::number(request.passageIds[failure.index]), QString::fromStdString(failure.reason))
                  .toStdString()});
    report(progress, {"judge", 1, 1, summary.toStdString()});
    if (result.failed > 0 && result.judged + result.cached == 0)
      throw std::runtime_error(QCoreApplication::translate("RunJobs", "the teacher judged none of the %Ln passages: %1",
                                                           nullptr, int(request.passageIds.size()))
                                   .arg(QString::fromStdString(result.failures.front().reason))
                                   .toStdString());
  };
}

} // namespace distillery::ui
