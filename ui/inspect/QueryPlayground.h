#pragma once
// The query playground: type a query (or pick one from a query set), choose up to three retrievers (BM25, any stored
// model, or a model's hybrid with BM25) and see their top 10 side by side, each hit with its score, the grade stored
// for this query text (a person's label, else the teacher's, else "unjudged"), filing type and document, and how far
// it moved against the column to its left. The retrieval is core's CorpusSearcher (the same as `distillery-cli
// search`), run on a worker thread with its own store connection; indexes are built once per corpus and model and
// kept, so only the first query on a model waits for the corpus to be embedded.
#include <QString>
#include <QWidget>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/eval/QuerySearch.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QThread;
class QTableWidget;

namespace distillery::store {
class Store;
}

namespace distillery::ui {

class PlaygroundWorker;

/// One column's retriever: BM25, or a stored model alone (dense) or fused with BM25 (hybrid).
struct PlaygroundRetriever {
  eval::RetrieverKind kind = eval::RetrieverKind::Bm25;
  std::int64_t modelId = 0; // dense and hybrid
};

/// What a background search hands back to the widget.
struct PlaygroundResult {
  QString error; // empty on success
  std::array<std::vector<eval::PassageHit>, 3> hits;
};

class QueryPlayground : public QWidget {
  Q_OBJECT
public:
  static constexpr int kColumns = 3;
  static constexpr int kHits = 10;

  explicit QueryPlayground(QWidget* parent = nullptr);
  ~QueryPlayground() override;

  /// The open experiment (nullptr: none); fills the corpus, query set and retriever choices.
  void setStore(store::Store* store);

  QLineEdit* queryEdit() const { return query_; }
  QLineEdit* filterEdit() const { return filter_; }
  QComboBox* retrieverBox(int column) const { return retrievers_[static_cast<std::size_t>(column)]; }
  QTableWidget* resultTable(int column) const { return tables_[static_cast<std::size_t>(column)]; }
  QComboBox* querySetBox() const { return querySets_; }
  QComboBox* storedQueryBox() const { return storedQueries_; }
  QPushButton* judgeButton() const { return judgeButton_; }
  QLabel* statusLabel() const { return status_; }
  /// The hits each column shows (empty for a column set to none).
  const std::array<std::vector<eval::PassageHit>, kColumns>& hits() const { return hits_; }
  bool busy() const;

public slots:
  /// Retrieves the query under every chosen retriever (in the background).
  void search();
  /// Fills in a query and searches; `columns` (when given) choose the retrievers first.
  void showQuery(const QString& text, const std::vector<PlaygroundRetriever>& columns = {});
  /// Your grade (0-3) for the selected hit of the column: stored at once for the shown query's text, shown in every
  /// column holding that passage. Keys 0-3 do the same.
  void labelSelected(int column, int grade);
  /// "Judge these": asks (judgeRequested) for the teacher's grades of the shown hits nobody has judged yet.
  void judgeUnjudged();
  /// A teacher's grade that arrived for a passage and query: shown on the hits still unjudged when the playground
  /// still shows that query of that corpus.
  void showTeacherGrade(std::int64_t corpusId, const QString& query, std::int64_t passageId, int grade);

signals:
  /// Double-clicked hit: its passage, for the corpus browser to show.
  void passageActivated(std::int64_t passageId);
  /// Every column has been filled (or the search failed, with a message in the status line).
  void searched();
  /// A label was stored (the agreement panel recomputes).
  void labelStored();
  /// The teacher should judge these passages for the query (the window runs it as a background job).
  void judgeRequested(std::int64_t corpusId, const QString& query, const std::vector<std::int64_t>& passageIds);
  void errorOccurred(const QString& message);

protected:
  void showEvent(QShowEvent* event) override;

private:
  void fillCorpora();
  void fillQuerySets();
  void fillStoredQueries();
  void fillRetrieverChoices();
  void showResults();
  void selectRetriever(int column, const PlaygroundRetriever& retriever);
  std::vector<std::int64_t> unjudgedPassages() const;
  /// Rewrites the grade cells of every column from hits_.
  void showGrades();

  store::Store* store_ = nullptr;
  std::unique_ptr<PlaygroundWorker> worker_;
  QComboBox* corpus_;
  QLineEdit* query_;
  QLineEdit* filter_;
  QPushButton* searchButton_;
  QPushButton* judgeButton_;
  QComboBox* querySets_;
  QComboBox* storedQueries_;
  std::array<QComboBox*, kColumns> retrievers_{};
  std::array<QTableWidget*, kColumns> tables_{};
  QLabel* status_;
  std::string shownQuery_; // the query the tables show (labels attach to its text)
  std::int64_t shownCorpus_ = 0;
  QThread* thread_ = nullptr; // the search in flight
  PlaygroundResult pending_;  // written by it, read once it has finished
  std::array<std::vector<eval::PassageHit>, kColumns> hits_;
};

} // namespace distillery::ui
