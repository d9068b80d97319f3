#pragma once
// A minimal HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for downloader tests: one request per
// connection, a handler decides each reply, every request is recorded with its arrival time.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace distillery::test {

class LocalHttpServer {
public:
  struct Request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers; // lower-case names
    double seconds = 0;                         // arrival, since the server started
  };
  struct Reply {
    int status = 200;
    std::string body;
    std::map<std::string, std::string> headers;
  };
  using Handler = std::function<Reply(const Request&)>;

  explicit LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 16);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  ~LocalHttpServer() {
    stopping_ = true;
    thread_.join();
    ::close(listener_);
  }

  std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

private:
  void serve() {
    const auto started = std::chrono::steady_clock::now();
    while (!stopping_) {
      pollfd fd{listener_, POLLIN, 0};
      if (::poll(&fd, 1, 50) <= 0)
        continue;
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0)
        continue;
      std::string raw;
      char buffer[4096];
      while (raw.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0)
          break;
        raw.append(buffer, static_cast<std::size_t>(n));
      }
      Request request;
      request.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      const std::size_t lineEnd = raw.find("\r\n");
      const std::string first = raw.substr(0, lineEnd);
      const std::size_t space1 = first.find(' '), space2 = first.rfind(' ');
      request.method = first.substr(0, space1);
      request.path = first.substr(space1 + 1, space2 - space1 - 1);
      for (std::size_t at = lineEnd + 2; at < raw.size();) {
        const std::size_t end = raw.find("\r\n", at);
        if (end == std::string::npos || end == at)
          break;
        const std::string line = raw.substr(at, end - at);
        const std::size_t colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          request.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
        }
        at = end + 2;
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      const Reply reply = handler_(request);
      std::string response = "HTTP/1.1 " + std::to_string(reply.status) +
                             " X\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n";
      for (const auto& [name, value] : reply.headers)
        response += name + ": " + value + "\r\n";
      response += "\r\n" + reply.body;
      for (std::size_t sent = 0; sent < response.size();) {
        const ssize_t n = ::send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
          break;
        sent += static_cast<std::size_t>(n);
      }
      ::close(client);
    }
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Request> requests_;
};

} // namespace distillery::test
