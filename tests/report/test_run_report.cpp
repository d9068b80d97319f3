// core/report without any GUI: the metric table as stored, secrets kept out of shown configs, and the run report's
// files and charts as core describes them to a renderer (here one that records what it is asked to draw).
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <sstream>

#include "core/report/MetricTable.h"
#include "core/report/Redaction.h"
#include "core/report/RunReport.h"
#include "core/store/Store.h"
#include "core/util/Error.h"
#include "tests/gui/GuiTestData.h"

using namespace distillery;
using namespace distillery::reporting;

namespace {

/// Records every chart it is asked for; its "PNG" is the chart's title, so the report's embedding can be checked.
class RecordingRenderer : public ChartRenderer {
public:
  std::vector<BarChartSpec> bars;
  std::vector<LineChartSpec> lines;
  std::string renderBars(const BarChartSpec& chart) override {
    bars.push_back(chart);
    return chart.title;
  }
  std::string renderLines(const LineChartSpec& chart) override {
    lines.push_back(chart);
    return chart.title;
  }
};

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

class RunReportTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<store::Store> store_;
  test::DemoExperiment demo_;

private slots:
  void initTestCase() {
    store_ = std::make_unique<store::Store>(store::Store::open(
        dir_.filePath(QStringLiteral("report.distillery")).toStdString(), store::OpenMode::CreateNew));
    demo_ = test::seedDemoExperiment(*store_);
  }

  void metricTableKeepsLatestEvaluation() {
    MetricTable table({{1, 0, "dense", "ALL", "mrr", 5, 0.1, 10}, {1, 0, "dense", "ALL", "mrr", 5, 0.2, 12}});
    QCOMPARE(table.records().size(), std::size_t(1));
    QCOMPARE(table.find(1, 0, "dense", "ALL", "mrr", 5)->value, 0.2);
    QVERIFY(!table.find(1, 1, "dense", "ALL", "mrr", 5));
    const MetricTable stored = MetricTable::load(*store_);
    QCOMPARE(stored.rounds(demo_.runId), (std::vector<int>{0, 1, 2}));
    QCOMPARE(stored.filingTypes(demo_.runId), (std::vector<std::string>{"ALL", "10-K", "10-Q", "8-K"}));
    QCOMPARE(stored.baseline(demo_.runId, "8-K", "ndcg", 5)->value, test::demoMetricValue(0, "8-K", "ndcg", true));
    QCOMPARE(metricDisplayName("ndcg"), std::string("NDCG"));
    QCOMPARE(metricDisplayName("recall"), std::string("Recall"));
  }

  void secretsAreRemovedFromShownConfigs() {
    const nlohmann::json config = {{"teacher", {{"kind", "openai"}, {"api_key", "sk-abc"}, {"max_tokens", 512}}},
                                   {"headers", {{"Authorization", "Bearer xyz"}}},
                                   {"notes", {"plain", "sk-hidden", "Bearer abc"}},
                                   {"access_token", "t"}};
    const nlohmann::json shown = redactSecrets(config);
    QCOMPARE(shown["teacher"].dump(), std::string(R"({"kind":"openai","max_tokens":512})"));
    QVERIFY(shown["headers"].empty());
    QCOMPARE(shown["notes"].dump(), std::string(R"(["plain","[redacted]","[redacted]"])"));
    QVERIFY(!shown.contains("access_token"));
  }

