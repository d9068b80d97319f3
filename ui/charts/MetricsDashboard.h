#pragma once
// The metrics dashboard: MRR/DCG/NDCG@k per filing type as grouped bars (chosen round vs round 0 and
// BM25), lines across rounds, a second run side by side, hover tooltips with value and query count,
// PNG/PDF export and a table that copies as tab-separated text. Redraws are throttled.
#include <QHash>
#include <QWidget>

#include <map>

#include "core/eval/Statistics.h"
#include "core/report/MetricTable.h"
#include "ui/charts/MetricCharts.h"

class QComboBox;
class QCustomPlot;
class QCPBars;
class QLabel;
class QMouseEvent;
class QTableWidget;
class QTimer;

namespace distillery::ui {

class MetricsDashboard : public QWidget {
  Q_OBJECT
public:
  explicit MetricsDashboard(QWidget* parent = nullptr);

  void setStore(store::Store* store);
  const reporting::MetricTable& metrics() const { return metrics_; }

  QCustomPlot* barPlot() const { return bars_; }
  QCustomPlot* comparisonPlot() const { return comparisonBars_; }
  QCustomPlot* linePlot() const { return lines_; }
  QTableWidget* table() const { return table_; }
  QComboBox* runBox() const { return run_; }
  QComboBox* roundBox() const { return round_; }
  QComboBox* metricBox() const { return metric_; }
  QComboBox* compareBox() const { return compare_; }

  /// Text of the tooltip for a point of a bar plot (what hovering shows), empty when none.
  QString tooltipAt(QCustomPlot* plot, const QPointF& pixel) const;
  /// Writes the charts shown (the bars, the second run's bars when one is chosen, the lines) to a PNG (bars side by
  /// side above the lines) or a PDF (one chart per page, vector); false on failure.
  bool exportChart(const QString& path);
  QString tableAsTsv() const;
  /// Redraws done so far (the throttle coalesces bursts of requests into one).
  int redrawCount() const { return redrawCount_; }

public slots:
  /// Reloads metrics from the store (after an evaluation) and redraws soon.
  void refresh();
  /// Coalesces redraw requests: at most one redraw every ~40 ms.
  void scheduleRedraw();
  void redrawNow();
  void copyTable();
  void exportChartDialog();

signals:
  void errorOccurred(const QString& message);

private:
  void fillRunBoxes();
  void fillRounds();
  void drawBars(QCustomPlot* plot, std::int64_t runId, int round, const QString& title,
                const reporting::MetricTable::Scope& scope);
  void drawLines();
  void fillTable();
  void showTooltip(QCustomPlot* plot, QMouseEvent* event);
  /// Each round's paired comparison with round 0 (core computes it from the stored per-query figures), cached until
  /// the next refresh.
  const std::map<int, eval::ByGroupAndMetric<eval::PairedDifference>>& vsRound0(std::int64_t runId) const;

  store::Store* store_ = nullptr;
  reporting::MetricTable metrics_;
  QComboBox* run_;
  QComboBox* round_;
  QComboBox* metric_;
  QComboBox* k_;
  QComboBox* compare_;
  QCustomPlot* bars_;
  QCustomPlot* comparisonBars_;
  QCustomPlot* lines_;
  QTableWidget* table_;
  QLabel* status_;
  QTimer* redrawTimer_;
  charts::BarPoints barInfo_; // what each drawn bar shows, for tooltips
  mutable std::map<std::int64_t, std::map<int, eval::ByGroupAndMetric<eval::PairedDifference>>> comparisons_;
  int redrawCount_ = 0;
};

} // namespace distillery::ui
