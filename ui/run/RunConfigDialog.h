#pragma once
// Edits a run's configuration before it is launched: defaults from Settings, every field validated by
// core's own parser (pipeline::parseRunConfig), so what the dialog accepts the pipeline accepts.
#include <QDialog>

#include <nlohmann/json.hpp>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
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

private:
  void validate();
  nlohmann::json buildJson() const;

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
  QLabel* message_;
  QDialogButtonBox* buttons_;
  nlohmann::json teacher_;
  bool valid_ = false;
};

} // namespace distillery::ui
