#pragma once
// What the corpus browser reads: pages of passages and documents under a filter (corpus, filing type, company,
// periods, sections, full-text search), their total count, and the values the filter boxes offer, with periods
// grouped by year and section headings grouped by their item ("Item 7", "Item 2.02"). Paged by id (WHERE id > last
// ORDER BY id LIMIT n), so a million passages cost one page of memory and one range scan per page.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace distillery::store {
class Store;
}

namespace distillery::corpus {

/// A browse filter; empty strings, empty lists and 0 mean "any".
struct BrowseFilter {
  std::int64_t corpusId = 0;
  std::string filingType;
  std::string company;
  std::vector<std::string> periods;  // any of these periods (a year's group is all its periods)
  std::vector<std::string> sections; // any of these headings (an item's group is all its headings); passages only
  std::string search;                // what the user typed (see ftsQueryFromUserText); passages only
};

struct PassageListRow {
  std::int64_t id = 0;
  std::string filingType, company, period, section;
  std::int64_t ordinal = 0; // the passage's position in its document, from 0
  std::string text;         // the first 300 bytes of the text, or with a search the snippet around the hits
  std::string marked;       // with a search: the snippet with each hit between \x02 and \x03; empty otherwise
};

struct DocumentListRow {
  std::int64_t id = 0;
  std::string filingType, company, period, filingDate;
  std::string title;         // the title, else the external id, else empty
  std::int64_t passages = 0; // passages cut from it
};

/// Up to limit passages with id > afterId under the filter, in id order.
std::vector<PassageListRow> listPassages(store::Store& store, const BrowseFilter& filter, std::int64_t afterId,
                                         int limit);
/// Up to limit documents with id > afterId under the filter (sections and search ignored), in id order.
std::vector<DocumentListRow> listDocuments(store::Store& store, const BrowseFilter& filter, std::int64_t afterId,
                                           int limit);

/// A count that stops at a cap, so a common search word over a million passages answers at once.
struct CappedCount {
  std::int64_t count = 0; // exact when !atLeast; otherwise the cap
  bool atLeast = false;   // true when there are more than the cap
};
CappedCount countPassages(store::Store& store, const BrowseFilter& filter, std::int64_t cap);
CappedCount countDocuments(store::Store& store, const BrowseFilter& filter, std::int64_t cap);

/// One entry of a grouped filter box: a year with its periods, an item with its headings, or a value alone.
struct FacetGroup {
  std::string name;                 // "2023", "Item 7", or the value itself when it belongs to no group
  std::vector<std::string> members; // the stored values it stands for, sorted; never empty
};

/// The values each filter box offers: filing types of the corpus, and the companies, periods and sections left by
/// the choices in `chosen` (type narrows companies, type and company narrow periods, all three narrow sections).
struct BrowseFacets {
  std::vector<std::pair<std::int64_t, std::string>> corpora; // id, name; every corpus of the experiment
  std::vector<std::string> filingTypes, companies;           // sorted, at most `limit` of each
  std::vector<FacetGroup> periods;                           // by year, newest first
  std::vector<FacetGroup> sections;                          // by item in item order, then other headings
};
BrowseFacets loadBrowseFacets(store::Store& store, std::int64_t corpusId, const BrowseFilter& chosen = {},
                              int limit = 500);

/// The year a period belongs to ("2023-06-30", "2022Q3", "FY2023" -> "2023"); empty when it names none.
std::string periodYear(std::string_view period);
/// The item a section heading belongs to ("ITEM 7. MANAGEMENT'S DISCUSSION" -> "Item 7", "Item 2.02 Results of
/// Operations" -> "Item 2.02"); empty when it is not an item heading.
std::string sectionItem(std::string_view section);

/// Turns what a user types into an FTS5 query that cannot be a syntax error: every word becomes a quoted phrase (all
/// must match); a trailing * keeps prefix search. Empty when there is nothing to search.
std::string ftsQueryFromUserText(std::string_view text);

} // namespace distillery::corpus
