#include "core/model/EncoderFactory.h"

#include "core/corpus/CorpusRepository.h"
#include "core/model/DefaultStudent.h"
#include "core/model/StudentModel.h"
#include "core/store/Store.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/Hash.h"
#include "core/util/ResourceFailure.h"
#include "core/util/Time.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace distillery::model {
namespace {

// Bump when the default student's recipe changes, so older checkpoints are not reused.
constexpr const char* kDefaultRecipe = "default-student-v5";

std::string safeFileName(const std::string& name) {
  std::string out;
  for (const unsigned char c : name)
    out.push_back(std::isalnum(c) || c == '-' || c == '_' ? static_cast<char>(c) : '_');
  return out.empty() ? "corpus" : out;
}

std::string configSummary(const std::filesystem::path& directory) {
  std::ifstream in(directory / "config.json");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str()).dump();
  } catch (const nlohmann::json::exception&) {
    return "{}";
  }
}

std::filesystem::path buildDefaultStudent(const EncoderContext& context);

// A full disk or too little memory while the default student is built says so, naming the corpus; nothing of the
// student is kept (it is built in a side directory), so running the command again starts it over.
std::filesystem::path defaultStudentDirectory(const EncoderContext& context) {
  return runPhase("building the default student on corpus '" + context.corpus + "'",
                  "run the command again (a run: resume it with --resume)",
                  [&] { return buildDefaultStudent(context); });
}

std::filesystem::path buildDefaultStudent(const EncoderContext& context) {
  if (context.store == nullptr)
    throw InputError("model 'default' needs an experiment (--store) holding the corpus to train on");
  if (context.corpus.empty())
    throw InputError("model 'default' needs a corpus name (--corpus) to train on");
  store::Store& store = *context.store;
  const auto corpusId = corpus::findCorpusId(store, context.corpus);
  ContentHasher hasher;
  hasher.update(kDefaultRecipe);
  hasher.update(std::to_string(context.seed));
  std::vector<std::string> ownTexts;
  if (!context.indexedTexts) {
    // The passage records (text, title parts, metadata) are freed here, before training: only the indexed
    // texts are needed, and holding both doubled the corpus in memory while the student trains (issue 24).
    auto passages = corpus::loadPassages(store, corpusId);
    ownTexts.reserve(passages.size());
    for (auto& passage : passages) {
      ownTexts.push_back(passage.indexedText()); // what BM25 and the student read
      std::string().swap(passage.text);          // each text held once while the rest are converted
    }
  }
  const std::vector<std::string>& texts = context.indexedTexts ? *context.indexedTexts : ownTexts;
  if (texts.empty())
    throw InputError("corpus '" + context.corpus + "' has no passages; import documents before using model 'default'");
  for (const auto& text : texts) {
    hasher.update(text);
    hasher.update("\x1f");
  }
  const auto root = std::filesystem::absolute(store.path()).string() + ".models";
  const auto directory = std::filesystem::path(root) /
                         ("default-" + safeFileName(context.corpus) + "-" + hasher.hexDigest().substr(0, 12));
  if (!isModelDirectory(directory)) {
    // Train into a side directory and rename: a crash or cancel never leaves a half-written model behind.
    DefaultStudentOptions options;
    options.seed = context.seed;
    options.steps = defaultStudentSteps(texts.size(), options);
    options.progress = context.progress;
    options.stop = context.stop;
    buildDirectoryAtomically(
        directory, [&](const std::filesystem::path& partial) { trainDefaultStudent(texts, partial, options); });
  }
  registerModel(store, directory, "default", "default (trained on corpus " + context.corpus + ")");
  return directory;
}

} // namespace

bool isModelDirectory(const std::filesystem::path& directory) {
  return std::filesystem::exists(directory / "config.json") && std::filesystem::exists(directory / "model.safetensors");
}

std::int64_t registerModel(store::Store& store, const std::filesystem::path& directory, const std::string& kind,
                           const std::string& name, std::int64_t parentId) {
  const auto path = std::filesystem::absolute(directory).lexically_normal().string();
  auto find = store.prepare("SELECT id FROM models WHERE path = ?1 ORDER BY id LIMIT 1");
  find.bind(1, path);
  if (find.step())
    return find.columnInt64(0);
  auto insert = store.prepare(
      "INSERT INTO models(kind, name, path, parent_id, config_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.bind(1, kind).bind(2, name).bind(3, path);
  if (parentId > 0)
    insert.bind(4, parentId);
  else
    insert.bindNull(4);
  insert.bind(5, configSummary(directory)).bind(6, nowIso8601());
  insert.run();
  return store.lastInsertId();
}

std::vector<StoredModel> listModels(store::Store& store) {
  std::vector<StoredModel> models;
  auto select = store.prepare("SELECT id, name, kind, coalesce(path, '') FROM models ORDER BY id DESC");
  while (select.step())
    models.push_back({select.columnInt64(0), select.columnText(1), select.columnText(2), select.columnText(3)});
  return models;
}

std::filesystem::path resolveModelDirectory(const std::string& spec, const EncoderContext& context) {
  if (spec.empty())
    throw InputError("no model given: use a Hugging Face model directory, 'default' or 'model:<id>'");
  if (spec == "default")
    return defaultStudentDirectory(context);
  if (spec.rfind("model:", 0) == 0) {
    if (context.store == nullptr)
      throw InputError("model '" + spec + "' refers to an experiment's models table: give the experiment (--store)");
    std::int64_t id = 0;
    try {
      std::size_t used = 0;
      id = std::stoll(spec.substr(6), &used);
      if (used != spec.size() - 6)
        throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      throw InputError("model '" + spec + "': expected model:<numeric id>");
    }
    auto select = context.store->prepare("SELECT path FROM models WHERE id = ?1");
    select.bind(1, id);
    if (!select.step())
      throw InputError("no model with id " + std::to_string(id) + " in " + context.store->path().string());
    const auto path = select.columnOptionalText(0);
    if (!path || !isModelDirectory(*path))
      throw InputError("model " + std::to_string(id) + " points to " + path.value_or("(no path)") +
                       ", which is not a model directory any more");
    return *path;
  }
  const std::filesystem::path directory(spec);
  if (!std::filesystem::is_directory(directory))
    throw InputError("model directory not found: " + spec + " (or use 'default' / 'model:<id>')");
  return directory;
}

std::unique_ptr<TextEncoder> openEncoder(const std::string& spec, const EncoderContext& context) {
  auto model = StudentModel::load(resolveModelDirectory(spec, context), defaultDevice());
  if (spec == "default")
    model->setName("default (trained on corpus " + context.corpus + ")");
  return makeTextEncoder(std::move(model));
}

} // namespace distillery::model
