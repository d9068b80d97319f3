#include "charts/PngChartRenderer.h"

#include <QBuffer>
#include <QByteArray>
#include <QFont>
#include <QFontMetrics>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QPen>
#include <QString>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <vector>

#include "core/util/Error.h"

namespace distillery::charts {
namespace {

using reporting::BarChartSpec;
using reporting::ChartSize;
using reporting::ErrorBar;
using reporting::LineChartSpec;

const QColor kPalette[] = {QColor(0x9e, 0x9e, 0x9e), QColor(0x2b, 0x7b, 0xb9), QColor(0xe6, 0x9f, 0x00),
                           QColor(0x1a, 0x98, 0x50), QColor(0xd7, 0x30, 0x27), QColor(0x75, 0x70, 0xb3)};
const QColor kText(0x22, 0x22, 0x22);
const QColor kMutedText(0x55, 0x55, 0x55);
const QColor kAxis(0x44, 0x44, 0x44);
const QColor kGrid(0xe4, 0xe4, 0xe4);

// Sizes in pixels, so a chart looks the same whatever the screen's DPI.
constexpr int kPadding = 14;
constexpr int kTitlePixels = 16;
constexpr int kLabelPixels = 13; // axis titles, legend
constexpr int kTickPixels = 12;
constexpr int kGap = 6;
constexpr int kSwatch = 12;         // legend colour box
constexpr int kLegendGap = 20;      // between legend entries
constexpr int kBarSpacing = 2;      // between the bars of a group
constexpr double kGroupShare = 0.8; // of a category's width its bars take

QFont font(int pixels, bool bold = false) {
  QFont f = QGuiApplication::font();
  f.setPixelSize(pixels);
  f.setBold(bold);
  return f;
}

QString text(const std::string& s) {
  return QString::fromStdString(s);
}

/// An axis from `low` to `high` with ticks at a round step (1, 2 or 5 times a power of ten).
struct Axis {
  double low = 0;
  double high = 1;
  std::vector<double> ticks;
  int decimals = 0;

