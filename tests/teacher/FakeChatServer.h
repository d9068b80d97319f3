#pragma once
// A scripted OpenAI-compatible chat-completions server on 127.0.0.1 for tests and the benchmark.
// Plain sockets, one thread per connection (keep-alive), so it needs no event loop from the test.
// The script decides each reply: status, headers, body, added latency, or dropping the connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace distillery::test {

struct FakeRequest {
  int index = 0; // 0-based arrival order over the server's life
  std::string path;
  std::string authorization; // the Authorization header as received
  std::string body;
  nlohmann::json json; // body parsed (null when it is not JSON)
  /// The content of the last user message, where prompts put the query and passage.
  std::string lastUserContent() const {
    if (!json.is_object() || !json.contains("messages"))
      return {};
    for (auto it = json["messages"].rbegin(); it != json["messages"].rend(); ++it)
      if (it->value("role", "") == "user")
        return it->value("content", "");
    return {};
  }
};

struct FakeReply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int delayMs = 0;
  bool drop = false; // close the connection without answering
};

/// A chat-completions body whose message content is `content`.
inline std::string chatCompletionBody(const std::string& content, int promptTokens = 50, int completionTokens = 12,
                                      const nlohmann::json& logprobs = nullptr) {
  nlohmann::json choice = {
      {"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}};
  if (!logprobs.is_null())
    choice["logprobs"] = logprobs;
  return nlohmann::json{{"id", "chatcmpl-test"},
                        {"object", "chat.completion"},
                        {"model", "fake-model"},
                        {"choices", nlohmann::json::array({choice})},
                        {"usage",
                         {{"prompt_tokens", promptTokens},
                          {"completion_tokens", completionTokens},
                          {"total_tokens", promptTokens + completionTokens}}}}
      .dump();
}

inline FakeReply gradeReply(int grade, const std::string& rationale = "Test rationale.") {
  return {200, chatCompletionBody(nlohmann::json{{"grade", grade}, {"rationale", rationale}}.dump()), {}, 0, false};
}

class FakeChatServer {
public:
  using Script = std::function<FakeReply(const FakeRequest&)>;

  explicit FakeChatServer(Script script) : script_(std::move(script)) {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listenFd_, 128) != 0)
      throw std::runtime_error("fake server: cannot listen on 127.0.0.1");
    socklen_t length = sizeof address;
    ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptThread_ = std::thread([this] { acceptLoop(); });
  }

  ~FakeChatServer() { stop(); }

  void stop() {
    if (stopping_.exchange(true))
      return;
    wake_.notify_all();
    ::shutdown(listenFd_, SHUT_RDWR);
    ::close(listenFd_);
    acceptThread_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : openFds_)
        ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& thread : connectionThreads_)
      thread.join();
  }

  std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  int requestCount() const { return nextIndex_.load(); }
  int maxConcurrent() const { return maxInFlight_.load(); }
  int connectionCount() const { return connections_.load(); }
  std::vector<FakeRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

private:
  void acceptLoop() {
    while (!stopping_) {
      const int fd = ::accept(listenFd_, nullptr, nullptr);
      if (fd < 0)
        return;
      int yes = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      std::lock_guard lock(mutex_);
      openFds_.push_back(fd);
      ++connections_;
      connectionThreads_.emplace_back([this, fd] { serve(fd); });
    }
  }

  static bool readRequest(int fd, std::string& buffer, std::string& head, std::string& body) {
    std::size_t headerEnd;
    char chunk[65536];
    while ((headerEnd = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0)
        return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    head = buffer.substr(0, headerEnd);
    std::size_t contentLength = 0;
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (const auto at = lower.find("content-length:"); at != std::string::npos)
      contentLength = std::stoul(lower.substr(at + 15));
    while (buffer.size() < headerEnd + 4 + contentLength) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0)
        return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    body = buffer.substr(headerEnd + 4, contentLength);
    buffer.erase(0, headerEnd + 4 + contentLength);
    return true;
  }

  static std::string headerValue(const std::string& head, const std::string& name) {
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto at = lower.find("\r\n" + name + ":");
    if (at == std::string::npos)
      return {};
    const auto start = head.find_first_not_of(' ', at + 3 + name.size());
    return head.substr(start, head.find("\r\n", start) - start);
  }

  static const char* statusText(int status) {
    switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
    }
  }

  void serve(int fd) {
    std::string buffer, head, body;
    while (!stopping_ && readRequest(fd, buffer, head, body)) {
      FakeRequest request;
      request.index = nextIndex_++;
      const auto firstSpace = head.find(' ');
      request.path = head.substr(firstSpace + 1, head.find(' ', firstSpace + 1) - firstSpace - 1);
      request.authorization = headerValue(head, "authorization");
      request.body = body;
      request.json = nlohmann::json::parse(body, nullptr, false);
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      const int inFlight = ++inFlight_;
      for (int seen = maxInFlight_.load(); inFlight > seen && !maxInFlight_.compare_exchange_weak(seen, inFlight);) {
      }
      const FakeReply reply = script_(request);
      if (reply.delayMs > 0) {
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, std::chrono::milliseconds(reply.delayMs), [this] { return stopping_.load(); });
      }
      --inFlight_;
      if (reply.drop || stopping_)
        break;
      std::string response =
          "HTTP/1.1 " + std::to_string(reply.status) + " " + statusText(reply.status) +
          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\n";
      for (const auto& [name, value] : reply.headers)
        response += name + ": " + value + "\r\n";
      response += "\r\n" + reply.body;
      if (::send(fd, response.data(), response.size(), MSG_NOSIGNAL) < 0)
        break;
    }
    ::shutdown(fd, SHUT_RDWR);
    std::lock_guard lock(mutex_);
    openFds_.erase(std::remove(openFds_.begin(), openFds_.end(), fd), openFds_.end());
    ::close(fd);
  }

  Script script_;
  int listenFd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> nextIndex_{0};
  std::atomic<int> inFlight_{0};
  std::atomic<int> maxInFlight_{0};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<int> openFds_;
  std::vector<FakeRequest> requests_;
  std::thread acceptThread_;
  std::vector<std::thread> connectionThreads_;
};

} // namespace distillery::test
