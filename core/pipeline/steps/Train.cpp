#include "core/pipeline/steps/Train.h"
#include "core/pipeline/RoundSizes.h"

#include <map>
#include <numeric>
#include <random>

#include "core/distributed/Communicator.h"
#include "core/index/Bm25Index.h"
#include "core/model/EncoderFactory.h"
#include "core/model/StudentModel.h"
#include "core/pipeline/StudentTrainer.h"
#include "core/pipeline/steps/PairGrades.h"
#include "core/store/Store.h"
#include "core/teacher/Teacher.h"

namespace distillery::pipeline::steps {
namespace {

// The passages dev retrieval ranks each dev query's judged list among: BM25's top kDevBm25Depth for every dev query
// (the passages a better student must learn to rank below the relevant ones) and a sample of the corpus (which
// catches a student that pulls unrelated passages up). Unjudged ones count as not relevant.
std::vector<std::string> devPool(RunContext& context, int roundIndex, const std::vector<TrainingExample>& dev) {
  std::vector<std::size_t> order(context.passages.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 random(context.config.seed * 1000003ULL + static_cast<std::uint64_t>(roundIndex));
  std::shuffle(order.begin(), order.end(), random);
  order.resize(std::min(order.size(), kDevDistractors));
  std::vector<std::string> texts;
  texts.reserve(order.size());
  for (const auto i : order)
    texts.push_back(context.indexedTexts[i]);
  if (dev.empty())
    return texts;
  std::vector<std::string> queryTexts;
  for (const auto& example : dev)
    queryTexts.push_back(example.query);
  for (const auto& hits : context.bm25Index().search(queryTexts, kDevBm25Depth))
    for (const auto& hit : hits)
      texts.push_back(context.indexedTexts[context.passageIndex.at(hit.id)]);
  return texts;
}

} // namespace

std::int64_t train(RunContext& context, const RoundRecord& round, std::int64_t modelId) {
  const RunConfig& config = context.config;
  const std::string roundName = "round " + std::to_string(round.index);
  // Examples: each kept query's judged list with the teacher's scores and the miner's decisions.
  std::unordered_map<std::int64_t, RoundQuery> queries;
  for (auto& q : context.roundQueries(round.id, context.runQuerySetName()))
    queries.emplace(q.id, q);
  PairGrades grades(context);
  std::int64_t overruled = 0;
  std::map<std::int64_t, std::vector<MinedCandidate>> lists;
  const double maxGrade = context.teacher->maxGrade();
  for (const MinedPairKind& pair : context.repository.minedForTraining(round.id)) {
    const auto query = queries.find(pair.queryId);
    if (query == queries.end())
      continue;
    MinedCandidate candidate;
    candidate.text = context.indexedTexts[context.passageIndex.at(pair.passageId)];
    candidate.kind = pair.kind;
    // A label given after mining still reaches training: it overrules the teacher here too, and a passage a person
    // grades relevant is never a negative (training masks every passage graded at or above the positive grade).
    const PairGrade grade = grades.of(query->second.text, pair.passageId);
    candidate.grade = grade.grade;
    candidate.teacherScore = grade.score; // the teacher's finer score (logprob-weighted), when it has one
    if (grade.byHuman && candidate.kind != MinedKind::QueryDropped)
      ++overruled;
    lists[pair.queryId].push_back(std::move(candidate));
  }
  std::map<std::int64_t, TrainingExample> examples;
  for (const auto& [queryId, list] : lists) {
    const RoundQuery& query = queries.at(queryId);
    examples.emplace(queryId, query.split == "dev" ? devExample(query.text, list, config.mining.positiveGrade)
                                                   : trainingExample(query.text, list, config.mining.positiveGrade));
  }
  std::vector<TrainingExample> trainSet, devSet;
  for (auto& [queryId, example] : examples) {
    if (example.passages.size() < 2 || example.positives.empty())
      continue;
    (queries.at(queryId).split == "dev" ? devSet : trainSet).push_back(std::move(example));
  }
  if (trainSet.empty() && !devSet.empty()) {
    // Few kept queries can all fall in the dev split; training on them beats failing the round.
    context.log({MessageId::RoundTrainOnDevOnly, {round.index}});
    trainSet = std::move(devSet);
    devSet.clear();
  }
  if (trainSet.empty())
    throw Error(roundName + ": no training examples (every synthetic query was filtered out or failed); try more "
                            "queries per round or a larger filter_top_k");

  auto student = context.loadModel(modelId)->clone();
  std::shared_ptr<model::StudentModel> base;
  if (config.training.baseWeightAveraging > 0) {
    const auto rounds = context.repository.rounds(context.run.id);
    base = context.loadModel(*rounds.front().modelId);
  }
  context.repository.replaceTrainingLog(round.id);
  const auto onStep = [&](int step, int epoch, double loss, double learningRate, std::optional<double> dev) {
    context.repository.addTrainingStep(round.id, step, epoch, loss, learningRate, dev);
    if (context.callbacks.trainingLoss && !dev)
      context.callbacks.trainingLoss(round.index, step, loss);
  };
  if (overruled > 0)
    context.log({MessageId::RoundTrainingReadsLabels, {round.index, overruled}});
  context.log(
      {MessageId::RoundTrainingOn, {round.index, trainSet.size(), devSet.size(), toString(config.training.loss)}});
  // (the learning rate is logged with every step in training_log)
  TrainingConfig training = config.training;
  if (training.learningRate <= 0)
    training.learningRate = config.student == "default" ? 1e-3 : 2e-5;
  const std::uint64_t seed = config.seed + static_cast<std::uint64_t>(round.index);
  TrainingWorld world;
  if (context.workers) { // the other ranks train data-parallel with this rank
    context.workers->startTraining(modelId, context.repository.modelPath(modelId), trainSet, training, maxGrade, seed,
                                   config.threads);
    world.communicator = &context.workers->communicator();
  }
  const TrainingReport report =
      trainStudent(*student, base.get(), trainSet, devSet, devPool(context, round.index, devSet), training, maxGrade,
                   seed, onStep, context.forward("train"), context.stop, world);
  Message devText;
  if (report.devBefore)
    devText = {
        MessageId::RoundTrainedDev,
        {MessageArg::real(*report.devBefore), MessageArg::real(*report.devAfter),
         MessageArg::inner(report.bestEpoch == 0 ? Message{MessageId::RoundTrainedNoEpochImproved} : Message{})}};
  context.log({MessageId::RoundTrained,
               {round.index, report.steps, MessageArg::real(report.firstLoss), MessageArg::real(report.lastLoss),
                MessageArg::inner(std::move(devText))}});
  if (world.communicator && report.steps > 0)
    context.log({MessageId::RoundTrainedDataParallel,
                 {round.index, world.communicator->worldSize(),
                  MessageArg::real(1000.0 * report.communicationSeconds / report.steps)}});

  const std::filesystem::path directory =
      context.modelsDirectory() / ("run" + std::to_string(context.run.id) + "-round" + std::to_string(round.index));
  const std::filesystem::path partial = directory.string() + ".partial";
  std::filesystem::remove_all(partial);
  student->save(partial);
  std::filesystem::remove_all(directory);
  std::filesystem::rename(partial, directory);
  const std::int64_t newModel =
      model::registerModel(context.store, directory, "checkpoint", directory.filename().string(), modelId);
  context.store.transaction([&] {
    context.repository.setRoundModel(round.id, newModel);
    context.repository.completeStep(round.id, RoundStep::Train);
  });
  return newModel;
}

} // namespace distillery::pipeline::steps
