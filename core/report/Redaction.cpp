#include "core/report/Redaction.h"

#include <cctype>
#include <string>

namespace distillery::reporting {
namespace {

using nlohmann::json;

bool isSecretKey(const std::string& key) {
  std::string normalised;
  for (char c : key)
    if (c != '_' && c != '-' && c != ' ')
      normalised += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* secret : {"apikey", "authorization", "password", "passwd", "secret", "bearer", "credential",
                             "accesskey", "privatekey", "cookie"})
    if (normalised.find(secret) != std::string::npos)
      return true;
  return normalised.ends_with("token"); // access_token, auth_token; not max_tokens
}

bool looksLikeSecretValue(const std::string& value) {
  std::string lower;
  for (char c : value)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("bearer ") != std::string::npos || value.starts_with("sk-");
}

} // namespace

json redactSecrets(const json& value) {
  if (value.is_object()) {
    json result = json::object();
    for (const auto& [key, item] : value.items())
      if (!isSecretKey(key))
        result[key] = redactSecrets(item);
    return result;
  }
  if (value.is_array()) {
    json result = json::array();
    for (const json& item : value)
      result.push_back(redactSecrets(item));
    return result;
  }
  if (value.is_string() && looksLikeSecretValue(value.get<std::string>()))
    return "[redacted]";
  return value;
}

} // namespace distillery::reporting
