// The EDGAR downloader against a local HTTP server on 127.0.0.1 (never the internet): User-Agent,
// rate limit, retries, resume of finished and partial files, the sidecar the importer reads.
#include "core/corpus/CorpusImporter.h"
#include "core/corpus/CorpusRepository.h"
#include "core/corpus/EdgarDownloader.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "tests/corpus/LocalHttpServer.h"
#include "tests/support/TestSupport.h"

#include <QJsonArray>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace distillery;
using namespace distillery::corpus;
using distillery::test::LocalHttpServer;
namespace fs = std::filesystem;

namespace {

const char* kUserAgent = "Distillery Tests tests@example.com";

std::string filingHtml(const std::string& form, const std::string& topic) {
  std::string html = "<html><body><p>UNITED STATES SECURITIES AND EXCHANGE COMMISSION</p><p>FORM " + form +
                     "</p><p>ITEM 7. MANAGEMENT'S DISCUSSION AND ANALYSIS</p>";
  for (int i = 0; i < 20; ++i)
    html += "<p>Paragraph " + std::to_string(i) + " on " + topic + ": net sales and services revenue grew.</p>";
  return html + "</body></html>";
}

// A fake EDGAR: the ticker list, one company's submissions index and its documents.
struct FakeEdgar {
  std::map<std::string, std::string> documents = {
      {"/Archives/edgar/data/320193/000032019323000106/aapl-20230930.htm", filingHtml("10-K", "fiscal 2023")},
      {"/Archives/edgar/data/320193/000032019323000077/aapl-20230701.htm", filingHtml("10-Q", "the third quarter")},
      {"/Archives/edgar/data/320193/000032019323000075/aapl-8k.htm", filingHtml("8-K", "results")},
      {"/Archives/edgar/data/320193/000032019322000108/aapl-20220924.htm", filingHtml("10-K", "fiscal 2022")},
  };
  std::map<std::string, int> failuresLeft = {{"/Archives/edgar/data/320193/000032019323000077/aapl-20230701.htm", 1}};

  LocalHttpServer::Reply operator()(const LocalHttpServer::Request& request) {
    if (request.path == "/files/company_tickers.json")
      return {200, "{\"0\":{\"cik_str\":320193,\"ticker\":\"AAPL\",\"title\":\"Apple Inc.\"}}", {}};
    if (request.path == "/submissions/CIK0000320193.json") {
      const nlohmann::json index = {
          {"cik", "320193"},
          {"name", "Apple Inc."},
          {"filings",
           {{"recent",
             {{"accessionNumber",
               {"0000320193-23-000106", "0000320193-23-000077", "0000320193-23-000075", "0000320193-22-000108",
                "0000320193-21-000999"}},
              {"form", {"10-K", "10-Q", "8-K", "10-K", "10-K"}},
              {"filingDate", {"2023-11-03", "2023-08-04", "2023-08-03", "2022-10-28", "2021-10-29"}},
              {"reportDate", {"2023-09-30", "2023-07-01", "2023-08-03", "2022-09-24", "2021-09-25"}},
              {"primaryDocument",
               {"aapl-20230930.htm", "aapl-20230701.htm", "aapl-8k.htm", "aapl-20220924.htm", "missing.htm"}}}}}}};
      return {200, index.dump(), {}};
    }
    const auto it = documents.find(request.path);
    if (it == documents.end())
      return {404, "not found", {}};
    if (failuresLeft[request.path]-- > 0)
      return {503, "slow down", {}};
    const auto range = request.headers.find("range");
    if (range != request.headers.end() && range->second.starts_with("bytes=")) {
      const std::size_t from = std::stoul(range->second.substr(6));
      return {206,
              it->second.substr(from),
              {{"Content-Range", "bytes " + std::to_string(from) + "-" + std::to_string(it->second.size() - 1) + "/" +
                                     std::to_string(it->second.size())}}};
    }
    return {200, it->second, {}};
  }
};

std::string readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<nlohmann::json> sidecarLines(const fs::path& dir) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(dir / "metadata.jsonl");
  std::string line;
  while (std::getline(in, line))
    lines.push_back(nlohmann::json::parse(line));
  return lines;
}

} // namespace

