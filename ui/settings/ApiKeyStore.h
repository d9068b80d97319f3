#pragma once
// The teacher's API key in the OS keychain (qtkeychain). Asynchronous: results arrive as signals.
// No insecure fallback: when no keychain is available the user is told to use an environment variable.
#include <QObject>

namespace distillery::ui {

class ApiKeyStore : public QObject {
  Q_OBJECT
public:
  explicit ApiKeyStore(QObject* parent = nullptr);
  static QString service();
  static QString keyName();

  void write(const QString& key);
  void read();
  void remove();

signals:
  void written(bool ok, const QString& error);
  void readFinished(bool ok, const QString& key, const QString& error);
  void removed(bool ok, const QString& error);
};

} // namespace distillery::ui
