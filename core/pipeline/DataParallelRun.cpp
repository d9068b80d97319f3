#include "core/pipeline/DataParallelRun.h"

#include <torch/torch.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/distributed/Communicator.h"
#include "core/distributed/WorldEnvironment.h"
#include "core/model/StudentModel.h"
#include "core/pipeline/StudentTrainer.h"
#include "core/util/Error.h"

namespace distillery::pipeline {
namespace {

using nlohmann::json;

// A model directory as one blob: per file (sorted), its relative path, a NUL, its size (8 bytes) and its bytes.
std::string packDirectory(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory))
    if (entry.is_regular_file())
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::string blob;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in && !in.eof())
      throw Error("sending the student to the other ranks: cannot read " + file.string());
    const std::string bytes = content.str();
    const std::uint64_t size = bytes.size();
    blob += std::filesystem::relative(file, directory).generic_string();
    blob.push_back('\0');
    blob.append(reinterpret_cast<const char*>(&size), sizeof size);
    blob += bytes;
  }
  return blob;
}

void unpackDirectory(const std::string& blob, const std::filesystem::path& directory) {
  std::filesystem::remove_all(directory);
  std::size_t at = 0;
  while (at < blob.size()) {
    const auto end = blob.find('\0', at);
    if (end == std::string::npos || end + 1 + sizeof(std::uint64_t) > blob.size())
      throw Error("a student sent by rank 0 is truncated");
    const std::filesystem::path relative = blob.substr(at, end - at);
    std::uint64_t size = 0;
    std::memcpy(&size, blob.data() + end + 1, sizeof size);
    const std::size_t from = end + 1 + sizeof size;
    if (from + size > blob.size() || relative.is_absolute() ||
        relative.generic_string().find("..") != std::string::npos)
      throw Error("a student sent by rank 0 is malformed at " + relative.string());
    const auto path = directory / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(blob.data() + from, static_cast<std::streamsize>(size));
    if (!out)
      throw Error("cannot write " + path.string() + " (the student rank 0 sent)");
    at = from + size;
  }
}

json examplesJson(const std::vector<TrainingExample>& examples) {
  json list = json::array();
  for (const auto& e : examples)
    list.push_back({{"query", e.query},
                    {"passages", e.passages},
                    {"teacher_scores", e.teacherScores},
                    {"positives", e.positives},
                    {"negatives", e.negatives},
                    {"excluded", e.excluded}});
  return list;
}

std::vector<TrainingExample> examplesFrom(const json& list) {
  std::vector<TrainingExample> examples;
  for (const auto& item : list) {
    TrainingExample e;
    e.query = item.at("query");
    e.passages = item.at("passages").get<std::vector<std::string>>();
    e.teacherScores = item.at("teacher_scores").get<std::vector<double>>();
    e.positives = item.at("positives").get<std::vector<std::size_t>>();
    e.negatives = item.at("negatives").get<std::vector<std::size_t>>();
    e.excluded = item.at("excluded").get<std::vector<std::size_t>>();
    examples.push_back(std::move(e));
  }
  return examples;
}

// Every rank's contiguous block of texts embedded; the rows arrive on rank 0 (rank 0 passes `rows`).
void embedShard(distributed::Communicator& communicator, model::StudentModel& model,
                const std::vector<std::string>& texts, int threads, const ProgressCallback& progress,
                std::vector<float>* rows) {
  const auto total = static_cast<std::int64_t>(texts.size());
  const auto shard = distributed::contiguousShard(total, communicator.rank(), communicator.worldSize());
  model::EncodeOptions options;
  options.threads = threads;
  options.progress = progress;
  const std::vector<std::string> mine(texts.begin() + shard.begin, texts.begin() + shard.end);
  const std::vector<float> local =
      mine.empty() ? std::vector<float>{} : model.encode(mine, model::TextRole::Passage, options);
  const std::int64_t columns = model.config().hiddenSize;
  if (rows)
    rows->assign(static_cast<std::size_t>(total * columns), 0.0f);
  communicator.gatherRowsToRoot(local, total, columns, [&](std::int64_t row, const float* values) {
    std::copy_n(values, columns, rows->data() + row * columns);
  });
}

TrainingConfig trainingConfigFrom(const json& message) {
  TrainingConfig config = parseRunConfig(message.at("run_config"), "the training config rank 0 sent").training;
  config.learningRate = message.at("learning_rate");
  return config;
}

} // namespace

