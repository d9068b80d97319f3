#pragma once
// Opens the student a user names: a Hugging Face model directory, `default` (a small model trained from
// scratch on the corpus the first time, then reused), or `model:<id>` (a model stored in the experiment).
// No libtorch here: index, eval, pipeline and the CLI include this header.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "core/model/TextEncoder.h"
#include "core/util/Progress.h"

namespace distillery::store {
class Store;
}

namespace distillery::model {

struct EncoderContext {
  store::Store* store = nullptr; // needed for `default` and `model:<id>`
  std::string corpus;            // corpus name: what `default` trains on
  ProgressCallback progress;     // training progress of `default` the first time
  std::stop_token stop;
  std::uint64_t seed = 42;
  /// The corpus's passages as indexed, in id order, when the caller holds them already (a run): `default` then reads
  /// no second copy from the store.
  const std::vector<std::string>* indexedTexts = nullptr;
};

/// The model directory a spec names, training and registering the default student when needed.
/// Throws InputError with the reason (no such directory, unknown model id, corpus missing or empty).
std::filesystem::path resolveModelDirectory(const std::string& spec, const EncoderContext& context);

/// Opens the encoder a spec names (see resolveModelDirectory) on the default device.
std::unique_ptr<TextEncoder> openEncoder(const std::string& spec, const EncoderContext& context);

struct StoredModel {
  std::int64_t id = 0;
  std::string name;
  std::string kind; // huggingface | default | checkpoint
  std::string path; // the model directory; empty when not recorded
};

/// The experiment's registered models, newest first.
std::vector<StoredModel> listModels(store::Store& store);

/// Id in the experiment's `models` table of the model stored at directory, registering it when absent.
/// A directory holding a model in the export layout (config.json and model.safetensors).
bool isModelDirectory(const std::filesystem::path& directory);

std::int64_t registerModel(store::Store& store, const std::filesystem::path& directory, const std::string& kind,
                           const std::string& name, std::int64_t parentId = 0);

} // namespace distillery::model
