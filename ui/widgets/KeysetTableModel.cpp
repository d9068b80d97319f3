#include "ui/widgets/KeysetTableModel.h"

#include <algorithm>

#include "core/store/Store.h"

namespace distillery::ui {

KeysetTableModel::KeysetTableModel(QStringList headers, QObject* parent)
    : QAbstractTableModel(parent), headers_(std::move(headers)) {}

void KeysetTableModel::setStore(store::Store* store) {
  store_ = store;
  reload();
}

void KeysetTableModel::reload() {
  beginResetModel();
  rows_.clear();
  exhausted_ = store_ == nullptr;
  endResetModel();
  if (store_)
    fetchMore();
}

int KeysetTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int KeysetTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(headers_.size());
}

QVariant KeysetTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size()))
    return {};
  const KeysetRow& row = rows_[static_cast<std::size_t>(index.row())];
  if (role == Qt::DisplayRole)
    return row.cells.value(index.column());
  return extraData(row, index.column(), role);
}

QVariant KeysetTableModel::extraData(const KeysetRow& row, int column, int role) const {
  if (role == Qt::ToolTipRole) {
    const QString text = row.cells.value(column).toString();
    return text.size() > 40 ? QVariant(text) : QVariant();
  }
  return {};
}

QVariant KeysetTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole)
    return {};
  if (orientation == Qt::Horizontal)
    return headers_.value(section);
  return section + 1;
}

bool KeysetTableModel::canFetchMore(const QModelIndex& parent) const {
  return !parent.isValid() && !exhausted_;
}

void KeysetTableModel::fetchMore(const QModelIndex& parent) {
  if (parent.isValid() || exhausted_ || !store_)
    return;
  const std::int64_t after = rows_.empty() ? std::numeric_limits<std::int64_t>::min() : rows_.back().key;
  std::vector<KeysetRow> page = fetchPage(*store_, after, pageSize_);
  exhausted_ = static_cast<int>(page.size()) < pageSize_;
  if (page.empty())
    return;
  const int first = static_cast<int>(rows_.size());
  beginInsertRows({}, first, first + static_cast<int>(page.size()) - 1);
  std::move(page.begin(), page.end(), std::back_inserter(rows_));
  endInsertRows();
}

std::int64_t KeysetTableModel::keyAt(int row) const {
  return row >= 0 && row < static_cast<int>(rows_.size()) ? rows_[static_cast<std::size_t>(row)].key : -1;
}

int KeysetTableModel::rowOfKey(std::int64_t key) const {
  const auto it =
      std::lower_bound(rows_.begin(), rows_.end(), key, [](const KeysetRow& r, std::int64_t k) { return r.key < k; });
  return it != rows_.end() && it->key == key ? static_cast<int>(it - rows_.begin()) : -1;
}

std::vector<KeysetRow> KeysetTableModel::fetchOne(store::Store& store, std::int64_t key) const {
  std::vector<KeysetRow> rows = fetchPage(store, key - 1, 1);
  if (!rows.empty() && rows.front().key != key)
    rows.clear();
  return rows;
}

void KeysetTableModel::refreshRow(int row) {
  if (!store_ || row < 0 || row >= static_cast<int>(rows_.size()))
    return;
  std::vector<KeysetRow> fresh = fetchOne(*store_, rows_[static_cast<std::size_t>(row)].key);
  if (fresh.empty())
    return;
  rows_[static_cast<std::size_t>(row)] = std::move(fresh.front());
  emit dataChanged(index(row, 0), index(row, columnCount() - 1));
}

} // namespace distillery::ui
