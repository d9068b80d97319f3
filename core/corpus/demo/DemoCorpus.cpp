// Writes the demo corpus in the BEIR layout: the generated passages (DemoFilings.h) as corpus.jsonl, held-out
// queries drawn round robin over filing types from the facts passages state, and their graded qrels.
#include "core/corpus/demo/DemoCorpus.h"

#include "core/corpus/demo/DemoFilings.h"
#include "core/corpus/demo/DemoText.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

namespace distillery::corpus {
namespace fs = std::filesystem;
using demo::DemoFilings;
using demo::DemoPassage;
using demo::Fact;
using demo::generateDemoFilings;
using demo::QueryVariant;
using demo::Rng;
namespace {

void writeReadme(const fs::path& dir, const DemoCorpusOptions& options, const DemoCorpusSummary& summary) {
  std::ofstream out(dir / "README.md");
  out << "# Distillery demo corpus (synthetic)\n\n"
      << "Written by `distillery-cli demo-corpus` (seed " << options.seed << ", " << options.companies
      << " companies). Everything here is generated: the registrants, people and numbers are fictional; use it to try "
         "the pipeline, not to learn about real companies.\n\n"
      << "- `corpus.jsonl`: " << summary.passages << " passages from " << summary.documents
      << " filings (`_id`, `title`, `text`, `metadata` with `filing_type`, `company`, `period`, `section`, "
         "`document`).\n"
      << "- `queries.jsonl`: " << summary.queries << " held-out test queries, then " << summary.devQueries
      << " dev queries (`metadata`: `filing_type`, `query_type`, `source_id`). Queries often paraphrase "
         "their passage (\"net sales\" for \"revenue\", \"profit\" for \"net income\").\n"
      << "- `qrels/test.tsv` and `qrels/dev.tsv`: " << summary.qrels
      << " graded judgments: 3 states the answer, 2 mentions it (e.g. a prior-year comparative), 1 same company and "
         "topic in another period.\n\n"
      << "Passages by filing type:\n";
  for (const auto& [type, count] : summary.filingTypes)
    out << "- " << type << ": " << count << "\n";
}

} // namespace

DemoCorpusSummary writeDemoCorpus(const fs::path& dir, const DemoCorpusOptions& options) {
  if (options.companies < 2 || options.companies > 24)
    throw InputError("demo corpus: companies must be between 2 and 24, got " + std::to_string(options.companies));
  if (options.queries < 1)
    throw InputError("demo corpus: queries must be positive, got " + std::to_string(options.queries));
  if (options.devQueries < 0)
    throw InputError("demo corpus: dev queries must not be negative, got " + std::to_string(options.devQueries));
  if (fs::exists(dir / "corpus.jsonl"))
    throw InputError("demo corpus: " + (dir / "corpus.jsonl").string() + " already exists; choose an empty folder");
  std::error_code ec;
  fs::create_directories(dir / "qrels", ec);
  if (ec)
    throw InputError("demo corpus: cannot create " + (dir / "qrels").string() + ": " + ec.message());

  const DemoFilings filings = generateDemoFilings(options);
  const std::vector<DemoPassage>& passages = filings.passages;

  DemoCorpusSummary summary;
  summary.documents = filings.documents;
  {
    std::ofstream out(dir / "corpus.jsonl", std::ios::binary);
    for (const DemoPassage& p : passages) {
      nlohmann::ordered_json record = {{"_id", p.id},
                                       {"title", p.title},
                                       {"text", p.text},
                                       {"metadata",
                                        {{"filing_type", p.filingType},
                                         {"company", p.company},
                                         {"period", p.period},
                                         {"section", p.section},
                                         {"document", p.document}}}};
      out << record.dump() << '\n';
      ++summary.passages;
      ++summary.filingTypes[p.filingType];
    }
    if (!out)
      throw Error("demo corpus: writing " + (dir / "corpus.jsonl").string() + " failed");
  }

  // Qrels: who states each fact, and which passages share a topic.
  std::map<std::string, std::vector<std::pair<std::size_t, int>>> byFact;
  std::map<std::string, std::vector<std::size_t>> byTopic;
  for (std::size_t i = 0; i < passages.size(); ++i) {
    for (const Fact& f : passages[i].facts)
      byFact[f.key].push_back({i, f.grade});
    byTopic[passages[i].topic].push_back(i);
  }
  // Candidate queries, grouped by filing type so every type gets its share of the test set.
  struct Candidate {
    std::size_t passage;
    std::string factKey;
  };
  std::map<std::string, std::vector<Candidate>> candidates;
  for (std::size_t i = 0; i < passages.size(); ++i)
    for (const auto& [factKey, asks] : passages[i].queries)
      candidates[passages[i].filingType].push_back({i, factKey});
  Rng rng(options.seed * 0x9E3779B97F4A7C15ull + 17);
  std::vector<Candidate> chosen;
  std::set<std::string> usedFacts;
  {
    std::vector<std::string> types;
    for (auto& [type, list] : candidates) {
      rng.shuffle(list);
      types.push_back(type);
    }
    std::map<std::string, std::size_t> cursor;
    // Round robin over filing types until the quota is met or every candidate is used. The test queries come
    // first, so adding dev queries leaves the test set as it was.
    const int quota = options.queries + options.devQueries;
    bool progress = true;
    while (static_cast<int>(chosen.size()) < quota && progress) {
      progress = false;
      for (const std::string& type : types) {
        auto& list = candidates[type];
        auto& at = cursor[type];
        while (at < list.size() && usedFacts.count(list[at].factKey))
          ++at;
        if (at < list.size() && static_cast<int>(chosen.size()) < quota) {
          usedFacts.insert(list[at].factKey);
          chosen.push_back(list[at++]);
          progress = true;
        }
      }
    }
  }
  std::ofstream queriesOut(dir / "queries.jsonl", std::ios::binary);
  std::ofstream testQrels(dir / "qrels" / "test.tsv", std::ios::binary);
  std::ofstream devQrels;
  if (options.devQueries > 0) {
    devQrels.open(dir / "qrels" / "dev.tsv", std::ios::binary);
    devQrels << "query-id\tcorpus-id\tscore\n";
  }
  testQrels << "query-id\tcorpus-id\tscore\n";
  int number = 0;
  for (const Candidate& candidate : chosen) {
    const bool dev = number >= options.queries;
    std::ofstream& qrelsOut = dev ? devQrels : testQrels;
    const DemoPassage& source = passages[candidate.passage];
    const auto& asks = source.queries.at(candidate.factKey);
    const QueryVariant& ask = asks[rng.pick(asks.size())];
    char id[32];
    std::snprintf(id, sizeof id, "q%04d", ++number);
    nlohmann::ordered_json record = {{"_id", id},
                                     {"text", ask.text},
                                     {"metadata",
                                      {{"filing_type", source.filingType},
                                       {"query_type", ask.type},
                                       {"source_id", source.id},
                                       {"company", source.company}}}};
    queriesOut << record.dump() << '\n';
    ++(dev ? summary.devQueries : summary.queries);
    std::map<std::size_t, int> grades;
    for (const auto& [index, grade] : byFact[candidate.factKey])
      grades[index] = std::max(grades[index], grade);
    // Same company and topic, other period: related, not answering. At most six, in corpus order.
    int related = 0;
    for (std::size_t index : byTopic[source.topic]) {
      if (related >= 6)
        break;
      if (!grades.count(index)) {
        grades[index] = 1;
        ++related;
      }
    }
    for (const auto& [index, grade] : grades) {
      qrelsOut << id << '\t' << passages[index].id << '\t' << grade << '\n';
      ++summary.qrels;
    }
  }
  if (!queriesOut || !testQrels || (options.devQueries > 0 && !devQrels))
    throw Error("demo corpus: writing queries or qrels in " + dir.string() + " failed");
  writeReadme(dir, options, summary);
  return summary;
}

} // namespace distillery::corpus
