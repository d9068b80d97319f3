// `labels`: what people's spot-check labels become. `labels gold` saves the labelled pairs as a gold query set
// (evaluated like imported qrels with `eval --query-set NAME`); `labels export` writes any stored query set as
// BEIR files or TREC qrels for other tools.
#include "app/cli/CliCommand.h"
#include "core/corpus/CorpusRepository.h"
#include "core/eval/GoldSet.h"
#include "core/store/Store.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <memory>
#include <optional>
#include <sstream>

namespace distillery::cli {
namespace {

struct GoldArgs {
  std::string store, corpus, name;
  std::optional<std::int64_t> runId;
};

struct ExportArgs {
  std::string store, corpus, querySet, beir, trecQrels;
};

void saveGold(CliContext& context, const GoldArgs& args) {
  store::Store store = store::Store::open(args.store, store::OpenMode::MustExist);
  eval::GoldSetOptions options;
  options.corpusId = corpus::findCorpusId(store, args.corpus);
  options.name = args.name;
  options.runId = args.runId;
  const eval::GoldSetSummary s = eval::saveGoldQuerySet(store, options);
  std::string text = "saved gold query set '" + args.name + "': " + std::to_string(s.queries) + " queries, " +
                     std::to_string(s.judgments) + " judged records from " + std::to_string(s.labels) + " labels";
  if (s.noRelevant > 0)
    text += "\n  " + std::to_string(s.noRelevant) +
            " queries have no record labelled 2 or more: they score 0 for MRR and Recall";
  if (s.trainedOn > 0)
    text += "\n  " + std::to_string(s.trainedOn) +
            " queries were trained on by a run: that run's models are not held out on them";
  text += "\nscore it with: distillery-cli eval --store " + args.store + " --corpus " + args.corpus + " --query-set '" +
          args.name + "'";
  printResult(context,
              {{"query_set", args.name},
               {"query_set_id", s.querySetId},
               {"labels", s.labels},
               {"queries", s.queries},
               {"judgments", s.judgments},
               {"queries_without_relevant", s.noRelevant},
               {"queries_trained_on", s.trainedOn}},
              text);
}

void exportSet(CliContext& context, const ExportArgs& args) {
  if (args.beir.empty() && args.trecQrels.empty())
    throw InputError("labels export: give --beir DIR and/or --trec-qrels FILE");
  store::Store store = store::Store::open(args.store, store::OpenMode::MustExist);
  const std::int64_t corpusId = corpus::findCorpusId(store, args.corpus);
  const auto querySetId = corpus::tryFindQuerySetId(store, corpusId, args.querySet);
  if (!querySetId)
    throw InputError("no query set named '" + args.querySet + "' in corpus '" + args.corpus + "'");
  if (!args.beir.empty())
    eval::exportQuerySetBeir(store, *querySetId, args.beir);
  if (!args.trecQrels.empty()) {
    std::ostringstream qrels;
    eval::exportQuerySetTrecQrels(store, *querySetId, qrels);
    writeFileAtomically(args.trecQrels, qrels.str());
  }
  printResult(context, {{"query_set", args.querySet}, {"beir", args.beir}, {"trec_qrels", args.trecQrels}},
              "exported query set '" + args.querySet + "'");
}

void installLabelCommands(CLI::App& app, CliContext& context) {
  CLI::App* labels = app.add_subcommand("labels", "Gold query sets from spot-check labels, and query set export");
  labels->require_subcommand(1);

  auto gold = std::make_shared<GoldArgs>();
  CLI::App* goldCmd = labels->add_subcommand(
      "gold", "Save the pairs labelled in the workbench as a gold query set (judged by people, 0-3 scale, split "
              "test): a record's grade is the highest label of its passages");
  goldCmd->add_option("--store", gold->store, "Experiment file")->required();
  goldCmd->add_option("--corpus", gold->corpus, "Corpus name")->required();
  goldCmd->add_option("--name", gold->name, "Name of the new query set")->required();
  goldCmd->add_option("--run", gold->runId, "Only labels on this run's queries (default: every label of the corpus)")
      ->check(CLI::PositiveNumber);
  addJsonFlag(goldCmd, context);
  goldCmd->callback([&context, gold] { saveGold(context, *gold); });

  auto exported = std::make_shared<ExportArgs>();
  CLI::App* exportCmd = labels->add_subcommand(
      "export", "Write a stored query set (a gold set or any other) as BEIR queries.jsonl + qrels/<split>.tsv "
                "and/or TREC qrels");
  exportCmd->add_option("--store", exported->store, "Experiment file")->required();
  exportCmd->add_option("--corpus", exported->corpus, "Corpus name")->required();
  exportCmd->add_option("--query-set", exported->querySet, "Query set name")->required();
  exportCmd->add_option("--beir", exported->beir, "Folder for queries.jsonl and qrels/ (created when missing)");
  exportCmd->add_option("--trec-qrels", exported->trecQrels, "File for TREC qrels (qid 0 docid grade)");
  addJsonFlag(exportCmd, context);
  exportCmd->callback([&context, exported] { exportSet(context, *exported); });
}

const CliCommandRegistration registration(45, installLabelCommands);

} // namespace
} // namespace distillery::cli
