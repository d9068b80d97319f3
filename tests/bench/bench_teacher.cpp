// Teacher benchmarks (plain main, figures on stdout):
//   bench_teacher [judgments=1000] [concurrency=16] [latency_ms=200]
//       Client throughput: judgments against a local endpoint that answers after latency_ms, concurrency in flight.
//       The ideal is concurrency / latency (80 judgments/s by default); the goal is at least 90% of it with under
//       1 ms of client CPU per request. The client runs entirely in the calling thread (one libcurl multi handle),
//       so its CPU time is that thread's; the fake server's threads are measured apart as process minus client.
//   bench_teacher rerank [dev|test] [depth=20]
//       The ceiling of offline distillation: on TAT-QA (../shared/data/tatqa-beir) BM25 (the product's, over the
//       passage text) retrieves each query's top `depth`; the heuristic teacher grades every candidate, and NDCG@5
//       and MRR@5 (core/eval/Metrics) are reported for BM25's order, the teacher's (score, then grade, ties in BM25
//       order) and their reciprocal-rank fusion. Tune on dev; test is for the final figure only.
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <string>

#include <nlohmann/json.hpp>

#include "core/eval/Metrics.h"
#include "core/index/Bm25Index.h"
#include "core/teacher/HeuristicTeacher.h"
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

struct BeirPassage {
  std::string key, title, text;
};

struct BeirQuery {
  std::string key, text;
  eval::Judgments qrels;
};

/// The corpus and the queries that have qrels in the split, in queries.jsonl order.
std::pair<std::vector<BeirPassage>, std::vector<BeirQuery>> loadBeir(const std::filesystem::path& dir,
                                                                     const std::string& split) {
  std::vector<BeirPassage> passages;
  std::ifstream corpus(dir / "corpus.jsonl");
  std::string line;
  while (std::getline(corpus, line)) {
    const auto record = nlohmann::json::parse(line);
    passages.push_back({record.at("_id"), record.value("title", ""), record.value("text", "")});
  }
  std::map<std::string, eval::Judgments> qrels;
  std::ifstream qrelFile(dir / "qrels" / (split + ".tsv"));
  std::getline(qrelFile, line); // header
  while (std::getline(qrelFile, line)) {
    const auto a = line.find('\t'), b = line.find('\t', a + 1);
    qrels[line.substr(0, a)][line.substr(a + 1, b - a - 1)] = std::stoi(line.substr(b + 1));
  }
  std::vector<BeirQuery> queries;
  std::ifstream queryFile(dir / "queries.jsonl");
  while (std::getline(queryFile, line)) {
    const auto record = nlohmann::json::parse(line);
    if (const auto it = qrels.find(record.at("_id")); it != qrels.end())
      queries.push_back({it->first, record.at("text"), it->second});
  }
  return {std::move(passages), std::move(queries)};
}

struct Means {
  double ndcg = 0, mrr = 0;
};

