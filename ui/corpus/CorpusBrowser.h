#pragma once
// The corpus browser panel: filter bar, lazily fetched passage and document tables, and the passage view.
#include <QWidget>

#include "ui/corpus/CorpusModels.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTabWidget;
class QTimer;

namespace distillery::ui {

class PassageView;

class CorpusBrowser : public QWidget {
  Q_OBJECT
public:
  explicit CorpusBrowser(QWidget* parent = nullptr);

  /// Points the browser at an experiment (nullptr when none is open) and reloads facets and tables.
  void setStore(store::Store* store);
  /// Re-reads facets and tables (after an import).
  void refresh();

  corpus::BrowseFilter currentFilter() const;
  /// The line under the tables: how many passages or documents the filter selects, and how many are loaded.
  QString countText() const;
  PassageTableModel* passageModel() const { return passages_; }
  DocumentTableModel* documentModel() const { return documents_; }
  QTableView* passageTable() const { return passageTable_; }
  PassageView* passageView() const { return view_; }
  QLineEdit* searchField() const { return search_; }
  QComboBox* filingTypeBox() const { return filingType_; }
  QComboBox* companyBox() const { return company_; }
  QComboBox* periodBox() const { return period_; }
  QComboBox* sectionBox() const { return section_; }
  /// Applies the filter boxes now instead of after the typing pause.
  void applyFilter();

private:
  void fillFacets();
  void updateCountLabel();

  store::Store* store_ = nullptr;
  QComboBox* corpus_;
  QComboBox* filingType_;
  QComboBox* company_;
  QComboBox* period_;
  QComboBox* section_;
  QLineEdit* search_;
  QTimer* searchDelay_;
  QLabel* count_;
  static constexpr std::int64_t kCountCap = 100'000; // beyond it the label says "more than", so counting stays quick
  corpus::CappedCount passageTotal_;
  corpus::CappedCount documentTotal_;
  QTabWidget* tabs_;
  QTableView* passageTable_;
  QTableView* documentTable_;
  PassageTableModel* passages_;
  DocumentTableModel* documents_;
  PassageView* view_;
};

} // namespace distillery::ui
