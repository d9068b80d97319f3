// `teacher check`, `queries generate` and `judge`: the teacher from the command line.
#include "app/cli/CliCommand.h"
#include "app/cli/InterruptScope.h"
#include "core/store/Store.h"
#include "core/teacher/JudgmentCache.h"
#include "core/teacher/QueryGenerator.h"
#include "core/teacher/Teacher.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace distillery::cli {
namespace {

struct TeacherOptions {
  std::string kind; // heuristic | openai; empty = openai when an endpoint is given, else heuristic
  std::string configFile;
  std::string endpoint;
  std::string model;
  std::string apiKeyEnv;
  int concurrency = 0; // 0 = the config's
  double timeout = 0;  // 0 = the config's
};

void addTeacherOptions(CLI::App* command, const std::shared_ptr<TeacherOptions>& options) {
  command->add_option("--teacher", options->kind, "Teacher: heuristic (offline) or openai (an endpoint)")
      ->check(CLI::IsMember({"heuristic", "openai"}));
  command->add_option("--teacher-config", options->configFile,
                      "JSON teacher config ({\"kind\":\"openai\",\"base_url\":...,\"model\":...}); flags override it");
  command->add_option("--endpoint", options->endpoint, "OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1");
  command->add_option("--model", options->model, "Model name sent to the endpoint");
  command->add_option("--api-key-env", options->apiKeyEnv,
                      "Environment variable holding the API key (default OPENAI_API_KEY)");
  command->add_option("--concurrency", options->concurrency, "Requests in flight at once (default 8)")
      ->check(CLI::Range(1, 256));
  command->add_option("--timeout", options->timeout, "Seconds per HTTP attempt (default 60)");
}

/// The --teacher-config file as JSON (validated later, once the flags are merged in).
nlohmann::json readConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw InputError("teacher config " + path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const nlohmann::json json = nlohmann::json::parse(buffer.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object())
    throw InputError("teacher config " + path + ": not a JSON object");
  return json;
}

teacher::TeacherConfig resolveConfig(const TeacherOptions& options) {
  nlohmann::json json = options.configFile.empty() ? nlohmann::json::object() : readConfigFile(options.configFile);
  if (!options.kind.empty())
    json["kind"] = options.kind;
  else if (!options.endpoint.empty())
    json["kind"] = "openai";
  const bool pool = json.contains("endpoints") && !json["endpoints"].is_null();
  if (pool && !options.endpoint.empty())
    throw InputError("--endpoint names one endpoint, but " + options.configFile +
                     " lists a pool in 'endpoints': edit the pool there instead");
  if (!options.endpoint.empty())
    json["base_url"] = options.endpoint;
  if (!options.model.empty())
    json["model"] = options.model;
  if (!options.apiKeyEnv.empty())
    json["api_key_env"] = options.apiKeyEnv;
  if (options.concurrency > 0)
    json["concurrency"] = options.concurrency;
  if (options.timeout > 0)
    json["timeout_seconds"] = options.timeout;
  if (json.value("kind", "heuristic") == "openai" && !json.contains("base_url") && !pool)
    throw InputError("the openai teacher needs --endpoint URL (or base_url or endpoints in --teacher-config)");
  if (json.value("kind", "heuristic") == "openai" && !json.contains("model") && !pool)
    throw InputError("the openai teacher needs --model NAME (or model in --teacher-config)");
  try {
    return teacher::TeacherConfig::fromJson(json);
  } catch (const InputError& e) {
    if (options.configFile.empty())
      throw;
    throw InputError(options.configFile + ": " + e.what());
  }
}

nlohmann::json teacherJson(const teacher::Teacher& t) {
  return {{"kind", t.kind()}, {"model", t.model()}, {"prompt_version", t.promptVersion()}};
}

nlohmann::json usageJson(const teacher::TeacherUsage& usage) {
  return {{"calls", usage.calls},
          {"input_tokens", usage.inputTokens},
          {"output_tokens", usage.outputTokens},
          {"cost", usage.cost}};
}

ProgressCallback cliProgress() {
  return [](const Progress& p) { printProgress(p.stage, p.done, p.total); };
}

/// The teacher a command uses; what happens to a pool's endpoints goes to stderr.
std::unique_ptr<teacher::Teacher> makeCliTeacher(const teacher::TeacherConfig& config) {
  auto t = teacher::makeTeacher(config);
  t->setLog([](const std::string& line) { std::cerr << line << "\n"; });
  return t;
}

// ---- judge -------------------------------------------------------------------------------------

struct PairLine {
  int line = 0;
  teacher::JudgeRequest request;
};

std::int64_t resolvePassage(store::Store& s, const std::string& file, int line, const nlohmann::json& value,
                            std::string& text) {
  std::optional<std::int64_t> id;
  std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
  if (value.is_number_integer()) {
    id = value.get<std::int64_t>();
  } else if (value.is_string()) {
    const std::string key = value.get<std::string>();
    const bool numeric = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
    store::Statement find = s.prepare(numeric ? "SELECT id FROM passages WHERE id = ?1"
                                              : "SELECT id FROM passages WHERE record_key = ?1 ORDER BY id LIMIT 1");
    if (numeric)
      find.bind(1, static_cast<std::int64_t>(std::stoll(key)));
    else
      find.bind(1, key);
    if (find.step())
      id = find.columnInt64(0);
  } else {
    throw InputError(file + " line " + std::to_string(line) + ": field 'passage_id' must be a number or a string");
  }
  if (id) {
    store::Statement select = s.prepare("SELECT text FROM passages WHERE id = ?1");
    select.bind(1, *id);
    if (select.step()) {
      text = select.columnText(0);
      return *id;
    }
  }
  throw InputError(file + " line " + std::to_string(line) + ": passage_id " + shown + " is not in the store");
}

/// Reads every line first, so a bad line stops the command before anything is paid for.
std::vector<PairLine> readPairs(store::Store& s, const std::string& file) {
  std::ifstream in(file);
  if (!in)
    throw InputError(file + ": cannot be read");
  std::vector<PairLine> pairs;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    const std::string where = file + " line " + std::to_string(line);
    if (json.is_discarded() || !json.is_object())
      throw InputError(where + ": not a JSON object");
    if (!json.contains("query") || !json["query"].is_string() || json["query"].get<std::string>().empty())
      throw InputError(where + ": field 'query' (a non-empty string) is missing");
    PairLine pair;
    pair.line = line;
    pair.request.queryText = json["query"].get<std::string>();
    if (json.contains("passage_id")) {
      pair.request.passageId = resolvePassage(s, file, line, json["passage_id"], pair.request.passageText);
    } else if (json.contains("text") && json["text"].is_string()) {
      pair.request.passageText = json["text"].get<std::string>();
    } else {
      throw InputError(where + ": give either 'passage_id' or 'text'");
    }
    if (json.contains("query_id") && json["query_id"].is_number_integer())
      pair.request.queryId = json["query_id"].get<std::int64_t>();
    pairs.push_back(std::move(pair));
  }
  if (pairs.empty())
    throw InputError(file + ": no pairs to judge");
  return pairs;
}

