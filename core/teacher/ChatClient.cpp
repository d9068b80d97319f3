#include "core/teacher/ChatClient.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <curl/curl.h>

#include "core/util/Error.h"
#include "core/util/Time.h"

namespace distillery::teacher {
namespace {

void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/// Client-side limit: `ratePerSecond` units refill a bucket of `capacity`; a request waits until its
/// units are there. Requests larger than the bucket go when it is full, so nothing waits forever.
class TokenBucket {
public:
  TokenBucket(double perMinute) : rate_(perMinute / 60.0), capacity_(std::max(1.0, perMinute / 60.0)) {
    tokens_ = capacity_;
    last_ = monotonicSeconds();
  }
  bool limited() const { return rate_ > 0; }
  /// Seconds until `units` can be taken (0 = now).
  double waitFor(double units) {
    if (!limited())
      return 0;
    refill();
    const double need = std::min(units, capacity_);
    return tokens_ >= need ? 0.0 : (need - tokens_) / rate_;
  }
  void take(double units) {
    if (limited())
      tokens_ -= units;
  }
  /// Corrects an earlier take once the real size is known (may drive the bucket below zero).
  void adjust(double units) {
    if (limited())
      tokens_ = std::min(capacity_, tokens_ - units);
  }

private:
  void refill() {
    const double now = monotonicSeconds();
    tokens_ = std::min(capacity_, tokens_ + (now - last_) * rate_);
    last_ = now;
  }
  double rate_;
  double capacity_;
  double tokens_;
  double last_;
};

struct Pending {
  std::uint64_t tag = 0;
  std::string body;
  std::int64_t estimatedTokens = 0;
  int attempts = 0;         // attempts already made, on every endpoint
  double firstStarted = -1; // monotonic seconds of the first send
  // Per endpoint (one entry each):
  std::vector<int> attemptsOn;            // attempts made there
  std::vector<char> givenUpOn;            // given up there: its attempts spent, or a failure retrying cannot mend
  std::vector<char> retryableOn;          // the last failure there may pass if asked again
  std::vector<std::string> lastFailureOn; // what went wrong there last
  int lastEndpoint = -1;                  // where it failed last: tried elsewhere first
};

struct Transfer {
  Pending request;
  int endpoint = 0;
  std::string response;
  std::size_t maxResponseBytes = 0;
  bool responseTooLarge = false;
  char errorBuffer[CURL_ERROR_SIZE] = {};
};

size_t appendBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (transfer->response.size() + bytes > transfer->maxResponseBytes) {
    transfer->responseTooLarge = true;
    return 0; // anything but `bytes` makes libcurl abort the transfer (CURLE_WRITE_ERROR)
  }
  transfer->response.append(data, bytes);
  return bytes;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string withoutBrackets(std::string host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return host;
}

bool isDroppedConnection(CURLcode code) {
  switch (code) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
    return true;
  default:
    return false;
  }
}

std::string snippet(const std::string& body) {
  constexpr std::size_t kMax = 300;
  std::string text = body.size() > kMax ? body.substr(0, kMax) + "..." : body;
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

} // namespace

std::string hostOfUrl(const std::string& url) {
  // libcurl's own parser, so the host compared is the host libcurl connects to (user@host, [v6], ports).
  CURLU* parsed = curl_url();
  if (!parsed)
    return {};
  std::string host;
  char* part = nullptr;
  if (curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(parsed, CURLUPART_HOST, &part, 0) == CURLUE_OK && part) {
    host = withoutBrackets(lowercase(part));
    curl_free(part);
  }
  curl_url_cleanup(parsed);
  return host;
}

bool verifiesCertificates(const std::string& url, const std::vector<std::string>& insecureHosts) {
  const std::string host = hostOfUrl(url);
  if (host.empty())
    return true;
  return std::none_of(insecureHosts.begin(), insecureHosts.end(),
                      [&](const std::string& listed) { return withoutBrackets(lowercase(listed)) == host; });
}

namespace {

/// One endpoint of the client: its URL and headers, its limits, what is in flight on it and whether it is in service.
struct EndpointState {
  ChatEndpoint config;
  std::string url;
  curl_slist* headers = nullptr;
  bool verifyCertificates = true; // decided once: every request goes to the one url, and redirects are not followed
  TokenBucket requestLimit;
  TokenBucket tokenLimit;
  int active = 0;
  int failuresInRow = 0;
  double outUntil = 0;    // monotonic seconds; out of service until then (0: in service)
  double outSince = 0;    // when the present outage began (0: none)
  bool returning = false; // back from a take-out: one request at a time until one is answered
  double nextTakeOut = 0; // the back-off of its next take-out
  EndpointStats stats;

