#pragma once
// Mined query-passage pairs of a round (lazy, filterable) and the human spot-check labels on them.
#include <QString>

#include <optional>

#include "core/eval/Agreement.h"
#include "ui/widgets/KeysetTableModel.h"
#include "ui/widgets/MinedKindLabel.h"

namespace distillery::ui {

struct PairFilter {
  std::int64_t roundId = 0;      // rounds.id; 0 shows nothing
  QString kind;                  // mined_examples.kind, empty = any
  int grade = -1;                // teacher grade, -1 = any
  QString filingType;            // empty = any
  bool disagreementOnly = false; // only pairs whose human label differs from the teacher's grade
  bool unlabelledOnly = false;
};

class MinedExampleModel : public KeysetTableModel {
  Q_OBJECT
public:
  enum Column {
    Query,
    Passage,
    Kind,
    TeacherGrade,
    HumanGrade,
    RankBefore,
    ScoreBefore,
    RankAfter,
    ScoreAfter,
    FilingType,
    ColumnCount
  };
  explicit MinedExampleModel(QObject* parent = nullptr);

  void setFilter(const PairFilter& filter);
  const PairFilter& filter() const { return filter_; }
  std::int64_t queryIdAt(int row) const;
  std::int64_t passageIdAt(int row) const;

protected:
  std::vector<KeysetRow> fetchPage(store::Store& store, std::int64_t afterKey, int limit) const override;
  QVariant extraData(const KeysetRow& row, int column, int role) const override;

private:
  PairFilter filter_;
};

/// Stores (or replaces) the human grade and note of a pair at once.
void storeHumanLabel(store::Store& store, std::int64_t queryId, std::int64_t passageId, int grade, const QString& note);
/// Updates only the note of an existing label; false when the pair has no label yet.
bool storeHumanNote(store::Store& store, std::int64_t queryId, std::int64_t passageId, const QString& note);
struct HumanLabel {
  int grade = 0;
  QString note;
};
std::optional<HumanLabel> loadHumanLabel(store::Store& store, std::int64_t queryId, std::int64_t passageId);

/// Every labelled pair with the teacher's grade (latest successful judgment, else the mined grade).
std::vector<eval::GradedPair> loadGradedPairs(store::Store& store);

/// Writes every labelled pair as one JSON object a line; returns the number written. Throws
/// distillery::Error naming the file when it cannot be written.
int exportLabelsJsonl(store::Store& store, const QString& path);

} // namespace distillery::ui