void RunWorkers::sendModel(std::int64_t modelId, const std::string& modelDirectory) {
  if (modelsSent_.count(modelId))
    return;
  communicator_.post(json{{"op", "model"}, {"model", modelId}}.dump());
  communicator_.broadcast(packDirectory(modelDirectory));
  modelsSent_.insert(modelId);
}

std::vector<float> RunWorkers::embedCorpus(std::int64_t modelId, const std::string& modelDirectory,
                                           model::StudentModel& model, const std::vector<std::string>& texts,
                                           const std::string& fingerprint, int threads,
                                           const ProgressCallback& progress, std::stop_token stop) {
  sendModel(modelId, modelDirectory);
  if (textsSent_ != fingerprint) {
    communicator_.post(json{{"op", "texts"}}.dump());
    communicator_.broadcast(json(texts).dump());
    textsSent_ = fingerprint;
  }
  communicator_.post(json{{"op", "embed"}, {"model", modelId}, {"threads", threads}}.dump());
  // Rank 0's block is not cut short on stop: the others would wait for its rows; the stop is honoured after.
  std::vector<float> rows;
  embedShard(communicator_, model, texts, threads, progress, &rows);
  throwIfStopped(stop);
  return rows;
}

void RunWorkers::startTraining(std::int64_t modelId, const std::string& modelDirectory,
                               const std::vector<TrainingExample>& train, const TrainingConfig& config, double maxGrade,
                               std::uint64_t seed, int threads) {
  sendModel(modelId, modelDirectory);
  RunConfig carrier;
  carrier.training = config;
  carrier.training.learningRate = 0; // the parser's rule; the rate travels on its own
  communicator_.post(json{
      {"op", "train"},
      {"model", modelId},
      {"run_config", toJson(carrier)},
      {"learning_rate", config.learningRate},
      {"max_grade", maxGrade},
      {"seed", seed},
      {"threads",
       threads}}.dump());
  communicator_.broadcast(examplesJson(train).dump());
}

