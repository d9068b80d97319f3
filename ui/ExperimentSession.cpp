#include "ui/ExperimentSession.h"

namespace distillery::ui {

ExperimentSession::ExperimentSession(QObject* parent) : QObject(parent) {}

ExperimentSession::~ExperimentSession() = default;

void ExperimentSession::open(const QString& path, bool create) {
  auto store = std::make_unique<store::Store>(
      store::Store::open(path.toStdString(), create ? store::OpenMode::CreateNew : store::OpenMode::MustExist));
  store_ = std::move(store);
  path_ = path;
  emit opened(path_);
}

void ExperimentSession::close() {
  if (!store_)
    return;
  store_.reset();
  path_.clear();
  emit closed();
}

store::Store& ExperimentSession::store() {
  if (!store_)
    throw Error("no experiment is open");
  return *store_;
}

} // namespace distillery::ui
