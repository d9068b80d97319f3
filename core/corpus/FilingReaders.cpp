#include "core/corpus/FilingReaders.h"
#include "core/corpus/TextViews.h"

#include "core/corpus/FilingText.h"
#include "core/corpus/HtmlText.h"
#include "core/util/Hash.h"
#include "core/util/Utf8.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace distillery::corpus {
namespace {

std::string stringField(const nlohmann::ordered_json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null())
    return {};
  if (it->is_string())
    return std::string(trim(it->get<std::string>()));
  return it->dump();
}

std::string sidecarField(const nlohmann::json& entry, std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (const auto it = entry.find(key); it != entry.end() && it->is_string() && !it->get<std::string>().empty())
      return it->get<std::string>();
  return {};
}

void applySidecar(ParsedDocument& doc, const std::filesystem::path& path, const SidecarMetadata& sidecar) {
  const auto it = sidecar.find(path.filename().string());
  if (it == sidecar.end())
    return;
  const nlohmann::json& entry = it->second;
  if (auto form = sidecarField(entry, {"form_type", "filing_type", "form"}); !form.empty())
    doc.filingType = normaliseFilingType(form);
  if (auto company = sidecarField(entry, {"company", "company_name", "ticker"}); !company.empty())
    doc.company = company;
  if (auto period = sidecarField(entry, {"period", "period_of_report", "report_date"}); !period.empty())
    doc.period = period;
  if (auto cik = sidecarField(entry, {"cik"}); !cik.empty())
    doc.cik = cik;
  if (auto date = sidecarField(entry, {"filing_date", "filed"}); !date.empty())
    doc.filingDate = date;
  if (auto title = sidecarField(entry, {"title"}); !title.empty())
    doc.title = title;
  doc.metadata["sidecar"] = entry;
}

// Splits on form feeds; old full-submission text marks pages with <PAGE> lines instead.
std::vector<std::string> splitPages(std::string_view text) {
  std::vector<std::string> pages(1);
  std::size_t lineStart = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '\f') {
      pages.back().append(text.substr(lineStart, i - lineStart));
      pages.emplace_back();
      lineStart = i + 1;
    } else if (i == text.size() || text[i] == '\n') {
      const std::string_view line = text.substr(lineStart, i - lineStart);
      if (trim(line) == "<PAGE>" || trim(line) == "<page>") {
        pages.emplace_back();
      } else {
        pages.back().append(line);
        if (i < text.size())
          pages.back() += '\n';
      }
      lineStart = i + 1;
    }
  }
  return pages;
}

std::vector<Section> sectionsOfText(std::string_view text) {
  return splitItemSections(removePagedBoilerplate(splitPages(text)));
}

} // namespace

SidecarMetadata readSidecar(const std::filesystem::path& dir) {
  SidecarMetadata sidecar;
  std::ifstream in(dir / "metadata.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json entry = nlohmann::json::parse(repairUtf8(line), nullptr, false);
    if (entry.is_object())
      if (const std::string file = sidecarField(entry, {"file", "filename", "path"}); !file.empty())
        sidecar[std::filesystem::path(file).filename().string()] = entry;
  }
  return sidecar;
}

