// EDGAR full-submission .txt (SGML header, <DOCUMENT>s) and single .htm/.html filings, in two passes. The first
// streams the file line by line: header fields, the main document and the press-release / annual-report
// exhibits converted to text (HTML in bounded pieces, see HtmlTextStream) into a TextSpill, while the boilerplate
// filters count what recurs; the rest of a submission (uuencoded images, PDFs, XBRL) is skipped unread. The
// second pass replays the text through the filters and the item section splitter into the sink.
#include "core/corpus/FilingText.h"
#include "core/corpus/TextViews.h"
#include "core/corpus/readers/FilingReaders.h"
#include "core/corpus/readers/HtmlText.h"
#include "core/corpus/readers/LineReader.h"
#include "core/corpus/readers/ReaderSupport.h"
#include "core/corpus/readers/TextSpill.h"
#include "core/util/Hash.h"
#include "core/util/Utf8.h"

#include <algorithm>
#include <memory>
#include <optional>

namespace distillery::corpus {
namespace {

// Kinds of spilled records.
constexpr char kMainDocument = 'M';
constexpr char kExhibit = 'X'; // text: the exhibit's section name
constexpr char kLine = 'L';
constexpr char kPageBreak = 'P';

constexpr std::size_t kDetectionBytes = 4096;  // looksLikeHtml reads this much of a document
constexpr std::size_t kFilingTypeBytes = 6000; // detectFilingTypeInText reads this much of the main text

// The text of one kept document: HTML through HtmlTextStream, anything else line by line. Emits lines and page
// breaks (form feeds, <PAGE> lines, CSS page breaks).
class DocumentBody {
public:
  using LineOut = std::function<void(std::string_view line)>;
  using BreakOut = std::function<void()>;
  DocumentBody(const ReadLimits& limits, LineOut line, BreakOut pageBreak)
      : limits_(limits), line_(std::move(line)), pageBreak_(std::move(pageBreak)) {}

  /// Raw content: a line, or a piece of a long line (endsLine false).
  void add(std::string_view piece, bool endsLine) {
    if (!decided_) {
      head_.append(piece);
      if (endsLine)
        head_ += '\n';
      if (head_.size() >= kDetectionBytes)
        decide();
      return;
    }
    if (html_) {
      html_->add(piece);
      if (endsLine)
        html_->add("\n");
    } else {
      textLine(piece);
    }
  }

  void finish() {
    if (!decided_)
      decide();
    if (html_)
      html_->finish();
  }

private:
  void decide() {
    decided_ = true;
    if (looksLikeHtml(head_)) {
      html_ = std::make_unique<HtmlTextStream>([this](std::string_view text) { convertedText(text); },
                                               limits_.htmlPieceBytes);
      html_->add(head_);
    } else {
      std::string_view rest = head_;
      while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        textLine(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      }
    }
    std::string().swap(head_);
  }

  void textLine(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    forEachPagePart(line, line_, pageBreak_);
  }

  void convertedText(std::string_view text) {
    while (!text.empty()) {
      const std::size_t end = text.find('\n');
      textLine(text.substr(0, end));
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
  }

  const ReadLimits& limits_;
  LineOut line_;
  BreakOut pageBreak_;
  bool decided_ = false;
  std::string head_;
  std::unique_ptr<HtmlTextStream> html_;
};

bool startsSgml(std::string_view line) {
  return line.starts_with("<SEC-DOCUMENT>") || line.starts_with("<SEC-HEADER>") || line.starts_with("<IMS-HEADER>") ||
         line.starts_with("<DOCUMENT>");
}

// A submission is SGML when one of its first lines opens the SGML structure; otherwise (a lone .htm or text
// file) the whole file is the main document.
bool isSgmlSubmission(const std::filesystem::path& path, std::size_t bufferBytes) {
  LineReader head(path, kDetectionBytes, LineReader::LongLines::Split, bufferBytes);
  while (head.next() && head.bytesRead() <= kDetectionBytes)
    if (head.startsLine() && startsSgml(head.line()))
      return true;
  return false;
}

std::optional<std::string> headerValue(std::string_view line, std::string_view key) {
  const std::string_view t = trim(line);
  if (t.size() > key.size() && t.starts_with(key) && t[key.size()] == ':')
    return repairUtf8(trim(t.substr(key.size() + 1))); // header lines are not checked with the documents
  return std::nullopt;
}

// The first pass: metadata into info, text into the spill, counts into the filters.
class SubmissionScan {
public:
  SubmissionScan(const ReadLimits& limits, DocumentInfo& info)
      : limits_(limits), info_(info), spill_(limits.spillMemoryBytes, limits.readBufferBytes) {}

