#pragma once
// Edits a run's configuration before it is launched: defaults from Settings, every field validated by
// core's own parser (pipeline::parseRunConfig), so what the dialog accepts the pipeline accepts. Beyond the
// parser it checks what only the experiment knows: the student exists, the corpus has passages and at least as
// many as the queries asked per round. Problems name the field by its label, and OK refuses while one remains.
#include <QDialog>

#include <map>

#include <nlohmann/json.hpp>

#include "core/corpus/CorpusRepository.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace distillery::store {
class Store;
}

namespace distillery::ui {

struct AppSettings;

class RunConfigDialog : public QDialog {
  Q_OBJECT
public:
  RunConfigDialog(store::Store& store, const AppSettings& defaults, QWidget* parent = nullptr);

  /// The validated config (valid only when isValid()).
  nlohmann::json config() const;
  std::int64_t corpusId() const;
  QString runName() const;
  bool isValid() const { return valid_; }
  /// Start by running one step only (the run then pauses; Next step in the jobs panel goes on).
  bool stepByStep() const;
  QCheckBox* stepByStepBox() const { return stepByStep_; }
  QString validationMessage() const;

  QSpinBox* roundsBox() const { return rounds_; }
  QDoubleSpinBox* learningRateBox() const { return learningRate_; }
  QLineEdit* studentField() const { return student_; }
  QComboBox* corpusBox() const { return corpus_; }
  QSpinBox* queriesBox() const { return queries_; }
  QList<QCheckBox*> queryTypeBoxes() const { return queryTypes_; }
  QDialogButtonBox* buttonBox() const { return buttons_; }
  /// What the run will cost (teacher calls, tokens, money, time), updated as the fields change.
  QLabel* estimateLabel() const { return estimate_; }

public slots:
  /// Checks again (the corpus's passages counted afresh) and closes only when the run can start.
  void accept() override;

private:
  void validate();
  QString problem(bool freshCounts);
  QString studentProblem(const QString& spec) const;
  std::int64_t passageCount(bool fresh);
  /// Shows pipeline::estimateRun for the fields as they are (nothing while they are invalid).
  void updateEstimate();
  /// The label a field shows ("Queries per round"), for a widget or for parseRunConfig's JSON key.
  QString labelOf(QObject* field) const;
  QString labelOfKey(const std::string& key) const;
  /// parseRunConfig's "field 'query_types' must ..." as "Query types: must ...".
  QString describeConfigError(const QString& what) const;
  nlohmann::json buildJson() const;

  store::Store& store_;
  QFormLayout* form_;
  QLabel* teacherLabel_;
  QLayout* queryTypesRow_;
  QLineEdit* name_;
  QComboBox* corpus_;
  QLineEdit* student_;
  QSpinBox* rounds_;
  QSpinBox* queries_;
  QList<QCheckBox*> queryTypes_;
  QSpinBox* candidates_;
  QComboBox* loss_;
  QDoubleSpinBox* learningRate_;
  QSpinBox* epochs_;
  QSpinBox* batch_;
  QDoubleSpinBox* averaging_;
  QSpinBox* evalK_;
  QCheckBox* bm25_;
  QSpinBox* seed_;
  QSpinBox* threads_;
  QCheckBox* stepByStep_;
  QLabel* estimate_;
  QLabel* message_;
  QDialogButtonBox* buttons_;
  nlohmann::json teacher_;
  bool valid_ = false;
  std::map<std::int64_t, std::int64_t> passages_;                // by corpus id
  std::map<std::int64_t, corpus::PassageStatistics> statistics_; // by corpus id, for the estimate
};

} // namespace distillery::ui
