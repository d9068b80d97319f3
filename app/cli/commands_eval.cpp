// `eval` and `eval-export`: score a retriever (or an external TREC run) on a corpus with the project's
// exact metric definitions, store the evaluation, and export it for trec_eval / ir_measures.
#include "app/cli/CliCommand.h"
#include "app/cli/MetricsOutput.h"
#include "core/distributed/Communicator.h"
#include "core/distributed/WorldEnvironment.h"
#include "core/eval/Evaluator.h"
#include "core/index/PassageFilter.h"
#include "core/model/EncoderFactory.h"
#include "core/model/TextEncoder.h"
#include "core/pipeline/DataParallelRun.h"
#include "core/store/Store.h"
#include "core/util/Error.h"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

namespace distillery::cli {
namespace {

struct EvalOptions {
  std::string store;
  std::string corpus;
  std::string queries;
  std::string qrels;
  std::string querySet;
  std::string split;
  std::string retriever = "bm25";
  std::string model;
  std::string run;
  int k = 5;
  int depth = 100;
  std::string filter;
  std::string index = "auto";
  double k1 = 0.9;
  double b = 0.4;
  std::string exportRun;
  std::string exportQrels;
  int relevantFrom = 0;
  int resamples = 1000;
};

struct ExportOptions {
  std::string store;
  std::int64_t evaluation = 0;
  std::string run;
  std::string qrels;
};

std::int64_t querySetIdByName(store::Store& s, std::int64_t corpusId, const std::string& name) {
  store::Statement select = s.prepare("SELECT id FROM query_sets WHERE corpus_id = ?1 AND name = ?2");
  select.bind(1, corpusId).bind(2, name);
  if (!select.step())
    throw InputError("no query set named '" + name + "' for this corpus in " + s.path().string());
  return select.columnInt64(0);
}

template <typename Writer> void writeFile(const std::string& path, Writer&& write) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw InputError("cannot write " + path);
  write(out);
  if (!out.flush())
    throw InputError("failed writing " + path);
}

// --model: a model directory, `default` (trained on the corpus the first time) or `model:<id>`. The model is
// registered in the experiment when it is not yet, so that the stored evaluation names the model it measured.
std::unique_ptr<model::TextEncoder> openModel(const std::string& spec, store::Store& s, const std::string& corpus,
                                              std::optional<std::int64_t>& modelId, std::filesystem::path& directory) {
  model::EncoderContext context;
  context.store = &s;
  context.corpus = corpus;
  context.progress = [](const Progress& p) { printProgress(p.stage, p.done, p.total); };
  directory = model::resolveModelDirectory(spec, context);
  if (spec.rfind("model:", 0) == 0)
    modelId = std::stoll(spec.substr(6)); // resolveModelDirectory has checked the id exists
  else
    modelId = model::registerModel(s, directory, spec == "default" ? "default" : "huggingface",
                                   directory.filename().string());
  return model::openEncoder(directory.string(), context);
}

// workers: WORLD_SIZE > 1, this is rank 0 and the other ranks embed the corpus with it.
void runEval(CliContext& context, const EvalOptions& o, pipeline::RunWorkers* workers = nullptr) {
  store::Store s = store::Store::open(o.store, store::OpenMode::MustExist);
  eval::EvaluationRequest request;
  request.corpusId = index::corpusIdByName(s, o.corpus);
  if (!o.querySet.empty()) {
    if (!o.queries.empty() || !o.qrels.empty())
      throw InputError("give either --query-set or --queries/--qrels, not both");
    request.querySetId = querySetIdByName(s, request.corpusId, o.querySet);
    if (!o.split.empty())
      request.split = o.split;
  } else {
    request.queriesFile = o.queries;
    request.qrelsFile = o.qrels;
  }
  if (!o.run.empty()) {
    request.retriever = eval::RetrieverKind::RunFile;
    request.runFile = o.run;
  } else {
    request.retriever = eval::retrieverKindFromString(o.retriever);
  }
  request.k = o.k;
  if (o.relevantFrom > 0)
    request.relevantFrom = o.relevantFrom;
  request.bootstrapResamples = o.resamples;
  request.depth = o.depth;
  request.filter = index::PassageFilter::parse(o.filter);
  request.bm25 = {o.k1, o.b};
  request.denseIndex.kind = index::denseIndexKindFromString(o.index);
  std::unique_ptr<model::TextEncoder> encoder;
  if (request.retriever == eval::RetrieverKind::Dense || request.retriever == eval::RetrieverKind::Hybrid) {
    std::filesystem::path directory;
    encoder = openModel(o.model.empty() ? std::string("default") : o.model, s, o.corpus, request.modelId, directory);
    if (workers)
      encoder = pipeline::shardedCorpusEncoder(*workers, std::move(encoder), directory.string(), *request.modelId);
    request.encoder = encoder.get();
  }
  request.progress = [](const Progress& p) { printProgress(p.stage, p.done, p.total); };

  const nlohmann::json params = {{"corpus", o.corpus},
                                 {"retriever", o.run.empty() ? o.retriever : "run"},
                                 {"query_set", o.querySet},
                                 {"model", o.model},
                                 {"k", o.k},
                                 {"source", "distillery-cli"}};
  recordJob(s, "evaluate", params, std::nullopt, [&] {
    const eval::EvaluationResult result = eval::evaluate(s, request);
    if (!o.exportRun.empty())
      writeFile(o.exportRun, [&](std::ostream& out) { eval::exportTrecRun(s, result.evaluationId, out); });
    if (!o.exportQrels.empty())
      writeFile(o.exportQrels, [&](std::ostream& out) { eval::exportTrecQrels(s, result.evaluationId, out); });
    printResult(context,
                {{"metrics", metricsJson(result.table)},
                 {"relevant_from", result.table.relevantFrom},
                 {"judged_by", result.table.judgedBy},
                 {"run_id", result.evaluationId}},
                "evaluation " + std::to_string(result.evaluationId) + "\n" + metricsText(result.table));
    return std::string("completed");
  });
}

void installEvalCommands(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Score a retriever (dense, bm25, hybrid) or a TREC run file on a corpus: MRR@k, DCG@k, NDCG@k, "
              "Recall@k overall and per filing type; the evaluation is stored in the experiment");
  cmd->add_option("--store", o->store, "Experiment file")->required();
  cmd->add_option("--corpus", o->corpus, "Corpus name")->required();
  cmd->add_option("--queries", o->queries, "BEIR queries.jsonl (_id, text[, filing_type])");
  cmd->add_option("--qrels", o->qrels, "Qrels: BEIR TSV (query-id corpus-id score) or TREC (qid 0 docid grade)");
  cmd->add_option("--query-set", o->querySet, "A stored query set instead of --queries/--qrels");
  cmd->add_option("--split", o->split, "With --query-set: only queries of this split (train, dev, test)");
  cmd->add_option("--retriever", o->retriever, "dense, bm25 or hybrid (reciprocal-rank fusion)")->capture_default_str();
  cmd->add_option("--model", o->model, "Encoder for dense/hybrid: a model directory, 'default' or a model id");
  cmd->add_option("--run", o->run, "Score this TREC run file (qid Q0 docid rank score tag) instead of retrieving");
  cmd->add_option("--k", o->k, "Metric cut-off")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--depth", o->depth, "Passages each retriever returns before chunks are collapsed")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--filter", o->filter,
                  "Restrict passages: filing_type=10-K, company=NAME, document=ID (comma-separated)");
  cmd->add_option("--index", o->index,
                  "Dense index: auto (exact below 1M passages, then IVF where it pays), exact, ivf or hnsw")
      ->capture_default_str();
  cmd->add_option("--bm25-k1", o->k1, "BM25 k1")->capture_default_str();
  cmd->add_option("--bm25-b", o->b, "BM25 b")->capture_default_str();
  cmd->add_option("--relevant-from", o->relevantFrom,
                  "Grade from which MRR and Recall count a passage as relevant (NDCG keeps graded gains); default: "
                  "by the qrels' scale, 1 on binary qrels, 2 on the 0-3 scale")
      ->check(CLI::Range(1, 3));
  cmd->add_option("--resamples", o->resamples, "Bootstrap resamples for each figure's 95% confidence interval")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--export-run", o->exportRun, "Also write the ranking as a TREC run file");
  cmd->add_option("--export-qrels", o->exportQrels, "Also write the judgments used as TREC qrels");
  addJsonFlag(cmd, context);
  cmd->callback([&context, o] {
    const auto world = distributed::readWorldEnvironment();
    if (!world.distributed())
      return runEval(context, *o);
    // Rank 0 evaluates as one process would; the others embed their blocks of the corpus (DataParallelRun.h).
    const auto communicator = distributed::Communicator::join(world);
    if (!world.isRoot())
      return pipeline::commandOnOtherRank(*communicator, "eval",
                                          [](const std::string& line) { std::cerr << line << "\n"; });
    pipeline::commandOnRank0(*communicator, [&](pipeline::RunWorkers& workers) { runEval(context, *o, &workers); });
  });

  auto e = std::make_shared<ExportOptions>();
  CLI::App* exportCmd =
      app.add_subcommand("eval-export", "Write a stored evaluation as a TREC run file and/or TREC qrels");
  exportCmd->add_option("--store", e->store, "Experiment file")->required();
  exportCmd->add_option("--evaluation", e->evaluation, "Evaluation id (run_id printed by eval)")->required();
  exportCmd->add_option("--run", e->run, "Output TREC run file");
  exportCmd->add_option("--qrels", e->qrels, "Output TREC qrels file");
  addJsonFlag(exportCmd, context);
  exportCmd->callback([&context, e] {
    if (e->run.empty() && e->qrels.empty())
      throw InputError("eval-export: give --run FILE and/or --qrels FILE");
    store::Store s = store::Store::open(e->store, store::OpenMode::MustExist);
    eval::loadMetrics(s, e->evaluation); // refuses unknown ids before any file is written
    if (!e->run.empty())
      writeFile(e->run, [&](std::ostream& out) { eval::exportTrecRun(s, e->evaluation, out); });
    if (!e->qrels.empty())
      writeFile(e->qrels, [&](std::ostream& out) { eval::exportTrecQrels(s, e->evaluation, out); });
    printResult(context, {{"evaluation", e->evaluation}, {"run", e->run}, {"qrels", e->qrels}},
                "exported evaluation " + std::to_string(e->evaluation));
  });
}

const CliCommandRegistration registration(40, installEvalCommands);

} // namespace
} // namespace distillery::cli
