// Teacher throughput: 1,000 judgments against a local endpoint that answers after 200 ms, 16 in flight.
// The ideal is 16 / 0.2 s = 80 judgments/s; the goal is at least 90% of it with under 1 ms of client
// CPU per request. The client runs entirely in the calling thread (one libcurl multi handle), so its
// CPU time is that thread's; the fake server's threads are measured apart as process minus client.
// Usage: bench_teacher [judgments=1000] [concurrency=16] [latency_ms=200]
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "core/teacher/Teacher.h"
#include "core/util/Time.h"
#include "tests/teacher/FakeChatServer.h"

using namespace distillery;

namespace {

double processCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

} // namespace

int main(int argc, char** argv) {
  const int judgments = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int concurrency = argc > 2 ? std::atoi(argv[2]) : 16;
  const int latencyMs = argc > 3 ? std::atoi(argv[3]) : 200;

  // Server-side CPU is measured per handler call on the server's own threads and subtracted.
  std::mutex mutex;
  double serverCpu = 0;
  const std::string body = test::chatCompletionBody(R"({"grade": 2, "rationale": "The passage partly answers."})");
  test::FakeChatServer server([&](const test::FakeRequest&) {
    const double started = threadCpuSeconds();
    test::FakeReply reply{200, body, {}, latencyMs, false};
    std::lock_guard lock(mutex);
    serverCpu += threadCpuSeconds() - started;
    return reply;
  });

  teacher::TeacherConfig config;
  config.kind = "openai";
  config.baseUrl = server.baseUrl();
  config.model = "bench-model";
  config.apiKeyEnv = "";
  config.concurrency = concurrency;
  config.timeoutSeconds = 30;
  auto teacher = teacher::makeTeacher(config);

  std::vector<teacher::JudgeRequest> requests;
  for (int i = 0; i < judgments; ++i)
    requests.push_back({"What was the total revenue reported for fiscal year " + std::to_string(1990 + i % 30) + "?",
                        "Total revenue for the fiscal year was $" + std::to_string(100 + i) +
                            " million, an increase of 12% driven by subscription growth. " + std::string(600, 'x'),
                        std::nullopt, std::nullopt});

  const double cpuBefore = processCpuSeconds();
  const double clientBefore = threadCpuSeconds();
  const double started = monotonicSeconds();
  const auto results = teacher->judge(requests, {}, std::stop_token());
  const double seconds = monotonicSeconds() - started;
  const double clientCpu = threadCpuSeconds() - clientBefore;
  const double cpu = processCpuSeconds() - cpuBefore;
  server.stop();

  int ok = 0;
  for (const auto& j : results)
    ok += j.ok ? 1 : 0;
  const double ideal = concurrency * 1000.0 / latencyMs;
  const double rate = judgments / seconds;
  std::printf("judgments            %d (%d ok)\n", judgments, ok);
  std::printf("concurrency          %d, server latency %d ms\n", concurrency, latencyMs);
  std::printf("wall time            %.2f s\n", seconds);
  std::printf("throughput           %.1f judgments/s (ideal %.1f, %.1f%% of ideal; goal >= 90%%)\n", rate, ideal,
              100.0 * rate / ideal);
  std::printf("client CPU           %.3f s = %.3f ms per request (goal < 1 ms)\n", clientCpu,
              1000.0 * clientCpu / judgments);
  std::printf("process CPU          %.3f s (client + fake server threads; server handlers %.3f s)\n", cpu, serverCpu);
  return ok == judgments ? 0 : 1;
}
