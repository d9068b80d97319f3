// `tokenize` and `embed`: the student's tokenizer and batched embedding, headless.
#include "app/cli/CliCommand.h"
#include "core/distributed/Communicator.h"
#include "core/distributed/WorldEnvironment.h"
#include "core/model/BlasRuntime.h"
#include "core/model/DefaultStudent.h"
#include "core/model/EmbeddingMatrixFile.h"
#include "core/model/EncoderFactory.h"
#include "core/store/Store.h"
#include "core/text/WordPieceTokenizer.h"
#include "core/util/Error.h"
#include "core/util/Hash.h"
#include "core/util/ResourceFailure.h"
#include "core/util/Time.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

namespace distillery::cli {
namespace {

struct TokenizeOptions {
  std::string tokenizer;
  std::string input;
  int maxLength = 0;
};

struct EmbedOptions {
  std::string model;
  std::string input;
  std::string output;
  std::string store;
  std::string corpus;
  std::string role = "passage";
  int batch = model::EncodeOptions{}.batchSize;
  int maxLength = 256;
  int threads = 0;
};

std::unique_ptr<std::istream> openInput(const std::string& path) {
  if (path == "-")
    return std::make_unique<std::istream>(std::cin.rdbuf());
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in)
    throw InputError("cannot read input file " + path);
  return in;
}

// Passages of a JSONL file (BEIR corpus layout: "text", optional "title" prepended as BEIR does).
std::vector<std::string> readPassages(const std::string& path) {
  auto in = openInput(path);
  std::vector<std::string> texts;
  std::string line;
  std::size_t lineNumber = 0;
  while (std::getline(*in, line)) {
    ++lineNumber;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    nlohmann::json record;
    try {
      record = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) { // parse_error, or out_of_range for a number like 1e999
      throw InputError(path + ":" + std::to_string(lineNumber) + ": not a JSON object: " + e.what());
    }
    if (!record.is_object() || !record.contains("text") || !record["text"].is_string())
      throw InputError(path + ":" + std::to_string(lineNumber) + ": field \"text\" (a string) is missing");
    std::string text = record["text"].get<std::string>();
    if (record.contains("title") && record["title"].is_string() && !record["title"].get<std::string>().empty())
      text = record["title"].get<std::string>() + " " + text;
    texts.push_back(std::move(text));
  }
  return texts;
}

// Every rank embeds its block of what it read, so a rank that read another file (a stale copy, another path)
// would silently mix two corpora: rank 0's passage count and content hash go to every rank, and all fail, naming
// the ranks that differ, when one does.
void requireSameInputOnEveryRank(distributed::Communicator& communicator, const std::vector<std::string>& texts) {
  std::string joined;
  for (const auto& text : texts)
    joined.append(text).push_back('\0');
  const std::string mine = std::to_string(texts.size()) + " " + contentHash(joined);
  const std::string root = communicator.broadcast(mine);
  std::vector<double> differs(static_cast<std::size_t>(communicator.worldSize()), 0.0);
  differs[static_cast<std::size_t>(communicator.rank())] = mine == root ? 0.0 : 1.0;
  communicator.allReduceSum(differs, "comparing the input of every rank");
  std::string ranks;
  for (std::size_t r = 0; r < differs.size(); ++r)
    if (differs[r] > 0)
      ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
  if (!ranks.empty())
    throw InputError("rank " + std::to_string(communicator.rank()) + ": rank(s) " + ranks +
                     " read another input than rank 0 (rank 0: " + root.substr(0, root.find(' ')) +
                     " passages, this rank: " + std::to_string(texts.size()) +
                     "): every rank must read the same --input");
}

void installModelCommands(CLI::App& app, CliContext& context) {
  auto tokenizeOptions = std::make_shared<TokenizeOptions>();
  CLI::App* tokenize = app.add_subcommand("tokenize", "Tokenize one text per line with a WordPiece tokenizer");
  tokenize->add_option("--tokenizer", tokenizeOptions->tokenizer, "tokenizer.json, vocab.txt or a model directory")
      ->required();
  tokenize->add_option("--input", tokenizeOptions->input, "Text file, one text per line ('-': standard input)")
      ->required();
  tokenize->add_option("--max-length", tokenizeOptions->maxLength, "Truncate to N tokens ([CLS]/[SEP] included)");
  addJsonFlag(tokenize, context);
  tokenize->callback([&context, tokenizeOptions] {
    const auto tokenizer = text::WordPieceTokenizer::fromPath(tokenizeOptions->tokenizer);
    auto in = openInput(tokenizeOptions->input);
    std::string line;
    while (std::getline(*in, line)) {
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      const auto encoding = tokenizer.encode(line, tokenizeOptions->maxLength);
      if (context.json) {
        std::cout << nlohmann::json{{"ids", encoding.ids}, {"tokens", encoding.tokens}}.dump() << '\n';
      } else {
        for (std::size_t i = 0; i < encoding.tokens.size(); ++i)
          std::cout << (i ? " " : "") << encoding.tokens[i];
        std::cout << '\n';
      }
    }
  });

  auto embedOptions = std::make_shared<EmbedOptions>();
  CLI::App* embed = app.add_subcommand("embed", "Embed the passages of a JSONL file into a float32 .npy matrix");
  embed->add_option("--model", embedOptions->model, "Model directory, 'default' or 'model:<id>'")->required();
  embed->add_option("--input", embedOptions->input, "JSONL with a \"text\" field per line (BEIR corpus.jsonl)")
      ->required();
  embed->add_option("--output", embedOptions->output, "Output .npy file (rows in input order)")->required();
  embed->add_option("--batch", embedOptions->batch, "Texts per batch")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  embed->add_option("--max-length", embedOptions->maxLength, "Tokens per text, [CLS]/[SEP] included")
      ->check(CLI::Range(2, 100000));
  embed->add_option("--threads", embedOptions->threads, "CPU threads (0: all cores)")->check(CLI::NonNegativeNumber);
  embed->add_option("--role", embedOptions->role, "passage or query (chooses the model's prefix)")
      ->check(CLI::IsMember({"passage", "query"}));
  embed->add_option("--store", embedOptions->store, "Experiment file, for 'default' and 'model:<id>'");
  embed->add_option("--corpus", embedOptions->corpus, "Corpus the default student is trained on");
  addJsonFlag(embed, context);
  embed->callback([&context, embedOptions] {
    // WORLD_SIZE > 1: every rank embeds its contiguous block of the input, rank 0 gathers the rows and writes the
    // file. WORLD_SIZE unset or 1: one process, as always.
    const auto world = distributed::readWorldEnvironment();
    std::unique_ptr<distributed::Communicator> communicator;
    if (world.distributed())
      communicator = distributed::Communicator::join(world);
    const auto texts = readPassages(embedOptions->input);
    if (communicator)
      requireSameInputOnEveryRank(*communicator, texts);
    std::optional<store::Store> store;
    if (!embedOptions->store.empty())
      store.emplace(store::Store::open(embedOptions->store, store::OpenMode::MustExist));
    model::EncoderContext encoderContext;
    encoderContext.store = store ? &*store : nullptr;
    encoderContext.corpus = embedOptions->corpus;
    encoderContext.progress = [](const Progress& p) { printProgress(p.stage, p.done, p.total); };
    // Rank 0 opens the model first: `default` may train and register it in the experiment, which the other
    // ranks then find there instead of training it again.
    std::unique_ptr<model::TextEncoder> encoder;
    if (world.isRoot())
      encoder = model::openEncoder(embedOptions->model, encoderContext);
    if (communicator)
      communicator->barrier("opening the model " + embedOptions->model);
    if (!encoder)
      encoder = model::openEncoder(embedOptions->model, encoderContext);

    std::optional<model::EmbeddingMatrixWriter> writer;
    if (world.isRoot())
      writer.emplace(embedOptions->output, static_cast<std::int64_t>(texts.size()), encoder->dimension());
    model::EncodeStatistics statistics;
    model::EncodeOptions options;
    options.batchSize = embedOptions->batch;
    options.maxLength = embedOptions->maxLength;
    options.threads = embedOptions->threads;
    options.statistics = &statistics;
    options.progress = [](const Progress& p) { printProgress(p.stage, p.done, p.total); };
    const auto role = embedOptions->role == "query" ? model::TextRole::Query : model::TextRole::Passage;
    const double started = monotonicSeconds();
    const std::string phase = "embedding " + std::to_string(texts.size()) + " texts into " + embedOptions->output;
    try {
      runPhase(phase, "run the command again", [&] {
        if (!communicator) {
          options.rowSink = [&writer](std::size_t row, const float* values) {
            writer->writeRow(static_cast<std::int64_t>(row), values);
          };
          encoder->encode(texts, role, options);
        } else {
          const auto total = static_cast<std::int64_t>(texts.size());
          const auto shard = distributed::contiguousShard(total, world.rank, world.worldSize);
          const std::vector<std::string> mine(texts.begin() + shard.begin, texts.begin() + shard.end);
          const auto rows = mine.empty() ? std::vector<float>{} : encoder->encode(mine, role, options);
          communicator->gatherRowsToRoot(
              rows, total, encoder->dimension(),
              [&writer](std::int64_t row, const float* values) { writer->writeRow(row, values); });
        }
        if (writer)
          writer->close();
      });
    } catch (...) {
      // A half-written matrix is not left behind to be mistaken for the embeddings (a device such as /dev/null is
      // left alone).
      if (writer) {
        writer.reset();
        std::error_code ignored;
        if (std::filesystem::is_regular_file(embedOptions->output, ignored))
          std::filesystem::remove(embedOptions->output, ignored);
      }
      throw;
    }
    const double seconds = monotonicSeconds() - started;
    const auto blas = model::blasRuntime();
    if (const auto warning = model::blasThreadingWarning(blas); !warning.empty())
      std::cerr << warning << "\n";
    const double perSecond = seconds > 0 ? static_cast<double>(texts.size()) / seconds : 0.0;
    const nlohmann::json result = {{"passages", texts.size()},
                                   {"dim", encoder->dimension()},
                                   {"seconds", seconds},
                                   {"passages_per_second", perSecond},
                                   {"padding_ratio", statistics.paddingRatio()},
                                   {"blas", blas.description},
                                   {"threads", statistics.threads},
                                   {"model", encoder->name()},
                                   {"output", embedOptions->output},
                                   {"world_size", world.worldSize},
                                   {"rank", world.rank}};
    std::ostringstream human;
    human << "embedded " << texts.size() << " passages with " << encoder->name() << " (dim " << encoder->dimension()
          << ") in " << seconds << " s (" << perSecond << " passages/s, padding ratio " << statistics.paddingRatio()
          << ")";
    if (world.distributed())
      human << " on " << world.worldSize << " ranks (this is rank " << world.rank << ")";
    if (world.isRoot())
      human << " -> " << embedOptions->output;
    printResult(context, result, human.str());
  });

  // A BERT-family directory to try the real-model path with when no pretrained weights are at hand.
  auto initOptions = std::make_shared<model::DefaultStudentOptions>();
  initOptions->layers = 2;
  initOptions->hiddenSize = 128;
  initOptions->heads = 2;
  initOptions->intermediateSize = 512;
  auto initPaths = std::make_shared<std::pair<std::string, std::string>>(); // input, output
  CLI::App* init = app.add_subcommand(
      "init-model", "Write a randomly initialised BERT encoder in the Hugging Face layout (config.json, "
                    "model.safetensors, tokenizer.json; WordPiece vocabulary learned from the input's texts), to try "
                    "the model-directory path of run, embed and eval without pretrained weights");
  init->add_option("--input", initPaths->first, "JSONL with a \"text\" field per line (BEIR corpus.jsonl)")->required();
  init->add_option("--out", initPaths->second, "Model directory to write (must not exist)")->required();
  init->add_option("--layers", initOptions->layers, "Transformer layers")
      ->check(CLI::Range(1, 48))
      ->capture_default_str();
  init->add_option("--hidden", initOptions->hiddenSize, "Hidden size")
      ->check(CLI::Range(8, 4096))
      ->capture_default_str();
  init->add_option("--heads", initOptions->heads, "Attention heads (must divide the hidden size)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  init->add_option("--intermediate", initOptions->intermediateSize, "Feed-forward size")
      ->check(CLI::Range(8, 16384))
      ->capture_default_str();
  init->add_option("--vocabulary", initOptions->vocabularySize, "WordPiece vocabulary size")
      ->check(CLI::Range(200, 200000))
      ->capture_default_str();
  init->add_option("--seed", initOptions->seed, "Random seed: the same seed writes the same weights");
  init->callback([&context, initOptions, initPaths] {
    if (initOptions->hiddenSize % initOptions->heads != 0)
      throw InputError("--heads " + std::to_string(initOptions->heads) + " does not divide --hidden " +
                       std::to_string(initOptions->hiddenSize));
    if (std::filesystem::exists(initPaths->second))
      throw InputError("'" + initPaths->second + "' already exists: init-model writes a new directory");
    const auto texts = readPassages(initPaths->first);
    model::saveRandomStudent(texts, initPaths->second, *initOptions);
    printResult(context, {{"output", initPaths->second}, {"layers", initOptions->layers}},
                "wrote a random " + std::to_string(initOptions->layers) + "-layer BERT (hidden " +
                    std::to_string(initOptions->hiddenSize) + ") to " + initPaths->second);
  });
}

const CliCommandRegistration registration(30, installModelCommands);

} // namespace
} // namespace distillery::cli
