#pragma once
// How a teacher is chosen and configured, as stored in a run's config. It names the environment
// variable that holds the API key, never the key itself, so it can be saved and exported safely.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace distillery::teacher {

/// When and how failed HTTP calls are tried again (tests shrink the delays).
struct RetryPolicy {
  int maxAttempts = 5; // HTTP attempts per request, the first included
  double initialBackoffSeconds = 1.0;
  double maxBackoffSeconds = 30.0;
  double jitterFraction = 0.25;      // each delay is multiplied by a random factor in [1-j, 1+j]
  double maxRetryAfterSeconds = 120; // longer Retry-After values are capped to this
};

/// A completion with logprobs for 4,096 tokens is about 3 MB; a longer answer is a broken or hostile server.
inline constexpr std::size_t kDefaultMaxResponseBytes = 8u << 20;

struct TeacherConfig {
  std::string kind = "heuristic";           // heuristic | openai
  std::string baseUrl;                      // e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1
  std::string model;                        // model name sent to the endpoint
  std::string apiKeyEnv = "OPENAI_API_KEY"; // environment variable holding the key (may be unset for local servers)
  std::optional<std::string> apiKey;        // set by the GUI from the keychain; never serialised
  double temperature = 0.0;                 // of judging: greedy, so a pair's grade is the model's most likely one
  /// Of query synthesis: sampling gives varied queries (greedy decoding writes near-identical ones for similar
  /// passages). 0.8 as in Tamber et al. 2025's released query-generation scripts (vLLM, temperature=0.8).
  double synthesisTemperature = 0.8;
  int maxTokens = 256;          // per completion
  double timeoutSeconds = 60.0; // per HTTP attempt
  /// Hosts (names or IP addresses, no scheme or port) whose TLS certificate is not checked, e.g. a lab server
  /// with a self-signed one. Certificates of every other host are always checked.
  std::vector<std::string> tlsInsecureHosts;
  std::size_t maxResponseBytes = kDefaultMaxResponseBytes; // per HTTP answer (decompressed)
  int concurrency = 8;                                     // requests in flight on the one multi handle
  double requestsPerMinute = 0.0;                          // 0 = no client-side limit
  double tokensPerMinute = 0.0;                            // 0 = no client-side limit
  bool jsonMode = true;          // send response_format json_object (dropped if the endpoint refuses)
  bool logprobs = true;          // ask for logprobs (dropped if the endpoint refuses)
  double inputPricePer1k = 0.0;  // cost estimate per 1,000 prompt tokens
  double outputPricePer1k = 0.0; // cost estimate per 1,000 completion tokens
  std::string promptDirectory;   // overrides the bundled prompt templates when set
  RetryPolicy retry;

  /// Reads {"kind": "heuristic"} or {"kind": "openai", "base_url": ..., "model": ..., ...}.
  /// Throws InputError naming the field that is wrong; refuses an inline "api_key".
  static TeacherConfig fromJson(const nlohmann::json& json);
  /// Reads a JSON config file; errors name the file.
  static TeacherConfig fromFile(const std::string& path);
  /// The config without any secret, for run configs and reports.
  nlohmann::json toJson() const;
  /// The key to send: apiKey if set, else the variable apiKeyEnv names; empty when neither.
  std::string resolveApiKey() const;
};

} // namespace distillery::teacher