void installJudge(CLI::App& app, CliContext& context) {
  auto storePath = std::make_shared<std::string>();
  auto pairsPath = std::make_shared<std::string>();
  auto options = std::make_shared<TeacherOptions>();
  CLI::App* judge = app.add_subcommand(
      "judge", "Grade (query, passage) pairs with the teacher; every judgment is stored, cached pairs cost nothing");
  judge->add_option("--store", *storePath, "Experiment file")->required();
  judge
      ->add_option("--pairs", *pairsPath,
                   "JSONL file: {\"query\": ..., \"passage_id\": ...} or {\"query\": ..., \"text\": ...} per line")
      ->required();
  addTeacherOptions(judge, options);
  addJsonFlag(judge, context);
  judge->callback([&context, storePath, pairsPath, options] {
    store::Store s = store::Store::open(*storePath, store::OpenMode::MustExist);
    const std::vector<PairLine> pairs = readPairs(s, *pairsPath);
    auto t = makeCliTeacher(resolveConfig(*options));
    std::vector<teacher::JudgeRequest> requests;
    for (const PairLine& pair : pairs)
      requests.push_back(pair.request);
    InterruptScope interrupt;
    teacher::JudgmentCache cache(s);
    const teacher::JudgeBatchResult result = cache.judge(*t, requests, cliProgress(), interrupt.token());

    nlohmann::json failures = nlohmann::json::array();
    for (const auto& failure : result.failures)
      failures.push_back({{"line", pairs[failure.index].line},
                          {"query", pairs[failure.index].request.queryText},
                          {"reason", failure.reason}});
    nlohmann::json grades = {{"0", 0}, {"1", 0}, {"2", 0}, {"3", 0}};
    for (const auto& judgment : result.judgments)
      if (judgment.ok)
        grades[std::to_string(judgment.grade)] = grades.value(std::to_string(judgment.grade), 0) + 1;
    std::ostringstream text;
    text << "judged " << result.judged << ", cached " << result.cached << ", failed " << result.failed << " in "
         << result.seconds << " s with " << t->kind() << " teacher " << t->model() << " (" << t->promptVersion()
         << ")\n";
    for (const auto& failure : failures)
      text << "  line " << failure["line"].get<int>() << ": " << failure["reason"].get<std::string>() << "\n";
    if (result.usage.calls > 0)
      text << "  " << result.usage.calls << " calls, " << result.usage.inputTokens << " input and "
           << result.usage.outputTokens << " output tokens, cost " << result.usage.cost << "\n";
    printResult(context,
                {{"judged", result.judged},
                 {"cached", result.cached},
                 {"failed", result.failed},
                 {"failures", failures},
                 {"grades", grades},
                 {"seconds", result.seconds},
                 {"teacher", teacherJson(*t)},
                 {"usage", usageJson(result.usage)}},
                text.str());
  });
}

