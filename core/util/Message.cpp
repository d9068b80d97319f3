#include "core/util/Message.h"

#include <algorithm>

#include "core/util/NumberText.h"

namespace distillery {

MessageArg MessageArg::real(double value, int decimals) {
  MessageArg arg(fixed(value, decimals)); // 6 decimals: as std::to_string writes a double
  arg.kind = Kind::Real;
  arg.number = value;
  arg.decimals = decimals;
  return arg;
}

MessageArg MessageArg::stage(std::string key) {
  MessageArg arg(std::move(key));
  arg.kind = Kind::Stage;
  return arg;
}

MessageArg MessageArg::inner(Message message) {
  MessageArg arg(distillery::english(message));
  arg.kind = Kind::Nested;
  arg.nested = std::make_shared<const Message>(std::move(message));
  return arg;
}

MessageArg MessageArg::minedKind(std::string name) {
  MessageArg arg(std::move(name));
  arg.kind = Kind::MinedKind;
  return arg;
}

MessageArg MessageArg::split(std::string name) {
  MessageArg arg(std::move(name));
  arg.kind = Kind::Split;
  return arg;
}

const MessageText* findMessage(MessageId id) {
  const auto* it = std::ranges::find(kMessages, id, &MessageText::id);
  return it == std::end(kMessages) ? nullptr : it;
}

std::optional<MessageId> findStage(std::string_view key) {
  for (const MessageText& entry : kMessages)
    if (entry.stage && entry.english == key)
      return entry.id;
  return std::nullopt;
}

std::string_view englishTemplate(MessageId id) {
  const MessageText* entry = findMessage(id);
  return entry ? entry->english : std::string_view();
}

std::string fillTemplate(std::string_view pattern, const std::vector<std::string>& args) {
  std::string out;
  out.reserve(pattern.size() + 16 * args.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] >= '1' && pattern[i + 1] <= '9') {
      const auto n = static_cast<std::size_t>(pattern[i + 1] - '1');
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

std::string english(const Message& message) {
  std::vector<std::string> args;
  args.reserve(message.args.size());
  for (const MessageArg& arg : message.args)
    args.push_back(arg.english);
  return fillTemplate(englishTemplate(message.id), args);
}

} // namespace distillery
