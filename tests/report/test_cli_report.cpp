// `distillery-cli report` through the real CLI: a demo experiment with a run written as the pipeline writes
// it (rounds 0-2, dense and BM25 evaluations per filing type, mined examples, training log), then the report.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/Store.h"
#include "tests/support/TestSupport.h"

using namespace distillery;
using distillery::test::runCli;

namespace {
const std::vector<std::string> kTypes{"ALL", "10-K", "10-Q", "8-K"};
// Held-out queries with per-query results: the first 6 are 10-K, then two 10-Q and two 8-K. From round 0 to round 2
// every 10-K query gains (query 3 most), the 10-Q and 8-K ones gain and lose a little (query 7 loses most).
constexpr int kHeldOut = 10;
const double kGain[kHeldOut] = {0.10, 0.11, 0.12, 0.30, 0.14, 0.15, 0.05, -0.05, 0.02, -0.03};
std::string heldOutType(int query) {
  return query < 6 ? "10-K" : query < 8 ? "10-Q" : "8-K";
}
/// The file's bytes; empty (and said) when it cannot be read, which the content checks then report.
QByteArray readFile(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly))
    qWarning("cannot read %s", qPrintable(path));
  return file.readAll();
}
double queryNdcg(int round, int query, bool bm25) {
  const double round0 = 0.30 + 0.01 * query;
  return bm25 ? round0 - 0.10 : round == 0 ? round0 : round0 + kGain[query];
}
// Stored value: rounds improve by 0.04 per round, filing types differ, BM25 below round 0.
double metricValue(int round, const std::string& type, const std::string& name, bool bm25) {
  const double base = bm25 ? 0.31 : 0.35 + 0.04 * round;
  return base + 0.0123 * static_cast<double>(std::find(kTypes.begin(), kTypes.end(), type) - kTypes.begin()) +
         (name == "dcg"    ? 0.5
          : name == "ndcg" ? 0.02
                           : 0.0);
}
} // namespace

class ReportTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString store_;
  std::vector<std::string> queryKeys_, queryTexts_; // the held-out queries, as evaluations key them
  std::vector<std::string> records_;                // record keys of the corpus, for the stored rankings

  // Per-query rows and top-5 rankings, as the evaluator stores them: query q's top record is records_[q + round],
  // judged grade 3 for it, so the lists differ between rounds.
  void storeQueryResults(store::Store& s, std::int64_t evaluation, int round, bool bm25) {
    s.prepare("UPDATE evaluations SET query_set_id = (SELECT min(id) FROM query_sets), config_json = "
              "'{\"corpus_id\": 1}' WHERE id = ?1")
        .bind(1, evaluation)
        .run();
    for (int q = 0; q < kHeldOut; ++q) {
      const double ndcg = queryNdcg(round, q, bm25);
      const std::string judged = records_[static_cast<std::size_t>(q)];
      s.prepare("INSERT INTO evaluation_queries(evaluation_id, query_key, filing_type, mrr, dcg, ndcg, recall, "
                "judgments_json) VALUES (?1, ?2, ?3, ?4, ?4, ?4, ?4, ?5)")
          .bind(1, evaluation)
          .bind(2, queryKeys_[static_cast<std::size_t>(q)])
          .bind(3, heldOutType(q))
          .bind(4, ndcg)
          .bind(5, "{\"" + judged + "\": 3}")
          .run();
      for (int rank = 1; rank <= 5; ++rank)
        s.prepare("INSERT INTO evaluation_rankings(evaluation_id, query_key, rank, record_key, score) VALUES (?1, ?2, "
                  "?3, ?4, ?5)")
            .bind(1, evaluation)
            .bind(2, queryKeys_[static_cast<std::size_t>(q)])
            .bind(3, rank)
            .bind(4, records_[static_cast<std::size_t>(q + round + rank - 1)])
            .bind(5, 1.0 / rank)
            .run();
    }
  }

