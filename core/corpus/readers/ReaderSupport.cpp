#include "core/corpus/readers/ReaderSupport.h"

#include "core/corpus/FilingText.h"
#include "core/corpus/TextViews.h"
#include "core/corpus/readers/Utf8Repairer.h"
#include "core/util/Hash.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace distillery::corpus {
namespace {

constexpr const char* kLeadSection = "Cover";

std::string sidecarField(const nlohmann::json& entry, std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (const auto it = entry.find(key); it != entry.end() && it->is_string() && !it->get<std::string>().empty())
      return it->get<std::string>();
  return {};
}

} // namespace

std::string notTextReason(std::size_t invalidSequences, std::uint64_t bytes) {
  if (invalidSequences * 100 > std::max<std::uint64_t>(bytes, 1))
    return "not UTF-8 text (" + std::to_string(invalidSequences) + " invalid byte sequences)";
  return {};
}

void warnRepairedUtf8(DocumentInfo& info, std::size_t invalidSequences) {
  if (invalidSequences > 0)
    info.warnings.push_back("invalid UTF-8: " + std::to_string(invalidSequences) +
                            " byte sequences replaced by U+FFFD");
}

std::string checkedTextHash(const std::filesystem::path& path, DocumentInfo& info, std::size_t bufferBytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file)
    throw UnreadableInput("cannot open file");
  std::vector<char> buffer(std::max<std::size_t>(bufferBytes, 1));
  ContentHasher hasher;
  Utf8Repairer repairer;
  std::uint64_t bytes = 0;
  bool blank = true;
  while (true) {
    const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file.get());
    const std::string_view piece(buffer.data(), got);
    if (std::memchr(piece.data(), '\0', piece.size()))
      throw UnreadableInput("binary file (contains NUL bytes)");
    if (blank)
      blank = std::all_of(piece.begin(), piece.end(), [](unsigned char c) { return std::isspace(c); });
    bytes += got;
    hasher.update(repairer.repair(piece, got == 0));
    if (got == 0)
      break;
  }
  if (blank)
    throw UnreadableInput("empty file");
  if (const std::string reason = notTextReason(repairer.replaced(), bytes); !reason.empty())
    throw UnreadableInput(reason);
  warnRepairedUtf8(info, repairer.replaced());
  return hasher.hexDigest();
}

void applySidecar(DocumentInfo& info, const std::filesystem::path& path, const SidecarMetadata& sidecar) {
  const auto it = sidecar.find(path.filename().string());
  if (it == sidecar.end())
    return;
  const nlohmann::json& entry = it->second;
  if (auto form = sidecarField(entry, {"form_type", "filing_type", "form"}); !form.empty())
    info.filingType = normaliseFilingType(form);
  if (auto company = sidecarField(entry, {"company", "company_name", "ticker"}); !company.empty())
    info.company = company;
  if (auto period = sidecarField(entry, {"period", "period_of_report", "report_date"}); !period.empty())
    info.period = period;
  if (auto cik = sidecarField(entry, {"cik"}); !cik.empty())
    info.cik = cik;
  if (auto date = sidecarField(entry, {"filing_date", "filed"}); !date.empty())
    info.filingDate = date;
  if (auto title = sidecarField(entry, {"title"}); !title.empty())
    info.title = title;
  info.metadata["sidecar"] = entry;
}

PagedSections::PagedSections(PagedBoilerplate& filter, DocumentSink& sink)
    : filter_(filter), sink_(sink), splitter_(sink, kLeadSection),
      keep_([this](std::string_view line) { splitter_.addLine(line); }) {}

void PagedSections::addLine(std::string_view line) {
  filter_.filterLine(line, keep_);
}

void PagedSections::addPageBreak() {
  filter_.filterPageBreak(keep_);
}

void PagedSections::finish() {
  filter_.finishFiltering(keep_);
  if (!splitter_.finish())
    sink_.unnameLeadSection(kLeadSection);
}

} // namespace distillery::corpus
