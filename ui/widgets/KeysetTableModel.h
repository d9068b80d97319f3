#pragma once
// A read-only table model over a store query that pages by key (WHERE key > last ORDER BY key LIMIT n):
// rows arrive through canFetchMore/fetchMore as the view scrolls, so a table of a million rows costs
// one page of memory and one indexed range scan per page, never a full load or an OFFSET walk.
#include <QAbstractTableModel>
#include <QStringList>
#include <QVariant>
#include <QVector>

#include <cstdint>
#include <vector>

namespace distillery::store {
class Store;
}

namespace distillery::ui {

struct KeysetRow {
  std::int64_t key = 0;    // strictly increasing paging key (usually the row id)
  QVector<QVariant> cells; // one value per column, shown as DisplayRole
};

class KeysetTableModel : public QAbstractTableModel {
  Q_OBJECT
public:
  static constexpr int kDefaultPageSize = 256;

  explicit KeysetTableModel(QStringList headers, QObject* parent = nullptr);

  /// The store to read from (the GUI thread's connection); nullptr empties the model.
  void setStore(store::Store* store);
  store::Store* store() const { return store_; }
  void setPageSize(int rows) { pageSize_ = rows; }

  /// Drops the loaded rows and fetches the first page again (after filters or data changed).
  void reload();

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  bool canFetchMore(const QModelIndex& parent = {}) const override;
  void fetchMore(const QModelIndex& parent = {}) override;

  std::int64_t keyAt(int row) const;
  int rowOfKey(std::int64_t key) const; // -1 when not loaded
  const KeysetRow& rowAt(int row) const { return rows_.at(static_cast<std::size_t>(row)); }
  /// Replaces one loaded row's cells (after an edit elsewhere) without reloading the page.
  void refreshRow(int row);

protected:
  /// Reads up to limit rows with key > afterKey, in key order.
  virtual std::vector<KeysetRow> fetchPage(store::Store& store, std::int64_t afterKey, int limit) const = 0;
  /// Reads one row again by key; the default refetches through fetchPage(key - 1, 1).
  virtual std::vector<KeysetRow> fetchOne(store::Store& store, std::int64_t key) const;
  /// Extra roles (tooltips, colours) for a cell; DisplayRole comes from the cells.
  virtual QVariant extraData(const KeysetRow& row, int column, int role) const;

private:
  QStringList headers_;
  store::Store* store_ = nullptr;
  std::vector<KeysetRow> rows_;
  bool exhausted_ = true;
  int pageSize_ = kDefaultPageSize;
};

} // namespace distillery::ui