private slots:
  void initTestCase() {
    store_ = dir_.filePath(QStringLiteral("e.distillery"));
    const QString demo = dir_.filePath(QStringLiteral("demo"));
    QCOMPARE(runCli({"init", "--store", store_}).exitCode, 0);
    QCOMPARE(runCli({"demo-corpus", "--out", demo, "--companies", "2", "--queries", "10"}).exitCode, 0);
    QCOMPARE(runCli({"import", "--store", store_, "--corpus", "demo", demo}).exitCode, 0);
    store::Store s = store::Store::open(store_.toStdString(), store::OpenMode::MustExist);
    store::Statement queries = s.prepare(
        "SELECT coalesce(external_id, 'q' || id), text FROM queries ORDER BY id LIMIT " + std::to_string(kHeldOut));
    while (queries.step()) {
      queryKeys_.push_back(queries.columnText(0));
      queryTexts_.push_back(queries.columnText(1));
    }
    QCOMPARE(queryKeys_.size(), std::size_t(kHeldOut));
    store::Statement records =
        s.prepare("SELECT record_key FROM passages GROUP BY record_key ORDER BY min(id) LIMIT 20");
    while (records.step())
      records_.push_back(records.columnText(0));
    QCOMPARE(records_.size(), std::size_t(20));
    s.transaction([&] {
      s.exec("INSERT INTO runs(corpus_id, name, config_json, software_version, seed, status, created_at) VALUES (1, "
             "'report test', '{\"student\":\"default\",\"teacher\":{\"kind\":\"openai\",\"model\":\"m\","
             "\"api_key\":\"sk-PLANTEDSECRET42\"}}', '0.1.0', 42, 'completed', '2026-01-01T00:00:00Z')");
      for (int r = 0; r < 3; ++r) {
        s.prepare("INSERT INTO rounds(run_id, round_index, status, last_completed_step, started_at) VALUES (1, ?1, "
                  "'completed', 'evaluate', '2026-01-01T00:00:00Z')")
            .bind(1, r)
            .run();
        const std::int64_t roundId = s.lastInsertId();
        for (bool bm25 : {false, true}) {
          if (bm25 && r != 0)
            continue;
          s.prepare("INSERT INTO evaluations(run_id, round_index, retriever, k, created_at) VALUES (1, ?1, ?2, 5, "
                    "'2026-01-01T00:00:00Z')")
              .bind(1, r)
              .bind(2, bm25 ? "bm25" : "dense")
              .run();
          const std::int64_t evaluation = s.lastInsertId();
          for (const std::string& type : kTypes)
            for (const std::string name : {"mrr", "ndcg", "dcg", "recall"}) {
              const double value = metricValue(r, type, name, bm25);
              const bool interval = type != "8-K" && (name == "mrr" || name == "ndcg");
              s.prepare("INSERT INTO metrics(evaluation_id, run_id, round_index, filing_type, name, k, value, "
                        "query_count, ci_low, ci_high) VALUES (?1, 1, ?2, ?3, ?4, 5, ?5, 7, ?6, ?7)")
                  .bind(1, evaluation)
                  .bind(2, r)
                  .bind(3, type)
                  .bind(4, name)
                  .bind(5, value)
                  .bind(6, interval ? std::optional<double>(value - 0.03) : std::nullopt)
                  .bind(7, interval ? std::optional<double>(value + 0.03) : std::nullopt)
                  .run();
            }
          if (r == 0 || r == 2)
            storeQueryResults(s, evaluation, r, bm25);
        }
        if (r > 0) {
          for (int step = 1; step <= 20; ++step)
            s.prepare("INSERT INTO training_log(round_id, step, epoch, loss) VALUES (?1, ?2, 0, ?3)")
                .bind(1, roundId)
                .bind(2, step)
                .bind(3, 2.0 / (step + r))
                .run();
          s.prepare("INSERT INTO mined_examples(round_id, query_id, passage_id, kind, grade, student_rank) SELECT ?1, "
                    "q.id, p.id, 'hard_negative', 0, 3 FROM queries q, passages p LIMIT 5")
              .bind(1, roundId)
              .run();
        }
      }
    });
  }

  void writesSelfContainedReport() {
    const QString out = dir_.filePath(QStringLiteral("report"));
    const auto result = runCli({"report", "--store", store_, "--run", "1", "--out", out, "--json"}, 60000);
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QCOMPARE(result.json().value(QStringLiteral("files")).toArray().size(), 6);
    for (const char* png : {"bars-mrr.png", "bars-ndcg.png", "rounds.png", "loss.png"}) {
      const QImage image(QDir(out).filePath(QString::fromLatin1(png)));
      QVERIFY2(!image.isNull() && image.width() > 100, png);
      QSet<QRgb> colours;
      for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
          colours.insert(image.pixel(x, y));
      QVERIFY2(colours.size() > 3, png);
    }
    const QByteArray text = readFile(QDir(out).filePath(QStringLiteral("report.html")));
    // Each NDCG and MRR figure with its 95% interval in the next cell; the 8-K figures have none: a dash.
    const QByteArray finalAll = QByteArray::number(metricValue(2, "ALL", "mrr", false), 'f', 4);
    QVERIFY2(text.contains("<td>" + finalAll + "</td><td>0.4000\u20130.4600</td><td class=\"up\">+0.0800</td>"),
             finalAll.constData());
    const QByteArray final8K = QByteArray::number(metricValue(2, "8-K", "ndcg", false), 'f', 4);
    QVERIFY2(text.contains("<td>" + final8K + "</td><td>\u2014</td><td class=\"up\">+0.0800</td>"),
             final8K.constData());
    QVERIFY(text.contains("<th>NDCG@5 round 2 95% CI</th>"));
    for (const std::string& type : kTypes)
      QVERIFY(text.contains(QByteArray("<th>") + type.c_str() + "</th>"));
    QVERIFY(!text.contains("src=\"http") && !text.contains("href=\"http"));

    // Is the gain real? In words, from the per-query results: all 6 10-K queries gained (exact p = 2/64), the two
    // 10-Q and the two 8-K queries moved both ways (p = 1).
    const QByteArray sentence = "The final round's NDCG@5 gain over round 0 (+0.091 overall) is significant overall "
                                "and for 10-K; not for 10-Q (p = 1.00) or 8-K (p = 1.00).";
    QVERIFY(text.contains("<h2>Is the gain real?</h2>\n<p class=\"summary\">" + sentence));
    QVERIFY(text.contains("<th>10-K</th><td>NDCG@5</td><td>6</td><td class=\"up\">+0.1533</td>"));
    QVERIFY(text.contains("<td>significant (p = 0.03"));
    QVERIFY(text.contains("<th>10-Q</th><td>NDCG@5</td><td>2</td><td class=\"flat\">\u00b10.0000</td>"));
    QVERIFY(text.contains("<td>not significant: could be noise (p = 1.00)</td>"));
    QVERIFY(text.contains("<h3>Final student (round 2) vs BM25</h3>"));
    QVERIFY(text.contains("Against BM25 the final student's NDCG@5 is +0.191 overall: significant (p "));

    // Queries that changed most: query 3 gained most, query 7 lost most; their top lists before and after.
    const QByteArray improved = "<h3>Most improved</h3>\n<h4>1. " + QByteArray(queryKeys_[3].c_str()) +
                                " (10-K): NDCG@5 0.3300 \u2192 0.6300 (+0.3000)</h4>";
    QVERIFY2(text.contains(improved), improved.constData());
    const QByteArray degraded = "<h3>Most degraded</h3>\n<h4>1. " + QByteArray(queryKeys_[7].c_str()) +
                                " (10-Q): NDCG@5 0.3700 \u2192 0.3200 (-0.0500)</h4>";
    QVERIFY2(text.contains(degraded), degraded.constData());
    // Query 3's first row: round 0 ranked its judged record (grade 3) first, round 2 the next one (unjudged).
    const QByteArray firstRow = "<th>1</th><td>" + QByteArray(records_[3].c_str()) + "</td><td>3</td>";
    QVERIFY2(text.contains(firstRow), firstRow.constData());
    QVERIFY(text.contains("<td>" + QByteArray(records_[5].c_str()) + "</td><td>unjudged</td><td class=\"passage\">"));
    QCOMPARE(text.count("<h4>"), 8 + 2); // 8 queries gained, 2 lost
    QVERIFY(text.contains("data:image/png;base64,"));
    for (const QString& file : QDir(out).entryList(QDir::Files | QDir::Hidden)) {
      QFile f(QDir(out).filePath(file));
      QVERIFY(f.open(QIODevice::ReadOnly));
      QVERIFY2(!f.readAll().contains("PLANTEDSECRET"), qPrintable(file));
      QVERIFY2(!file.endsWith(QLatin1String(".partial")), qPrintable(file));
    }
  }

  void markdownAndJsonSayWhetherTheGainIsReal() {
    const QString out = dir_.filePath(QStringLiteral("report-md"));
    const auto result = runCli({"report", "--store", store_, "--run", "1", "--out", out, "--json"}, 60000);
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QByteArray text = readFile(QDir(out).filePath(QStringLiteral("report.md")));
    QVERIFY(text.contains("## Is the gain real?\n\n**The final round's NDCG@5 gain over round 0 (+0.091 overall) is "
                          "significant overall and for 10-K; not for 10-Q (p = 1.00) or 8-K (p = 1.00)."));
    QVERIFY(text.contains("| 8-K | MRR@5 | 2 |"));
    QVERIFY(text.contains("| not significant: could be noise (p = 1.00) |"));
    QVERIFY(text.contains("| 0.4300 | 0.4000\u20130.4600 | +0.0800 |")); // round 2's MRR@5, its interval, change
    const QByteArray improved = "### Most improved\n\n#### 1. " + QByteArray(queryKeys_[3].c_str()) +
                                " (10-K): NDCG@5 0.3300 \u2192 0.6300 (+0.3000)\n\n> ";
    QVERIFY2(text.contains(improved), improved.constData());
    QVERIFY(text.indexOf(improved) < text.indexOf("#### 2. " + QByteArray(queryKeys_[5].c_str()) + " (10-K)"));
    QVERIFY(text.contains("### Most degraded\n\n#### 1. " + QByteArray(queryKeys_[7].c_str()) + " (10-Q)"));

    const QJsonObject significance = result.json().value("summary").toObject().value("significance").toObject();
    const QJsonObject all = significance.value("vs_round0").toObject().value("ALL").toObject();
    const QJsonObject ndcg = all.value("ndcg@5").toObject();
    QVERIFY(ndcg.value("significant").toBool());
    QVERIFY(qAbs(ndcg.value("diff").toDouble() - 0.091) < 1e-9);
    QVERIFY(ndcg.value("p").toDouble() > 0 && ndcg.value("p").toDouble() < 0.05);
    QCOMPARE(ndcg.value("queries").toInt(), kHeldOut);
    const QJsonArray ci = ndcg.value("ci95").toArray();
    QVERIFY(ci.size() == 2 && ci[0].toDouble() > 0 && ci[0].toDouble() < 0.091 && ci[1].toDouble() > 0.091);
    QVERIFY(all.contains("mrr@5"));
    const QJsonObject tenQ = significance.value("vs_round0").toObject().value("10-Q").toObject();
    QVERIFY(!tenQ.value("ndcg@5").toObject().value("significant").toBool());
    QCOMPARE(tenQ.value("ndcg@5").toObject().value("p").toDouble(), 1.0);
    QVERIFY(significance.value("vs_bm25")
                .toObject()
                .value("ALL")
                .toObject()
                .value("ndcg@5")
                .toObject()
                .value("significant")
                .toBool());
    const QJsonObject changed = result.json().value("summary").toObject().value("changed_queries").toObject();
    QCOMPARE(changed.value("improved").toArray().first().toObject().value("query_key").toString().toStdString(),
             queryKeys_[3]);
    QCOMPARE(changed.value("degraded").toArray().size(), 2);
    // The keys the summary had before stay.
    QVERIFY(result.json().value("summary").toObject().value("filing_types").toObject().contains("10-K"));
  }

  void onlyRoundZeroHasNothingToCompare() {
    const QString copy = dir_.filePath(QStringLiteral("round0.distillery"));
    QVERIFY(QFile::copy(store_, copy));
    {
      store::Store s = store::Store::open(copy.toStdString(), store::OpenMode::MustExist);
      s.exec("DELETE FROM metrics WHERE round_index > 0");
      s.exec(
          "DELETE FROM evaluation_queries WHERE evaluation_id IN (SELECT id FROM evaluations WHERE round_index > 0)");
      s.exec("DELETE FROM evaluation_rankings WHERE evaluation_id IN (SELECT id FROM evaluations WHERE round_index > "
             "0)");
      s.exec("DELETE FROM evaluations WHERE round_index > 0");
      s.exec("DELETE FROM rounds WHERE round_index > 0");
    }
    const QString out = dir_.filePath(QStringLiteral("report-round0"));
    const auto result = runCli({"report", "--store", copy, "--run", "1", "--out", out, "--format", "md"}, 60000);
    QVERIFY2(result.exitCode == 0, result.err.constData());
    const QByteArray text = readFile(QDir(out).filePath(QStringLiteral("report.md")));
    QVERIFY(text.contains("## Is the gain real?\n\n**Only round 0 has been evaluated: there is nothing to compare "
                          "yet.**"));
    QVERIFY(text.contains("## Queries that changed most\n\nOnly round 0 has been evaluated"));
    QVERIFY(!text.contains("### Most improved"));
  }

  void unknownRunFails() {
    const auto result = runCli({"report", "--store", store_, "--run", "99", "--out", dir_.filePath("none")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("no run with id 99"), result.err.constData());
    QVERIFY(!QFileInfo::exists(dir_.filePath("none") + "/report.html"));
  }
};

QTEST_GUILESS_MAIN(ReportTest)
#include "test_cli_report.moc"
