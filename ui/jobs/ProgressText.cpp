#include "ui/jobs/ProgressText.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

#include "ui/widgets/MinedKindLabel.h"

namespace distillery::ui {
namespace {

constexpr const char* kContext = "distillery::Message"; // as the templates are marked in core/util/Message.h

QString translatedTemplate(std::string_view english) {
  return QCoreApplication::translate(kContext, std::string(english).c_str());
}

/// A query split's name as the workbench writes it; other text as it is.
QString splitName(const std::string& split) {
  if (split == "train")
    return QCoreApplication::translate("distillery::Split", "train");
  if (split == "dev")
    return QCoreApplication::translate("distillery::Split", "dev");
  if (split == "test")
    return QCoreApplication::translate("distillery::Split", "test");
  return QString::fromStdString(split);
}

QString argumentText(const MessageArg& arg) {
  const QLocale locale;
  switch (arg.kind) {
  case MessageArg::Kind::Integer:
    return locale.toString(static_cast<qlonglong>(arg.number));
  case MessageArg::Kind::Real:
    return locale.toString(arg.number, 'f', arg.decimals);
  case MessageArg::Kind::Stage:
    return translatedStage(arg.english);
  case MessageArg::Kind::Nested:
    return arg.nested ? translatedMessage(*arg.nested) : QString::fromStdString(arg.english);
  case MessageArg::Kind::MinedKind:
    return minedKindLabel(arg.english);
  case MessageArg::Kind::Split:
    return splitName(arg.english);
  case MessageArg::Kind::Text:
    break;
  }
  return QString::fromStdString(arg.english);
}

/// %1..%9 of pattern filled in one pass, as core's fillTemplate does (an argument's own "%1" stays).
QString fill(const QString& pattern, const QStringList& args) {
  QString out;
  out.reserve(pattern.size() + 16 * args.size());
  for (qsizetype i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == QLatin1Char('%') && i + 1 < pattern.size() && pattern[i + 1] >= QLatin1Char('1') &&
        pattern[i + 1] <= QLatin1Char('9')) {
      const qsizetype n = pattern[i + 1].unicode() - '1';
      if (n < args.size()) {
        out += args[n];
        ++i;
        continue;
      }
    }
    out += pattern[i];
  }
  return out;
}

} // namespace

QString translatedMessage(const Message& message) {
  const MessageText* entry = findMessage(message.id);
  if (!entry)
    return QString::fromStdString(english(message));
  QStringList args;
  for (const MessageArg& arg : message.args)
    args << argumentText(arg);
  return fill(translatedTemplate(entry->english), args);
}

QString translatedStage(const std::string& stage) {
  if (const std::optional<MessageId> id = findStage(stage))
    return translatedTemplate(englishTemplate(*id));
  return QString::fromStdString(stage);
}

QString progressMessage(const Progress& progress) {
  return progress.text.id == MessageId::None ? QString::fromStdString(progress.message)
                                             : translatedMessage(progress.text);
}

QString progressStage(const Progress& progress) {
  return progress.stageText.id == MessageId::None ? translatedStage(progress.stage)
                                                  : translatedMessage(progress.stageText);
}

} // namespace distillery::ui
