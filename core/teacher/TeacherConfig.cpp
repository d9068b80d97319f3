#include "core/teacher/TeacherConfig.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "core/teacher/ChatClient.h"
#include "core/util/Error.h"
#include "core/util/JsonNumber.h"

namespace distillery::teacher {
namespace {

std::string fieldName(const std::string& name) {
  return "teacher config: field '" + name + "'";
}

/// Reads json[name] into target; `path` is how errors name the field (e.g. "endpoints[2].concurrency").
template <typename T>
void readField(const nlohmann::json& json, const std::string& name, T& target, const std::string& path) {
  const auto it = json.find(name);
  if (it == json.end() || it->is_null())
    return;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    // Range-checked before converting: 5e20 converted to int is undefined.
    target = static_cast<T>(
        jsonWholeNumber(*it, std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), fieldName(path)));
  } else {
    try {
      target = it->get<T>();
    } catch (const nlohmann::json::exception&) {
      throw InputError(fieldName(path) + " has the wrong type (" + it->type_name() + ")");
    }
  }
}

template <typename T> void readField(const nlohmann::json& json, const char* name, T& target) {
  readField(json, name, target, name);
}

/// A host name or IP address as curl would connect to it; a URL, a port or a path is refused so that the user sees
/// at once that the entry would never match.
std::string insecureHost(const nlohmann::json& entry) {
  const std::string field = fieldName("tls_insecure_hosts");
  if (!entry.is_string() || entry.get<std::string>().empty())
    throw InputError(field + " must list host names as strings, e.g. [\"gpu-box.lab\"]");
  const std::string host = entry.get<std::string>();
  const bool ipv6 = std::count(host.begin(), host.end(), ':') >= 2;
  if (host.find_first_of("/@ \t") != std::string::npos || (!ipv6 && host.find(':') != std::string::npos))
    throw InputError(field + " entry '" + host +
                     "' must be a bare host name or IP address, without scheme, port "
                     "or path");
  return host;
}

// base_url is stored with the run's config (and shown in logs and exports): a key written into it, as a user name and
// password or a query parameter, would land there. A query string or fragment would also end up before the path the
// client appends ("/chat/completions"), so neither has a use. The message never repeats the URL.
void refuseCredentialsIn(const std::string& baseUrl, const std::string& field = "base_url") {
  const auto scheme = baseUrl.find("://");
  const auto authorityStart = scheme == std::string::npos ? 0 : scheme + 3;
  const auto authorityEnd = baseUrl.find_first_of("/?#", authorityStart);
  const std::string authority = baseUrl.substr(authorityStart, authorityEnd - authorityStart);
  std::string part;
  if (authority.find('@') != std::string::npos)
    part = "a user name or password before the host";
  else if (baseUrl.find('?') != std::string::npos)
    part = "a query string";
  else if (baseUrl.find('#') != std::string::npos)
    part = "a fragment";
  if (!part.empty())
    throw InputError(fieldName(field) + " must be the API's root such as https://api.openai.com/v1; it has " + part +
                     ", which would be stored with the run. Put the API key in an environment variable " +
                     "named by 'api_key_env' (it is sent as the Authorization header and never stored)");
}

std::string withoutTrailingSlashes(std::string url) {
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  return url;
}

