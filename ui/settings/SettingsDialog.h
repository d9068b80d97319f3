#pragma once
// Settings: the teacher (endpoint, model, API key in the keychain or an environment variable, a test
// of the connection), the student model directory, threads, run defaults and the language.
#include <QDialog>

#include "ui/settings/AppSettings.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace distillery::ui {

class ApiKeyStore;

class SettingsDialog : public QDialog {
  Q_OBJECT
public:
  explicit SettingsDialog(QWidget* parent = nullptr);

  AppSettings settings() const;
  QLineEdit* apiKeyField() const { return apiKey_; }
  QLineEdit* endpointField() const { return endpoint_; }
  QLineEdit* modelField() const { return model_; }
  QComboBox* teacherKindBox() const { return kind_; }
  QRadioButton* environmentButton() const { return fromEnvironment_; }
  QLineEdit* environmentField() const { return envName_; }
  QLabel* connectionStatus() const { return connectionStatus_; }
  QComboBox* languageBox() const { return language_; }
  QDoubleSpinBox* learningRateBox() const { return learningRate_; }
  QDoubleSpinBox* inputPriceBox() const { return inputPrice_; }
  QDoubleSpinBox* outputPriceBox() const { return outputPrice_; }

public slots:
  void accept() override;
  /// Sends one small grading request through core/teacher in the background; the result shows below.
  void testConnection();

signals:
  void connectionTested(bool ok, const QString& message);

private:
  void updateEnabled();
  /// Shows a message below "Test connection", growing the dialog so every wrapped line of it is visible.
  void showStatus(const QString& message);

  ApiKeyStore* keys_;
  QComboBox* kind_;
  QLineEdit* endpoint_;
  QLineEdit* model_;
  QRadioButton* fromKeychain_;
  QRadioButton* fromEnvironment_;
  QLineEdit* apiKey_;
  QLineEdit* envName_;
  QDoubleSpinBox* inputPrice_;
  QDoubleSpinBox* outputPrice_;
  QPushButton* testButton_;
  QLabel* connectionStatus_;
  QLineEdit* studentDir_;
  QSpinBox* threads_;
  QSpinBox* rounds_;
  QSpinBox* queries_;
  QSpinBox* candidates_;
  QDoubleSpinBox* learningRate_;
  QSpinBox* epochs_;
  QSpinBox* seed_;
  QComboBox* language_;
  QString keychainKey_; // read from the keychain for "test connection"; never shown
  // The stored learning rate and what the spin box showed for it: OK without touching the box keeps the stored
  // value exactly (0 = automatic, or a rate the box's decimals would round).
  double loadedLearningRate_ = 0;
  double shownLearningRate_ = 0;
};

} // namespace distillery::ui
