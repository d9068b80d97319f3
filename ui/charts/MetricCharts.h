#pragma once
// The metrics dashboard's charts (live widgets): grouped bars of one metric per filing type, lines across rounds,
// training loss curves. Each function draws on a QCustomPlot the caller owns. The run report's PNG charts are
// core/report's, drawn by charts/PngChartRenderer in the same colours.
#include <QColor>
#include <QHash>
#include <QString>
#include <QVector>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/report/MetricTable.h"

class QCPBars;
class QCustomPlot;

namespace distillery::ui::charts {

/// What one bar shows (the dashboard's tooltips, the report's captions).
struct BarPoint {
  QString series;     // "BM25", "round 0", "round 2"
  QString filingType; // display label ("all" for ALL)
  double value = 0;
  int queries = 0;
  std::optional<double> ciLow, ciHigh; // 95% interval, when stored
  std::string filingTypeKey;           // as stored ("ALL", "10-K")
  std::optional<int> round;            // the student's round; none for BM25 and models outside runs
  QString judgedBy;                    // who graded the judgments, in words
};
using BarPoints = QHash<const QCPBars*, QVector<BarPoint>>;

/// A metric at a cut-off, with the name users read ("MRR") beside the stored one ("mrr").
struct MetricSpec {
  std::string name; // mrr | dcg | ndcg | recall
  int k = 5;
  QString label; // MRR | DCG | NDCG | Recall
};
/// "MRR@5".
QString axisLabel(const MetricSpec& metric);
/// The display name of a stored metric ("ndcg" -> "NDCG").
QString metricLabel(const std::string& name);

/// Colour of the n-th series; the same order everywhere (BM25 grey, round 0 blue, the round orange).
QColor seriesColour(int index);
/// "all" for the ALL group, the filing type otherwise.
QString filingTypeLabel(const std::string& filingType);

/// Legend, fonts and a title row: call once per plot before drawing.
void preparePlot(QCustomPlot* plot);
void setPlotTitle(QCustomPlot* plot, const QString& title);

/// Whether a round's difference from round 0 is significant for a filing type; empty when not known.
using Significance = std::function<std::optional<bool>(const std::string& filingType)>;

/// Bars per filing type of the run (ALL first): the BM25 baseline, round 0 and, unless it is 0, `round`, each with
/// its 95% interval as an error bar. Outside runs (runId 0) each stored model evaluated on its own is a series too.
/// Filing types without a value for a series leave a gap. With `roundVsRound0`, the round's bars whose difference from
/// round 0 is not significant are marked "n.s.". Outside runs, `scope` keeps the chart to one corpus (query set,
/// split). Returns what each drawn bar shows.
BarPoints drawRoundComparisonBars(QCustomPlot* plot, const reporting::MetricTable& metrics, std::int64_t runId,
                                  int round, const MetricSpec& metric, const QString& title,
                                  const Significance& roundVsRound0 = {},
                                  const reporting::MetricTable::Scope& scope = std::nullopt);

/// One line across the dense rounds of a run.
struct RoundLine {
  QString name;
  std::int64_t runId = 0;
  std::string filingType; // "ALL" draws a thicker line
  std::string metric;     // mrr | dcg | ndcg | recall
  Qt::PenStyle style = Qt::SolidLine;
  reporting::MetricTable::Scope scope; // outside runs: which corpus (query set, split)
};
/// Lines across rounds at cut-off k, x axis from round 0 to the last round any line has.
void drawRoundLines(QCustomPlot* plot, const reporting::MetricTable& metrics, const std::vector<RoundLine>& lines,
                    int k, const QString& axisLabel, const QString& title);

} // namespace distillery::ui::charts
