#pragma once
// The teacher's API key in the OS keychain (qtkeychain). Asynchronous: results arrive as signals.
// No insecure fallback: when no keychain is available the user is told to use an environment variable.
#include <QObject>

namespace distillery::ui {

/// What a QtKeychain error (QKeychain::Error code and the job's errorString) means for the user, and what to do.
/// sessionBus: whether a D-Bus session bus is known (on Linux the keyring is reached through it; without one,
/// QtKeychain only says "Unknown error").
QString describeKeychainError(int code, const QString& raw, bool sessionBus = true);
/// Whether this process has a D-Bus session bus address (DBUS_SESSION_BUS_ADDRESS).
bool hasSessionBus();

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
