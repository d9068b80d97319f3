#pragma once
// The pair inspector: a round's mined pairs with filters; the selected pair's query and passage side by
// side with matched terms highlighted, the teacher's rationale and raw response; and spot-check
// labelling (keys 0-3 store a human grade at once and move on, N/P step, a note per pair).
#include <QHash>
#include <QPair>
#include <QWidget>

#include "ui/inspect/PairModels.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTextBrowser;

namespace distillery::ui {

/// HTML of text with every occurrence of the query's content words highlighted.
QString highlightQueryTerms(const QString& text, const QString& query);

class PairInspector : public QWidget {
  Q_OBJECT
public:
  explicit PairInspector(QWidget* parent = nullptr);

  void setStore(store::Store* store);
  /// Re-reads runs and rounds (after a pipeline step) keeping the selection when possible.
  void refresh();
  /// Chooses the round to inspect by its id (rounds.id).
  void selectRound(std::int64_t roundId);

  MinedExampleModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  QLineEdit* noteField() const { return note_; }
  QString labelStatusText() const;
  QComboBox* kindBox() const { return kind_; }
  QComboBox* gradeBox() const { return grade_; }
  QComboBox* filingTypeBox() const { return filingType_; }
  QCheckBox* disagreementBox() const { return disagreement_; }
  QComboBox* runBox() const { return run_; }
  QTextBrowser* queryView() const { return queryView_; }
  QTextBrowser* passageView() const { return passageView_; }
  QTextBrowser* teacherView() const { return teacher_; }
  int currentRow() const;

public slots:
  /// Stores grade for the current pair (with the note field) and moves to the next pair.
  void labelCurrent(int grade);
  void selectNext();
  void selectPrevious();

signals:
  /// "Open in playground": the shown pair's query, with the round it was mined in (rounds.id).
  void queryOpenRequested(const QString& queryText, std::int64_t roundId);
  /// A human label was stored; the agreement panel recomputes.
  void labelStored(std::int64_t queryId, std::int64_t passageId, int grade);
  void errorOccurred(const QString& message);

private:
  void fillRuns();
  void fillRounds();
  void applyFilter();
  void showPair(int row);
  void saveNote();
  void selectRow(int row);

  store::Store* store_ = nullptr;
  QComboBox* run_;
  QComboBox* round_;
  QComboBox* kind_;
  QComboBox* grade_;
  QComboBox* filingType_;
  QCheckBox* disagreement_;
  QCheckBox* unlabelled_;
  QTableView* table_;
  MinedExampleModel* model_;
  QTextBrowser* queryView_;
  QTextBrowser* passageView_;
  QTextBrowser* teacher_;
  QLineEdit* note_;
  QLabel* labelStatus_;
  QString shownQueryText_;
  /// Notes typed on pairs you have not graded yet: a note is stored with a label, so it waits here (and comes back
  /// when the pair is shown again) until you grade the pair.
  QHash<QPair<std::int64_t, std::int64_t>, QString> draftNotes_;
  QString draftsExperiment_; // the experiment the drafts belong to
  std::int64_t shownQuery_ = 0;
  std::int64_t shownPassage_ = 0;
};

} // namespace distillery::ui