  explicit EndpointState(ChatEndpoint e)
      : config(std::move(e)), requestLimit(config.requestsPerMinute), tokenLimit(config.tokensPerMinute) {
    url = config.baseUrl;
    while (!url.empty() && url.back() == '/')
      url.pop_back();
    url += "/chat/completions";
    verifyCertificates = verifiesCertificates(url, config.insecureTlsHosts);
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
    if (!config.apiKey.empty())
      headers = curl_slist_append(headers, ("Authorization: Bearer " + config.apiKey).c_str());
  }
  ~EndpointState() { curl_slist_free_all(headers); }
  EndpointState(const EndpointState&) = delete;
  EndpointState& operator=(const EndpointState&) = delete;

  bool inService(double now) const { return outUntil <= now; }
  int capacity() const { return returning ? 1 : config.concurrency; }
};

std::string secondsText(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, seconds < 10 ? "%.1f s" : "%.0f s", seconds);
  return text;
}

} // namespace

struct ChatClient::Impl {
  std::vector<std::unique_ptr<EndpointState>> endpoints;
  PoolPolicy policy;
  Log log;
  CURLM* multi = nullptr;
  std::vector<CURL*> idleHandles;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
  std::deque<Pending> ready;              // not yet sent (and, with one endpoint, due retries)
  std::deque<Pending> retries;            // of a pool: due again after failing somewhere, sent before fresh ones
  std::multimap<double, Pending> delayed; // by the monotonic time the retry is due
  std::mt19937_64 random{std::random_device{}()};