  void run(const std::filesystem::path& path) {
    const bool sgml = isSgmlSubmission(path, limits_.readBufferBytes);
    LineReader reader(path, std::min(limits_.maxValueBytes, kLinePieceBytes), LineReader::LongLines::Split,
                      limits_.readBufferBytes);
    ContentHasher hasher;
    bool blank = true;
    if (!sgml)
      startBody(true, "");
    while (reader.next()) {
      std::string_view raw = reader.line();
      hasher.update(raw);
      if (!reader.partial())
        hasher.update("\n");
      totalBytes_ += raw.size() + (reader.partial() ? 0 : 1);
      if (!inDocument_ && raw.find('\0') != std::string_view::npos)
        throw UnreadableInput("binary file (contains NUL bytes)");
      if (!sgml) {
        blank = blank && trim(raw).empty();
        addContent(raw, !reader.partial());
        continue;
      }
      if (!reader.partial() && !raw.empty() && raw.back() == '\r')
        raw.remove_suffix(1);
      if (reader.startsLine())
        structureLine(raw, !reader.partial());
      else if (inText_ && keepDocument_)
        addContent(raw, !reader.partial());
    }
    info_.contentHash = hasher.hexDigest();
    if (sgml) {
      if (documentIndex_ == 0)
        throw UnreadableInput("truncated submission: no complete <DOCUMENT>");
    } else {
      if (blank)
        throw UnreadableInput("empty file");
      body_->finish();
    }
    if (const std::string reason = notTextReason(badSequences_, totalBytes_); !reason.empty())
      throw UnreadableInput(reason);
    warnRepairedUtf8(info_, badSequences_);
  }

  const std::string& mainTextHead() const { return mainTextHead_; }
  /// The second pass: the spilled text through the filters into the sink.
  void replay(DocumentSink& sink) {
    PagedSections mainSections(mainFilter_, sink);
    bool inMain = false;
    std::size_t exhibit = 0;
    bool inExhibit = false;
    spill_.replay([&](char kind, std::string_view text) {
      switch (kind) {
      case kMainDocument:
        inMain = true;
        break;
      case kExhibit:
        if (inMain)
          mainSections.finish();
        inMain = false;
        inExhibit = exhibit < finishedExhibits_; // an exhibit cut off by the end of the file is left out
        if (inExhibit)
          sink.beginSection(std::string(text));
        ++exhibit;
        break;
      case kLine:
        if (inMain)
          mainSections.addLine(text);
        else if (inExhibit && exhibitFilters_[exhibit - 1].keeps(text))
          sink.addText(text);
        break;
      case kPageBreak:
        if (inMain)
          mainSections.addPageBreak();
        break;
      }
    });
    if (inMain)
      mainSections.finish();
    sink.endSection();
  }

private:
  void structureLine(std::string_view raw, bool endsLine) {
    if (!inDocument_) {
      headerLine(raw);
      if (raw.starts_with("<DOCUMENT>")) {
        inDocument_ = true;
        inText_ = false;
        keepDocument_ = documentIndex_ == 0; // until its <TYPE> says otherwise (an exhibit may lack one)
        docType_.clear();
        docDescription_.clear();
      }
      return;
    }
    if (raw.starts_with("</DOCUMENT>")) {
      if (body_) {
        body_->finish();
        body_.reset();
        if (documentIndex_ > 0)
          ++finishedExhibits_;
      }
      inDocument_ = inText_ = false;
      ++documentIndex_;
      return;
    }
    if (!inText_) {
      if (raw.starts_with("<TYPE>")) {
        docType_ = repairUtf8(trim(raw.substr(6))); // it names the exhibit's section
        // The main document and press-release / annual-report exhibits carry the prose; the rest
        // (graphics, XBRL, zip, PDF copies, consents) is skipped unread.
        keepDocument_ = documentIndex_ == 0 || docType_.starts_with("EX-99") || docType_.starts_with("EX-13");
      } else if (raw.starts_with("<DESCRIPTION>")) {
        docDescription_ = repairUtf8(trim(raw.substr(13)));
      } else if (raw.starts_with("<TEXT>")) {
        inText_ = true;
        if (keepDocument_ && !body_)
          startBody(documentIndex_ == 0, documentIndex_ == 0 ? std::string() : exhibitName());
      }
      return;
    }
    if (raw.starts_with("</TEXT>")) {
      inText_ = false;
      return;
    }
    if (keepDocument_)
      addContent(raw, endsLine);
  }