void RunWorkers::finish(const std::string& status, bool failing) {
  if (!failing) {
    communicator_.post(json{{"op", "end"}, {"status", status}}.dump());
    communicator_.barrier("ending the run"); // rank 0's store must outlive the others' reading of the word
    return;
  }
  // Failing, perhaps because a rank died, and a barrier would wait for it: the others poll every 20 ms, so a short
  // grace lets the living read the word before rank 0's store goes away with it (if they miss it, they still fail
  // naming rank 0).
  try {
    communicator_.post(json{{"op", "end"}, {"status", status}}.dump());
  } catch (const Error&) {
    return;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
}

namespace {

class ShardedCorpusEncoder : public model::TextEncoder {
public:
  ShardedCorpusEncoder(RunWorkers& workers, std::unique_ptr<model::TextEncoder> inner, std::string modelDirectory,
                       std::int64_t modelId)
      : workers_(workers), inner_(std::move(inner)), modelDirectory_(std::move(modelDirectory)), modelId_(modelId) {}
  std::string name() const override { return inner_->name(); }
  int dimension() const override { return inner_->dimension(); }
  std::vector<float> encode(const std::vector<std::string>& texts, model::TextRole role,
                            const model::EncodeOptions& options) override {
    if (role != model::TextRole::Passage)
      return inner_->encode(texts, role, options);
    if (!model_)
      model_ = model::StudentModel::load(modelDirectory_, model::defaultDevice());
    auto rows = workers_.embedCorpus(modelId_, modelDirectory_, *model_, texts, "eval-" + std::to_string(++corpora_),
                                     options.threads, options.progress, options.stop);
    if (!options.rowSink)
      return rows;
    const auto columns = static_cast<std::size_t>(dimension());
    for (std::size_t i = 0; i < texts.size(); ++i)
      options.rowSink(i, rows.data() + i * columns);
    return {};
  }

private:
  RunWorkers& workers_;
  std::unique_ptr<model::TextEncoder> inner_;
  std::string modelDirectory_;
  std::int64_t modelId_;
  std::shared_ptr<model::StudentModel> model_;
  int corpora_ = 0; // passage lists embedded so far: each is sent to the other ranks
};

} // namespace

std::unique_ptr<model::TextEncoder> shardedCorpusEncoder(RunWorkers& workers, std::unique_ptr<model::TextEncoder> inner,
                                                         const std::string& modelDirectory, std::int64_t modelId) {
  return std::make_unique<ShardedCorpusEncoder>(workers, std::move(inner), modelDirectory, modelId);
}

std::string serveRunWorker(distributed::Communicator& communicator,
                           const std::function<void(const std::string& line)>& log) {
  const std::string self = "rank " + std::to_string(communicator.rank());
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / ("distillery-" + self.substr(5) + "-" + std::to_string(::getpid()));
  struct Cleanup {
    std::filesystem::path path;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } cleanup{scratch};
  std::map<std::int64_t, std::shared_ptr<model::StudentModel>> models;
  std::vector<std::string> texts;
  const auto modelFor = [&](const json& message) {
    const std::int64_t id = message.at("model");
    const auto found = models.find(id);
    if (found == models.end())
      throw Error(self + ": rank 0 asked for student " + std::to_string(id) + " without sending it");
    return found->second;
  };
  while (true) {
    const json message = json::parse(communicator.awaitPost("waiting for rank 0's next request"));
    const std::string op = message.at("op");
    if (op == "end") {
      communicator.barrier("ending the run");
      return message.at("status");
    }
    if (message.contains("threads") && message.at("threads").get<int>() > 0)
      torch::set_num_threads(message.at("threads").get<int>());
    if (op == "model") {
      const std::int64_t id = message.at("model");
      const auto directory = scratch / ("model" + std::to_string(id));
      unpackDirectory(communicator.broadcast({}), directory);
      if (models.size() > 2) // the working set of a run: the base student and the last rounds'
        models.erase(models.begin());
      models[id] = model::StudentModel::load(directory, model::defaultDevice());
    } else if (op == "texts") {
      texts = json::parse(communicator.broadcast({})).get<std::vector<std::string>>();
    } else if (op == "embed") {
      const auto shard = distributed::contiguousShard(static_cast<std::int64_t>(texts.size()), communicator.rank(),
                                                      communicator.worldSize());
      log(self + ": embedding passages " + std::to_string(shard.begin) + ".." + std::to_string(shard.end) + " of " +
          std::to_string(texts.size()) + " with student " + std::to_string(message.at("model").get<std::int64_t>()));
      embedShard(communicator, *modelFor(message), texts, message.at("threads"), {}, nullptr);
    } else if (op == "train") {
      auto student = modelFor(message)->clone();
      const auto train = examplesFrom(json::parse(communicator.broadcast({})));
      log(self + ": training student " + std::to_string(message.at("model").get<std::int64_t>()) + " on its share of " +
          std::to_string(train.size()) + " queries' batches");
      try {
        const auto report =
            trainStudent(*student, nullptr, train, {}, {}, trainingConfigFrom(message), message.at("max_grade"),
                         message.at("seed"), {}, {}, {}, TrainingWorld{&communicator});
        log(self + ": " + std::to_string(report.steps) + " steps trained");
      } catch (const Cancelled&) {
        log(self + ": rank 0 stopped the training"); // its word on how the command ends follows
      }
    } else {
      throw Error(self + ": rank 0 asked for '" + op + "', which this version does not know");
    }
  }
}

void commandOnRank0(distributed::Communicator& communicator, const std::function<void(RunWorkers& workers)>& command) {
  RunWorkers workers(communicator);
  try {
    command(workers);
  } catch (const Cancelled&) {
    workers.finish("paused", true);
    throw;
  } catch (const std::exception& e) {
    workers.finish(std::string("failed: ") + e.what(), true);
    throw;
  }
  workers.finish("ended");
}

void commandOnOtherRank(distributed::Communicator& communicator, const std::string& command,
                        const std::function<void(const std::string& line)>& log) {
  const std::string self = "rank " + std::to_string(communicator.rank());
  log(self + " of " + std::to_string(communicator.worldSize()) + ": serving rank 0's " + command +
      " (rank 0 alone opens the experiment and prints the result)");
  const std::string status = serveRunWorker(communicator, log);
  log(self + ": rank 0's " + command + " " + (status.rfind("failed", 0) == 0 ? status : "ended (" + status + ")"));
  if (status.rfind("failed", 0) == 0)
    throw Error(self + ": rank 0's " + command + " " + status);
}

} // namespace distillery::pipeline