  void reportAsksForTheChartsAndEmbedsThem() {
    RecordingRenderer charts;
    const std::filesystem::path out = dir_.filePath(QStringLiteral("out")).toStdString();
    const RunReportResult result = writeRunReport(*store_, demo_.runId, out, charts);
    std::vector<std::string> names;
    for (const auto& file : result.files)
      names.push_back(file.filename().string());
    QCOMPARE(names, (std::vector<std::string>{"bars-mrr.png", "bars-ndcg.png", "rounds.png", "loss.png", "report.md",
                                              "report.html"}));

    // Bars per filing type: BM25, round 0 and the final round with their intervals.
    QCOMPARE(charts.bars.size(), std::size_t(2));
    const BarChartSpec& mrr = charts.bars[0];
    QCOMPARE(mrr.title, std::string("MRR@5 per filing type: round 2 vs round 0 vs BM25"));
    QCOMPARE(mrr.yAxisTitle, std::string("MRR@5"));
    QCOMPARE(mrr.categories, (std::vector<std::string>{"all", "10-K", "10-Q", "8-K"}));
    QCOMPARE(mrr.series.size(), std::size_t(3));
    const std::vector<std::string> types{"ALL", "10-K", "10-Q", "8-K"};
    for (std::size_t s = 0; s < 3; ++s) {
      QCOMPARE(mrr.series[s].name, (std::vector<std::string>{"BM25", "round 0", "round 2"})[s]);
      QCOMPARE(mrr.series[s].colour, static_cast<ColourIndex>(s));
      for (std::size_t t = 0; t < types.size(); ++t) {
        const double expected = test::demoMetricValue(s == 2 ? 2 : 0, types[t], "mrr", s == 0);
        QCOMPARE(*mrr.series[s].values[t], expected);
        QVERIFY(qAbs(mrr.series[s].errors[t]->high - expected - test::kDemoIntervalHalfWidth) < 1e-9);
      }
    }
    QCOMPARE(charts.bars[1].yAxisTitle, std::string("NDCG@5"));

    // Rounds: MRR and NDCG over all queries at every evaluated round; loss: one curve per trained round.
    QCOMPARE(charts.lines.size(), std::size_t(2));
    const LineChartSpec& rounds = charts.lines[0];
    QVERIFY(rounds.wholeNumberX);
    QCOMPARE(rounds.series.size(), std::size_t(2));
    QCOMPARE(rounds.series[1].name, std::string("NDCG@5, all"));
    QCOMPARE(rounds.series[1].x, (std::vector<double>{0, 1, 2}));
    QCOMPARE(rounds.series[1].y[2], test::demoMetricValue(2, "ALL", "ndcg", false));
    const LineChartSpec& loss = charts.lines[1];
    QCOMPARE(loss.title, std::string("Training loss per round"));
    QCOMPARE(loss.xAxisTitle, std::string("training step"));
    QVERIFY(!loss.series.empty() && loss.series[0].x.size() == loss.series[0].y.size());

    // The HTML embeds each chart's bytes as base64; the Markdown points at the files.
    const std::string html = readFile(out / "report.html");
    QVERIFY(html.find("<img alt=\"Training loss per round\" src=\"data:image/png;base64,"
                      "VHJhaW5pbmcgbG9zcyBwZXIgcm91bmQ=\">") != std::string::npos);
    const std::string md = readFile(out / "report.md");
    QVERIFY(md.find("![MRR@5 per filing type: round 2 vs round 0 vs BM25](bars-mrr.png)") != std::string::npos);
    QCOMPARE(readFile(out / "rounds.png"), rounds.title);
    QCOMPARE(result.summary.value("final_round", -1), 2);
  }

  void aChartThatCannotBeDrawnLeavesNoReport() {
    struct FailingRenderer : RecordingRenderer {
      std::string renderLines(const LineChartSpec&) override { return {}; }
    } charts;
    const std::filesystem::path out = dir_.filePath(QStringLiteral("failed")).toStdString();
    QVERIFY_THROWS_EXCEPTION(Error, writeRunReport(*store_, demo_.runId, out, charts));
    QVERIFY(!std::filesystem::exists(out / "report.html"));
  }

  void unknownRunIsAnInputError() {
    RecordingRenderer charts;
    QVERIFY_THROWS_EXCEPTION(InputError, writeRunReport(*store_, 99, dir_.filePath("none").toStdString(), charts));
    QVERIFY(charts.bars.empty());
  }
};

QTEST_GUILESS_MAIN(RunReportTest)
#include "test_run_report.moc"