  // "Exhibit 99.1 (PRESS RELEASE)": only EX-99 and EX-13 exhibits are kept, so the type has its "EX-" prefix (the
  // main document may have no <TYPE> at all, and then needs no name).
  std::string exhibitName() const {
    return "Exhibit " + docType_.substr(std::min<std::size_t>(3, docType_.size())) +
           (docDescription_.empty() ? "" : " (" + docDescription_ + ")");
  }

  void headerLine(std::string_view raw) {
    if (auto v = headerValue(raw, "CONFORMED SUBMISSION TYPE"); v && info_.filingType == "unknown")
      info_.filingType = normaliseFilingType(*v);
    else if (auto v = headerValue(raw, "FORM TYPE"); v && info_.filingType == "unknown")
      info_.filingType = normaliseFilingType(*v);
    else if (auto v = headerValue(raw, "COMPANY CONFORMED NAME"); v && info_.company.empty())
      info_.company = *v;
    else if (auto v = headerValue(raw, "CENTRAL INDEX KEY"); v && info_.cik.empty())
      info_.cik = *v;
    else if (auto v = headerValue(raw, "CONFORMED PERIOD OF REPORT"); v && info_.period.empty())
      info_.period = *v;
    else if (auto v = headerValue(raw, "FILED AS OF DATE"); v && info_.filingDate.empty())
      info_.filingDate = *v;
    else if (auto v = headerValue(raw, "ACCESSION NUMBER"); v)
      info_.externalId = *v;
  }

  void startBody(bool mainDocument, const std::string& exhibitName) {
    if (mainDocument) {
      spill_.add(kMainDocument, "");
      body_ = std::make_unique<DocumentBody>(
          limits_,
          [this](std::string_view line) {
            if (mainTextHead_.size() < kFilingTypeBytes) {
              mainTextHead_.append(line);
              mainTextHead_ += '\n';
            }
            mainFilter_.observeLine(line);
            spill_.add(kLine, line);
          },
          [this] {
            mainFilter_.observePageBreak();
            spill_.add(kPageBreak, "");
          });
      return;
    }
    spill_.add(kExhibit, exhibitName);
    exhibitFilters_.emplace_back();
    body_ = std::make_unique<DocumentBody>(
        limits_,
        [this](std::string_view line) {
          exhibitFilters_.back().observeLine(line);
          spill_.add(kLine, line);
        },
        [] {}); // an exhibit is one section: its pages need no boundaries
  }

  void addContent(std::string_view raw, bool endsLine) {
    if (isValidUtf8(raw)) {
      body_->add(raw, endsLine);
      return;
    }
    std::size_t replaced = 0;
    const std::string repaired = repairUtf8(raw, &replaced);
    badSequences_ += replaced;
    body_->add(repaired, endsLine);
  }

  const ReadLimits& limits_;
  DocumentInfo& info_;
  TextSpill spill_;
  PagedBoilerplate mainFilter_;
  std::vector<LineBoilerplate> exhibitFilters_;
  std::unique_ptr<DocumentBody> body_;
  std::string mainTextHead_;
  bool inDocument_ = false, inText_ = false, keepDocument_ = false;
  std::string docType_, docDescription_;
  int documentIndex_ = 0;
  std::size_t finishedExhibits_ = 0;
  std::size_t badSequences_ = 0;
  std::uint64_t totalBytes_ = 0;
};

} // namespace

void streamEdgarFull(const std::filesystem::path& path, const SidecarMetadata& sidecar, const ReadLimits& limits,
                     DocumentSink& sink) {
  DocumentInfo info;
  info.sourcePath = path.string();
  info.externalId = path.stem().string();
  SubmissionScan scan(limits, info);
  scan.run(path);
  applySidecar(info, path, sidecar);
  if (info.filingType == "unknown")
    if (std::string form = detectFilingTypeInText(scan.mainTextHead()); !form.empty())
      info.filingType = form;
  if (info.title.empty())
    info.title = info.company.empty() ? info.externalId : info.company + " " + info.filingType;
  if (!sink.beginDocument(info))
    return;
  scan.replay(sink);
  sink.endDocument(info);
}

} // namespace distillery::corpus
