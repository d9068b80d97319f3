// `search` and `compare`: the query playground's two questions on the command line. `search` shows what a retriever
// returns for one query, with the grade stored for each hit; `compare` lists each held-out query's NDCG under two
// stored evaluations (two rounds, or two runs) and counts the queries B improved, left alone and degraded.
#include "app/cli/CliCommand.h"
#include "core/eval/QueryChanges.h"
#include "core/eval/QuerySearch.h"
#include "core/index/PassageFilter.h"
#include "core/model/EncoderFactory.h"
#include "core/store/Store.h"
#include "core/util/Error.h"

#include <iomanip>
#include <memory>
#include <optional>
#include <sstream>

namespace distillery::cli {
namespace {

struct SearchArgs {
  std::string store, corpus, query, retriever = "bm25", model, filter;
  int k = 10;
  std::optional<double> fusionWeight;
};

struct CompareArgs {
  std::string store;
  std::vector<std::string> sides; // two of RUN[:ROUND] or evaluation:ID
  std::string retriever = "dense";
};

void runSearch(CliContext& context, const SearchArgs& args) {
  store::Store store = store::Store::open(args.store, store::OpenMode::MustExist);
  const std::int64_t corpusId = index::corpusIdByName(store, args.corpus);
  eval::SearchOptions options;
  options.retriever = eval::retrieverKindFromString(args.retriever);
  options.k = args.k;
  options.filter = index::PassageFilter::parse(args.filter);
  options.fusionWeight = args.fusionWeight;
  options.progress = [](const Progress& p) { printProgress(p.stage, p.done, p.total); };
  std::unique_ptr<model::TextEncoder> encoder;
  if (options.retriever != eval::RetrieverKind::Bm25) {
    model::EncoderContext encoderContext;
    encoderContext.store = &store;
    encoderContext.corpus = args.corpus;
    encoderContext.progress = options.progress;
    encoder = model::openEncoder(args.model.empty() ? std::string("default") : args.model, encoderContext);
    options.encoder = encoder.get();
  }
  eval::CorpusSearcher searcher(store, corpusId);
  const std::vector<eval::PassageHit> hits = searcher.search(args.query, options);

  nlohmann::json rows = nlohmann::json::array();
  std::ostringstream text;
  text << std::fixed << std::setprecision(4);
  for (const eval::PassageHit& hit : hits) {
    nlohmann::json row = {{"rank", hit.rank},
                          {"passage_id", hit.passageId},
                          {"score", hit.score},
                          {"record", hit.recordKey},
                          {"document", hit.document},
                          {"filing_type", hit.filingType},
                          {"company", hit.company},
                          {"text", hit.text},
                          {"graded_by", enumName(hit.gradedBy)}};
    if (hit.grade)
      row["grade"] = *hit.grade;
    rows.push_back(std::move(row));
    text << std::setw(3) << hit.rank << "  " << hit.score << "  " << hit.filingType << "  " << hit.document << "  "
         << (hit.grade ? "grade " + std::to_string(*hit.grade) + " (" + std::string(enumName(hit.gradedBy)) + ")"
                       : std::string("unjudged"))
         << "\n     " << eval::textSnippet(hit.text, 160) << "\n";
  }
  if (hits.empty())
    text << "no passage matches the query\n";
  printResult(context, {{"query", args.query}, {"retriever", args.retriever}, {"hits", rows}}, text.str());
}

// "3" (run 3's last round), "3:1" (run 3, round 1) or "evaluation:12".
std::int64_t evaluationOf(store::Store& store, const std::string& side, const std::string& retriever) {
  constexpr std::string_view kEvaluation = "evaluation:";
  try {
    if (side.rfind(kEvaluation, 0) == 0)
      return std::stoll(side.substr(kEvaluation.size()));
    const auto colon = side.find(':');
    const std::int64_t run = std::stoll(side.substr(0, colon));
    std::optional<int> round;
    if (colon != std::string::npos)
      round = std::stoi(side.substr(colon + 1));
    return eval::roundEvaluationId(store, run, round, retriever);
  } catch (const std::logic_error&) { // stoll/stoi: not a number
    throw InputError("--run " + side + ": expected RUN, RUN:ROUND or evaluation:ID (e.g. 1:0 and 1:2)");
  }
}

void runCompare(CliContext& context, const CompareArgs& args) {
  if (args.sides.size() != 2)
    throw InputError("compare needs two --run options: A, then B (e.g. --run 1:0 --run 1:2)");
  store::Store store = store::Store::open(args.store, store::OpenMode::MustExist);
  const std::int64_t a = evaluationOf(store, args.sides[0], args.retriever);
  const std::int64_t b = evaluationOf(store, args.sides[1], args.retriever);
  const std::vector<eval::QueryChange> changes = eval::compareQueryRankings(store, a, b, 0);

  nlohmann::json rows = nlohmann::json::array();
  for (const eval::QueryChange& change : changes)
    rows.push_back({{"query", change.queryKey},
                    {"text", change.text},
                    {"filing_type", change.filingType},
                    {"a", change.ndcgA},
                    {"b", change.ndcgB},
                    {"diff", change.change()}});
  nlohmann::json counts = nlohmann::json::object();
  std::ostringstream text;
  text << "evaluation " << a << " (A) against " << b << " (B), NDCG per held-out query\n";
  text << std::left << std::setw(14) << "filing type" << std::right << std::setw(10) << "improved" << std::setw(11)
       << "unchanged" << std::setw(10) << "degraded\n";
  const auto byType = eval::countChanges(changes);
  for (const auto& [type, c] : byType)
    counts[type] = {{"improved", c.improved}, {"unchanged", c.unchanged}, {"degraded", c.degraded}};
  auto line = [&](const std::string& type, const eval::ChangeCounts& c) {
    text << std::left << std::setw(14) << type << std::right << std::setw(10) << c.improved << std::setw(11)
         << c.unchanged << std::setw(10) << c.degraded << "\n";
  };
  for (const auto& [type, c] : byType)
    if (type != "ALL")
      line(type, c);
  if (const auto all = byType.find("ALL"); all != byType.end())
    line("ALL", all->second); // last, as a total
  const eval::MostChanged most = eval::mostChanged(changes, 5);
  text << std::fixed << std::setprecision(3);
  for (const auto& [title, list] : {std::pair{"most improved", &most.improved}, {"most degraded", &most.degraded}}) {
    if (list->empty())
      continue;
    text << title << ":\n";
    for (const eval::QueryChange& change : *list)
      text << "  " << change.ndcgA << " -> " << change.ndcgB << "  " << change.queryKey << "  "
           << eval::textSnippet(change.text, 80) << "\n";
  }
  printResult(context, {{"a", a}, {"b", b}, {"queries", rows}, {"counts", counts}}, text.str());
}

void installSearchCommands(CLI::App& app, CliContext& context) {
  auto search = std::make_shared<SearchArgs>();
  CLI::App* searchCmd = app.add_subcommand(
      "search", "Show what a retriever returns for one query: the top passages with their document, filing type, "
                "score and stored grade (a person's label, else the teacher's judgment)");
  searchCmd->add_option("--store", search->store, "Experiment file")->required();
  searchCmd->add_option("--corpus", search->corpus, "Corpus name")->required();
  searchCmd->add_option("--query", search->query, "The query text")->required();
  searchCmd->add_option("--retriever", search->retriever, "bm25, dense or hybrid")
      ->check(CLI::IsMember({"bm25", "dense", "hybrid"}))
      ->capture_default_str();
  searchCmd->add_option("--model", search->model, "Dense and hybrid: a model directory, 'default' or model:<id>");
  searchCmd->add_option("--k", search->k, "Passages to show")->capture_default_str()->check(CLI::Range(1, 1000));
  searchCmd->add_option("--filter", search->filter,
                        "Restrict passages: filing_type=10-K, company=NAME, document=ID (comma-separated)");
  searchCmd
      ->add_option("--fusion-weight", search->fusionWeight,
                   "Hybrid: the dense list's weight in score fusion (0..1); default: reciprocal-rank fusion")
      ->check(CLI::Range(0.0, 1.0));
  addJsonFlag(searchCmd, context);
  searchCmd->callback([&context, search] { runSearch(context, *search); });

  auto compare = std::make_shared<CompareArgs>();
  CLI::App* compareCmd = app.add_subcommand(
      "compare", "Each held-out query's NDCG under two stored evaluations (rounds or runs), with the queries B "
                 "improved, left alone and degraded per filing type");
  compareCmd->add_option("--store", compare->store, "Experiment file")->required();
  compareCmd
      ->add_option("--run", compare->sides,
                   "Give twice, A then B: RUN (its last round), RUN:ROUND, or evaluation:ID (any stored evaluation)")
      ->required();
  compareCmd->add_option("--retriever", compare->retriever, "Which of a round's evaluations: dense, bm25 or hybrid")
      ->check(CLI::IsMember({"dense", "bm25", "hybrid"}))
      ->capture_default_str();
  addJsonFlag(compareCmd, context);
  compareCmd->callback([&context, compare] { runCompare(context, *compare); });
}

const CliCommandRegistration registration(42, installSearchCommands);

} // namespace
} // namespace distillery::cli
