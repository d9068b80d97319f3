#include "core/pipeline/steps/Synthesise.h"
#include "core/pipeline/RoundSizes.h"

#include <map>
#include <random>
#include <unordered_set>

#include "core/teacher/QueryGenerator.h"
#include "core/teacher/Teacher.h"

namespace distillery::pipeline::steps {
namespace {

// A stratified sample: filing types take turns, so small filing types are not drowned by large ones. Passages
// already used as query sources by earlier rounds of this run (and the held-out set) are not drawn again.
std::vector<std::int64_t> samplePassages(RunContext& context, std::size_t count, std::uint64_t salt, int beforeRound) {
  const std::vector<std::int64_t> sources = context.repository.querySourcesBefore(context.run.id, beforeRound);
  const std::unordered_set<std::int64_t> used(sources.begin(), sources.end());
  std::map<std::string, std::vector<std::int64_t>> byType;
  for (const auto& passage : context.passages)
    if (!passage.nearDuplicateOf && passage.tokenCount >= kMinQuerySourceTokens && !used.count(passage.id))
      byType[passage.filingType].push_back(passage.id);
  std::mt19937_64 rng(context.config.seed * 0x9E3779B97F4A7C15ULL + salt);
  for (auto& [type, ids] : byType)
    std::shuffle(ids.begin(), ids.end(), rng);
  std::vector<std::int64_t> chosen;
  for (std::size_t turn = 0; chosen.size() < count; ++turn) {
    bool any = false;
    for (auto& [type, ids] : byType)
      if (turn < ids.size() && chosen.size() < count) {
        chosen.push_back(ids[turn]);
        any = true;
      }
    if (!any)
      break;
  }
  return chosen;
}

void synthesise(RunContext& context, const RoundRecord& round, const std::string& querySet, std::size_t count,
                std::size_t devCount, std::uint64_t salt, const std::string& split) {
  // Spare passages past `count` replace those whose query is dropped as a duplicate of one the set holds, so a
  // round gets the queries it asked for. The sample is a prefix of a fixed order, so a resume sees the same spares.
  const std::vector<std::int64_t> sample = samplePassages(context, count + count / 4 + 4, salt, round.index);
  if (sample.empty())
    throw InputError("corpus '" + context.run.corpusName + "' has no unused passages of at least " +
                     std::to_string(kMinQuerySourceTokens) + " tokens left to write queries for");
  const std::size_t wanted = std::min(count, sample.size());
  std::size_t nextSpare = wanted;
  std::vector<teacher::QueryType> types;
  for (const auto& name : context.config.queryTypes)
    types.push_back(teacher::parseQueryType(name));
  const std::size_t dev = std::min(devCount, wanted / 2);
  // dev first, then train: two calls so that each query carries its split from the start.
  for (int part = 0; part < 2; ++part) {
    teacher::QueryGenerationOptions options;
    options.corpus = context.run.corpusName;
    options.querySet = querySet;
    options.types = types;
    options.roundId = round.id;
    options.split = part == 0 ? "dev" : split;
    options.passageIds.assign(sample.begin() + (part == 0 ? 0 : static_cast<std::ptrdiff_t>(dev)),
                              sample.begin() + static_cast<std::ptrdiff_t>(part == 0 ? dev : wanted));
    while (!options.passageIds.empty()) {
      options.count = static_cast<std::int64_t>(options.passageIds.size());
      const auto result = teacher::generateQueries(context.store, *context.teacher, options,
                                                   context.forward("synthesise"), context.stop);
      context.log({MessageId::RoundWritten,
                   {round.index, result.generated, MessageArg::split(options.split), result.existing, result.failed,
                    MessageArg::inner(result.failures.empty() ? Message{}
                                                              : Message{MessageId::RoundWrittenFirstFailure,
                                                                        {result.failures.front().reason}}),
                    MessageArg::inner(result.duplicates == 0
                                          ? Message{}
                                          : Message{MessageId::RoundWrittenDuplicates, {result.duplicates}})}});
      stopOnTeacherOutage(round.index, options.split + " query syntheses", options.count, result.failures);
      const auto replacements = std::min(static_cast<std::size_t>(result.duplicates), sample.size() - nextSpare);
      options.passageIds.assign(sample.begin() + static_cast<std::ptrdiff_t>(nextSpare),
                                sample.begin() + static_cast<std::ptrdiff_t>(nextSpare + replacements));
      nextSpare += replacements;
    }
  }
}

} // namespace

void synthesiseHoldout(RunContext& context, const RoundRecord& round) {
  synthesise(context, round, context.holdoutQuerySetName(),
             static_cast<std::size_t>(context.config.evaluation.holdoutQueries), 0, 0x686f6c646f7574ULL, "test");
  context.repository.setRoundQuerySplit(round.id, "test");
  context.repository.completeStep(round.id, RoundStep::Synthesise);
}

void synthesiseRound(RunContext& context, const RoundRecord& round) {
  const auto count = static_cast<std::size_t>(context.config.queriesPerRound);
  const auto dev = static_cast<std::size_t>(context.config.training.devFraction * static_cast<double>(count) + 0.5);
  synthesise(context, round, context.runQuerySetName(), count, dev, static_cast<std::uint64_t>(round.index), "train");
  context.repository.completeStep(round.id, RoundStep::Synthesise);
}

} // namespace distillery::pipeline::steps
