// charts/PngChartRenderer: core/report's chart descriptions drawn as PNG images on the offscreen platform, in the
// palette's colours, at the size asked for; charts without points still render.
#include <QImage>
#include <QSet>
#include <QTest>

#include "charts/PngChartRenderer.h"

using namespace distillery;
using namespace distillery::reporting;

namespace {

QImage decode(const std::string& png) {
  return QImage::fromData(reinterpret_cast<const uchar*>(png.data()), static_cast<int>(png.size()), "PNG");
}

/// How many pixels of the image have exactly this colour.
int pixelsOf(const QImage& image, const QColor& colour) {
  int count = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x)
      count += image.pixelColor(x, y).rgb() == colour.rgb() ? 1 : 0;
  return count;
}

} // namespace

class ReportChartsTest : public QObject {
  Q_OBJECT

private slots:
  void barsAreDrawnInTheSeriesColours() {
    BarChartSpec chart;
    chart.title = "MRR@5 per filing type";
    chart.yAxisTitle = "MRR@5";
    chart.categories = {"all", "10-K", "10-Q"};
    chart.series = {{"BM25", 0, {0.3, 0.32, std::nullopt}, {}},
                    {"round 0", 1, {0.4, 0.41, 0.39}, {ErrorBar{0.35, 0.45}, std::nullopt, std::nullopt}},
                    {"round 2", 2, {0.5, 0.52, 0.47}, {}}};
    chart.size = {640, 320};
    const QImage image = decode(charts::PngChartRenderer().renderBars(chart));
    QCOMPARE(image.size(), QSize(640, 320));
    // Each series fills its bars (and its legend box) in its own colour; the taller series covers more pixels.
    const int grey = pixelsOf(image, charts::seriesColour(0));
    const int blue = pixelsOf(image, charts::seriesColour(1));
    const int orange = pixelsOf(image, charts::seriesColour(2));
    QVERIFY2(grey > 500 && blue > grey && orange > blue,
             qPrintable(QStringLiteral("%1 %2 %3").arg(grey).arg(blue).arg(orange)));
  }

  void linesAndEmptyChartsRender() {
    LineChartSpec chart;
    chart.title = "Training loss per round";
    chart.xAxisTitle = "training step";
    chart.yAxisTitle = "loss";
    chart.series = {{"round 1", 2, {0, 10, 20, 30}, {1.5, 1.1, 0.9, 0.8}, {}, false, false},
                    {"round 2", 3, {0, 10, 20}, {1.2, 0.8, 0.7}, {}, true, true}};
    const QImage image = decode(charts::PngChartRenderer().renderLines(chart));
    QCOMPARE(image.size(), QSize(900, 420));
    QVERIFY(pixelsOf(image, charts::seriesColour(2)) > 50);
    QVERIFY(pixelsOf(image, charts::seriesColour(3)) > 50);

    chart.series.clear();
    chart.wholeNumberX = true;
    QVERIFY(!decode(charts::PngChartRenderer().renderLines(chart)).isNull());
    QVERIFY(!decode(charts::PngChartRenderer().renderBars(BarChartSpec{})).isNull());
  }
};

QTEST_MAIN(ReportChartsTest)
#include "test_report_charts.moc"