std::string readTextFile(const std::filesystem::path& path, std::vector<std::string>& warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UnreadableInput("cannot open file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string bytes = std::move(buffer).str();
  if (std::all_of(bytes.begin(), bytes.end(), [](unsigned char c) { return std::isspace(c); }))
    throw UnreadableInput("empty file");
  if (bytes.find('\0') != std::string::npos)
    throw UnreadableInput("binary file (contains NUL bytes)");
  if (!isValidUtf8(bytes)) {
    std::size_t replaced = 0;
    std::string repaired = repairUtf8(bytes, &replaced);
    if (replaced * 100 > bytes.size())
      throw UnreadableInput("not UTF-8 text (" + std::to_string(replaced) + " invalid byte sequences)");
    warnings.push_back("invalid UTF-8: " + std::to_string(replaced) + " byte sequences replaced by U+FFFD");
    bytes = std::move(repaired);
  }
  return bytes;
}

ParsedDocument readEdgarJson(const std::filesystem::path& path) {
  ParsedDocument doc;
  doc.sourcePath = path.string();
  const std::string bytes = readTextFile(path, doc.warnings);
  doc.contentHash = contentHash(bytes);
  nlohmann::ordered_json record;
  try {
    record = nlohmann::ordered_json::parse(bytes);
  } catch (const nlohmann::json::exception& e) { // parse_error, or out_of_range for a number like 1e999
    throw UnreadableInput(std::string("invalid JSON: ") + e.what());
  }
  if (!record.is_object())
    throw UnreadableInput("not an EDGAR-CORPUS filing: the JSON is not an object");
  doc.filingType = normaliseFilingType(stringField(record, "filing_type"));
  doc.company = stringField(record, "company");
  doc.cik = stringField(record, "cik");
  doc.filingDate = stringField(record, "filing_date");
  doc.period = stringField(record, "period_of_report");
  doc.externalId = path.stem().string();
  doc.title = doc.company.empty() ? doc.externalId : doc.company + " " + doc.filingType + " " + doc.filingDate;
  bool anyItem = false;
  for (const auto& [key, value] : record.items()) {
    if (!key.starts_with("item_")) {
      static const std::vector<std::string> kMain = {"filing_type", "company", "cik", "filing_date",
                                                     "period_of_report"};
      if (std::find(kMain.begin(), kMain.end(), key) == kMain.end())
        doc.metadata[key] = value;
      continue;
    }
    anyItem = true;
    if (!value.is_string() || trim(value.get_ref<const std::string&>()).empty())
      continue;
    const std::string& text = value.get_ref<const std::string&>();
    std::string name = "Item " + key.substr(5);
    // The item text starts with its own heading ("ITEM 7.\nMANAGEMENT'S DISCUSSION ..."): use its title.
    std::istringstream lines(text);
    std::string first, second;
    std::getline(lines, first);
    std::getline(lines, second);
    if (trim(first).size() <= 12 && !trim(second).empty() && trim(second).size() < 150)
      name += ". " + std::string(trim(second));
    else if (trim(first).size() < 150 && trim(first).size() > 12)
      name = std::string(trim(first));
    doc.sections.push_back({cleanHeading(name), removeBoilerplateLines(text)});
  }
  if (!anyItem && doc.filingType == "unknown")
    throw UnreadableInput("not an EDGAR-CORPUS filing: no filing_type and no item_* fields");
  return doc;
}

ParsedDocument readEdgarFull(const std::filesystem::path& path, const SidecarMetadata& sidecar) {
  ParsedDocument doc;
  doc.sourcePath = path.string();
  doc.externalId = path.stem().string();
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UnreadableInput("cannot open file");

  // Stream line by line: a submission's bulk is uuencoded images, PDFs and XBRL, which are skipped
  // without being kept in memory.
  ContentHasher hasher;
  std::string line;
  bool sawSgml = false, inDocument = false, inText = false, keepDocument = false;
  std::string docType, docDescription, docText, primaryText;
  std::vector<Section> exhibits;
  int documentIndex = 0;
  std::size_t badSequences = 0, totalBytes = 0;
  const auto header = [&](std::string_view l, std::string_view key) -> std::optional<std::string> {
    const std::string_view t = trim(l);
    if (t.size() > key.size() && t.starts_with(key) && t[key.size()] == ':')
      return repairUtf8(trim(t.substr(key.size() + 1))); // header lines are not checked with the documents
    return std::nullopt;
  };
  std::string raw;
  while (std::getline(in, raw)) {
    hasher.update(raw);
    hasher.update("\n");
    totalBytes += raw.size() + 1;
    if (raw.find('\0') != std::string::npos && !inDocument)
      throw UnreadableInput("binary file (contains NUL bytes)");
    if (!raw.empty() && raw.back() == '\r')
      raw.pop_back();
    if (!inDocument) {
      if (raw.starts_with("<SEC-DOCUMENT>") || raw.starts_with("<SEC-HEADER>") || raw.starts_with("<IMS-HEADER>"))
        sawSgml = true;
      if (auto v = header(raw, "CONFORMED SUBMISSION TYPE"); v && doc.filingType == "unknown")
        doc.filingType = normaliseFilingType(*v);
      else if (auto v = header(raw, "FORM TYPE"); v && doc.filingType == "unknown")
        doc.filingType = normaliseFilingType(*v);
      else if (auto v = header(raw, "COMPANY CONFORMED NAME"); v && doc.company.empty())
        doc.company = *v;
      else if (auto v = header(raw, "CENTRAL INDEX KEY"); v && doc.cik.empty())
        doc.cik = *v;
      else if (auto v = header(raw, "CONFORMED PERIOD OF REPORT"); v && doc.period.empty())
        doc.period = *v;
      else if (auto v = header(raw, "FILED AS OF DATE"); v && doc.filingDate.empty())
        doc.filingDate = *v;
      else if (auto v = header(raw, "ACCESSION NUMBER"); v)
        doc.externalId = *v;
      if (raw.starts_with("<DOCUMENT>")) {
        inDocument = true;
        keepDocument = documentIndex == 0; // until its <TYPE> says otherwise (an exhibit may lack one)
        docType.clear();
        docDescription.clear();
        docText.clear();
        continue;
      }
      if (!sawSgml) { // a lone .htm/.html filing, or text without SGML: the whole file is the document
        docText += raw;
        docText += '\n';
      }
      continue;
    }
    if (raw.starts_with("</DOCUMENT>")) {
      inDocument = inText = false;
      if (keepDocument) {
        std::string text = looksLikeHtml(docText) ? htmlToText(docText) : docText;
        if (documentIndex == 0)
          primaryText = std::move(text);
        else
          exhibits.push_back(
              {"Exhibit " + docType.substr(3) + (docDescription.empty() ? "" : " (" + docDescription + ")"),
               removeBoilerplateLines(text)});
      }
      ++documentIndex;
      docText.clear();
      continue;
    }
    if (!inText) {
      if (raw.starts_with("<TYPE>")) {
        docType = repairUtf8(trim(raw.substr(6))); // it names the exhibit's section
        // The main document and press-release / annual-report exhibits carry the prose; the rest
        // (graphics, XBRL, zip, PDF copies, consents) is skipped unread.
        keepDocument = documentIndex == 0 || docType.starts_with("EX-99") || docType.starts_with("EX-13");
      } else if (raw.starts_with("<DESCRIPTION>")) {
        docDescription = repairUtf8(trim(raw.substr(13)));
      } else if (raw.starts_with("<TEXT>")) {
        inText = true;
      }
      continue;
    }
    if (raw.starts_with("</TEXT>")) {
      inText = false;
      continue;
    }
    if (keepDocument) {
      if (!isValidUtf8(raw)) {
        std::size_t replaced = 0;
        raw = repairUtf8(raw, &replaced);
        badSequences += replaced;
      }
      docText += raw;
      docText += '\n';
    }
  }
  doc.contentHash = hasher.hexDigest();
  if (!sawSgml) {
    if (trim(docText).empty())
      throw UnreadableInput("empty file");
    if (docText.find('\0') != std::string::npos)
      throw UnreadableInput("binary file (contains NUL bytes)");
    if (!isValidUtf8(docText)) {
      docText = repairUtf8(docText, &badSequences);
    }
    primaryText = looksLikeHtml(docText) ? htmlToText(docText) : docText;
  } else if (documentIndex == 0) {
    throw UnreadableInput("truncated submission: no complete <DOCUMENT>");
  }
  if (badSequences * 100 > std::max<std::size_t>(totalBytes, 1))
    throw UnreadableInput("not UTF-8 text (" + std::to_string(badSequences) + " invalid byte sequences)");
  if (badSequences > 0)
    doc.warnings.push_back("invalid UTF-8: " + std::to_string(badSequences) + " byte sequences replaced by U+FFFD");
  applySidecar(doc, path, sidecar);
  if (doc.filingType == "unknown")
    if (std::string form = detectFilingTypeInText(primaryText); !form.empty())
      doc.filingType = form;
  doc.sections = sectionsOfText(primaryText);
  for (Section& exhibit : exhibits)
    doc.sections.push_back(std::move(exhibit));
  if (doc.title.empty())
    doc.title = doc.company.empty() ? doc.externalId : doc.company + " " + doc.filingType;
  return doc;
}

ParsedDocument readPlainText(const std::filesystem::path& path, const SidecarMetadata& sidecar) {
  ParsedDocument doc;
  doc.sourcePath = path.string();
  doc.externalId = path.stem().string();
  const std::string text = readTextFile(path, doc.warnings);
  doc.contentHash = contentHash(text);
  applySidecar(doc, path, sidecar);
  if (doc.filingType == "unknown")
    if (std::string form = detectFilingTypeInText(text); !form.empty())
      doc.filingType = form;
  doc.sections = sectionsOfText(text);
  if (doc.title.empty())
    doc.title = doc.company.empty() ? doc.externalId : doc.company + " " + doc.filingType + " " + doc.period;
  return doc;
}

} // namespace distillery::corpus