  Impl(std::vector<ChatEndpoint> list, PoolPolicy p, Log l) : policy(p), log(std::move(l)) {
    initCurlOnce();
    if (list.empty())
      throw Error("teacher: no endpoint to send requests to");
    long connections = 0;
    for (ChatEndpoint& endpoint : list) {
      connections += endpoint.concurrency;
      endpoints.push_back(std::make_unique<EndpointState>(std::move(endpoint)));
      endpoints.back()->nextTakeOut = policy.takeOutSeconds;
    }
    multi = curl_multi_init();
    if (!multi)
      throw Error("teacher: cannot create a libcurl multi handle");
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, connections);
  }

  ~Impl() {
    abortActive();
    for (CURL* easy : idleHandles)
      curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
  }

  bool isPool() const { return endpoints.size() > 1; }

  void abortActive() {
    for (auto& [easy, transfer] : active) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      --endpoints[transfer->endpoint]->active;
    }
    active.clear();
  }

  void say(const std::string& line) const {
    if (log)
      log(line);
  }

  Pending fresh(std::uint64_t tag, std::string body, std::int64_t estimatedTokens) const {
    Pending request;
    request.tag = tag;
    request.body = std::move(body);
    request.estimatedTokens = estimatedTokens;
    request.attemptsOn.assign(endpoints.size(), 0);
    request.givenUpOn.assign(endpoints.size(), 0);
    request.retryableOn.assign(endpoints.size(), 0);
    request.lastFailureOn.assign(endpoints.size(), std::string());
    return request;
  }

  /// Whether the request may still go to endpoint i: not given up there, and (in a pool) i is in service. An endpoint
  /// out of service has just failed repeatedly, so a request with nowhere else to go counts it as failed too.
  bool usable(const Pending& request, std::size_t i, double now) const {
    return !request.givenUpOn[i] && endpoints[i]->inService(now);
  }

  /// The endpoint to send the request to now, or -1 (none free; `anywhere` tells whether it may go anywhere at all).
  /// Prefers an endpoint it has tried least, then one other than where it failed last, then the most free slots.
  int choose(const Pending& request, double now, double& limiterWait, bool& anywhere) {
    int best = -1;
    anywhere = false;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      if (!usable(request, i, now))
        continue;
      anywhere = true;
      EndpointState& e = *endpoints[i];
      if (e.active >= e.capacity())
        continue;
      const double wait =
          std::max(e.requestLimit.waitFor(1), e.tokenLimit.waitFor(static_cast<double>(request.estimatedTokens)));
      if (wait > 0) {
        limiterWait = limiterWait > 0 ? std::min(limiterWait, wait) : wait;
        continue;
      }
      if (best < 0) {
        best = static_cast<int>(i);
        continue;
      }
      const EndpointState& b = *endpoints[best];
      const auto key = [&](std::size_t at, const EndpointState& s) {
        return std::tuple(request.attemptsOn[at], static_cast<int>(at) == request.lastEndpoint,
                          -(s.capacity() - s.active));
      };
      if (key(i, e) < key(static_cast<std::size_t>(best), b))
        best = static_cast<int>(i);
    }
    return best;
  }

  double backoffSeconds(const RetryPolicy& policy, int attemptsMade, double retryAfter) {
    double delay = policy.initialBackoffSeconds * std::pow(2.0, attemptsMade - 1);
    delay = std::min(delay, policy.maxBackoffSeconds);
    std::uniform_real_distribution<double> jitter(1.0 - policy.jitterFraction, 1.0 + policy.jitterFraction);
    delay *= jitter(random);
    if (retryAfter > 0)
      delay = std::max(delay, std::min(retryAfter, policy.maxRetryAfterSeconds));
    return std::max(0.0, delay);
  }

  void start(Pending request, int endpointIndex) {
    EndpointState& e = *endpoints[endpointIndex];
    CURL* easy = nullptr;
    if (!idleHandles.empty()) {
      easy = idleHandles.back();
      idleHandles.pop_back();
      curl_easy_reset(easy);
    } else {
      easy = curl_easy_init();
      if (!easy)
        throw Error("teacher: cannot create a libcurl handle");
    }
    auto transfer = std::make_unique<Transfer>();
    transfer->request = std::move(request);
    transfer->endpoint = endpointIndex;
    if (transfer->request.firstStarted < 0)
      transfer->request.firstStarted = monotonicSeconds();
    ++transfer->request.attempts;
    ++transfer->request.attemptsOn[endpointIndex];
    const ChatEndpoint& endpoint = e.config;
    curl_easy_setopt(easy, CURLOPT_URL, e.url.c_str());
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->request.body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(transfer->request.body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, e.headers);
    transfer->maxResponseBytes = endpoint.maxResponseBytes;
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    // Refused at once when Content-Length says too much; appendBody bounds the decompressed size either way.
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(endpoint.maxResponseBytes));
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->errorBuffer);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(endpoint.timeoutSeconds * 1000));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(endpoint.timeoutSeconds, 30.0) * 1000));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, e.verifyCertificates ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, e.verifyCertificates ? 2L : 0L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "Distillery/" DISTILLERY_VERSION);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    e.requestLimit.take(1);
    e.tokenLimit.take(static_cast<double>(transfer->request.estimatedTokens));
    const CURLMcode added = curl_multi_add_handle(multi, easy);
    if (added != CURLM_OK) {
      curl_easy_cleanup(easy);
      throw Error(std::string("teacher: libcurl refused a request: ") + curl_multi_strerror(added));
    }
    ++e.active;
    active.emplace(easy, std::move(transfer));
  }

  /// Retry-After in seconds (delta or HTTP date), or 0 when absent.
  static double retryAfterSeconds(CURL* easy) {
    curl_header* header = nullptr;
    if (curl_easy_header(easy, "Retry-After", 0, CURLH_HEADER, -1, &header) != CURLHE_OK || !header)
      return 0;
    const std::string value = header->value;
    char* end = nullptr;
    const double seconds = std::strtod(value.c_str(), &end);
    if (end != value.c_str())
      return std::max(0.0, seconds);
    const time_t when = curl_getdate(value.c_str(), nullptr);
    if (when < 0)
      return 0;
    return std::max(0.0, static_cast<double>(when - std::time(nullptr)));
  }

  /// Of a pool: the endpoint answered; one back from a take-out is in full service again.
  void answered(EndpointState& e) {
    ++e.stats.answered;
    e.failuresInRow = 0;
    if (e.returning) {
      e.returning = false;
      ++e.stats.cameBack;
      say("teacher endpoint " + e.config.name + " is back in service: it answered again " +
          secondsText(monotonicSeconds() - e.outSince) + " after it was taken out");
      e.outSince = 0;
      e.nextTakeOut = policy.takeOutSeconds;
    }
  }

  /// Of a pool: the endpoint failed an attempt on its side. Enough failures in a row, or a failure on its return, take
  /// it out of service, unless it is the last endpoint in service (requests then wait and retry there, as with one).
  void failedOn(EndpointState& e, const std::string& reason) {
    ++e.stats.failed;
    ++e.failuresInRow;
    const double now = monotonicSeconds();
    if (!e.inService(now))
      return; // already out: an attempt sent before it was taken out
    if (!e.returning && e.failuresInRow < policy.failuresToTakeOut)
      return;
    const bool othersInService = std::any_of(endpoints.begin(), endpoints.end(), [&](const auto& other) {
      return other.get() != &e && other->inService(now);
    });
    if (!othersInService) {
      if (e.returning) { // the last endpoint in service serves in full, as a single endpoint would
        e.returning = false;
        e.outSince = 0;
        say("teacher endpoint " + e.config.name + " still fails, but it is the last endpoint in service: it stays in");
      }
      return;
    }
    const double seconds = e.nextTakeOut;
    const bool again = e.returning;
    e.returning = false;
    e.outUntil = now + seconds;
    if (e.outSince == 0)
      e.outSince = now;
    e.nextTakeOut = std::min(seconds * 2, policy.maxTakeOutSeconds);
    ++e.stats.takenOut;
    say("teacher endpoint " + e.config.name +
        (again ? " failed again on its return" : " failed " + std::to_string(e.failuresInRow) + " times in a row") +
        "; taken out of service for " + secondsText(seconds) +
        ", its requests go to the other endpoints (last: " + reason + ")");
  }

  /// Returns endpoints whose back-off has passed to service, one request at a time until one is answered.
  void returnEndpoints(double now) {
    for (const auto& e : endpoints)
      if (e->outUntil > 0 && e->outUntil <= now) {
        e->outUntil = 0;
        e->returning = true;
      }
  }

  /// The outcome of a request that failed on every endpoint it could go to.
  /// everywhere: it failed on every endpoint of a pool (else on the one it was sent to, or for a fault of its own).
  ChatOutcome givenUp(Pending& request, long status, std::string body, const std::string& lastReason,
                      bool lastRetryable, const std::function<std::string(std::string)>& scrub, bool everywhere) {
    ChatOutcome outcome;
    outcome.httpStatus = status;
    outcome.body = scrub(std::move(body));
    outcome.attempts = request.attempts;
    outcome.latencyMs = (monotonicSeconds() - request.firstStarted) * 1000.0;
    outcome.endpoint = std::max(0, request.lastEndpoint);
    if (!everywhere) {
      outcome.transient = lastRetryable;
      outcome.failureReason =
          scrub(lastReason) +
          (lastRetryable ? " (gave up after " + std::to_string(request.attempts) + " attempts)" : " (not retried)");
      return outcome;
    }
    const double now = monotonicSeconds();
    std::string reason = "failed on every endpoint of the pool:";
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      outcome.transient =
          outcome.transient || request.retryableOn[i] || (request.attemptsOn[i] == 0 && !endpoints[i]->inService(now));
      reason += (i == 0 ? " " : "; ") + endpoints[i]->config.name + ": ";
      if (request.attemptsOn[i] == 0)
        reason += "out of service";
      else
        reason += request.lastFailureOn[i] + " (" + std::to_string(request.attemptsOn[i]) + " attempts)";
    }
    outcome.failureReason = scrub(reason);
    return outcome;
  }

  void finish(CURL* easy, CURLcode code, const Completion& onComplete,
              const std::function<std::string(std::string)>& scrub) {
    auto node = active.find(easy);
    std::unique_ptr<Transfer> transfer = std::move(node->second);
    active.erase(node);
    curl_multi_remove_handle(multi, easy);
    EndpointState& e = *endpoints[transfer->endpoint];
    --e.active;
    const ChatEndpoint& endpoint = e.config;

    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    const double retryAfter = code == CURLE_OK ? retryAfterSeconds(easy) : 0.0;
    idleHandles.push_back(easy);

    Pending& request = transfer->request;
    bool retryable = false;
    bool endpointFault = false; // the endpoint failed, not the request: another endpoint may answer it
    std::string reason;
    if (code == CURLE_OK && status >= 200 && status < 300) {
      if (isPool())
        answered(e);
      ChatOutcome outcome;
      outcome.ok = true;
      outcome.httpStatus = status;
      outcome.body = scrub(std::move(transfer->response));
      outcome.attempts = request.attempts;
      outcome.latencyMs = (monotonicSeconds() - request.firstStarted) * 1000.0;
      outcome.endpoint = transfer->endpoint;
      onComplete(request.tag, std::move(outcome));
      return;
    }
    if (transfer->responseTooLarge || code == CURLE_FILESIZE_EXCEEDED) {
      // The same request would get the same flood: not retried, and nothing of it is kept.
      transfer->response.clear();
      reason = "response larger than the " + std::to_string(endpoint.maxResponseBytes) +
               " bytes allowed (max_response_bytes); not read further";
    } else if (code == CURLE_OK) {
      retryable = status == 429 || status >= 500;
      // 400, 413 and 422 are about the request (another endpoint would say the same); the rest of 4xx (a refused
      // key, an unknown path) about this endpoint.
      endpointFault = retryable || (status != 400 && status != 413 && status != 422);
      reason = "HTTP " + std::to_string(status) + (status == 429 ? " (rate limited)" : "") + ": " +
               snippet(transfer->response);
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      retryable = endpointFault = true;
      reason = "timed out after " + std::to_string(static_cast<int>(endpoint.timeoutSeconds * 1000)) + " ms";
    } else if (isDroppedConnection(code)) {
      retryable = endpointFault = true;
      reason = std::string("connection dropped: ") +
               (transfer->errorBuffer[0] ? transfer->errorBuffer : curl_easy_strerror(code));
    } else {
      endpointFault = true; // a host that does not resolve, a certificate refused
      reason = std::string("request failed: ") +
               (transfer->errorBuffer[0] ? transfer->errorBuffer : curl_easy_strerror(code));
    }

    const int here = transfer->endpoint;
    request.lastEndpoint = here;
    request.retryableOn[here] = retryable;
    request.lastFailureOn[here] = reason;
    if (!retryable || request.attemptsOn[here] >= endpoint.retry.maxAttempts)
      request.givenUpOn[here] = 1;
    if (isPool() && endpointFault)
      failedOn(e, scrub(reason));
    if (!isPool() || !endpointFault) {
      // One endpoint, or a failure of the request itself: retried where it was sent, as far as the policy allows.
      if (!request.givenUpOn[here]) {
        const double due = monotonicSeconds() + backoffSeconds(endpoint.retry, request.attemptsOn[here], retryAfter);
        delayed.emplace(due, std::move(request));
        return;
      }
      onComplete(request.tag, givenUp(request, code == CURLE_OK ? status : 0, std::move(transfer->response), reason,
                                      retryable, scrub, false));
      return;
    }
    // A pool: at once to an endpoint tried less often than this one; after a back-off when it has been tried
    // everywhere as often; failed when it may go nowhere.
    const double now = monotonicSeconds();
    bool anywhere = false, lessTried = false;
    for (std::size_t i = 0; i < endpoints.size(); ++i)
      if (usable(request, i, now)) {
        anywhere = true;
        lessTried = lessTried || request.attemptsOn[i] < request.attemptsOn[here];
      }
    if (!anywhere) {
      onComplete(request.tag, givenUp(request, code == CURLE_OK ? status : 0, std::move(transfer->response), reason,
                                      retryable, scrub, true));
      return;
    }
    if (lessTried) {
      retries.push_back(std::move(request));
      return;
    }
    const double due = now + backoffSeconds(endpoint.retry, request.attemptsOn[here], retryAfter);
    delayed.emplace(due, std::move(request));
  }
};

