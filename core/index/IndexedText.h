#pragma once
// What BM25, the student and the teacher read for a passage. Following the BEIR convention, a passage is indexed as
// its title followed by its text; the title is built from what only the document holds - its title, company,
// filing type, period - and the passage's section, so that a query naming them ("3M's FY2018 capital
// expenditure") can match a passage whose text does not repeat them. A corpus can turn this off (settings_json
// "index_title": false), e.g. when its titles are noise.
#include <cstdint>
#include <string>

namespace distillery::store {
class Store;
}

namespace distillery::index {

/// The parts of a passage's title, each possibly empty.
struct PassageHeading {
  std::string documentTitle; // documents.title (BEIR's title field)
  std::string company;       // documents.company
  std::string filingType;    // documents.filing_type; "unknown" counts as empty
  std::string period;        // documents.period (period of report)
  std::string section;       // passages.section (e.g. "Item 7")
};

/// The non-empty parts joined by " | ", each once (a document title equal to the company is not repeated).
std::string passageTitle(const PassageHeading& heading);

/// title + "\n" + text, or text alone when the title is empty.
std::string indexedText(const std::string& title, const std::string& text);

/// Whether the corpus indexes its passages with their titles: its settings' "index_title", true when absent.
bool corpusIndexesTitles(store::Store& store, std::int64_t corpusId);

} // namespace distillery::index
