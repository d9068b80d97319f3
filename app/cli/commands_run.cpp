// distillery-cli run: a whole distillation run (rounds of synthesis, judging, mining, training, evaluation).
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "app/cli/CliCommand.h"
#include "app/cli/InterruptScope.h"
#include "app/cli/MetricsOutput.h"
#include "core/corpus/CorpusRepository.h"
#include "core/distributed/Communicator.h"
#include "core/distributed/WorldEnvironment.h"
#include "core/pipeline/DataParallelRun.h"
#include "core/pipeline/DistillationRun.h"
#include "core/pipeline/RunEstimate.h"
#include "core/pipeline/RunRepository.h"
#include "core/store/Store.h"
#include "core/util/Error.h"

namespace distillery::cli {
namespace {

struct RunOptions {
  std::string store;
  std::string corpus;
  std::string config;
  std::int64_t resume = 0;
  std::string name;
  int steps = 0;
  bool dryRun = false;
};

nlohmann::json outcomeJson(const pipeline::RunOutcome& outcome) {
  nlohmann::json rounds = nlohmann::json::array();
  for (const auto& round : outcome.rounds) {
    nlohmann::json entry = {{"round", round.round},
                            {"metrics", metricsJson(round.dense)},
                            {"relevant_from", round.dense.relevantFrom},
                            {"judged_by", round.dense.judgedBy}};
    if (round.modelId)
      entry["model_id"] = *round.modelId;
    if (round.bm25)
      entry["bm25"] = metricsJson(*round.bm25);
    if (round.hybrid)
      entry["hybrid"] = metricsJson(*round.hybrid);
    if (round.vsRound0)
      entry["vs_round0"] = comparisonJson(*round.vsRound0, round.dense.k);
    if (round.vsBm25)
      entry["vs_bm25"] = comparisonJson(*round.vsBm25, round.dense.k);
    rounds.push_back(entry);
  }
  nlohmann::json json = {{"run_id", outcome.runId}, {"status", outcome.status}, {"rounds", rounds}};
  if (outcome.next)
    json["next_step"] = {{"round", outcome.next->round},
                         {"step", pipeline::toString(outcome.next->step)},
                         {"description", pipeline::describe(*outcome.next)}};
  return json;
}

std::string outcomeText(const pipeline::RunOutcome& outcome) {
  std::ostringstream text;
  text << "run " << outcome.runId << " " << outcome.status;
  if (outcome.next)
    text << " (next: " << pipeline::describe(*outcome.next) << ")";
  text << "\n";
  for (const auto& round : outcome.rounds) {
    text << "\nround " << round.round << " (student)\n" << metricsText(round.dense);
    if (round.bm25)
      text << "\nround " << round.round << " (BM25 baseline)\n" << metricsText(*round.bm25);
    if (round.hybrid)
      text << "\nround " << round.round << " (hybrid: student + BM25)\n" << metricsText(*round.hybrid);
  }
  return text.str();
}

// Validates the config and prints what the run would cost; creates no run and writes nothing.
void dryRun(const RunOptions& options, CliContext& context, store::Store& store) {
  if (options.resume != 0)
    throw InputError("run: --dry-run estimates a new run; it cannot be combined with --resume");
  if (options.corpus.empty())
    throw InputError("run: --dry-run needs --corpus");
  const pipeline::RunConfig config =
      options.config.empty() ? pipeline::defaultRunConfig() : pipeline::loadRunConfig(options.config);
  const std::int64_t corpusId = corpus::findCorpusId(store, options.corpus);
  const pipeline::RunEstimate estimate = pipeline::estimateRun(store, corpusId, config);
  nlohmann::json json = {{"dry_run", true}, {"corpus", options.corpus}, {"config", pipeline::toJson(config)}};
  json["estimate"] = pipeline::toJson(estimate);
  printResult(context, json, "dry run: the config is valid; no run was created\n" + pipeline::describe(estimate));
}

void runCommand(const RunOptions& options, CliContext& context, pipeline::RunWorkers* workers = nullptr) {
  auto store = store::Store::open(options.store, store::OpenMode::MustExist);
  if (options.dryRun)
    return dryRun(options, context, store);
  std::int64_t runId = options.resume;
  if (runId == 0) {
    if (options.corpus.empty())
      throw InputError("run: --corpus is required (or --resume RUN_ID)");
    const pipeline::RunConfig config =
        options.config.empty() ? pipeline::defaultRunConfig() : pipeline::loadRunConfig(options.config);
    runId = pipeline::createRun(store, options.corpus, config, options.name);
    std::cerr << "run " << runId << " created; if it is interrupted, continue it with --resume " << runId << "\n";
  } else {
    if (!options.config.empty())
      throw InputError("run: --resume continues run " + std::to_string(runId) +
                       " with its stored config; --config cannot change it");
    const auto run = pipeline::RunRepository(store).loadRun(runId);
    if (!options.corpus.empty() && options.corpus != run.corpusName)
      throw InputError("run " + std::to_string(runId) + " belongs to corpus '" + run.corpusName + "', not '" +
                       options.corpus + "'");
  }
  pipeline::RunCallbacks callbacks;
  callbacks.progress = [](const Progress& p) {
    printProgress(p.message.empty() ? p.stage : p.stage + " (" + p.message + ")", p.done, p.total);
  };
  callbacks.log = [](const std::string& line) { std::cerr << line << "\n"; };
  pipeline::RunEnvironment environment;
  environment.maxSteps = options.steps;
  environment.workers = workers;
  InterruptScope interrupt;
  try {
    const nlohmann::json params = {
        {"run_id", runId}, {"resumed", options.resume != 0}, {"steps", options.steps}, {"source", "distillery-cli"}};
    recordJob(store, "run", params, runId, [&] {
      const auto outcome = pipeline::executeRun(store, runId, callbacks, interrupt.token(), environment);
      printResult(context, outcomeJson(outcome), outcomeText(outcome));
      if (outcome.status == "paused")
        std::cerr << "run " << runId << " paused; continue it with: distillery-cli run --store " << options.store
                  << " --resume " << runId << " [--steps N]\n";
      return outcome.status == "paused" ? std::string("paused") : std::string("completed");
    });
  } catch (const Cancelled&) {
    std::cerr << "run " << runId << " paused; continue it with: distillery-cli run --store " << options.store
              << " --resume " << runId << "\n";
    throw;
  } catch (const Error&) { // finished steps are stored: once the cause is fixed, the run goes on from the failed one
    std::cerr << "run " << runId << " failed; once the cause below is fixed, continue it with: distillery-cli run "
              << "--store " << options.store << " --resume " << runId << "\n";
    throw;
  }
}

void install(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand(
      "run", "Run (or resume) a distillation: round 0 evaluates the base student and BM25, then each round "
             "synthesises queries, retrieves and judges candidates, mines hard examples, trains and evaluates");
  run->add_option("--store", options->store, "Experiment file")->required();
  run->add_option("--corpus", options->corpus, "Corpus to distil on (required for a new run)");
  run->add_option("--config", options->config,
                  "Run config JSON (student, teacher, evaluation, rounds, queries_per_round, k, mining, training); "
                  "without it: default student, heuristic teacher, 2 rounds, the corpus's imported query set")
      ->check(CLI::ExistingFile);
  run->add_option("--resume", options->resume, "Continue this run from its last completed step")
      ->check(CLI::PositiveNumber);
  run->add_option("--name", options->name, "A name for the new run");
  run->add_option("--steps", options->steps,
                  "Stop (paused) after this many steps (synthesise, retrieve, judge, mine, train, evaluate), to "
                  "inspect their results before going on with --resume")
      ->check(CLI::PositiveNumber);
  run->add_flag("--dry-run", options->dryRun,
                "Validate the config and print the expected teacher calls, tokens, cost and time per round "
                "(rough; teacher calls an upper bound) without creating the run");
  addJsonFlag(run, context);
  run->callback([options, &context] {
    const auto world = distributed::readWorldEnvironment();
    if (!world.distributed())
      return runCommand(*options, context);
    if (options->dryRun)
      distributed::requireSingleProcess("run --dry-run", world);
    // Rank 0 runs the steps as one process would; the others embed and train beside it (DataParallelRun.h).
    const auto communicator = distributed::Communicator::join(world);
    if (!world.isRoot())
      return pipeline::commandOnOtherRank(*communicator, "run",
                                          [](const std::string& line) { std::cerr << line << "\n"; });
    pipeline::commandOnRank0(*communicator,
                             [&](pipeline::RunWorkers& workers) { runCommand(*options, context, &workers); });
  });
}

const CliCommandRegistration registration(60, install);

} // namespace
} // namespace distillery::cli
