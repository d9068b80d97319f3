#pragma once
// The experiment the window has open: owns the GUI thread's store connection.
#include <QObject>
#include <QString>

#include <memory>

#include "core/store/Store.h"

namespace distillery::ui {

class ExperimentSession : public QObject {
  Q_OBJECT
public:
  explicit ExperimentSession(QObject* parent = nullptr);
  ~ExperimentSession() override;

  /// Opens (or with create=true makes) an experiment. Throws distillery::Error with a message fit
  /// for a dialog; on failure the previously open experiment stays open.
  void open(const QString& path, bool create);
  void close();

  bool isOpen() const { return store_ != nullptr; }
  QString path() const { return path_; }
  store::Store& store();

signals:
  void opened(const QString& path);
  void closed();

private:
  std::unique_ptr<store::Store> store_;
  QString path_;
};

} // namespace distillery::ui
