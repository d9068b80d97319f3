#include "core/corpus/EdgarDownloader.h"

#include "core/util/Error.h"
#include "core/util/FileWrite.h"
#include "core/util/Time.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <thread>

namespace distillery::corpus {
namespace fs = std::filesystem;
namespace {

// Spaces request starts at least 1/rate seconds apart (SEC fair access: <= 10 requests per second).
class RateLimiter {
public:
  explicit RateLimiter(double perSecond) : interval_(1.0 / std::max(perSecond, 0.01)) {}
  void wait() {
    const double now = monotonicSeconds();
    if (next_ > now)
      std::this_thread::sleep_for(std::chrono::duration<double>(next_ - now));
    next_ = std::max(now, next_) + interval_;
  }

private:
  double interval_;
  double next_ = 0;
};

struct Response {
  long status = 0;
  std::string body;          // when not written to a file
  std::string curlError;     // transport failure, empty when a response arrived
  bool rangeRefused = false; // asked to resume, the server cannot
};

struct TransferState {
  std::string* body = nullptr;
  std::FILE* file = nullptr;
  std::int64_t bytes = 0;
  const std::stop_token* stop = nullptr;
};

size_t onData(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<TransferState*>(user);
  const size_t n = size * count;
  if (state->file) {
    if (std::fwrite(data, 1, n, state->file) != n)
      return 0;
  } else {
    state->body->append(data, n);
  }
  state->bytes += static_cast<std::int64_t>(n);
  return n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* state = static_cast<TransferState*>(user);
  return state->stop && state->stop->stop_requested() ? 1 : 0; // non-zero aborts the transfer
}

class EdgarClient {
public:
  EdgarClient(const EdgarDownloadOptions& options, EdgarDownloadSummary& summary, std::stop_token stop)
      : options_(options), summary_(summary), stop_(std::move(stop)), limiter_(options.maxRequestsPerSecond) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl_ = curl_easy_init();
    if (!curl_)
      throw Error("EDGAR download: cannot initialise libcurl");
  }
  ~EdgarClient() { curl_easy_cleanup(curl_); }
  EdgarClient(const EdgarClient&) = delete;
  EdgarClient& operator=(const EdgarClient&) = delete;

  /// GET into memory, with retries. Returns the last response (status 0 on transport failure).
  Response get(const std::string& url) {
    return withRetries(url, [&] { return perform(url, nullptr, 0); });
  }

  /// GET into target, resuming target.part; true when target is complete.
  bool download(const std::string& url, const fs::path& target, std::string& reason) {
    const fs::path part = target.string() + ".part";
    Response last = withRetries(url, [&]() -> Response {
      std::error_code ec;
      const std::int64_t have = fs::exists(part, ec) ? static_cast<std::int64_t>(fs::file_size(part, ec)) : 0;
      std::FILE* file = std::fopen(part.c_str(), have > 0 ? "ab" : "wb");
      if (!file)
        return {0, {}, systemError("cannot write", part)};
      Response response = perform(url, file, have);
      // The last buffered bytes reach the disk here: a full disk must not pass for a complete download.
      if (std::fclose(file) != 0 && (response.status == 200 || response.status == 206))
        return {0, {}, systemError("cannot write", part)};
      if (response.rangeRefused)
        fs::remove(part, ec); // no byte ranges on this server: the next attempt starts over
      if (response.status == 416 && have > 0)
        return Response{200, {}, {}}; // "range not satisfiable": the .part already holds the whole file
      if (response.status != 200 && response.status != 206) {
        fs::resize_file(part, static_cast<std::uintmax_t>(have), ec); // an error page is not filing text
        return response;
      }
      if (response.status == 200 && have > 0) {
        // The server ignored the Range request and sent the whole file: keep only the full copy.
        writeWholeFile(part, readTail(part, have));
      } else if (response.status == 206 && have > 0) {
        ++summary_.resumedPartial;
      }
      return response;
    });
    if (last.status == 200 || last.status == 206) {
      std::error_code ec;
      fs::rename(part, target, ec);
      if (!ec)
        return true;
      reason = "cannot rename " + part.string() + ": " + ec.message();
      return false;
    }
    std::error_code ec;
    if (fs::exists(part, ec) && fs::file_size(part, ec) == 0)
      fs::remove(part, ec);
    reason = describe(last);
    return false;
  }

