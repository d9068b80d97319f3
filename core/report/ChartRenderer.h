#pragma once
// The run report's charts as plain data, and the interface that draws them. core decides what a chart shows
// (which series, which values, which titles); a renderer outside core (charts/PngChartRenderer, Qt's GUI module
// only) decides how it looks. Nothing here needs more than the standard library.
#include <optional>
#include <string>
#include <vector>

namespace distillery::reporting {

/// A chart's size in pixels of the rendered image.
struct ChartSize {
  int width = 900;
  int height = 420;
};

/// A 95% interval drawn as an error bar: absolute values in the y axis' unit, low <= the value <= high.
struct ErrorBar {
  double low = 0;
  double high = 0;
};

/// Colours are indices into the renderer's palette, the same order everywhere so a series keeps its colour from
/// chart to chart: 0 grey (the BM25 baseline), 1 blue (round 0), 2 orange (the later round), 3 green, 4 red,
/// 5 purple; larger indices wrap around.
using ColourIndex = int;

/// One series of grouped bars: a bar per category.
struct BarSeries {
  std::string name;                            // legend entry: "BM25", "round 0", "round 2"
  ColourIndex colour = 0;                      // see ColourIndex
  std::vector<std::optional<double>> values;   // one per category, in BarChartSpec::categories' order, in the y
                                               // axis' unit (a metric's mean score); none leaves a gap
  std::vector<std::optional<ErrorBar>> errors; // empty, or one per category; none draws no error bar
};

/// Grouped bars: one group per category along the x axis, one bar per series within each group, in series order.
/// The y axis starts at 0.
struct BarChartSpec {
  std::string title;                   // above the chart
  std::vector<std::string> categories; // x axis labels, left to right: filing types ("all" first)
  std::vector<BarSeries> series;       // in legend order
  std::string xAxisTitle;              // "" for none
  std::string yAxisTitle;              // "MRR@5"
  ChartSize size;
};

/// One line of points joined in the order given.
struct LineSeries {
  std::string name;                            // legend entry: "NDCG@5, all", "round 2"
  ColourIndex colour = 1;                      // see ColourIndex
  std::vector<double> x;                       // in the x axis' unit (a round's number, a training step)
  std::vector<double> y;                       // same length as x, in the y axis' unit (a score, a loss)
  std::vector<std::optional<ErrorBar>> errors; // empty, or one per point; none draws no error bar
  bool emphasised = false;                     // a thicker line (the overall figure among per-type ones)
  bool markers = false;                        // a dot at each point (few points: rounds)
};

/// Lines over a shared x axis. The y axis starts at 0; the x axis spans the points.
struct LineChartSpec {
  std::string title;
  std::vector<LineSeries> series; // in legend order
  std::string xAxisTitle;         // "round", "training step"
  std::string yAxisTitle;         // "score@5", "loss"
  bool wholeNumberX = false;      // x values are counts (rounds): ticks only at whole numbers, padded ends
  ChartSize size;
};

/// Draws charts into PNG images. Implementations throw Error when a chart cannot be rendered.
class ChartRenderer {
public:
  virtual ~ChartRenderer() = default;
  /// The PNG file's bytes of the bar chart.
  virtual std::string renderBars(const BarChartSpec& chart) = 0;
  /// The PNG file's bytes of the line chart.
  virtual std::string renderLines(const LineChartSpec& chart) = 0;
};

} // namespace distillery::reporting