  QString label(double value) const { return QString::number(value, 'f', decimals); }
};

/// Ticks at a round step covering [low, high], the ends moved out to the step; about `count` intervals.
Axis niceAxis(double low, double high, int count) {
  if (!(high > low))
    high = low + 1;
  const double raw = (high - low) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalised = raw / magnitude;
  const double step = (normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10) * magnitude;
  Axis axis;
  axis.low = std::floor(low / step + 1e-9) * step;
  axis.high = std::ceil(high / step - 1e-9) * step;
  for (double tick = axis.low; tick <= axis.high + step / 2; tick += step)
    axis.ticks.push_back(std::abs(tick) < step / 1e6 ? 0.0 : tick);
  axis.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return axis;
}

/// A y axis from 0 to a little above the highest value (so the tallest bar or error bar never touches the top).
Axis valueAxis(double highest) {
  return niceAxis(0, highest > 0 ? highest * 1.05 : 1.0, 5);
}

/// Fonts need a QGuiApplication; without one Qt would abort.
void requireGuiApplication() {
  if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
    throw Error("drawing a chart needs a QGuiApplication (headless: the offscreen platform)");
}

struct LegendEntry {
  QString name;
  QColor colour;
  bool line = false; // a line with a dot instead of a filled box
};

/// The parts every chart shares: the image, its title, legend and axes around the plot area.
class Canvas {
public:
  Canvas(const ChartSize& size, const std::string& title, const std::vector<LegendEntry>& legend,
         const std::string& xTitle, const std::string& yTitle, const Axis& yAxis, int xLabelRows)
      : image_(std::max(size.width, 200), std::max(size.height, 150), QImage::Format_RGB32), painter_(&image_),
        yAxis_(yAxis) {
    image_.fill(Qt::white);
    painter_.setRenderHint(QPainter::Antialiasing);
    painter_.setRenderHint(QPainter::TextAntialiasing);
    const int width = image_.width();
    const int height = image_.height();

    // Title, then the legend in centred rows.
    int top = kPadding;
    painter_.setFont(font(kTitlePixels, true));
    painter_.setPen(kText);
    const int titleHeight = QFontMetrics(painter_.font()).height();
    painter_.drawText(QRect(kPadding, top, width - 2 * kPadding, titleHeight), Qt::AlignCenter, text(title));
    top += titleHeight + kGap;
    top = drawLegend(legend, top, width) + kGap;

    // The plot area: room on the left for the y axis' title and tick labels, below for the x axis'.
    const QFont tickFont = font(kTickPixels);
    const QFontMetrics ticks(tickFont);
    const QFontMetrics labels(font(kLabelPixels));
    int tickWidth = 0;
    for (double tick : yAxis_.ticks)
      tickWidth = std::max(tickWidth, ticks.horizontalAdvance(yAxis_.label(tick)));
    const int left = kPadding + (yTitle.empty() ? 0 : labels.height() + kGap) + tickWidth + kGap;
    const int bottom =
        height - kPadding - (xTitle.empty() ? 0 : labels.height() + kGap) - xLabelRows * ticks.height() - kGap;
    plot_ = QRect(QPoint(left, top + ticks.height() / 2), QPoint(width - kPadding - ticks.height(), bottom));

    // Horizontal grid at the y ticks, their labels, the axis titles.
    painter_.setFont(tickFont);
    for (double tick : yAxis_.ticks) {
      const double y = yOf(tick);
      painter_.setPen(QPen(kGrid, 1));
      painter_.drawLine(QPointF(plot_.left(), y), QPointF(plot_.right(), y));
      painter_.setPen(kMutedText);
      painter_.drawText(QRectF(kPadding, y - ticks.height() / 2.0, left - kGap - kPadding, ticks.height()),
                        Qt::AlignRight | Qt::AlignVCenter, yAxis_.label(tick));
    }
    painter_.setFont(font(kLabelPixels));
    painter_.setPen(kText);
    if (!yTitle.empty()) {
      painter_.save();
      painter_.translate(kPadding, plot_.center().y());
      painter_.rotate(-90);
      painter_.drawText(QRect(-plot_.height() / 2, 0, plot_.height(), labels.height()), Qt::AlignCenter, text(yTitle));
      painter_.restore();
    }
    if (!xTitle.empty())
      painter_.drawText(QRect(plot_.left(), height - kPadding - labels.height(), plot_.width(), labels.height()),
                        Qt::AlignCenter, text(xTitle));
  }

  QPainter& painter() { return painter_; }
  const QRect& plot() const { return plot_; }
  double yOf(double value) const {
    return plot_.bottom() - (value - yAxis_.low) / (yAxis_.high - yAxis_.low) * plot_.height();
  }

  /// A label centred under the plot at pixel x.
  void xLabel(double x, const QString& label) {
    painter_.setFont(font(kTickPixels));
    painter_.setPen(kMutedText);
    const QFontMetrics metrics(painter_.font());
    const int width = metrics.horizontalAdvance(label) + 2;
    painter_.drawText(QRectF(x - width / 2.0, plot_.bottom() + kGap, width, metrics.height()), Qt::AlignCenter, label);
  }

  /// A vertical grid line at pixel x (line charts).
  void xGrid(double x) {
    painter_.setPen(QPen(kGrid, 1));
    painter_.drawLine(QPointF(x, plot_.top()), QPointF(x, plot_.bottom()));
  }

  /// A vertical error bar with caps from value `low` to `high` at pixel x.
  void errorBar(double x, const ErrorBar& error, const QColor& colour, double capWidth) {
    painter_.setPen(QPen(colour, 1.3));
    const double low = yOf(error.low), high = yOf(error.high);
    painter_.drawLine(QPointF(x, low), QPointF(x, high));
    painter_.drawLine(QPointF(x - capWidth / 2, low), QPointF(x + capWidth / 2, low));
    painter_.drawLine(QPointF(x - capWidth / 2, high), QPointF(x + capWidth / 2, high));
  }

