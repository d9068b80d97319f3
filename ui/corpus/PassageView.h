#pragma once
// One passage in full: its document, the previous and next passage for context, and every query,
// judgment, mined pair and human label that involves it. Links move to neighbouring passages.
#include <QTextBrowser>

#include <cstdint>

namespace distillery::store {
class Store;
}

namespace distillery::ui {

class PassageView : public QTextBrowser {
  Q_OBJECT
public:
  explicit PassageView(QWidget* parent = nullptr);

  void setStore(store::Store* store);
  /// Shows a passage; search (user text) highlights its hits. 0 clears the view.
  void showPassage(std::int64_t passageId, const QString& search = {});
  std::int64_t passageId() const { return passageId_; }
  std::int64_t previousId() const { return previousId_; }
  std::int64_t nextId() const { return nextId_; }

signals:
  void passageShown(std::int64_t passageId);

private:
  QString buildHtml(std::int64_t passageId, const QString& search);

  store::Store* store_ = nullptr;
  std::int64_t passageId_ = 0;
  std::int64_t previousId_ = 0;
  std::int64_t nextId_ = 0;
  QString search_;
};

} // namespace distillery::ui