/// Reads "endpoints" into config.endpoints. An entry's model, api_key_env and limits default to the top level's;
/// every entry must name the same model (and, where it names one, the same prompt_directory), or a pool would mix
/// teachers in one judgment cache.
void readPool(const nlohmann::json& list, TeacherConfig& config, const nlohmann::json& topLevel) {
  if (!list.is_array())
    throw InputError(fieldName("endpoints") + " must be a list such as [{\"base_url\": \"http://gpu-1:8000/v1\", " +
                     "\"model\": \"...\"}, ...]");
  if (list.empty())
    throw InputError(fieldName("endpoints") + " lists no endpoint");
  if (topLevel.contains("base_url") && !topLevel["base_url"].is_null())
    throw InputError("teacher config: give either 'base_url' (one endpoint) or 'endpoints' (a pool), not both");
  static const std::vector<std::string> known = {
      "base_url",          "model",          "api_key_env",     "concurrency", "requests_per_minute",
      "tokens_per_minute", "prompt_version", "prompt_directory"};
  for (std::size_t i = 0; i < list.size(); ++i) {
    const nlohmann::json& entry = list[i];
    const std::string at = "endpoints[" + std::to_string(i) + "]";
    if (!entry.is_object())
      throw InputError(fieldName(at) + " must be an object with base_url and model");
    if (entry.contains("api_key"))
      throw InputError(fieldName(at + ".api_key") + " is not accepted; put the key in an environment variable and " +
                       "name it in '" + at + ".api_key_env'");
    for (const auto& [key, value] : entry.items())
      if (std::find(known.begin(), known.end(), key) == known.end())
        throw InputError(fieldName(at + "." + key) +
                         " is not known; an endpoint takes base_url, model, api_key_env, concurrency, " +
                         "requests_per_minute, tokens_per_minute and prompt_version");
    TeacherEndpoint endpoint;
    endpoint.model = config.model;
    endpoint.apiKeyEnv = config.apiKeyEnv;
    endpoint.concurrency = config.concurrency;
    endpoint.requestsPerMinute = config.requestsPerMinute;
    endpoint.tokensPerMinute = config.tokensPerMinute;
    readField(entry, "base_url", endpoint.baseUrl, at + ".base_url");
    readField(entry, "model", endpoint.model, at + ".model");
    readField(entry, "api_key_env", endpoint.apiKeyEnv, at + ".api_key_env");
    readField(entry, "concurrency", endpoint.concurrency, at + ".concurrency");
    readField(entry, "requests_per_minute", endpoint.requestsPerMinute, at + ".requests_per_minute");
    readField(entry, "tokens_per_minute", endpoint.tokensPerMinute, at + ".tokens_per_minute");
    readField(entry, "prompt_version", endpoint.promptVersion, at + ".prompt_version");
    if (endpoint.baseUrl.empty())
      throw InputError(fieldName(at + ".base_url") + " is required");
    refuseCredentialsIn(endpoint.baseUrl, at + ".base_url");
    if (endpoint.model.empty())
      throw InputError(fieldName(at + ".model") + " is required (or a pool-wide 'model')");
    if (endpoint.concurrency < 1 || endpoint.concurrency > 256)
      throw InputError(fieldName(at + ".concurrency") + " must be between 1 and 256");
    if (endpoint.requestsPerMinute < 0 || endpoint.tokensPerMinute < 0)
      throw InputError(
          fieldName(at + (endpoint.requestsPerMinute < 0 ? ".requests_per_minute" : ".tokens_per_minute")) +
          " must not be negative");
    std::string promptDirectory = config.promptDirectory;
    readField(entry, "prompt_directory", promptDirectory, at + ".prompt_directory");
    if (promptDirectory != config.promptDirectory)
      throw InputError(fieldName(at + ".prompt_directory") + " is '" + promptDirectory + "' but the pool's " +
                       "'prompt_directory' is '" + config.promptDirectory +
                       "': every endpoint of a pool grades with the same prompts");
    // The first endpoint sets the model when the top level names none; the others must match it.
    const std::string reference = config.model.empty() && i > 0 ? config.endpoints.front().model : config.model;
    const std::string referenceField = config.model.empty() ? std::string("endpoints[0].model") : "model";
    if (!reference.empty() && endpoint.model != reference)
      throw InputError(fieldName(at + ".model") + " is '" + endpoint.model + "' but " + referenceField + " is '" +
                       reference + "': every endpoint of a pool must serve the same model, or the judgments of " +
                       "one run would mix teachers");
    for (std::size_t j = 0; j < config.endpoints.size(); ++j)
      if (withoutTrailingSlashes(config.endpoints[j].baseUrl) == withoutTrailingSlashes(endpoint.baseUrl) &&
          config.endpoints[j].apiKeyEnv == endpoint.apiKeyEnv)
        throw InputError(fieldName(at) + " repeats endpoints[" + std::to_string(j) +
                         "] (the same base_url and api_key_env); raise its concurrency instead");
    config.endpoints.push_back(std::move(endpoint));
  }
  if (const auto policy = topLevel.find("pool"); policy != topLevel.end() && !policy->is_null()) {
    if (!policy->is_object())
      throw InputError(fieldName("pool") + " must be an object");
    readField(*policy, "failures_to_take_out", config.pool.failuresToTakeOut, "pool.failures_to_take_out");
    readField(*policy, "backoff_seconds", config.pool.takeOutSeconds, "pool.backoff_seconds");
    readField(*policy, "max_backoff_seconds", config.pool.maxTakeOutSeconds, "pool.max_backoff_seconds");
    if (config.pool.failuresToTakeOut < 1)
      throw InputError(fieldName("pool.failures_to_take_out") + " must be at least 1");
    if (!(config.pool.takeOutSeconds > 0))
      throw InputError(fieldName("pool.backoff_seconds") + " must be positive");
    if (!(config.pool.maxTakeOutSeconds >= config.pool.takeOutSeconds))
      throw InputError(fieldName("pool.max_backoff_seconds") + " must be at least pool.backoff_seconds");
  }
  // The pool's totals, as the run estimate reads them.
  config.model = config.endpoints.front().model;
  config.concurrency = 0;
  double requests = 0, tokens = 0;
  bool requestsLimited = true, tokensLimited = true;
  for (const TeacherEndpoint& endpoint : config.endpoints) {
    config.concurrency += endpoint.concurrency;
    requests += endpoint.requestsPerMinute;
    tokens += endpoint.tokensPerMinute;
    requestsLimited = requestsLimited && endpoint.requestsPerMinute > 0;
    tokensLimited = tokensLimited && endpoint.tokensPerMinute > 0;
  }
  config.requestsPerMinute = requestsLimited ? requests : 0.0;
  config.tokensPerMinute = tokensLimited ? tokens : 0.0;
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
  refuseCredentialsIn(config.baseUrl);
  readField(json, "model", config.model);
  readField(json, "api_key_env", config.apiKeyEnv);
  readField(json, "temperature", config.temperature);
  readField(json, "synthesis_temperature", config.synthesisTemperature);
  readField(json, "max_tokens", config.maxTokens);
  readField(json, "timeout_seconds", config.timeoutSeconds);
  if (const auto verify = json.find("verify_tls"); verify != json.end() && !verify->is_null()) {
    // Accepted only as true (run configs stored before tls_insecure_hosts carry it): switching checks off for
    // every host at once would also cover a base_url changed later, so the host must be named.
    if (!verify->is_boolean())
      throw InputError(fieldName("verify_tls") + " has the wrong type (" + verify->type_name() + ")");
    if (!verify->get<bool>()) {
      const std::string host = hostOfUrl(config.baseUrl);
      throw InputError(fieldName("verify_tls") +
                       " false is not accepted: name the host whose certificate should "
                       "not be checked instead, e.g. \"tls_insecure_hosts\": [\"" +
                       (host.empty() ? std::string("host") : host) + "\"]");
    }
  }
  if (const auto hosts = json.find("tls_insecure_hosts"); hosts != json.end() && !hosts->is_null()) {
    if (!hosts->is_array())
      throw InputError(fieldName("tls_insecure_hosts") + " must be a list of host names");
    for (const auto& entry : *hosts)
      config.tlsInsecureHosts.push_back(insecureHost(entry));
  }
  if (const auto limit = json.find("max_response_bytes"); limit != json.end() && !limit->is_null())
    config.maxResponseBytes =
        static_cast<std::size_t>(jsonWholeNumber(*limit, 1024, std::int64_t{1} << 30, fieldName("max_response_bytes")));
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
  if (config.concurrency < 1 || config.concurrency > 256)
    throw InputError("teacher config: field 'concurrency' must be between 1 and 256");
  if (const auto list = json.find("endpoints"); list != json.end() && !list->is_null()) {
    if (config.kind != "openai")
      throw InputError("teacher config: field 'endpoints' is for an openai teacher (\"kind\": \"openai\")");
    readPool(*list, config, json);
  }
  if (config.kind == "openai" && !config.isPool()) {
    if (config.baseUrl.empty())
      throw InputError("teacher config: field 'base_url' is required for an openai teacher");
    if (config.model.empty())
      throw InputError("teacher config: field 'model' is required for an openai teacher");
  }
  for (const auto& [field, value] :
       {std::pair{"temperature", config.temperature}, {"synthesis_temperature", config.synthesisTemperature}})
    if (!(value >= 0.0 && value <= 2.0))
      throw InputError(std::string("teacher config: field '") + field + "' must be between 0 and 2");
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
  if (isPool()) {
    // The pool's totals in concurrency and the limits are derived: each endpoint carries its own.
    nlohmann::json list = nlohmann::json::array();
    for (const TeacherEndpoint& endpoint : endpoints) {
      nlohmann::json entry = {{"base_url", endpoint.baseUrl},
                              {"model", endpoint.model},
                              {"api_key_env", endpoint.apiKeyEnv},
                              {"concurrency", endpoint.concurrency},
                              {"requests_per_minute", endpoint.requestsPerMinute},
                              {"tokens_per_minute", endpoint.tokensPerMinute}};
      if (!endpoint.promptVersion.empty())
        entry["prompt_version"] = endpoint.promptVersion;
      list.push_back(std::move(entry));
    }
    json.update({{"model", model},
                 {"endpoints", list},
                 {"pool",
                  {{"failures_to_take_out", pool.failuresToTakeOut},
                   {"backoff_seconds", pool.takeOutSeconds},
                   {"max_backoff_seconds", pool.maxTakeOutSeconds}}}});
  } else {
    json.update({{"base_url", baseUrl},
                 {"model", model},
                 {"api_key_env", apiKeyEnv},
                 {"concurrency", concurrency},
                 {"requests_per_minute", requestsPerMinute},
                 {"tokens_per_minute", tokensPerMinute}});
  }
  json.update({{"temperature", temperature},
               {"synthesis_temperature", synthesisTemperature},
               {"max_tokens", maxTokens},
               {"timeout_seconds", timeoutSeconds},
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
  if (!tlsInsecureHosts.empty())
    json["tls_insecure_hosts"] = tlsInsecureHosts;
  if (maxResponseBytes != kDefaultMaxResponseBytes)
    json["max_response_bytes"] = maxResponseBytes;
  return json;
}

std::string TeacherEndpoint::label(std::size_t index) const {
  return "endpoints[" + std::to_string(index) + "] (" + baseUrl + ")";
}

std::vector<TeacherEndpoint> TeacherConfig::servingEndpoints() const {
  if (isPool())
    return endpoints;
  TeacherEndpoint single;
  single.baseUrl = baseUrl;
  single.model = model;
  single.apiKeyEnv = apiKeyEnv;
  single.concurrency = concurrency;
  single.requestsPerMinute = requestsPerMinute;
  single.tokensPerMinute = tokensPerMinute;
  return {single};
}

TeacherConfig TeacherConfig::forEndpoint(std::size_t index) const {
  const std::vector<TeacherEndpoint> serving = servingEndpoints();
  const TeacherEndpoint& endpoint = serving.at(index);
  TeacherConfig single = *this;
  single.endpoints.clear();
  single.pool = {};
  single.baseUrl = endpoint.baseUrl;
  single.model = endpoint.model;
  single.apiKeyEnv = endpoint.apiKeyEnv;
  single.concurrency = endpoint.concurrency;
  single.requestsPerMinute = endpoint.requestsPerMinute;
  single.tokensPerMinute = endpoint.tokensPerMinute;
  if (isPool())
    single.apiKey.reset(); // the caller's key belongs to the single-endpoint form, never to a pool's endpoints
  return single;
}

std::string TeacherConfig::resolveApiKey(const TeacherEndpoint& endpoint) const {
  if (!isPool())
    return resolveApiKey();
  if (endpoint.apiKeyEnv.empty())
    return {};
  const char* value = std::getenv(endpoint.apiKeyEnv.c_str());
  return value ? std::string(value) : std::string();
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