  /// The axis lines over what was drawn, then the PNG bytes.
  std::string finish() {
    painter_.setClipping(false);
    painter_.setPen(QPen(kAxis, 1));
    painter_.drawLine(plot_.bottomLeft(), plot_.bottomRight());
    painter_.drawLine(plot_.bottomLeft(), plot_.topLeft());
    painter_.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    if (!buffer.open(QIODevice::WriteOnly) || !image_.save(&buffer, "PNG"))
      throw Error("could not encode a chart as PNG");
    return bytes.toStdString();
  }

private:
  /// Draws the legend in centred rows from `top`; returns the bottom of the last row.
  int drawLegend(const std::vector<LegendEntry>& legend, int top, int width) {
    if (legend.empty())
      return top;
    painter_.setFont(font(kLabelPixels));
    const QFontMetrics metrics(painter_.font());
    const auto entryWidth = [&](const LegendEntry& e) {
      return (e.line ? 2 * kSwatch : kSwatch) + kGap + metrics.horizontalAdvance(e.name);
    };
    std::vector<std::vector<const LegendEntry*>> rows(1);
    int rowWidth = 0;
    for (const LegendEntry& entry : legend) {
      const int w = entryWidth(entry);
      if (!rows.back().empty() && rowWidth + kLegendGap + w > width - 2 * kPadding) {
        rows.emplace_back();
        rowWidth = 0;
      }
      rowWidth += (rows.back().empty() ? 0 : kLegendGap) + w;
      rows.back().push_back(&entry);
    }
    for (const auto& row : rows) {
      int total = 0;
      for (const LegendEntry* entry : row)
        total += (total == 0 ? 0 : kLegendGap) + entryWidth(*entry);
      int x = (width - total) / 2;
      const double middle = top + metrics.height() / 2.0;
      for (const LegendEntry* entry : row) {
        if (entry->line) {
          painter_.setPen(QPen(entry->colour, 2.5));
          painter_.drawLine(QPointF(x, middle), QPointF(x + 2 * kSwatch, middle));
          x += 2 * kSwatch;
        } else {
          painter_.setPen(QPen(entry->colour.darker(130), 1));
          painter_.setBrush(entry->colour);
          painter_.drawRect(QRectF(x, middle - kSwatch / 2.0, kSwatch, kSwatch));
          painter_.setBrush(Qt::NoBrush);
          x += kSwatch;
        }
        x += kGap;
        painter_.setPen(kText);
        painter_.drawText(QRect(x, top, metrics.horizontalAdvance(entry->name) + 2, metrics.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, entry->name);
        x += metrics.horizontalAdvance(entry->name) + kLegendGap;
      }
      top += metrics.height() + 2;
    }
    return top;
  }

  QImage image_;
  QPainter painter_;
  Axis yAxis_;
  QRect plot_;
};

double highestOf(double value, const std::optional<ErrorBar>& error) {
  return error ? std::max(value, error->high) : value;
}

} // namespace

QColor seriesColour(reporting::ColourIndex index) {
  constexpr int count = static_cast<int>(std::size(kPalette));
  return kPalette[((index % count) + count) % count];
}

std::string PngChartRenderer::renderBars(const BarChartSpec& chart) {
  requireGuiApplication();
  double highest = 0;
  std::vector<LegendEntry> legend;
  for (const reporting::BarSeries& series : chart.series) {
    legend.push_back({text(series.name), seriesColour(series.colour), false});
    for (std::size_t c = 0; c < series.values.size(); ++c)
      if (series.values[c])
        highest =
            std::max(highest, highestOf(*series.values[c], c < series.errors.size() ? series.errors[c] : std::nullopt));
  }
  Canvas canvas(chart.size, chart.title, legend, chart.xAxisTitle, chart.yAxisTitle, valueAxis(highest), 1);
  QPainter& painter = canvas.painter();
  const QRect& plot = canvas.plot();
  const std::size_t categories = std::max<std::size_t>(chart.categories.size(), 1);
  const double slot = static_cast<double>(plot.width()) / static_cast<double>(categories);
  const std::size_t count = std::max<std::size_t>(chart.series.size(), 1);
  const double barWidth =
      std::max(1.0, (slot * kGroupShare - kBarSpacing * static_cast<double>(count - 1)) / static_cast<double>(count));
  for (std::size_t c = 0; c < chart.categories.size(); ++c) {
    const double groupLeft = plot.left() + slot * static_cast<double>(c) + slot * (1 - kGroupShare) / 2;
    for (std::size_t s = 0; s < chart.series.size(); ++s) {
      const reporting::BarSeries& series = chart.series[s];
      if (c >= series.values.size() || !series.values[c])
        continue; // no value: a gap
      const QColor colour = seriesColour(series.colour);
      const double x = groupLeft + static_cast<double>(s) * (barWidth + kBarSpacing);
      const double top = canvas.yOf(*series.values[c]);
      painter.setPen(QPen(colour.darker(130), 1));
      painter.setBrush(colour);
      painter.drawRect(QRectF(x, top, barWidth, canvas.yOf(0) - top));
      painter.setBrush(Qt::NoBrush);
      if (c < series.errors.size() && series.errors[c])
        canvas.errorBar(x + barWidth / 2, *series.errors[c], colour.darker(170), std::min(barWidth * 0.5, 10.0));
    }
    canvas.xLabel(plot.left() + slot * (static_cast<double>(c) + 0.5), text(chart.categories[c]));
  }
  return canvas.finish();
}

std::string PngChartRenderer::renderLines(const LineChartSpec& chart) {
  requireGuiApplication();
  double highest = 0;
  double first = std::numeric_limits<double>::infinity(), last = -first;
  std::vector<LegendEntry> legend;
  for (const reporting::LineSeries& series : chart.series) {
    legend.push_back({text(series.name), seriesColour(series.colour), true});
    for (std::size_t i = 0; i < std::min(series.x.size(), series.y.size()); ++i) {
      highest = std::max(highest, highestOf(series.y[i], i < series.errors.size() ? series.errors[i] : std::nullopt));
      first = std::min(first, series.x[i]);
      last = std::max(last, series.x[i]);
    }
  }
  if (first > last) { // no points
    first = 0;
    last = 1;
  }

  // The x axis: whole numbers padded at both ends (rounds: the first and last points stay clear of the edges), or
  // round ticks from 0 (steps).
  double low = 0, high = 0;
  std::vector<double> ticks;
  int decimals = 0;
  if (chart.wholeNumberX) {
    const double from = std::floor(first), to = std::max(std::ceil(last), from + 1);
    low = from - 0.3;
    high = to + 0.3;
    const double step = std::max(1.0, std::ceil((to - from) / 10));
    for (double tick = from; tick <= to; tick += step)
      ticks.push_back(tick);
  } else {
    const Axis axis = niceAxis(std::min(0.0, first), last, 8);
    low = axis.low;
    high = axis.high;
    ticks = axis.ticks;
    decimals = axis.decimals;
  }
  Canvas canvas(chart.size, chart.title, legend, chart.xAxisTitle, chart.yAxisTitle, valueAxis(highest), 1);
  QPainter& painter = canvas.painter();
  const QRect& plot = canvas.plot();
  const auto xOf = [&](double x) { return plot.left() + (x - low) / (high - low) * plot.width(); };
  for (double tick : ticks) {
    canvas.xGrid(xOf(tick));
    canvas.xLabel(xOf(tick), QString::number(tick, 'f', decimals));
  }
  painter.setClipRect(plot.adjusted(-6, -6, 6, 6));
  for (const reporting::LineSeries& series : chart.series) {
    const QColor colour = seriesColour(series.colour);
    const std::size_t points = std::min(series.x.size(), series.y.size());
    QPainterPath path;
    for (std::size_t i = 0; i < points; ++i) {
      const QPointF point(xOf(series.x[i]), canvas.yOf(series.y[i]));
      if (i == 0)
        path.moveTo(point);
      else
        path.lineTo(point);
    }
    for (std::size_t i = 0; i < points && i < series.errors.size(); ++i)
      if (series.errors[i])
        canvas.errorBar(xOf(series.x[i]), *series.errors[i], colour, 8);
    painter.setPen(QPen(colour, series.emphasised ? 2.5 : 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.drawPath(path);
    if (series.markers) {
      painter.setBrush(colour);
      painter.setPen(QPen(Qt::white, 1));
      for (std::size_t i = 0; i < points; ++i)
        painter.drawEllipse(QPointF(xOf(series.x[i]), canvas.yOf(series.y[i])), 4, 4);
      painter.setBrush(Qt::NoBrush);
    }
  }
  return canvas.finish();
}

} // namespace distillery::charts
