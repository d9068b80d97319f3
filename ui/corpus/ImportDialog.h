#pragma once
// File > Import corpus: the files and folders to read, the corpus they go into, and the options the CLI's `import`
// has (format, passage size and overlap, BEIR chunking, titles, the JSONL field mapping). What it returns is a
// corpus::ImportOptions, so the GUI and the CLI import the same way.
#include <QDialog>
#include <QStringList>

#include "core/corpus/CorpusImporter.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace distillery::ui {

class ImportDialog : public QDialog {
  Q_OBJECT
public:
  /// existingCorpora: offered in the corpus box (importing into one adds to it).
  explicit ImportDialog(const QStringList& existingCorpora, QWidget* parent = nullptr);

  void addPaths(const QStringList& paths);
  QStringList paths() const;
  corpus::ImportOptions options() const;
  /// Why OK is refused; empty when the import can start.
  QString problem() const;

  QListWidget* pathList() const { return paths_; }
  QComboBox* corpusBox() const { return corpus_; }
  QComboBox* formatBox() const { return format_; }
  QSpinBox* maxTokensBox() const { return maxTokens_; }
  QSpinBox* overlapBox() const { return overlap_; }
  QGroupBox* jsonlFieldsBox() const { return jsonlFields_; }
  QLineEdit* jsonlField(const QString& name) const;
  QDialogButtonBox* buttonBox() const { return buttons_; }

private:
  void chooseFiles();
  void chooseFolder();
  void validate();
  void suggestName();

  QListWidget* paths_;
  QComboBox* corpus_;
  QComboBox* format_;
  QSpinBox* maxTokens_;
  QSpinBox* overlap_;
  QCheckBox* chunkBeir_;
  QCheckBox* indexTitles_;
  QGroupBox* jsonlFields_;
  QList<QPair<QString, QLineEdit*>> fieldEdits_; // JSONL field name ("id", "text", ...) -> its edit
  QString suggestedName_; // the name taken from the first path, replaced while the user has not typed another
  QLabel* problem_;
  QDialogButtonBox* buttons_;
};

} // namespace distillery::ui