// ---- queries generate ----------------------------------------------------------------------------

std::vector<teacher::QueryType> parseTypes(const std::string& list) {
  std::vector<teacher::QueryType> types;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');)
    if (!name.empty())
      types.push_back(teacher::parseQueryType(name));
  if (types.empty())
    throw InputError("--types: give at least one of question, claim, keyword, title");
  return types;
}

void installQueries(CLI::App& app, CliContext& context) {
  auto storePath = std::make_shared<std::string>();
  auto generateOptions = std::make_shared<teacher::QueryGenerationOptions>();
  auto types = std::make_shared<std::string>("question,claim,keyword,title");
  auto options = std::make_shared<TeacherOptions>();
  CLI::App* queries = app.add_subcommand("queries", "Synthetic queries");
  queries->require_subcommand(1);
  CLI::App* generate =
      queries->add_subcommand("generate", "Have the teacher write queries for passages of a corpus and store them");
  generate->add_option("--store", *storePath, "Experiment file")->required();
  generate->add_option("--corpus", generateOptions->corpus, "Corpus name")->required();
  generate->add_option("--count", generateOptions->count, "Number of queries (one passage each)")
      ->check(CLI::Range(1, 10000000));
  generate->add_option("--types", *types, "Comma-separated query types: question,claim,keyword,title");
  generate->add_option("--query-set", generateOptions->querySet, "Query set to add to (default synthetic-<model>)");
  generate->add_option("--split", generateOptions->split, "Split of the new queries: train, dev or test")
      ->check(CLI::IsMember({"train", "dev", "test"}));
  addTeacherOptions(generate, options);
  addJsonFlag(generate, context);
  generate->callback([&context, storePath, generateOptions, types, options] {
    teacher::QueryGenerationOptions chosen = *generateOptions;
    chosen.types = parseTypes(*types);
    store::Store s = store::Store::open(*storePath, store::OpenMode::MustExist);
    auto t = makeCliTeacher(resolveConfig(*options));
    InterruptScope interrupt;
    const teacher::QueryGenerationResult result =
        teacher::generateQueries(s, *t, chosen, cliProgress(), interrupt.token());

    nlohmann::json failures = nlohmann::json::array();
    for (const auto& failure : result.failures)
      failures.push_back(
          {{"passage_id", failure.passageId}, {"type", teacher::toString(failure.type)}, {"reason", failure.reason}});
    nlohmann::json dropped = nlohmann::json::array();
    for (const auto& query : result.dropped)
      dropped.push_back({{"passage_id", query.passageId},
                         {"type", teacher::toString(query.type)},
                         {"query", query.query},
                         {"reason", query.reason}});
    nlohmann::json byType = nlohmann::json::object();
    store::Statement count = s.prepare("SELECT query_type, count(*) FROM queries WHERE query_set_id = ?1 GROUP BY 1");
    count.bind(1, result.querySetId);
    while (count.step())
      byType[count.columnText(0)] = count.columnInt64(1);
    std::ostringstream text;
    text << "generated " << result.generated << " queries into query set '" << result.querySet << "' ("
         << result.existing << " already there, " << result.duplicates << " dropped as duplicates, " << result.failed
         << " failed) in " << result.seconds << " s with " << t->kind() << " teacher " << t->model() << "\n";
    for (const auto& failure : failures)
      text << "  passage " << failure["passage_id"].get<std::int64_t>() << " (" << failure["type"].get<std::string>()
           << "): " << failure["reason"].get<std::string>() << "\n";
    for (const auto& query : dropped)
      text << "  dropped (passage " << query["passage_id"].get<std::int64_t>() << ", "
           << query["type"].get<std::string>() << "): " << query["reason"].get<std::string>() << "\n";
    printResult(
        context,
        {{"query_set", result.querySet},
         {"query_set_id", result.querySetId},
         {"generated", result.generated},
         {"existing", result.existing},
         {"failed", result.failed},
         {"failures", failures},
         {"duplicates", result.duplicates},
         {"dropped", dropped},
         {"by_type", byType},
         {"seconds", result.seconds},
         {"teacher", {{"kind", t->kind()}, {"model", t->model()}, {"prompt_version", t->synthesisPromptVersion()}}},
         {"usage", usageJson(result.usage)}},
        text.str());
  });
}