int rerank(const std::string& split, int depth) {
  const std::filesystem::path dir = std::filesystem::path(DISTILLERY_SHARED_DATA) / "tatqa-beir";
  if (!std::filesystem::exists(dir / "corpus.jsonl") || !std::filesystem::exists(dir / "qrels" / (split + ".tsv"))) {
    std::printf("TAT-QA not found under %s: skipped\n", dir.c_str());
    return 0;
  }
  const auto [passages, queries] = loadBeir(dir, split);
  std::vector<std::int64_t> ids(passages.size());
  std::iota(ids.begin(), ids.end(), std::int64_t{0});
  std::vector<std::string> texts, queryTexts;
  for (const auto& p : passages)
    texts.push_back(p.text);
  for (const auto& q : queries)
    queryTexts.push_back(q.text);
  const double started = monotonicSeconds();
  const auto hits = index::Bm25Index::build(ids, texts).search(queryTexts, depth);
  const double searched = monotonicSeconds();

  teacher::HeuristicTeacher teacher;
  constexpr int k = 5;
  constexpr double rrfK = 60.0; // the usual reciprocal-rank-fusion constant
  Means bm25, reranked, fused;
  std::map<int, std::pair<std::int64_t, std::int64_t>> gradeCounts; // grade -> (relevant, not relevant) candidates
  double judgeSeconds = 0;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    std::vector<teacher::JudgeRequest> requests;
    for (const auto& hit : hits[q]) {
      const BeirPassage& passage = passages[static_cast<std::size_t>(hit.id)];
      teacher::JudgeRequest request;
      request.queryText = queries[q].text;
      request.passageText = passage.text;
      request.title = passage.title;
      requests.push_back(std::move(request));
    }
    const double judgeStarted = monotonicSeconds();
    const auto judgments = teacher.judge(requests, {}, {});
    judgeSeconds += monotonicSeconds() - judgeStarted;

    const std::size_t n = requests.size();
    std::vector<std::size_t> bm25Order(n), teacherOrder(n);
    std::iota(bm25Order.begin(), bm25Order.end(), std::size_t{0});
    std::iota(teacherOrder.begin(), teacherOrder.end(), std::size_t{0});
    std::stable_sort(teacherOrder.begin(), teacherOrder.end(), [&](std::size_t a, std::size_t b) {
      const double sa = judgments[a].score.value_or(judgments[a].grade),
                   sb = judgments[b].score.value_or(judgments[b].grade);
      return sa != sb ? sa > sb : judgments[a].grade > judgments[b].grade;
    });
    std::vector<double> fusion(n, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
      fusion[r] += 1.0 / (rrfK + double(r + 1));
      fusion[teacherOrder[r]] += 1.0 / (rrfK + double(r + 1));
    }
    std::vector<std::size_t> fusedOrder = bm25Order;
    std::stable_sort(fusedOrder.begin(), fusedOrder.end(),
                     [&](std::size_t a, std::size_t b) { return fusion[a] > fusion[b]; });
    const auto keysOf = [&](const std::vector<std::size_t>& order) {
      std::vector<std::string> keys;
      for (std::size_t i : order)
        keys.push_back(passages[static_cast<std::size_t>(hits[q][i].id)].key);
      return keys;
    };
    for (auto [means, order] : {std::pair{&bm25, &bm25Order}, {&reranked, &teacherOrder}, {&fused, &fusedOrder}}) {
      const auto values = eval::computeMetrics(keysOf(*order), queries[q].qrels, k);
      means->ndcg += values.ndcg;
      means->mrr += values.mrr;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const auto& key = passages[static_cast<std::size_t>(hits[q][i].id)].key;
      const auto it = queries[q].qrels.find(key);
      auto& counts = gradeCounts[judgments[i].grade];
      (it != queries[q].qrels.end() && it->second > 0 ? counts.first : counts.second) += 1;
    }
  }
  const double count = double(std::max<std::size_t>(1, queries.size()));
  std::printf("TAT-QA %s: %zu queries, %zu passages, BM25 top %d (k1 0.9, b 0.4), teacher %s %s\n", split.c_str(),
              queries.size(), passages.size(), depth, teacher.model().c_str(), teacher.promptVersion().c_str());
  std::printf("%-28s %8s %8s\n", "ranking of the top 20", "NDCG@5", "MRR@5");
  for (auto [name, means] :
       {std::pair{"BM25", &bm25}, {"heuristic teacher rerank", &reranked}, {"RRF(BM25, teacher), k=60", &fused}})
    std::printf("%-28s %8.4f %8.4f\n", name, means->ndcg / count, means->mrr / count);
  std::printf("teacher grades of the candidates (relevant in qrels / not):");
  std::int64_t truePositives = 0, positives = 0, relevant = 0;
  for (const auto& [grade, counts] : gradeCounts) {
    std::printf("  %d: %lld/%lld", grade, static_cast<long long>(counts.first), static_cast<long long>(counts.second));
    relevant += counts.first;
    if (grade >= 2) {
      truePositives += counts.first;
      positives += counts.first + counts.second;
    }
  }
  std::printf("\ngrade >= 2 as positive: precision %.3f, recall %.3f (of the relevant candidates in the top %d)\n",
              positives ? double(truePositives) / double(positives) : 0.0,
              relevant ? double(truePositives) / double(relevant) : 0.0, depth);
  std::printf("BM25 index and search %.2f s, judging %.2f s\n", searched - started, judgeSeconds);
  std::printf("command: build/release/bench/bench_teacher rerank %s %d\n", split.c_str(), depth);
  return 0;
}

int throughput(int argc, char** argv) {
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

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "rerank")
    return rerank(argc > 2 ? argv[2] : "dev", argc > 3 ? std::atoi(argv[3]) : 20);
  return throughput(argc, argv);
}
