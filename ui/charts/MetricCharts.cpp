#include "ui/charts/MetricCharts.h"

#include <QCoreApplication>
#include <qcustomplot.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <tuple>

#include "charts/PngChartRenderer.h"
#include "core/eval/Judges.h"

namespace distillery::ui::charts {
namespace {

// The dashboard's translation context: these strings were translated there before the charts moved here.
constexpr const char* kContext = "distillery::ui::MetricsDashboard";

} // namespace

QString axisLabel(const MetricSpec& metric) {
  return QCoreApplication::translate(kContext, "%1@%2").arg(metric.label).arg(metric.k);
}

QString metricLabel(const std::string& name) {
  if (name == "mrr")
    return QCoreApplication::translate(kContext, "MRR");
  if (name == "dcg")
    return QCoreApplication::translate(kContext, "DCG");
  if (name == "ndcg")
    return QCoreApplication::translate(kContext, "NDCG");
  if (name == "recall")
    return QStringLiteral("Recall");
  return QString::fromStdString(name);
}

QColor seriesColour(int index) {
  return distillery::charts::seriesColour(index); // the report's palette: a series looks the same on screen and on file
}

QString filingTypeLabel(const std::string& filingType) {
  return filingType == "ALL" ? QCoreApplication::translate(kContext, "all") : QString::fromStdString(filingType);
}

void preparePlot(QCustomPlot* plot) {
  plot->setMinimumHeight(220);
  plot->legend->setVisible(true);
  plot->legend->setFont(QFont(plot->font().family(), 8));
  plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  plot->setNoAntialiasingOnDrag(true);
  if (plot->plotLayout()->rowCount() == 1) {
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0,
                                   new QCPTextElement(plot, QString(), QFont(plot->font().family(), 10, QFont::Bold)));
  }
}

void setPlotTitle(QCustomPlot* plot, const QString& title) {
  if (auto* text = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0)))
    text->setText(title);
}

BarPoints drawRoundComparisonBars(QCustomPlot* plot, const reporting::MetricTable& metrics, std::int64_t runId,
                                  int round, const MetricSpec& metric, const QString& title,
                                  const Significance& roundVsRound0, const reporting::MetricTable::Scope& scope) {
  plot->clearPlottables();
  plot->clearItems();
  const std::vector<std::string> types = metrics.filingTypes(runId, scope);
  struct Series {
    QString name;
    std::function<std::optional<reporting::MetricRecord>(const std::string&)> lookup;
    std::optional<int> round;
  };
  std::vector<Series> series;
  series.push_back({QCoreApplication::translate(kContext, "BM25"),
                    [&](const std::string& t) { return metrics.baseline(runId, t, metric.name, metric.k, scope); },
                    std::nullopt});
  series.push_back(
      {QCoreApplication::translate(kContext, "round 0"),
       [&](const std::string& t) { return metrics.find(runId, 0, "dense", t, metric.name, metric.k, scope); },
       runId != 0 ? std::optional<int>(0) : std::nullopt});
  if (round != 0)
    series.push_back(
        {QCoreApplication::translate(kContext, "round %1").arg(round),
         [&](const std::string& t) { return metrics.find(runId, round, "dense", t, metric.name, metric.k, scope); },
         round});
  if (runId == 0) // outside runs: every stored model evaluated on its own is a series too
    for (const std::string& retriever : metrics.retrievers(0, scope))
      if (retriever != "bm25" && retriever != "dense")
        series.push_back({QString::fromStdString(retriever),
                          [&metrics, retriever, metric, scope](const std::string& t) {
                            return metrics.find(0, 0, retriever, t, metric.name, metric.k, scope);
                          },
                          std::nullopt});

  BarPoints points;
  auto* group = new QCPBarsGroup(plot);
  group->setSpacingType(QCPBarsGroup::stAbsolute);
  group->setSpacing(2);
  double maxValue = 0;
  const double width = 0.8 / static_cast<double>(series.size());
  std::vector<std::tuple<QCPBars*, QVector<double>, QVector<double>>> intervals;
  for (std::size_t s = 0; s < series.size(); ++s) {
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(series[s].name);
    bars->setWidth(width);
    bars->setBarsGroup(group);
    const QColor colour = seriesColour(static_cast<int>(s));
    bars->setBrush(colour);
    bars->setPen(colour.darker(130));
    QVector<BarPoint>& info = points[bars];
    QVector<double> below, above; // the interval as error bars, 0 where none is stored
    for (std::size_t t = 0; t < types.size(); ++t)
      if (const auto record = series[s].lookup(types[t])) {
        const double key = static_cast<double>(t + 1);
        bars->addData(key, record->value);
        info.push_back({series[s].name, filingTypeLabel(types[t]), record->value, record->queryCount,
                        record->ci95 ? std::optional<double>(record->ci95->low) : std::nullopt,
                        record->ci95 ? std::optional<double>(record->ci95->high) : std::nullopt, types[t],
                        series[s].round, QString::fromStdString(eval::describeJudges(record->judgedBy))});
        below.push_back(record->ci95 ? std::max(0.0, record->value - record->ci95->low) : 0.0);
        above.push_back(record->ci95 ? std::max(0.0, record->ci95->high - record->value) : 0.0);
        const double top = (record->ci95 ? record->ci95->high : record->value);
        maxValue = std::max(maxValue, top);
        const bool isRound = series[s].round && *series[s].round == round && round != 0;
        if (isRound && roundVsRound0)
          if (const auto significant = roundVsRound0(types[t]); significant && !*significant) {
            // Over the bar: its offset within the group is (s - (n - 1) / 2) bar widths.
            const double offset = (static_cast<double>(s) - (static_cast<double>(series.size()) - 1) / 2) * width;
            auto* mark = new QCPItemText(plot);
            mark->position->setCoords(key + offset, top);
            mark->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            mark->setText(QCoreApplication::translate(kContext, "n.s."));
            mark->setFont(QFont(plot->font().family(), 7));
            mark->setColor(QColor(0x55, 0x55, 0x55));
          }
      }
    intervals.push_back({bars, below, above});
  }
  // After every series' bars, so that plottables 0..n-1 stay the bars in series order.
  for (const auto& [bars, below, above] : intervals) {
    auto* errors = new QCPErrorBars(plot->xAxis, plot->yAxis);
    errors->removeFromLegend();
    errors->setDataPlottable(bars);
    errors->setData(below, above);
    errors->setPen(QPen(bars->pen().color().darker(140)));
  }
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  for (std::size_t t = 0; t < types.size(); ++t)
    ticker->addTick(static_cast<double>(t + 1), filingTypeLabel(types[t]));
  plot->xAxis->setTicker(ticker);
  plot->xAxis->setRange(0.4, static_cast<double>(types.size()) + 0.6);
  plot->yAxis->setRange(0, maxValue > 0 ? maxValue * 1.35 : 1.0); // headroom for the legend
  plot->yAxis->setLabel(axisLabel(metric));
  setPlotTitle(plot, title);
  plot->replot(QCustomPlot::rpQueuedReplot);
  return points;
}

