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

/// One server of a pool ("endpoints": [...]). Every endpoint of a pool serves the same model with the same prompts.
struct TeacherEndpoint {
  std::string baseUrl;
  std::string model;
  std::string apiKeyEnv;          // the variable holding this endpoint's key (may be empty for a local server)
  int concurrency = 8;            // requests in flight on this endpoint
  double requestsPerMinute = 0.0; // 0 = no client-side limit
  double tokensPerMinute = 0.0;   // 0 = no client-side limit
  std::string promptVersion;      // optional: the judging prompt version it is meant for; refused when not the pool's
  /// How logs and messages name it, e.g. "endpoints[1] (http://gpu-2:8000/v1)" (base_url never holds a secret).
  std::string label(std::size_t index) const;
};

/// How a pool treats an endpoint that keeps failing (429, 5xx, timeouts, refused connections, 401/403/404).
struct PoolPolicy {
  int failuresToTakeOut = 3;        // failures in a row that take an endpoint out of service
  double takeOutSeconds = 30.0;     // the first back-off; doubled each time it fails again on its return
  double maxTakeOutSeconds = 600.0; // the back-off never grows beyond this
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
  /// A pool of endpoints ("endpoints": [...]) instead of base_url; empty for the single-endpoint form. For a pool,
  /// model is the pool's one model, and concurrency, requestsPerMinute and tokensPerMinute hold the pool's totals
  /// (what the run estimate reads; a limit is 0 when any endpoint has none); each endpoint's own are in endpoints.
  std::vector<TeacherEndpoint> endpoints;
  PoolPolicy pool; // of a pool only

  bool isPool() const { return !endpoints.empty(); }
  /// The endpoints requests go to: the pool's, or the one of base_url with the top-level limits.
  std::vector<TeacherEndpoint> servingEndpoints() const;
  /// The single-endpoint config of endpoint `index` of servingEndpoints() (what `teacher check` sends to).
  TeacherConfig forEndpoint(std::size_t index) const;

  /// Reads {"kind": "heuristic"}, {"kind": "openai", "base_url": ..., "model": ..., ...} or the pool form
  /// {"kind": "openai", "endpoints": [{"base_url": ..., "model": ..., ...}, ...], ...}.
  /// Throws InputError naming the field that is wrong (e.g. 'endpoints[2].model'); refuses an inline "api_key".
  static TeacherConfig fromJson(const nlohmann::json& json);
  /// Reads a JSON config file; errors name the file.
  static TeacherConfig fromFile(const std::string& path);
  /// The config without any secret, for run configs and reports.
  nlohmann::json toJson() const;
  /// The key to send: apiKey if set, else the variable apiKeyEnv names; empty when neither.
  std::string resolveApiKey() const;
  /// The key to send to one of servingEndpoints(): for the single-endpoint form resolveApiKey(); for a pool the
  /// variable the endpoint names. apiKey (the workbench's keychain key) is never sent to a pool's endpoints.
  std::string resolveApiKey(const TeacherEndpoint& endpoint) const;
};

} // namespace distillery::teacher