// ---- teacher check ---------------------------------------------------------------------------------

void installTeacherCheck(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<TeacherOptions>();
  CLI::App* teacherCommand = app.add_subcommand("teacher", "Teacher endpoint tools");
  teacherCommand->require_subcommand(1);
  CLI::App* check = teacherCommand->add_subcommand(
      "check", "Send one grading request to the endpoint and print the latency and the parsed answer");
  addTeacherOptions(check, options);
  addJsonFlag(check, context);
  check->callback([&context, options] {
    const teacher::TeacherConfig config = resolveConfig(*options);
    auto t = teacher::makeTeacher(config); // refuses a pool whose endpoints disagree before anything is sent
    const teacher::JudgeRequest sample{
        "What was the company's total net revenue in fiscal 2023?",
        "Total net revenue for fiscal 2023 was $4.2 billion, an increase of 12% compared with fiscal 2022, driven "
        "by higher subscription volumes in the Cloud segment.",
        std::nullopt, std::nullopt};
    InterruptScope interrupt;
    // One grading request to one teacher: its fields of the JSON, and its line of the text.
    const auto checkOne = [&](teacher::Teacher& one, nlohmann::json& json, std::ostringstream& text) {
      const double started = monotonicSeconds();
      const auto judgments = one.judge({sample}, {}, interrupt.token());
      const double seconds = monotonicSeconds() - started;
      const teacher::Judgment& j = judgments.front();
      json.update({{"ok", j.ok},
                   {"latency_ms", seconds * 1000.0},
                   {"attempts", j.attempts},
                   {"usage", usageJson(j.usage)},
                   {"raw_response", j.rawResponse}});
      if (j.ok) {
        json["grade"] = j.grade;
        json["rationale"] = j.rationale;
        json["score"] = j.score ? nlohmann::json(*j.score) : nlohmann::json(nullptr);
        text << "ok in " << static_cast<long>(seconds * 1000) << " ms, grade " << j.grade
             << " (expected 3): " << j.rationale << "\n";
      } else {
        json["failure_reason"] = j.failureReason;
        text << "FAILED after " << static_cast<long>(seconds * 1000) << " ms: " << j.failureReason << "\n";
        context.exitCode = 1;
      }
      return j;
    };
    std::ostringstream text;
    text << t->kind() << " teacher " << t->model() << ": ";
    if (!config.isPool()) {
      nlohmann::json json = {{"teacher", teacherJson(*t)}};
      checkOne(*t, json, text);
      printResult(context, json, text.str());
      return;
    }
    // A pool: every endpoint on its own, so that one that fails is named (the pool itself would route around it).
    text << "a pool of " << config.endpoints.size() << " endpoints\n";
    nlohmann::json endpoints = nlohmann::json::array();
    teacher::TeacherUsage usage;
    bool allOk = true;
    const double started = monotonicSeconds();
    for (std::size_t i = 0; i < config.endpoints.size(); ++i) {
      const std::string label = config.endpoints[i].label(i);
      nlohmann::json entry = {{"endpoint", label}, {"base_url", config.endpoints[i].baseUrl}};
      text << "  " << label << ": ";
      auto one = teacher::makeTeacher(config.forEndpoint(i));
      const teacher::Judgment j = checkOne(*one, entry, text);
      allOk = allOk && j.ok;
      usage.add(j.usage);
      endpoints.push_back(std::move(entry));
    }
    printResult(context,
                {{"ok", allOk},
                 {"latency_ms", (monotonicSeconds() - started) * 1000.0},
                 {"teacher", teacherJson(*t)},
                 {"usage", usageJson(usage)},
                 {"endpoints", endpoints}},
                text.str());
  });
}

void installTeacherCommands(CLI::App& app, CliContext& context) {
  installTeacherCheck(app, context);
  installQueries(app, context);
  installJudge(app, context);
}

const CliCommandRegistration registration(50, installTeacherCommands);

} // namespace
} // namespace distillery::cli