ChatClient::ChatClient(ChatEndpoint endpoint) : ChatClient(std::vector<ChatEndpoint>{std::move(endpoint)}, {}) {}
ChatClient::ChatClient(std::vector<ChatEndpoint> endpoints, PoolPolicy policy, Log log)
    : impl_(std::make_unique<Impl>(std::move(endpoints), policy, std::move(log))) {}
ChatClient::~ChatClient() = default;

const ChatEndpoint& ChatClient::endpoint() const {
  return impl_->endpoints.front()->config;
}

std::vector<EndpointStats> ChatClient::endpointStats() const {
  std::vector<EndpointStats> stats;
  for (const auto& e : impl_->endpoints)
    stats.push_back(e->stats);
  return stats;
}

void ChatClient::enqueue(std::uint64_t tag, std::string body, std::int64_t estimatedTokens) {
  impl_->ready.push_back(impl_->fresh(tag, std::move(body), estimatedTokens));
}

void ChatClient::recordTokenUsage(std::int64_t estimatedTokens, std::int64_t actualTokens, int endpoint) {
  if (endpoint >= 0 && static_cast<std::size_t>(endpoint) < impl_->endpoints.size())
    impl_->endpoints[endpoint]->tokenLimit.adjust(static_cast<double>(actualTokens - estimatedTokens));
}

