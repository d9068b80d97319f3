#include "core/teacher/TeacherConfig.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/util/Error.h"

namespace distillery::teacher {
namespace {

template <typename T> void readField(const nlohmann::json& json, const char* name, T& target) {
  const auto it = json.find(name);
  if (it == json.end() || it->is_null())
    return;
  try {
    target = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw InputError(std::string("teacher config: field '") + name + "' has the wrong type (" + it->type_name() + ")");
  }
}

} // namespace

TeacherConfig TeacherConfig::fromJson(const nlohmann::json& json) {
  if (!json.is_object())
    throw InputError("teacher config: expected a JSON object");
  if (json.contains("api_key"))
    throw InputError("teacher config: field 'api_key' is not accepted; put the key in an environment variable and "
                     "name it in 'api_key_env'");
  TeacherConfig config;
  readField(json, "kind", config.kind);
  readField(json, "base_url", config.baseUrl);
  readField(json, "model", config.model);
  readField(json, "api_key_env", config.apiKeyEnv);
  readField(json, "temperature", config.temperature);
  readField(json, "max_tokens", config.maxTokens);
  readField(json, "timeout_seconds", config.timeoutSeconds);
  readField(json, "verify_tls", config.verifyTls);
  readField(json, "concurrency", config.concurrency);
  readField(json, "requests_per_minute", config.requestsPerMinute);
  readField(json, "tokens_per_minute", config.tokensPerMinute);
  readField(json, "json_mode", config.jsonMode);
  readField(json, "logprobs", config.logprobs);
  readField(json, "input_price_per_1k", config.inputPricePer1k);
  readField(json, "output_price_per_1k", config.outputPricePer1k);
  readField(json, "prompt_directory", config.promptDirectory);
  if (const auto retry = json.find("retry"); retry != json.end() && retry->is_object()) {
    readField(*retry, "max_attempts", config.retry.maxAttempts);
    readField(*retry, "initial_backoff_seconds", config.retry.initialBackoffSeconds);
    readField(*retry, "max_backoff_seconds", config.retry.maxBackoffSeconds);
    readField(*retry, "jitter_fraction", config.retry.jitterFraction);
    readField(*retry, "max_retry_after_seconds", config.retry.maxRetryAfterSeconds);
  }
  if (config.kind != "heuristic" && config.kind != "openai")
    throw InputError("teacher config: field 'kind' must be 'heuristic' or 'openai', not '" + config.kind + "'");
  if (config.kind == "openai") {
    if (config.baseUrl.empty())
      throw InputError("teacher config: field 'base_url' is required for an openai teacher");
    if (config.model.empty())
      throw InputError("teacher config: field 'model' is required for an openai teacher");
  }
  if (config.concurrency < 1 || config.concurrency > 256)
    throw InputError("teacher config: field 'concurrency' must be between 1 and 256");
  if (config.maxTokens < 1)
    throw InputError("teacher config: field 'max_tokens' must be positive");
  if (config.timeoutSeconds <= 0)
    throw InputError("teacher config: field 'timeout_seconds' must be positive");
  if (config.retry.maxAttempts < 1)
    throw InputError("teacher config: field 'retry.max_attempts' must be at least 1");
  return config;
}

TeacherConfig TeacherConfig::fromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw InputError("teacher config " + path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(buffer.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError("teacher config " + path + ": invalid JSON at byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::out_of_range& e) { // a number like 1e999
    throw InputError("teacher config " + path + ": invalid JSON: " + e.what());
  }
  try {
    return fromJson(json);
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
}

nlohmann::json TeacherConfig::toJson() const {
  nlohmann::json json = {{"kind", kind}};
  if (kind == "heuristic")
    return json;
  json.update({{"base_url", baseUrl},
               {"model", model},
               {"api_key_env", apiKeyEnv},
               {"temperature", temperature},
               {"max_tokens", maxTokens},
               {"timeout_seconds", timeoutSeconds},
               {"verify_tls", verifyTls},
               {"concurrency", concurrency},
               {"requests_per_minute", requestsPerMinute},
               {"tokens_per_minute", tokensPerMinute},
               {"json_mode", jsonMode},
               {"logprobs", logprobs},
               {"input_price_per_1k", inputPricePer1k},
               {"output_price_per_1k", outputPricePer1k},
               {"retry",
                {{"max_attempts", retry.maxAttempts},
                 {"initial_backoff_seconds", retry.initialBackoffSeconds},
                 {"max_backoff_seconds", retry.maxBackoffSeconds},
                 {"jitter_fraction", retry.jitterFraction},
                 {"max_retry_after_seconds", retry.maxRetryAfterSeconds}}}});
  if (!promptDirectory.empty())
    json["prompt_directory"] = promptDirectory;
  return json;
}

std::string TeacherConfig::resolveApiKey() const {
  if (apiKey)
    return *apiKey;
  if (apiKeyEnv.empty())
    return {};
  const char* value = std::getenv(apiKeyEnv.c_str());
  return value ? std::string(value) : std::string();
}

} // namespace distillery::teacher