  static std::string describe(const Response& r) {
    return r.curlError.empty() ? "HTTP " + std::to_string(r.status) : r.curlError;
  }

private:
  static std::string readTail(const fs::path& path, std::int64_t skip) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(skip);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  template <typename Attempt> Response withRetries(const std::string& url, Attempt&& attempt) {
    Response response;
    double delay = options_.retryDelaySeconds;
    for (int tries = 1;; ++tries) {
      throwIfStopped(stop_);
      response = attempt();
      const bool transient = !response.curlError.empty() || response.status == 429 || response.status >= 500;
      if (!transient || tries >= options_.maxAttempts)
        return response;
      std::this_thread::sleep_for(std::chrono::duration<double>(delay));
      delay *= 2;
    }
  }

  Response perform(const std::string& url, std::FILE* file, std::int64_t resumeFrom) {
    limiter_.wait();
    ++summary_.requests;
    Response response;
    TransferState state{&response.body, file, 0, &stop_};
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, options_.userAgent.c_str());
    curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, ""); // gzip/deflate, as SEC recommends
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, options_.timeoutSeconds);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, onData);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &state);
    if (resumeFrom > 0)
      curl_easy_setopt(curl_, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(resumeFrom));
    const CURLcode code = curl_easy_perform(curl_);
    summary_.bytes += state.bytes;
    if (code == CURLE_ABORTED_BY_CALLBACK)
      throw Cancelled();
    if (code != CURLE_OK) {
      response.curlError = curl_easy_strerror(code);
      response.rangeRefused = code == CURLE_RANGE_ERROR;
      return response;
    }
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }

  const EdgarDownloadOptions& options_;
  EdgarDownloadSummary& summary_;
  std::stop_token stop_;
  RateLimiter limiter_;
  CURL* curl_ = nullptr;
};

bool allDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool isDate(const std::string& s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && allDigits(s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2));
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string safeFileName(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
      c = '_';
  return s;
}

} // namespace

void checkEdgarDownloadOptions(const EdgarDownloadOptions& options) {
  if (options.userAgent.find('@') == std::string::npos)
    throw InputError("EDGAR download: the User-Agent must name a contact e-mail (SEC fair-access policy), e.g. "
                     "\"Jane Analyst jane@example.com\"; got '" +
                     options.userAgent + "'");
  if (options.companies.empty())
    throw InputError("EDGAR download: name at least one CIK or ticker");
  for (const std::string* date : {&options.dateFrom, &options.dateTo})
    if (!date->empty() && !isDate(*date))
      throw InputError("EDGAR download: dates must be YYYY-MM-DD, got '" + *date + "'");
  if (options.outDir.empty())
    throw InputError("EDGAR download: an output folder is required");
  if (options.maxRequestsPerSecond <= 0 || options.maxRequestsPerSecond > 10)
    throw InputError("EDGAR download: requests per second must be in (0, 10] (SEC's limit is 10)");
}

