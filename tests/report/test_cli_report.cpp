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

private slots:
  void initTestCase() {
    store_ = dir_.filePath(QStringLiteral("e.distillery"));
    const QString demo = dir_.filePath(QStringLiteral("demo"));
    QCOMPARE(runCli({"init", "--store", store_}).exitCode, 0);
    QCOMPARE(runCli({"demo-corpus", "--out", demo, "--companies", "2", "--queries", "10"}).exitCode, 0);
    QCOMPARE(runCli({"import", "--store", store_, "--corpus", "demo", demo}).exitCode, 0);
    store::Store s = store::Store::open(store_.toStdString(), store::OpenMode::MustExist);
    s.transaction([&] {
      s.exec("INSERT INTO runs(corpus_id, name, config_json, software_version, seed, status, created_at) VALUES (1, "
             "'report test', '{\"student\":\"default\",\"teacher\":{\"kind\":\"openai\",\"model\":\"m\","
             "\"api_key\":\"sk-PLANTEDSECRET42\"}}', '0.1.0', 42, 'completed', '2026-01-01T00:00:00Z')");
      for (int r = 0; r < 3; ++r) {
        s.prepare("INSERT INTO rounds(run_id, round_index, status, started_at) VALUES (1, ?1, 'completed', "
                  "'2026-01-01T00:00:00Z')")
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
            for (const std::string name : {"mrr", "ndcg", "dcg", "recall"})
              s.prepare("INSERT INTO metrics(evaluation_id, run_id, round_index, filing_type, name, k, value, "
                        "query_count) VALUES (?1, 1, ?2, ?3, ?4, 5, ?5, 7)")
                  .bind(1, evaluation)
                  .bind(2, r)
                  .bind(3, type)
                  .bind(4, name)
                  .bind(5, metricValue(r, type, name, bm25))
                  .run();
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
    QFile html(QDir(out).filePath(QStringLiteral("report.html")));
    QVERIFY(html.open(QIODevice::ReadOnly));
    const QByteArray text = html.readAll();
    const QByteArray finalAll = QByteArray::number(metricValue(2, "ALL", "mrr", false), 'f', 4);
    QVERIFY2(text.contains("<td>" + finalAll + "</td><td class=\"up\">+0.0800</td>"), finalAll.constData());
    for (const std::string& type : kTypes)
      QVERIFY(text.contains(QByteArray("<th>") + type.c_str() + "</th>"));
    QVERIFY(!text.contains("src=\"http") && !text.contains("href=\"http"));
    QVERIFY(text.contains("data:image/png;base64,"));
    for (const QString& file : QDir(out).entryList(QDir::Files | QDir::Hidden)) {
      QFile f(QDir(out).filePath(file));
      QVERIFY(f.open(QIODevice::ReadOnly));
      QVERIFY2(!f.readAll().contains("PLANTEDSECRET"), qPrintable(file));
      QVERIFY2(!file.endsWith(QLatin1String(".partial")), qPrintable(file));
    }
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
