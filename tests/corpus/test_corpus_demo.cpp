// The built-in demo corpus: deterministic, realistic in shape, importable, and hard enough that
// keyword search is good but not perfect on its held-out queries.
#include "core/corpus/CorpusImporter.h"
#include "core/corpus/CorpusRepository.h"
#include "core/corpus/demo/DemoCorpus.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "tests/support/TestSupport.h"

#include <QJsonArray>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

using namespace distillery;
using namespace distillery::corpus;
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// An FTS5 OR-query of the query's words (quoted, so punctuation cannot break the syntax).
std::string orQuery(const std::string& text) {
  std::string query, word;
  const auto flush = [&] {
    if (!word.empty())
      query += (query.empty() ? "\"" : " OR \"") + word + "\"";
    word.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c))
      word += static_cast<char>(std::tolower(c));
    else
      flush();
  }
  flush();
  return query;
}

} // namespace

class TestCorpusDemo : public QObject {
  Q_OBJECT

private slots:
  void sameSeedSameBytesOtherSeedOtherCorpus() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const DemoCorpusSummary a = writeDemoCorpus(root / "a", {7, 18, 300});
    writeDemoCorpus(root / "b", {7, 18, 300});
    writeDemoCorpus(root / "c", {8, 18, 300});
    QCOMPARE(readAll(root / "a" / "corpus.jsonl"), readAll(root / "b" / "corpus.jsonl"));
    QCOMPARE(readAll(root / "a" / "queries.jsonl"), readAll(root / "b" / "queries.jsonl"));
    QCOMPARE(readAll(root / "a" / "qrels" / "test.tsv"), readAll(root / "b" / "qrels" / "test.tsv"));
    QVERIFY(readAll(root / "a" / "corpus.jsonl") != readAll(root / "c" / "corpus.jsonl"));
    QVERIFY(fs::exists(root / "a" / "README.md"));
    // It refuses to overwrite a corpus.
    QVERIFY_THROWS_EXCEPTION(InputError, writeDemoCorpus(root / "a", {7, 18, 300}));