void drawRoundLines(QCustomPlot* plot, const reporting::MetricTable& metrics, const std::vector<RoundLine>& lines,
                    int k, const QString& axisLabel, const QString& title) {
  plot->clearPlottables(); // graphs and their error bars
  double maxValue = 0;
  int lastRound = 0;
  int colour = 1; // grey stays the baseline's
  for (const RoundLine& line : lines) {
    QCPGraph* graph = plot->addGraph();
    graph->setName(line.name);
    graph->setPen(QPen(seriesColour(colour++), line.filingType == "ALL" ? 2.5 : 1.5, line.style));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    QVector<double> below, above;
    for (int r : metrics.rounds(line.runId, "dense", line.scope))
      if (const auto record = metrics.find(line.runId, r, "dense", line.filingType, line.metric, k, line.scope)) {
        graph->addData(r, record->value);
        below.push_back(record->ci95 ? std::max(0.0, record->value - record->ci95->low) : 0.0);
        above.push_back(record->ci95 ? std::max(0.0, record->ci95->high - record->value) : 0.0);
        maxValue = std::max(maxValue, (record->ci95 ? record->ci95->high : record->value));
        lastRound = std::max(lastRound, r);
      }
    if (line.filingType == "ALL") { // the overall line's intervals; per filing type they would hide the lines
      auto* errors = new QCPErrorBars(plot->xAxis, plot->yAxis);
      errors->removeFromLegend();
      errors->setDataPlottable(graph);
      errors->setData(below, above);
      errors->setPen(graph->pen());
    }
  }
  auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
  ticker->setTickStep(1.0);
  ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  plot->xAxis->setTicker(ticker);
  plot->xAxis->setLabel(QCoreApplication::translate(kContext, "round"));
  plot->xAxis->setRange(-0.3, std::max(lastRound, 1) + 0.3);
  plot->yAxis->setRange(0, maxValue > 0 ? maxValue * 1.15 : 1.0);
  plot->yAxis->setLabel(axisLabel);
  setPlotTitle(plot, title);
  plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace distillery::ui::charts
