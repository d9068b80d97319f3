#include "ui/settings/ApiKeyStore.h"

#include <qt6keychain/keychain.h>

namespace distillery::ui {

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
  connect(job, &QKeychain::Job::finished, this,
          [this](QKeychain::Job* j) { emit written(j->error() == QKeychain::NoError, j->errorString()); });
  job->start();
}

void ApiKeyStore::read() {
  auto* job = new QKeychain::ReadPasswordJob(service(), this);
  job->setAutoDelete(true);
  job->setInsecureFallback(false);
  job->setKey(keyName());
  connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* j) {
    auto* readJob = static_cast<QKeychain::ReadPasswordJob*>(j);
    emit readFinished(j->error() == QKeychain::NoError, readJob->textData(), j->errorString());
  });
  job->start();
}

void ApiKeyStore::remove() {
  auto* job = new QKeychain::DeletePasswordJob(service(), this);
  job->setAutoDelete(true);
  job->setKey(keyName());
  connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* j) {
    emit removed(j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound, j->errorString());
  });
  job->start();
}

} // namespace distillery::ui