    QVERIFY2(a.passages >= 2000 && a.passages <= 4000, qPrintable(QString::number(a.passages)));
    QCOMPARE(a.queries, std::int64_t(300));
    for (const char* type : {"10-K", "10-Q", "8-K", "DEF 14A", "S-1", "20-F"})
      QVERIFY2(a.filingTypes.count(type) && a.filingTypes.at(type) > 20, type);
  }

  void recordsQueriesAndQrelsAreConsistent() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    writeDemoCorpus(root, {});
    std::set<std::string> ids, companies;
    std::ifstream corpus(root / "corpus.jsonl");
    std::string line;
    while (std::getline(corpus, line)) {
      const auto record = nlohmann::json::parse(line);
      QVERIFY(ids.insert(record["_id"].get<std::string>()).second);
      QVERIFY(!record["text"].get<std::string>().empty());
      QVERIFY(record["metadata"].contains("filing_type"));
      QVERIFY(record["metadata"].contains("period"));
      companies.insert(record["metadata"]["company"].get<std::string>());
    }
    QVERIFY(companies.size() >= 10);
    std::map<std::string, std::map<std::string, int>> qrels;
    for (const char* split : {"test.tsv", "dev.tsv"}) {
      std::ifstream tsv(root / "qrels" / split);
      std::getline(tsv, line);
      QCOMPARE(line, std::string("query-id\tcorpus-id\tscore"));
      while (std::getline(tsv, line)) {
        std::istringstream cells(line);
        std::string query, doc;
        int grade = 0;
        cells >> query >> doc >> grade;
        QVERIFY2(ids.count(doc), doc.c_str());
        QVERIFY(grade >= 1 && grade <= 3);
        QVERIFY2(!qrels.count(query) || !qrels[query].empty(), query.c_str());
        qrels[query][doc] = grade;
      }
    }
    std::ifstream queries(root / "queries.jsonl");
    std::map<std::string, int> types;
    int withRelated = 0, count = 0;
    while (std::getline(queries, line)) {
      const auto q = nlohmann::json::parse(line);
      const std::string id = q["_id"];
      ++count;
      ++types[q["metadata"]["query_type"].get<std::string>()];
      const auto& graded = qrels[id];
      // The source passage fully answers its query.
      QCOMPARE(graded.at(q["metadata"]["source_id"].get<std::string>()), 3);
      withRelated += std::any_of(graded.begin(), graded.end(), [](const auto& g) { return g.second == 1; });
    }
    QCOMPARE(count, 400); // 300 test queries, then 100 dev queries (their qrels in qrels/dev.tsv)
    QVERIFY(types["question"] > 50 && types["keyword"] > 30);
    QVERIFY(withRelated > 150); // most queries have related, partly relevant passages too
  }

  void keywordSearchIsGoodButNotPerfect() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    writeDemoCorpus(root / "demo", {});
    auto store = store::Store::open(root / "demo.db", store::OpenMode::CreateNew);
    ImportOptions options;
    options.corpusName = "demo";
    const ImportSummary summary = importPaths(store, options, {root / "demo"});
    QVERIFY(summary.skipped.empty());
    QCOMPARE(summary.queries, std::int64_t(400));
    const std::int64_t corpusId = findCorpusId(store, "demo");
    const QuerySetRecord set = loadQuerySet(store, corpusId, "demo");
    QCOMPARE(set.queries.size(), std::size_t(400));
    QCOMPARE(std::count_if(set.queries.begin(), set.queries.end(), [](const auto& q) { return q.split == "dev"; }),
             std::ptrdiff_t(100));
    // BM25 (SQLite FTS5) over the imported passages: MRR@5 of the best-graded passages.
    auto search = store.prepare("SELECT p.record_key FROM passages_fts f JOIN passages p ON p.id = f.rowid "
                                "WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts) LIMIT 5");
    double mrr = 0;
    std::set<std::string> filingTypes;
    for (const QueryRecord& q : set.queries) {
      filingTypes.insert(q.filingType);
      int best = 0;
      for (const auto& [key, grade] : q.qrels)
        best = std::max(best, grade);
      search.reset();
      search.bind(1, orQuery(q.text));
      for (int rank = 1; search.step(); ++rank) {
        const auto it = q.qrels.find(search.columnText(0));
        if (it != q.qrels.end() && it->second == best) {
          mrr += 1.0 / rank;
          break;
        }
      }
    }
    mrr /= static_cast<double>(set.queries.size());
    qInfo("demo corpus: BM25 MRR@5 = %.3f over %zu queries", mrr, set.queries.size());
    QVERIFY2(mrr > 0.25 && mrr < 0.9, qPrintable(QString::number(mrr)));
    QCOMPARE(filingTypes.size(), std::size_t(6)); // every query knows its filing type
  }

  void cliWritesDemoCorpus() {
    QTemporaryDir dir;
    const QString out = dir.path() + "/demo";
    const auto result = distillery::test::runCli({"demo-corpus", "--out", out, "--seed", "3", "--json"});
    QCOMPARE(result.exitCode, 0);
    const QJsonObject json = result.json();
    QVERIFY(json["passages"].toInt() >= 2000);
    QCOMPARE(json["seed"].toInt(), 3);
    QVERIFY(json["filing_types"].toObject().contains("DEF 14A"));
    QVERIFY(QFileInfo::exists(out + "/qrels/test.tsv"));
    const auto again = distillery::test::runCli({"demo-corpus", "--out", out});
    QCOMPARE(again.exitCode, 1);
    QVERIFY(again.err.contains("already exists"));
  }
};

QTEST_GUILESS_MAIN(TestCorpusDemo)
#include "test_corpus_demo.moc"
