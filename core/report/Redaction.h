#pragma once
// Showing a stored config without its secrets (the run report, the workbench's "Show config").
#include <nlohmann/json.hpp>

namespace distillery::reporting {

/// The JSON with every secret-looking field (api_key, authorization, password, token, ...) removed, and
/// bearer tokens or "sk-" keys inside strings masked, so configs can be shown.
nlohmann::json redactSecrets(const nlohmann::json& json);

} // namespace distillery::reporting
