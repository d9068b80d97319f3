#include "ui/widgets/MinedKindLabel.h"

#include <QCoreApplication>

#include "core/pipeline/HardExampleMiner.h"
#include "core/util/EnumNames.h"

namespace distillery::ui {

QString minedKindLabel(const std::string& kind) {
  const auto value = findEnum<pipeline::MinedKind>(kind);
  if (!value)
    return QString::fromStdString(kind);
  switch (*value) {
  case pipeline::MinedKind::HardPositive:
    return QCoreApplication::translate("MinedKind", "hard positive");
  case pipeline::MinedKind::HardNegative:
    return QCoreApplication::translate("MinedKind", "hard negative");
  case pipeline::MinedKind::EasyPositive:
    return QCoreApplication::translate("MinedKind", "easy positive");
  case pipeline::MinedKind::EasyNegative:
    return QCoreApplication::translate("MinedKind", "easy negative");
  case pipeline::MinedKind::FalseNegative:
    return QCoreApplication::translate("MinedKind", "likely false negative (excluded)");
  case pipeline::MinedKind::Ambiguous:
    return QCoreApplication::translate("MinedKind", "ambiguous");
  case pipeline::MinedKind::Unjudged:
    return QCoreApplication::translate("MinedKind", "unjudged");
  case pipeline::MinedKind::Unsampled:
    return QCoreApplication::translate("MinedKind", "easy, not sampled");
  case pipeline::MinedKind::QueryDropped:
    return QCoreApplication::translate("MinedKind", "query dropped");
  }
  return QString::fromStdString(kind);
}

} // namespace distillery::ui
