#include "core/teacher/ChatClient.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <mutex>
#include <random>
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
  int attempts = 0;         // attempts already made
  double firstStarted = -1; // monotonic seconds of the first send
};

struct Transfer {
  Pending request;
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

struct ChatClient::Impl {
  ChatEndpoint endpoint;
  std::string url;
  CURLM* multi = nullptr;
  curl_slist* headers = nullptr;
  std::vector<CURL*> idleHandles;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
  std::deque<Pending> ready;
  std::multimap<double, Pending> delayed; // by the monotonic time the retry is due
  TokenBucket requestLimit;
  TokenBucket tokenLimit;
  std::mt19937_64 random{std::random_device{}()};
  bool verifyCertificates = true; // decided once: every request goes to the one url, and redirects are not followed

  explicit Impl(ChatEndpoint e)
      : endpoint(std::move(e)), requestLimit(endpoint.requestsPerMinute), tokenLimit(endpoint.tokensPerMinute) {
    initCurlOnce();
    url = endpoint.baseUrl;
    while (!url.empty() && url.back() == '/')
      url.pop_back();
    url += "/chat/completions";
    verifyCertificates = verifiesCertificates(url, endpoint.insecureTlsHosts);
    multi = curl_multi_init();
    if (!multi)
      throw Error("teacher: cannot create a libcurl multi handle");
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(endpoint.concurrency));
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
    if (!endpoint.apiKey.empty())
      headers = curl_slist_append(headers, ("Authorization: Bearer " + endpoint.apiKey).c_str());
  }

  ~Impl() {
    abortActive();
    for (CURL* easy : idleHandles)
      curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
  }

  void abortActive() {
    for (auto& [easy, transfer] : active) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
    }
    active.clear();
  }

  double backoffSeconds(int attemptsMade, double retryAfter) {
    const RetryPolicy& policy = endpoint.retry;
    double delay = policy.initialBackoffSeconds * std::pow(2.0, attemptsMade - 1);
    delay = std::min(delay, policy.maxBackoffSeconds);
    std::uniform_real_distribution<double> jitter(1.0 - policy.jitterFraction, 1.0 + policy.jitterFraction);
    delay *= jitter(random);
    if (retryAfter > 0)
      delay = std::max(delay, std::min(retryAfter, policy.maxRetryAfterSeconds));
    return std::max(0.0, delay);
  }

  void start(Pending request) {
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
    if (transfer->request.firstStarted < 0)
      transfer->request.firstStarted = monotonicSeconds();
    ++transfer->request.attempts;
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->request.body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(transfer->request.body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
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
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, verifyCertificates ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, verifyCertificates ? 2L : 0L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "Distillery/" DISTILLERY_VERSION);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    requestLimit.take(1);
    tokenLimit.take(static_cast<double>(transfer->request.estimatedTokens));
    const CURLMcode added = curl_multi_add_handle(multi, easy);
    if (added != CURLM_OK) {
      curl_easy_cleanup(easy);
      throw Error(std::string("teacher: libcurl refused a request: ") + curl_multi_strerror(added));
    }
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

  void finish(CURL* easy, CURLcode code, const Completion& onComplete,
              const std::function<std::string(std::string)>& scrub) {
    auto node = active.find(easy);
    std::unique_ptr<Transfer> transfer = std::move(node->second);
    active.erase(node);
    curl_multi_remove_handle(multi, easy);

    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    const double retryAfter = code == CURLE_OK ? retryAfterSeconds(easy) : 0.0;
    idleHandles.push_back(easy);

    Pending& request = transfer->request;
    bool retryable = false;
    std::string reason;
    if (code == CURLE_OK && status >= 200 && status < 300) {
      ChatOutcome outcome;
      outcome.ok = true;
      outcome.httpStatus = status;
      outcome.body = scrub(std::move(transfer->response));
      outcome.attempts = request.attempts;
      outcome.latencyMs = (monotonicSeconds() - request.firstStarted) * 1000.0;
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
      reason = "HTTP " + std::to_string(status) + (status == 429 ? " (rate limited)" : "") + ": " +
               snippet(transfer->response);
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      retryable = true;
      reason = "timed out after " + std::to_string(static_cast<int>(endpoint.timeoutSeconds * 1000)) + " ms";
    } else if (isDroppedConnection(code)) {
      retryable = true;
      reason = std::string("connection dropped: ") +
               (transfer->errorBuffer[0] ? transfer->errorBuffer : curl_easy_strerror(code));
    } else {
      reason = std::string("request failed: ") +
               (transfer->errorBuffer[0] ? transfer->errorBuffer : curl_easy_strerror(code));
    }

    if (retryable && request.attempts < endpoint.retry.maxAttempts) {
      const double due = monotonicSeconds() + backoffSeconds(request.attempts, retryAfter);
      delayed.emplace(due, std::move(request));
      return;
    }
    ChatOutcome outcome;
    outcome.httpStatus = code == CURLE_OK ? status : 0;
    outcome.transient = retryable;
    outcome.body = scrub(std::move(transfer->response));
    outcome.attempts = request.attempts;
    outcome.latencyMs = (monotonicSeconds() - request.firstStarted) * 1000.0;
    outcome.failureReason =
        scrub(reason) +
        (retryable ? " (gave up after " + std::to_string(request.attempts) + " attempts)" : " (not retried)");
    onComplete(request.tag, std::move(outcome));
  }
};

