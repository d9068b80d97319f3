#pragma once
// How a mined kind reads in every panel (pair inspector, passage view), translated.
#include <QString>

#include <string>

namespace distillery::ui {

/// A mined kind ("hard_positive", one of pipeline::kMinedKindNames) as the panels show it, translated; the stored
/// name itself when unknown.
QString minedKindLabel(const std::string& kind);

} // namespace distillery::ui
