#pragma once
// core/report's ChartRenderer drawn with QImage and QPainter: titled charts with axis titles, a light grid, a legend
// above the plot and error bars for the intervals, encoded as PNG. Needs a QGuiApplication (fonts); headless, the
// offscreen platform will do.
#include <QColor>

#include <string>

#include "core/report/ChartRenderer.h"

namespace distillery::charts {

/// The colour of a series: reporting::ColourIndex's palette (grey, blue, orange, green, red, purple, wrapping around).
QColor seriesColour(reporting::ColourIndex index);

class PngChartRenderer final : public reporting::ChartRenderer {
public:
  /// Throws Error when there is no QGuiApplication or the image cannot be encoded.
  std::string renderBars(const reporting::BarChartSpec& chart) override;
  std::string renderLines(const reporting::LineChartSpec& chart) override;
};

} // namespace distillery::charts