ChatClient::ChatClient(ChatEndpoint endpoint) : impl_(std::make_unique<Impl>(std::move(endpoint))) {}
ChatClient::~ChatClient() = default;

const ChatEndpoint& ChatClient::endpoint() const {
  return impl_->endpoint;
}

void ChatClient::enqueue(std::uint64_t tag, std::string body, std::int64_t estimatedTokens) {
  Pending request;
  request.tag = tag;
  request.body = std::move(body);
  request.estimatedTokens = estimatedTokens;
  impl_->ready.push_back(std::move(request));
}

void ChatClient::recordTokenUsage(std::int64_t estimatedTokens, std::int64_t actualTokens) {
  impl_->tokenLimit.adjust(static_cast<double>(actualTokens - estimatedTokens));
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
  return scrubSecret(std::move(text), impl_->endpoint.apiKey);
}

void ChatClient::run(const Completion& onComplete, std::stop_token stop) {
  Impl& d = *impl_;
  // A stop request wakes the poll at once instead of waiting for network activity.
  std::stop_callback wake(stop, [&d] { curl_multi_wakeup(d.multi); });
  const auto scrubber = [this](std::string text) { return scrub(std::move(text)); };

  while (!d.ready.empty() || !d.delayed.empty() || !d.active.empty()) {
    if (stop.stop_requested()) {
      d.abortActive();
      d.ready.clear();
      d.delayed.clear();
      throw Cancelled();
    }
    const double now = monotonicSeconds();
    while (!d.delayed.empty() && d.delayed.begin()->first <= now) {
      d.ready.push_back(std::move(d.delayed.begin()->second));
      d.delayed.erase(d.delayed.begin());
    }
    double limiterWait = 0;
    while (!d.ready.empty() && static_cast<int>(d.active.size()) < d.endpoint.concurrency) {
      const double tokens = static_cast<double>(d.ready.front().estimatedTokens);
      limiterWait = std::max(d.requestLimit.waitFor(1), d.tokenLimit.waitFor(tokens));
      if (limiterWait > 0)
        break;
      Pending next = std::move(d.ready.front());
      d.ready.pop_front();
      d.start(std::move(next));
    }

    int running = 0;
    curl_multi_perform(d.multi, &running);
    while (CURLMsg* message = [&] {
      int left = 0;
      return curl_multi_info_read(d.multi, &left);
    }()) {
      if (message->msg == CURLMSG_DONE)
        d.finish(message->easy_handle, message->data.result, onComplete, scrubber);
    }
    if (d.ready.empty() && d.delayed.empty() && d.active.empty())
      break;
    if (!d.ready.empty() && static_cast<int>(d.active.size()) < d.endpoint.concurrency && limiterWait <= 0)
      continue; // completions freed slots: start the next requests before waiting

    double waitSeconds = 1.0;
    if (!d.delayed.empty())
      waitSeconds = std::min(waitSeconds, d.delayed.begin()->first - monotonicSeconds());
    if (limiterWait > 0)
      waitSeconds = std::min(waitSeconds, limiterWait);
    // Waits for network activity, the next retry or limiter slot, or a stop (curl_multi_wakeup); with
    // nothing on the wire curl_multi_poll simply sleeps for the timeout.
    const int waitMs = std::max(0, static_cast<int>(std::ceil(waitSeconds * 1000)));
    curl_multi_poll(d.multi, nullptr, 0, waitMs, nullptr);
  }
}

} // namespace distillery::teacher