EdgarDownloadSummary downloadEdgarFilings(const EdgarDownloadOptions& options, const ProgressCallback& progress,
                                          std::stop_token stop) {
  checkEdgarDownloadOptions(options);
  const double started = monotonicSeconds();
  EdgarDownloadSummary summary;
  std::error_code ec;
  fs::create_directories(options.outDir, ec);
  if (ec)
    throw InputError("EDGAR download: cannot create " + options.outDir.string() + ": " + ec.message());
  EdgarClient client(options, summary, stop);

  // Files the sidecar already describes (a resumed run appends only new ones).
  std::set<std::string> described;
  {
    std::ifstream in(options.outDir / "metadata.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      const auto entry = nlohmann::json::parse(line, nullptr, false);
      if (entry.is_object() && entry.contains("file") && entry["file"].is_string())
        described.insert(entry["file"].get<std::string>());
    }
  }
  std::ofstream sidecar(options.outDir / "metadata.jsonl", std::ios::app);

  std::set<std::string> wantedForms;
  for (const std::string& form : options.formTypes)
    wantedForms.insert(upper(form));

  std::map<std::string, std::string> cikByTicker;
  try {
    for (const std::string& company : options.companies) {
      std::string cik = company;
      if (!allDigits(cik)) {
        if (cikByTicker.empty()) {
          const Response r = client.get(options.archiveBaseUrl + "/files/company_tickers.json");
          if (r.status != 200)
            throw Error("EDGAR download: cannot load the ticker list: " + EdgarClient::describe(r));
          const auto tickers = nlohmann::json::parse(r.body, nullptr, false);
          if (!tickers.is_object())
            throw Error("EDGAR download: the ticker list is not JSON");
          for (const auto& [key, entry] : tickers.items())
            if (entry.contains("ticker") && entry.contains("cik_str"))
              cikByTicker[upper(entry["ticker"].get<std::string>())] =
                  std::to_string(entry["cik_str"].get<long long>());
        }
        const auto it = cikByTicker.find(upper(company));
        if (it == cikByTicker.end())
          throw InputError("EDGAR download: unknown ticker '" + company + "'");
        cik = it->second;
      }
      char padded[16];
      std::snprintf(padded, sizeof padded, "%010lld", std::stoll(cik));
      const Response r = client.get(options.dataBaseUrl + "/submissions/CIK" + padded + ".json");
      if (r.status != 200) {
        summary.failed.push_back({company, "submissions index: " + EdgarClient::describe(r)});
        continue;
      }
      const auto index = nlohmann::json::parse(r.body, nullptr, false);
      const nlohmann::json* recent = nullptr;
      if (index.is_object() && index.contains("filings") && index["filings"].contains("recent"))
        recent = &index["filings"]["recent"];
      if (!recent || !recent->contains("accessionNumber")) {
        summary.failed.push_back({company, "submissions index has no filings.recent"});
        continue;
      }
      const std::string name = index.value("name", company);
      const auto column = [&](const char* key, std::size_t i) -> std::string {
        if (!recent->contains(key) || i >= (*recent)[key].size() || !(*recent)[key][i].is_string())
          return {};
        return (*recent)[key][i].get<std::string>();
      };
      std::vector<std::size_t> selected;
      for (std::size_t i = 0; i < (*recent)["accessionNumber"].size(); ++i) {
        const std::string form = upper(column("form", i)), filed = column("filingDate", i);
        if (!wantedForms.empty() && !wantedForms.count(form))
          continue;
        if ((!options.dateFrom.empty() && filed < options.dateFrom) ||
            (!options.dateTo.empty() && filed > options.dateTo))
          continue;
        if (column("primaryDocument", i).empty())
          continue;
        selected.push_back(i);
        if (options.maxFilingsPerCompany > 0 && static_cast<int>(selected.size()) >= options.maxFilingsPerCompany)
          break; // EDGAR lists newest first
      }
      std::int64_t done = 0;
      for (std::size_t i : selected) {
        const std::string accession = column("accessionNumber", i), form = column("form", i);
        std::string folder = accession;
        std::erase(folder, '-');
        const std::string document = column("primaryDocument", i);
        const std::string url = options.archiveBaseUrl + "/Archives/edgar/data/" + std::to_string(std::stoll(cik)) +
                                "/" + folder + "/" + document;
        const std::string file = safeFileName(cik + "_" + form + "_" + accession + "_" + document);
        report(progress, {"download", done, static_cast<std::int64_t>(selected.size()), file});
        if (fs::exists(options.outDir / file)) {
          ++summary.alreadyPresent;
        } else {
          std::string reason;
          if (!client.download(url, options.outDir / file, reason)) {
            summary.failed.push_back({url, reason});
            ++done;
            continue;
          }
          ++summary.downloaded;
        }
        if (!described.count(file)) {
          const nlohmann::json entry = {{"file", file},
                                        {"form_type", form},
                                        {"company", name},
                                        {"cik", cik},
                                        {"period", column("reportDate", i)},
                                        {"filing_date", column("filingDate", i)},
                                        {"accession", accession},
                                        {"url", url}};
          sidecar << entry.dump() << '\n' << std::flush; // one complete line per finished filing
          described.insert(file);
        }
        report(progress, {"download", ++done, static_cast<std::int64_t>(selected.size()), file});
      }
    }
  } catch (const Cancelled&) {
    summary.cancelled = true;
  }
  summary.seconds = monotonicSeconds() - started;
  return summary;
}

} // namespace distillery::corpus