class TestEdgarDownloader : public QObject {
  Q_OBJECT

private slots:
  void downloadsFilteredFilingsPolitelyAndTheyImport() {
    FakeEdgar edgar;
    LocalHttpServer server(std::ref(edgar));
    QTemporaryDir dir;
    EdgarDownloadOptions options;
    options.userAgent = kUserAgent;
    options.companies = {"aapl"};
    options.formTypes = {"10-K", "10-Q"};
    options.dateFrom = "2023-01-01";
    options.outDir = fs::path(dir.path().toStdString()) / "edgar";
    options.retryDelaySeconds = 0.05;
    options.dataBaseUrl = options.archiveBaseUrl = server.baseUrl();
    const EdgarDownloadSummary summary = downloadEdgarFilings(options);

    QCOMPARE(summary.downloaded, std::int64_t(2));
    QVERIFY(summary.failed.empty());
    const std::vector<std::string> expected = {"320193_10-K_0000320193-23-000106_aapl-20230930.htm",
                                               "320193_10-Q_0000320193-23-000077_aapl-20230701.htm"};
    for (const std::string& file : expected)
      QVERIFY2(fs::exists(options.outDir / file), file.c_str());
    QCOMPARE(readAll(options.outDir / expected[0]),
             edgar.documents["/Archives/edgar/data/320193/000032019323000106/aapl-20230930.htm"]);

    const auto requests = server.requests();
    QCOMPARE(static_cast<std::int64_t>(requests.size()), summary.requests);
    QCOMPARE(requests.size(), std::size_t(5)); // tickers, index, 10-K, 10-Q refused once (503) then served
    for (std::size_t i = 0; i < requests.size(); ++i) {
      QCOMPARE(requests[i].headers.at("user-agent"), std::string(kUserAgent));
      if (i > 0) // at most 10 requests per second (arrival times jitter by a few milliseconds)
        QVERIFY2(requests[i].seconds - requests[i - 1].seconds >= 0.08,
                 qPrintable(QString::number(requests[i].seconds - requests[i - 1].seconds)));
    }
    QVERIFY(requests.back().seconds - requests.front().seconds >= 0.1 * (requests.size() - 1) - 0.02);

    const auto sidecar = sidecarLines(options.outDir);
    QCOMPARE(sidecar.size(), std::size_t(2));
    QCOMPARE(sidecar[0]["form_type"].get<std::string>(), std::string("10-K"));
    QCOMPARE(sidecar[0]["period"].get<std::string>(), std::string("2023-09-30"));

    // The importer picks the sidecar up: filing type, company and period per file.
    auto store = store::Store::open(fs::path(dir.path().toStdString()) / "x.db", store::OpenMode::CreateNew);
    ImportOptions importOptions;
    importOptions.corpusName = "edgar";
    const ImportSummary imported = importPaths(store, importOptions, {options.outDir});
    QCOMPARE(imported.documents, std::int64_t(2));
    QVERIFY(imported.filingTypes.count("10-K") && imported.filingTypes.count("10-Q"));
    for (const PassageRecord& p : loadPassages(store, findCorpusId(store, "edgar")))
      QCOMPARE(p.company, std::string("Apple Inc."));
  }

  void resumesFinishedAndPartialFiles() {
    FakeEdgar edgar;
    edgar.failuresLeft.clear();
    LocalHttpServer server(std::ref(edgar));
    QTemporaryDir dir;
    EdgarDownloadOptions options;
    options.userAgent = kUserAgent;
    options.companies = {"320193"};
    options.formTypes = {"10-K"};
    options.dateFrom = "2022-01-01";
    options.outDir = fs::path(dir.path().toStdString());
    options.dataBaseUrl = options.archiveBaseUrl = server.baseUrl();
    // A finished 2023 10-K and half of the 2022 one, as an interrupted run leaves them.
    const std::string done = "320193_10-K_0000320193-23-000106_aapl-20230930.htm";
    const std::string partial = "320193_10-K_0000320193-22-000108_aapl-20220924.htm";
    const std::string full2022 = edgar.documents["/Archives/edgar/data/320193/000032019322000108/aapl-20220924.htm"];
    std::ofstream(options.outDir / done) << "already here";
    std::ofstream(options.outDir / (partial + ".part"), std::ios::binary) << full2022.substr(0, 100);

    const EdgarDownloadSummary summary = downloadEdgarFilings(options);
    QCOMPARE(summary.alreadyPresent, std::int64_t(1));
    QCOMPARE(summary.downloaded, std::int64_t(1));
    QCOMPARE(summary.resumedPartial, std::int64_t(1));
    QCOMPARE(readAll(options.outDir / done), std::string("already here")); // not fetched again
    QCOMPARE(readAll(options.outDir / partial), full2022);
    QVERIFY(!fs::exists(options.outDir / (partial + ".part")));
    bool sawRange = false;
    for (const auto& r : server.requests())
      sawRange |= r.headers.count("range") && r.headers.at("range") == "bytes=100-";
    QVERIFY(sawRange);

    // A second run fetches nothing and does not repeat sidecar lines.
    const EdgarDownloadSummary again = downloadEdgarFilings(options);
    QCOMPARE(again.downloaded, std::int64_t(0));
    QCOMPARE(again.alreadyPresent, std::int64_t(2));
    QCOMPARE(sidecarLines(options.outDir).size(), std::size_t(2));
  }

