#pragma once
// core's progress in the user's language: a message with an id (core/util/Message.h) is translated by its English
// template (context "distillery::Message") and filled with its arguments, numbers in the locale; a stage name is
// translated as the stage of that name. Free text and unknown ids stay as core wrote them (English).
#include <QString>

#include "core/util/Progress.h"

namespace distillery::ui {

/// message translated and filled in; its English when the id is unknown.
QString translatedMessage(const Message& message);
/// A stage key of kMessages translated; other text as it is.
QString translatedStage(const std::string& stage);
/// The progress's message as the job log shows it.
QString progressMessage(const Progress& progress);
/// The progress's stage as the jobs panel shows it.
QString progressStage(const Progress& progress);

} // namespace distillery::ui