namespace {

// The four hex digits at text[at..at+4) as a number, or -1.
long hex4(std::string_view text, std::size_t at) {
  if (at + 4 > text.size())
    return -1;
  long value = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = text[i];
    const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                      : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                  : -1;
    if (digit < 0)
      return -1;
    value = value * 16 + digit;
  }
  return value;
}

// Where an occurrence of key that starts at `at` ends, each character written as itself or as a JSON escape at any
// depth of quoting ("\u0073", "\\u0073", "\/"); npos when there is none.
std::size_t endOfKeyAt(std::string_view text, std::size_t at, std::string_view key) {
  std::size_t p = at;
  for (const char c : key) {
    if (p < text.size() && text[p] == c) {
      ++p;
      continue;
    }
    std::size_t q = p;
    while (q < text.size() && text[q] == '\\')
      ++q;
    if (q == p || q >= text.size())
      return std::string_view::npos;
    if (text[q] == 'u' && hex4(text, q + 1) == static_cast<unsigned char>(c))
      p = q + 5;
    else if (text[q] == '/' && c == '/')
      p = q + 1;
    else
      return std::string_view::npos;
  }
  return p;
}

} // namespace

std::string scrubSecret(std::string text, const std::string& key) {
  if (key.empty())
    return text;
  for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at))
    text.replace(at, key.size(), "***");
  // A key written with JSON escapes is not in the bytes, but it is in what any reader decodes. It is replaced where it
  // stands, so that JSON stays JSON (the transport scrubs whole response bodies before they are parsed).
  if (text.find('\\') == std::string::npos)
    return text;
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t end = (text[i] == key[0] || text[i] == '\\') ? endOfKeyAt(text, i, key) : std::string::npos;
    if (end != std::string::npos) {
      out += "***";
      i = end;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string ChatClient::scrub(std::string text) const {
  for (const auto& e : impl_->endpoints)
    text = scrubSecret(std::move(text), e->config.apiKey);
  return text;
}

void ChatClient::run(const Completion& onComplete, std::stop_token stop) {
  Impl& d = *impl_;
  // A stop request wakes the poll at once instead of waiting for network activity.
  std::stop_callback wake(stop, [&d] { curl_multi_wakeup(d.multi); });
  const auto scrubber = [this](std::string text) { return scrub(std::move(text)); };
  const auto pending = [&d] { return !d.ready.empty() || !d.retries.empty() || !d.delayed.empty(); };

  while (pending() || !d.active.empty()) {
    if (stop.stop_requested()) {
      d.abortActive();
      d.ready.clear();
      d.retries.clear();
      d.delayed.clear();
      throw Cancelled();
    }
    double now = monotonicSeconds();
    d.returnEndpoints(now);
    while (!d.delayed.empty() && d.delayed.begin()->first <= now) {
      (d.isPool() ? d.retries : d.ready).push_back(std::move(d.delayed.begin()->second));
      d.delayed.erase(d.delayed.begin());
    }
    double limiterWait = 0;
    bool anywhere = true;
    // Requests that failed somewhere first: each may be bound to fewer endpoints, so all are looked at.
    for (auto it = d.retries.begin(); it != d.retries.end();) {
      const int chosen = d.choose(*it, now, limiterWait, anywhere);
      if (chosen >= 0) {
        d.start(std::move(*it), chosen);
        it = d.retries.erase(it);
      } else if (!anywhere) { // its endpoints went out of service while it waited
        Pending request = std::move(*it);
        it = d.retries.erase(it);
        onComplete(request.tag, d.givenUp(request, 0, {}, request.lastFailureOn[std::max(0, request.lastEndpoint)],
                                          request.retryableOn[std::max(0, request.lastEndpoint)], scrubber, true));
      } else {
        ++it;
      }
    }
    // Fresh requests may go to any endpoint in service: once one finds no room, none behind it will.
    while (!d.ready.empty()) {
      const int chosen = d.choose(d.ready.front(), now, limiterWait, anywhere);
      if (chosen < 0)
        break;
      Pending next = std::move(d.ready.front());
      d.ready.pop_front();
      d.start(std::move(next), chosen);
    }

    int running = 0;
    curl_multi_perform(d.multi, &running);
    bool finished = false;
    while (CURLMsg* message = [&] {
      int left = 0;
      return curl_multi_info_read(d.multi, &left);
    }()) {
      if (message->msg == CURLMSG_DONE) {
        d.finish(message->easy_handle, message->data.result, onComplete, scrubber);
        finished = true;
      }
    }
    if (!pending() && d.active.empty())
      break;
    if (finished && (!d.ready.empty() || !d.retries.empty()) && limiterWait <= 0)
      continue; // completions freed slots: start the next requests before waiting

    now = monotonicSeconds();
    double waitSeconds = 1.0;
    if (!d.delayed.empty())
      waitSeconds = std::min(waitSeconds, d.delayed.begin()->first - now);
    if (limiterWait > 0)
      waitSeconds = std::min(waitSeconds, limiterWait);
    for (const auto& e : d.endpoints)
      if (e->outUntil > 0)
        waitSeconds = std::min(waitSeconds, e->outUntil - now);
    // Waits for network activity, the next retry, limiter slot or endpoint's return, or a stop (curl_multi_wakeup);
    // with nothing on the wire curl_multi_poll simply sleeps for the timeout.
    const int waitMs = std::max(0, static_cast<int>(std::ceil(waitSeconds * 1000)));
    curl_multi_poll(d.multi, nullptr, 0, waitMs, nullptr);
  }
}

} // namespace distillery::teacher
