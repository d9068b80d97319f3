#pragma once
// The demo's filings as passages: each fictional company gets a consistent financial model per fiscal year and
// quarter, and filings of six types render it through templates. A passage records the facts it states and the
// ways a query may ask for them; DemoCorpus.cpp turns those into queries and graded qrels.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/corpus/demo/DemoCorpus.h"

namespace distillery::corpus::demo {

// A fact a passage states; queries ask for facts, qrels come from them.
struct Fact {
  std::string key; // company|metric|period
  int grade;       // 3 states it fully, 2 mentions it
};

struct QueryVariant {
  std::string text;
  std::string type; // question | keyword | claim | title
};

struct DemoPassage {
  std::string id;
  std::string document;
  std::string filingType;
  std::string company;
  std::string period;
  std::string section;
  std::string title;
  std::string text;
  std::string topic; // company|topic: other-period passages on it are related (grade 1)
  std::vector<Fact> facts;
  std::map<std::string, std::vector<QueryVariant>> queries; // fact key -> ways to ask for it
};

struct DemoFilings {
  std::vector<DemoPassage> passages; // in document order
  std::int64_t documents = 0;        // filings written
};

/// Every passage of the demo corpus for options (companies, seed); the same options give the same passages.
DemoFilings generateDemoFilings(const DemoCorpusOptions& options);

} // namespace distillery::corpus::demo
