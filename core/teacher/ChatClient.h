#pragma once
// HTTP client for OpenAI-compatible chat completions: many requests in flight on one libcurl multi
// handle (no thread per request), client-side request and token rate limits, and retries with
// exponential backoff and jitter on 429, 5xx, timeouts and dropped connections (honouring Retry-After).
// It knows nothing of prompts: callers enqueue request bodies and get the outcome of each.
// Given several endpoints (a pool), it sends each request to the endpoint with the most free capacity, moves a
// failed request to an endpoint it has not failed on, and takes an endpoint that fails repeatedly out of service
// for a back-off period; a request fails only when it has failed on every endpoint.
#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "core/teacher/TeacherConfig.h"

namespace distillery::teacher {

struct ChatEndpoint {
  std::string name;    // how log lines name it, e.g. "endpoints[1] (http://gpu-2:8000/v1)"; never holds a secret
  std::string baseUrl; // .../v1; "/chat/completions" is appended
  std::string apiKey;  // sent as a Bearer token; never logged, scrubbed from every recorded text
  double timeoutSeconds = 60.0;
  std::vector<std::string> insecureTlsHosts; // hosts whose certificate is not checked; every other host's is
  std::size_t maxResponseBytes = kDefaultMaxResponseBytes; // a longer answer is refused, not read on
  int concurrency = 8;
  double requestsPerMinute = 0.0; // 0 = unlimited
  double tokensPerMinute = 0.0;   // 0 = unlimited
  RetryPolicy retry;
};

/// The final outcome of one enqueued request, after any retries.
struct ChatOutcome {
  bool ok = false;           // a 2xx answer arrived
  long httpStatus = 0;       // of the last attempt; 0 when no HTTP answer arrived
  std::string body;          // response body of the last attempt (key scrubbed)
  std::string failureReason; // when !ok: what went wrong on the last attempt and how many attempts were made
  bool transient = false;    // when !ok: gave up on errors that may pass (429, 5xx, timeouts, dropped connections)
  int attempts = 0;
  double latencyMs = 0.0; // first send to final answer, waits for retries included
  int endpoint = 0;       // index of the endpoint of the last attempt
};

/// What one endpoint of a client did over its life.
struct EndpointStats {
  std::int64_t answered = 0; // 2xx answers
  std::int64_t failed = 0;   // attempts that failed on the endpoint's side (429, 5xx, timeouts, dropped, 401, ...)
  std::int64_t takenOut = 0; // times it was taken out of service
  std::int64_t cameBack = 0; // times it answered again after being taken out
};

/// text with every occurrence of key replaced by "***" (text unchanged when key is empty), also where the key is
/// written with JSON escapes ("\u0073k-...", at any depth of quoting); the rest of the text keeps its bytes.
std::string scrubSecret(std::string text, const std::string& key);

/// The host of a URL, lower-case and without brackets ("[::1]" -> "::1"); empty when the URL cannot be parsed.
std::string hostOfUrl(const std::string& url);
/// Whether requests to url check the server's TLS certificate: always, unless url's host is one of insecureHosts
/// (compared case-insensitively, exactly: "example.com" does not cover "api.example.com").
bool verifiesCertificates(const std::string& url, const std::vector<std::string>& insecureHosts);

class ChatClient {
public:
  using Completion = std::function<void(std::uint64_t tag, ChatOutcome&& outcome)>;

  using Log = std::function<void(const std::string& line)>;

  explicit ChatClient(ChatEndpoint endpoint);
  /// A pool: requests go to any of the endpoints (none of which is taken out when there is only one). log receives a
  /// line when an endpoint is taken out of service and when it comes back.
  ChatClient(std::vector<ChatEndpoint> endpoints, PoolPolicy policy, Log log = {});
  ~ChatClient();
  ChatClient(const ChatClient&) = delete;
  ChatClient& operator=(const ChatClient&) = delete;

  /// Queues a request body (JSON) under a caller-chosen tag; estimatedTokens feeds the token limit.
  void enqueue(std::uint64_t tag, std::string body, std::int64_t estimatedTokens = 0);
  /// Tells the token limiter of `endpoint` how many tokens a finished call really used (corrects the estimate).
  void recordTokenUsage(std::int64_t estimatedTokens, std::int64_t actualTokens, int endpoint = 0);

  /// Sends everything queued and waits until all have an outcome; onComplete runs in this thread and
  /// may enqueue more. On stop, aborts the transfers in flight, drops the queue and throws Cancelled.
  void run(const Completion& onComplete, std::stop_token stop);

  /// Removes every endpoint's key (and its Bearer form) from text that is about to be recorded.
  std::string scrub(std::string text) const;

  const ChatEndpoint& endpoint() const; // the first
  std::vector<EndpointStats> endpointStats() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace distillery::teacher
