#include "ui/settings/ApiKeyStore.h"

#include <qt6keychain/keychain.h>

namespace distillery::ui {

bool hasSessionBus() {
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
  return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
#else
  return true; // the keychain is not reached through D-Bus here
#endif
}

QString describeKeychainError(int code, const QString& raw, bool sessionBus) {
  const QString said = raw.trimmed();
  const bool unexplained = said.isEmpty() || said.compare(QLatin1String("Unknown error"), Qt::CaseInsensitive) == 0;
  // No Secret Service on the session bus: QtKeychain says NoBackendAvailable, or OtherError carrying the D-Bus
  // error ("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided ..."),
  // or, with no session bus at all, OtherError "Unknown error".
  const bool noService =
      code == QKeychain::NoBackendAvailable || said.contains(QLatin1String("org.freedesktop.secrets")) ||
      said.contains(QLatin1String("ServiceUnknown")) || (code == QKeychain::OtherError && unexplained && !sessionBus);
  if (noService)
    return ApiKeyStore::tr("No keyring service is running, so the OS keychain cannot hold the key. Start a Secret "
                           "Service provider such as gnome-keyring or KWallet and try again, or keep the key in an "
                           "environment variable: choose \"Environment variable\" in Settings and name it there.");
  switch (code) {
  case QKeychain::NoError:
    return {};
  case QKeychain::EntryNotFound:
    return ApiKeyStore::tr("No API key is stored in the keychain yet.");
  case QKeychain::AccessDeniedByUser:
    return ApiKeyStore::tr("Access to the keychain was denied. Allow Distillery when the keyring asks, or keep the "
                           "key in an environment variable.");
  case QKeychain::AccessDenied:
    return ApiKeyStore::tr("The keychain refused access; it may be locked. Unlock it (for example by logging in "
                           "again) and try again.");
  case QKeychain::NotImplemented:
    return ApiKeyStore::tr("This system's keychain cannot store the key. Keep it in an environment variable "
                           "instead (Settings, Variable name).");
  default:
    break;
  }
  if (unexplained)
    return ApiKeyStore::tr("The keychain failed without saying why. Check that a keyring service (gnome-keyring, "
                           "KWallet) is running and unlocked, or keep the key in an environment variable.");
  return ApiKeyStore::tr("The keychain failed: %1").arg(said);
}

ApiKeyStore::ApiKeyStore(QObject* parent) : QObject(parent) {}

QString ApiKeyStore::service() {
  return QStringLiteral("Distillery");
}

QString ApiKeyStore::keyName() {
  return QStringLiteral("teacher-api-key");
}

void ApiKeyStore::write(const QString& key) {
  auto* job = new QKeychain::WritePasswordJob(service(), this);
  job->setAutoDelete(true);
  job->setInsecureFallback(false); // never a plain-text copy in QSettings
  job->setKey(keyName());
  job->setTextData(key);
  connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* j) {
    const bool ok = j->error() == QKeychain::NoError;
    emit written(ok, ok ? QString() : describeKeychainError(j->error(), j->errorString(), hasSessionBus()));
  });
  job->start();
}

void ApiKeyStore::read() {
  auto* job = new QKeychain::ReadPasswordJob(service(), this);
  job->setAutoDelete(true);
  job->setInsecureFallback(false);
  job->setKey(keyName());
  connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* j) {
    auto* readJob = static_cast<QKeychain::ReadPasswordJob*>(j);
    const bool ok = j->error() == QKeychain::NoError;
    emit readFinished(ok, readJob->textData(),
                      ok ? QString() : describeKeychainError(j->error(), j->errorString(), hasSessionBus()));
  });
  job->start();
}

void ApiKeyStore::remove() {
  auto* job = new QKeychain::DeletePasswordJob(service(), this);
  job->setAutoDelete(true);
  job->setKey(keyName());
  connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* j) {
    const bool ok = j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound;
    emit removed(ok, ok ? QString() : describeKeychainError(j->error(), j->errorString(), hasSessionBus()));
  });
  job->start();
}

} // namespace distillery::ui
