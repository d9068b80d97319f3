#pragma once
// File > Download from EDGAR: which companies' filings to fetch from SEC EDGAR (forms, dates, how many), the folder
// they go to (a second download into it resumes), and optionally the corpus to import them into when they are in.
// The options are checked by core's own rule (corpus::checkEdgarDownloadOptions) before OK is offered.
#include <QDialog>

#include "core/corpus/EdgarDownloader.h"

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace distillery::ui {

class EdgarDownloadDialog : public QDialog {
  Q_OBJECT
public:
  /// userAgent: the contact remembered from the last download (SEC asks every client for one).
  explicit EdgarDownloadDialog(const QString& userAgent, QWidget* parent = nullptr);

  corpus::EdgarDownloadOptions options() const;
  /// The corpus to import the downloaded filings into; empty when they are only to be downloaded.
  QString importInto() const;
  /// Why OK is refused (core's message, or a missing folder); empty when the download can start.
  QString problem() const;

  QLineEdit* userAgentField() const { return userAgent_; }
  QLineEdit* companiesField() const { return companies_; }
  QList<QCheckBox*> formBoxes() const { return forms_; }
  QLineEdit* fromField() const { return from_; }
  QLineEdit* toField() const { return to_; }
  QSpinBox* maxFilingsBox() const { return maxFilings_; }
  QLineEdit* folderField() const { return folder_; }
  QCheckBox* importBox() const { return import_; }
  QLineEdit* corpusField() const { return corpus_; }
  QLineEdit* mirrorField() const { return mirror_; }
  QDialogButtonBox* buttonBox() const { return buttons_; }

private:
  void validate();

  QLineEdit* userAgent_;
  QLineEdit* companies_;
  QList<QCheckBox*> forms_;
  QLineEdit* otherForms_;
  QLineEdit* from_;
  QLineEdit* to_;
  QSpinBox* maxFilings_;
  QLineEdit* folder_;
  QCheckBox* import_;
  QLineEdit* corpus_;
  QLineEdit* mirror_;
  QLabel* problem_;
  QDialogButtonBox* buttons_;
};

} // namespace distillery::ui
