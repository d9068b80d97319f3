#pragma once
// The Overview page (issue 25): the open experiment at a glance, read through core's ExperimentOverview. Its corpora
// with passages per filing type, its runs with their status and headline figures (the last round against round 0 and
// BM25, per filing type), how far people have labelled what the runs mined, what the teacher was asked and cost,
// and the latest jobs. An empty experiment gets its first steps instead. One HTML page that scrolls; a run's name is
// a link that selects it in the run list.
#include <QWidget>

#include <cstdint>
#include <string>

class QTextBrowser;
class QUrl;

namespace distillery::store {
class Store;
}
namespace distillery::pipeline {
struct ExperimentOverview;
}

namespace distillery::ui {

class OverviewPage : public QWidget {
  Q_OBJECT
public:
  explicit OverviewPage(QWidget* parent = nullptr);

  /// Shows this experiment (nullptr: none open) and reads it.
  void setStore(store::Store* store);
  QTextBrowser* view() const { return view_; }
  /// What the page shows, as plain text, read again first when a refresh waited (tests).
  QString text();

  /// The page for an overview (no SQL: pure formatting), as HTML; details: a muted line under the title.
  static QString html(const pipeline::ExperimentOverview& overview, const QString& experimentName,
                      const QString& details = {});
  /// A run's or job's stored status (pending, running, ...) in the user's language.
  static QString statusName(const std::string& status);

public slots:
  /// Reads the experiment again (after a job finished, an import, a label...); while the page is hidden (another
  /// tab of its dock is in front) only once it is shown again.
  void refresh();

signals:
  /// A run's link was clicked.
  void runActivated(std::int64_t runId);
  /// The first steps' links.
  void importRequested();
  void demoRequested();
  void runRequested();
  void errorOccurred(const QString& message);

protected:
  void showEvent(QShowEvent* event) override;

private:
  void read();
  void openLink(const QUrl& url);

  store::Store* store_ = nullptr;
  bool stale_ = true; // a refresh is waiting for the page to be shown
  QTextBrowser* view_;
};

} // namespace distillery::ui
