#pragma once
// Downloads filings from SEC EDGAR over HTTPS (libcurl) into a folder the importer reads: each filing's
// primary document plus a metadata.jsonl sidecar (form type, company, CIK, period, filing date).
// Follows SEC's fair-access policy: a User-Agent naming a contact, at most 10 requests per second.
// Retries transient failures (network errors, 429, 5xx) with backoff; resumes: finished files are
// skipped, partial ones (.part) continue with an HTTP Range request.
#include <cstdint>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include "core/util/Progress.h"

namespace distillery::corpus {

struct EdgarDownloadOptions {
  std::string userAgent;              // required, e.g. "Jane Analyst jane@example.com" (SEC asks for a contact)
  std::vector<std::string> companies; // CIKs ("320193") or tickers ("AAPL")
  std::vector<std::string> formTypes; // e.g. {"10-K", "8-K"}; empty: every form
  std::string dateFrom;               // YYYY-MM-DD, inclusive; empty: no lower bound
  std::string dateTo;                 // YYYY-MM-DD, inclusive; empty: no upper bound
  std::filesystem::path outDir;       // created when missing
  int maxFilingsPerCompany = 0;       // newest first; 0: no limit
  double maxRequestsPerSecond = 10;   // SEC's limit; lower is fine
  int maxAttempts = 4;                // per request, including the first
  double retryDelaySeconds = 1;       // first backoff; doubles per retry
  long timeoutSeconds = 120;          // per request
  std::string dataBaseUrl = "https://data.sec.gov";   // submissions API (tests point these at 127.0.0.1)
  std::string archiveBaseUrl = "https://www.sec.gov"; // Archives and company_tickers.json
};

struct DownloadProblem {
  std::string what; // URL or company
  std::string reason;
};

struct EdgarDownloadSummary {
  std::int64_t downloaded = 0;     // filings fetched by this run
  std::int64_t alreadyPresent = 0; // finished earlier: skipped (resume)
  std::int64_t resumedPartial = 0; // continued from a .part file with a Range request
  std::int64_t requests = 0;       // HTTP requests made, retries included
  std::int64_t bytes = 0;          // bytes received
  std::vector<DownloadProblem> failed;
  bool cancelled = false;
  double seconds = 0;
};

/// Throws InputError naming what is wrong with the options before anything is fetched: a User-Agent without a contact
/// e-mail, no companies, a date not YYYY-MM-DD, no output folder, a rate outside (0, 10].
void checkEdgarDownloadOptions(const EdgarDownloadOptions& options);

/// Throws InputError for bad options (no User-Agent contact, no companies, bad dates, unknown ticker);
/// failures of single filings are listed in `failed` and do not stop the run. Progress: stage "download",
/// done/total filings of the current company list.
EdgarDownloadSummary downloadEdgarFilings(const EdgarDownloadOptions& options, const ProgressCallback& progress = {},
                                          std::stop_token stop = {});

} // namespace distillery::corpus