  void failuresAreListedAndBadOptionsRejected() {
    FakeEdgar edgar;
    LocalHttpServer server(std::ref(edgar));
    QTemporaryDir dir;
    EdgarDownloadOptions options;
    options.userAgent = kUserAgent;
    options.companies = {"320193"};
    options.dateTo = "2021-12-31"; // only the filing whose document is missing
    options.outDir = dir.path().toStdString();
    options.maxAttempts = 2;
    options.retryDelaySeconds = 0.01;
    options.dataBaseUrl = options.archiveBaseUrl = server.baseUrl();
    const EdgarDownloadSummary summary = downloadEdgarFilings(options);
    QCOMPARE(summary.downloaded, std::int64_t(0));
    QCOMPARE(summary.failed.size(), std::size_t(1));
    QCOMPARE(summary.failed[0].reason, std::string("HTTP 404"));
    QCOMPARE(summary.requests, std::int64_t(2)); // a 404 is not retried

    EdgarDownloadOptions bad = options;
    bad.userAgent = "curl/8";
    QVERIFY_THROWS_EXCEPTION(InputError, downloadEdgarFilings(bad));
    bad = options;
    bad.dateFrom = "2023/01/01";
    QVERIFY_THROWS_EXCEPTION(InputError, downloadEdgarFilings(bad));
    bad = options;
    bad.maxRequestsPerSecond = 50;
    QVERIFY_THROWS_EXCEPTION(InputError, downloadEdgarFilings(bad));
    bad = options;
    bad.companies = {"ZZZZ"};
    QVERIFY_THROWS_EXCEPTION(InputError, downloadEdgarFilings(bad));
  }

  void cliDownloadsAndReportsJson() {
    FakeEdgar edgar;
    LocalHttpServer server(std::ref(edgar));
    QTemporaryDir dir;
    const QString out = dir.path() + "/cli";
    const QStringList arguments = {"download-edgar",
                                   "--user-agent",
                                   kUserAgent,
                                   "--company",
                                   "AAPL",
                                   "--form",
                                   "8-K",
                                   "--out",
                                   out,
                                   "--base-url",
                                   QString::fromStdString(server.baseUrl()),
                                   "--json"};
    const auto result = distillery::test::runCli(arguments);
    QCOMPARE(result.exitCode, 0);
    const QJsonObject json = result.json();
    QCOMPARE(json["downloaded"].toInt(), 1);
    QCOMPARE(json["failed"].toArray().size(), 0);
    QVERIFY(QFileInfo::exists(out + "/320193_8-K_0000320193-23-000075_aapl-8k.htm"));
    const auto again = distillery::test::runCli(arguments);
    QCOMPARE(again.json()["already_present"].toInt(), 1);
  }

  void serverDownIsReportedNotFatal() {
    QTemporaryDir dir;
    int port = 0;
    {
      LocalHttpServer server([](const LocalHttpServer::Request&) { return LocalHttpServer::Reply{}; });
      port = std::stoi(server.baseUrl().substr(server.baseUrl().rfind(':') + 1));
    } // closed: connections are refused
    EdgarDownloadOptions options;
    options.userAgent = kUserAgent;
    options.companies = {"320193"};
    options.outDir = dir.path().toStdString();
    options.maxAttempts = 2;
    options.retryDelaySeconds = 0.01;
    options.dataBaseUrl = options.archiveBaseUrl = "http://127.0.0.1:" + std::to_string(port);
    const EdgarDownloadSummary summary = downloadEdgarFilings(options);
    QCOMPARE(summary.failed.size(), std::size_t(1));
    QVERIFY2(summary.failed[0].reason.find("submissions index") != std::string::npos, summary.failed[0].reason.c_str());
    QCOMPARE(summary.requests, std::int64_t(2));
  }
};

QTEST_GUILESS_MAIN(TestEdgarDownloader)
#include "test_edgar_downloader.moc"
