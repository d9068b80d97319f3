// `import` and `demo-corpus`: load filings into an experiment, or write the built-in demo corpus.
#include "app/cli/CliCommand.h"
#include "app/cli/InterruptScope.h"
#include "core/corpus/CorpusImporter.h"
#include "core/corpus/EdgarDownloader.h"
#include "core/corpus/demo/DemoCorpus.h"
#include "core/store/Store.h"

#include <memory>
#include <sstream>
#include <stop_token>

namespace distillery::cli {
namespace {

struct ImportArguments {
  std::string store;
  std::string corpus;
  std::string format = "auto";
  std::vector<std::string> paths;
  int maxTokens = 256;
  int overlapTokens = 32;
  bool chunkBeir = false;
  bool noIndexTitle = false;
  std::uint64_t maxFileBytes = 1ull << 30;
  std::uint64_t maxRecordBytes = 64ull << 20;
  std::string idField = "_id", textField = "text", titleField = "title", filingTypeField = "filing_type",
              companyField = "company", periodField = "period";
};

// Runs work with a stop token that Ctrl-C triggers; what was committed before it stays.
template <typename Work> auto stopOnInterrupt(Work&& work) {
  InterruptScope interrupt;
  return work(interrupt.token());
}

nlohmann::json summaryJson(const corpus::ImportSummary& s) {
  nlohmann::json skipped = nlohmann::json::array(), warnings = nlohmann::json::array();
  for (const auto& item : s.skipped)
    skipped.push_back({{"path", item.path}, {"reason", item.reason}});
  for (const auto& item : s.warnings)
    warnings.push_back({{"path", item.path}, {"reason", item.reason}});
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [type, count] : s.filingTypes)
    types[type] = count;
  return {{"corpus", s.corpusName},
          {"documents", s.documents},
          {"passages", s.passages},
          {"filing_types", types},
          {"skipped", skipped},
          {"seconds", s.seconds},
          {"unchanged_documents", s.unchangedDocuments},
          {"exact_duplicates_removed", s.exactDuplicatesRemoved},
          {"near_duplicates_flagged", s.nearDuplicatesFlagged},
          {"queries", s.queries},
          {"qrels", s.qrels},
          {"warnings", warnings},
          {"cancelled", s.cancelled}};
}

std::string summaryText(const corpus::ImportSummary& s) {
  std::ostringstream text;
  text << (s.cancelled ? "cancelled: kept " : "imported ") << s.documents << " documents, " << s.passages
       << " passages into corpus '" << s.corpusName << "' in " << s.seconds << " s\n";
  for (const auto& [type, count] : s.filingTypes)
    text << "  " << type << ": " << count << " passages\n";
  if (s.unchangedDocuments)
    text << "  already imported (unchanged): " << s.unchangedDocuments << " documents\n";
  text << "  exact duplicates removed: " << s.exactDuplicatesRemoved
       << ", near-duplicates flagged: " << s.nearDuplicatesFlagged << "\n";
  if (s.queries || s.qrels)
    text << "  query set '" << s.corpusName << "': " << s.queries << " queries, " << s.qrels << " qrels added\n";
  for (const auto& item : s.warnings)
    text << "  warning: " << item.path << ": " << item.reason << "\n";
  for (const auto& item : s.skipped)
    text << "  skipped: " << item.path << ": " << item.reason << "\n";
  return text.str();
}

void installCorpusCommands(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<ImportArguments>();
  CLI::App* import = app.add_subcommand("import", "Import filings (files or folders, folders recurse) into a corpus");
  import->add_option("--store", args->store, "Experiment file (created when missing)")->required();
  import->add_option("--corpus", args->corpus, "Corpus name (created when missing)")->required();
  import->add_option("--format", args->format, "auto | edgar-json | edgar-full | text | beir | jsonl")
      ->check(CLI::IsMember({"auto", "edgar-json", "edgar-full", "text", "beir", "jsonl"}));
  import->add_option("--max-tokens", args->maxTokens, "Token budget of a passage (estimated tokens)");
  import->add_option("--overlap", args->overlapTokens, "Tokens repeated from the previous passage of a section");
  import->add_flag("--chunk-beir", args->chunkBeir, "Chunk BEIR records too (they stay one passage by default)");
  import->add_flag("--no-index-title", args->noIndexTitle,
                   "A new corpus indexes passages without their title (by default BM25, the student and the teacher "
                   "read the document's title, company, filing type, period and section before the text)");
  import->add_option("--max-file-bytes", args->maxFileBytes, "Skip files larger than this");
  import->add_option("--max-record-bytes", args->maxRecordBytes,
                     "Most of one file held in memory at once: longer JSONL records are skipped, a longer "
                     "EDGAR-CORPUS item skips its file");
  import->add_option("--id-field", args->idField, "JSONL: field of the record id (dotted paths reach into objects)");
  import->add_option("--text-field", args->textField, "JSONL: field of the text");
  import->add_option("--title-field", args->titleField, "JSONL: field of the title");
  import->add_option("--filing-type-field", args->filingTypeField, "JSONL: field of the filing type");
  import->add_option("--company-field", args->companyField, "JSONL: field of the company");
  import->add_option("--period-field", args->periodField, "JSONL: field of the period");
  import->add_option("paths", args->paths, "Files or folders to import")->required();
  addJsonFlag(import, context);
  import->callback([&context, args] {
    corpus::ImportOptions options;
  options.corpusName = args->corpus;
  options.format = corpus::parseFormat(args->format);
  options.chunking.maxTokens = args->maxTokens;
  options.chunking.overlapTokens = args->overlapTokens;
  options.chunkBeirRecords = args->chunkBeir;
  options.indexTitles = !args->noIndexTitle;
  options.maxFileBytes = args->maxFileBytes;
  options.maxRecordBytes = args->maxRecordBytes;
  options.jsonlFields = {args->idField,         args->textField,    args->titleField,
                         args->filingTypeField, args->companyField, args->periodField};
  std::vector<std::filesystem::path> paths(args->paths.begin(), args->paths.end());
  store::Store s = store::Store::open(args->store, store::OpenMode::CreateIfMissing);
  recordJob(
      s, "import", {{"corpus", args->corpus}, {"paths", args->paths}, {"source", "distillery-cli"}}, std::nullopt, [&] {
        const corpus::ImportSummary summary = stopOnInterrupt([&](std::stop_token stop) {
          return corpus::importPaths(
              s, options, paths, [](const Progress& p) { printProgress(p.stage + " (bytes)", p.done, p.total); }, stop);
        });
        printResult(context, summaryJson(summary), summaryText(summary));
        if (summary.cancelled)
          context.exitCode = 130;
        return summary.cancelled ? std::string("cancelled") : std::string("completed");
      });
});

auto demoOut = std::make_shared<std::string>();
auto demoOptions = std::make_shared<corpus::DemoCorpusOptions>();
CLI::App* demo = app.add_subcommand(
    "demo-corpus", "Write the built-in, deterministic demo corpus (BEIR layout with held-out queries and qrels)");
demo->add_option("--out", *demoOut, "Folder to write (created; must not already hold a corpus.jsonl)")->required();
demo->add_option("--seed", demoOptions->seed, "Random seed: the same seed writes the same files");
demo->add_option("--companies", demoOptions->companies, "Number of fictional registrants")->check(CLI::Range(2, 200));
demo->add_option("--queries", demoOptions->queries, "Number of held-out test queries")->check(CLI::Range(10, 5000));
demo->add_option("--dev-queries", demoOptions->devQueries,
                 "Number of dev queries (qrels/dev.tsv), for choosing settings such as the hybrid's weight")
    ->check(CLI::Range(0, 5000));
addJsonFlag(demo, context);
demo->callback([&context, demoOut, demoOptions] {
  const corpus::DemoCorpusSummary summary = corpus::writeDemoCorpus(*demoOut, *demoOptions);
  nlohmann::json types = nlohmann::json::object();
  std::ostringstream text;
  text << "wrote demo corpus to " << *demoOut << ": " << summary.documents << " filings, " << summary.passages
       << " passages, " << summary.queries << " test queries, " << summary.devQueries << " dev queries, "
       << summary.qrels << " qrels\n";
  for (const auto& [type, count] : summary.filingTypes) {
    types[type] = count;
    text << "  " << type << ": " << count << " passages\n";
  }
  text << "import it with: distillery-cli import --store FILE --corpus demo " << *demoOut << "\n";
  printResult(context,
              {{"out", *demoOut},
               {"seed", demoOptions->seed},
               {"documents", summary.documents},
               {"passages", summary.passages},
               {"queries", summary.queries},
               {"dev_queries", summary.devQueries},
               {"qrels", summary.qrels},
               {"filing_types", types}},
              text.str());
});
} // namespace

void installDownloadCommand(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<corpus::EdgarDownloadOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* download = app.add_subcommand(
      "download-edgar", "Download filings from SEC EDGAR (primary documents plus a metadata.jsonl the importer reads)");
  download->add_option("--user-agent", options->userAgent, "Your name and e-mail; SEC requires a contact")
      ->required()
      ->envname("DISTILLERY_SEC_USER_AGENT");
  download->add_option("--company", options->companies, "CIK or ticker (repeatable)")->required();
  download->add_option("--form", options->formTypes, "Form type to keep, e.g. 10-K (repeatable; default all)");
  download->add_option("--from", options->dateFrom, "First filing date, YYYY-MM-DD");
  download->add_option("--to", options->dateTo, "Last filing date, YYYY-MM-DD");
  download->add_option("--max-filings", options->maxFilingsPerCompany, "Newest N filings per company (0: all)");
  download->add_option("--rate", options->maxRequestsPerSecond, "Requests per second (at most 10)");
  download->add_option("--out", *out, "Folder to write (a second run resumes)")->required();
  auto baseUrl = std::make_shared<std::string>();
  download->add_option("--base-url", *baseUrl, "Serve both EDGAR hosts from this URL (a mirror, or a test server)");
  addJsonFlag(download, context);
  download->callback([&context, options, out, baseUrl] {
    options->outDir = *out;
    if (!baseUrl->empty())
      options->dataBaseUrl = options->archiveBaseUrl = *baseUrl;
    const corpus::EdgarDownloadSummary summary = stopOnInterrupt([&](std::stop_token stop) {
      return corpus::downloadEdgarFilings(
          *options, [](const Progress& p) { printProgress(p.stage, p.done, p.total); }, stop);
    });
    nlohmann::json failed = nlohmann::json::array();
    std::ostringstream text;
    text << (summary.cancelled ? "cancelled: " : "") << "downloaded " << summary.downloaded << " filings to " << *out
         << " (" << summary.alreadyPresent << " already present, " << summary.requests << " requests, " << summary.bytes
         << " bytes)\n";
    for (const auto& problem : summary.failed) {
      failed.push_back({{"what", problem.what}, {"reason", problem.reason}});
      text << "  failed: " << problem.what << ": " << problem.reason << "\n";
    }
    printResult(context,
                {{"out", *out},
                 {"downloaded", summary.downloaded},
                 {"already_present", summary.alreadyPresent},
                 {"resumed_partial", summary.resumedPartial},
                 {"requests", summary.requests},
                 {"bytes", summary.bytes},
                 {"failed", failed},
                 {"cancelled", summary.cancelled},
                 {"seconds", summary.seconds}},
                text.str());
    if (summary.cancelled)
      context.exitCode = 130;
  });
}

const CliCommandRegistration registration(20, [](CLI::App& app, CliContext& context) {
  installCorpusCommands(app, context);
  installDownloadCommand(app, context);
});

} // namespace distillery::cli
} // namespace distillery::cli
