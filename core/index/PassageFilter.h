#pragma once
// Which passages of a corpus a search may return, and reading them from the experiment store.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace distillery::store {
class Store;
}

namespace distillery::index {

/// Restricts retrieval to passages whose document matches every field that is set.
struct PassageFilter {
  std::optional<std::string> filingType; // documents.filing_type, e.g. "10-K"
  std::optional<std::string> company;    // documents.company, exact match
  std::optional<std::string> document;   // documents.external_id (BEIR _id, accession number, file name)

  bool empty() const { return !filingType && !company && !document; }
  /// "filing_type=10-K,company=Apple Inc." style, for logs and stored configs.
  std::string toString() const;
  /// Parses one or more comma-separated `field=value` terms (fields: filing_type, company, document).
  /// Throws InputError naming the term when a field is unknown or a value is empty.
  static PassageFilter parse(const std::string& text);
};

/// A passage as retrievers need it.
struct PassageRecord {
  std::int64_t id;
  std::string recordKey; // the key qrels use (chunks of one BEIR record share it)
  std::string filingType;
  std::string text; // as indexed: the passage's title, then its text (see IndexedText.h)
};

/// Whether loadPassages reads the passages' texts, or only what identifies them (a caller that searches indexes built
/// before needs no texts: a million of them are a gigabyte).
enum class PassageTexts { Load, Skip };

/// The corpus' passages that pass the filter, ordered by id. Near-duplicates are kept: they are real
/// passages a user could be shown. With PassageTexts::Skip every text is left empty.
std::vector<PassageRecord> loadPassages(store::Store& store, std::int64_t corpusId, const PassageFilter& filter = {},
                                        PassageTexts texts = PassageTexts::Load);

/// Only the ids, for filtering a dense index built over the whole corpus.
std::unordered_set<std::int64_t> passageIds(store::Store& store, std::int64_t corpusId, const PassageFilter& filter);

/// The corpus id for a name; throws InputError naming the corpus when it does not exist.
std::int64_t corpusIdByName(store::Store& store, const std::string& name);

} // namespace distillery::index
