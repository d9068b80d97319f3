#pragma once
// Names of enum values, written once: each vocabulary (import formats, query types, retrievers, ...) is one
// constexpr table of (value, name[, description]) next to its enum, and these generic functions read and write
// the names, so printing a value and parsing it back cannot drift apart.
//
// Giving an enum its table, in the enum's own header and namespace:
//
//   enum class Colour { Red, Green };
//   inline constexpr EnumName<Colour> kColourNames[] = {
//       {.value = Colour::Red, .name = "red"},
//       {.value = Colour::Green, .name = "green", .description = "the colour of grass"},
//       {.value = Colour::Green, .name = "verdant", .use = EnumNameUse::Alias},
//   };
//   constexpr std::span<const EnumName<Colour>> enumNames(Colour) { return kColourNames; }
//
// enumNames is found by argument-dependent lookup. Then:
//   enumName(Colour::Green)                 -> "green" (the first entry for the value that is not an Alias)
//   parseEnum<Colour>("verdant", "colour")  -> Colour::Green
//   parseEnum<Colour>("blue", "colour")     -> throws InputError "unknown colour 'blue' (expected red or green)"
//   findEnum<Colour>("blue")                -> nullopt, for callers that word their own error
//   enumNameList<Colour>()                  -> "red or green", e.g. for help texts
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/util/Error.h"

namespace distillery {

/// What an entry of a name table is for.
enum class EnumNameUse {
  Canonical, // written by enumName, accepted by parseEnum and listed in its error
  Alias,     // accepted by parseEnum only: another spelling of a value that has a Canonical entry
  WriteOnly, // written by enumName only: a value that is never asked for by name (not accepted, not listed)
};

template <typename E> struct EnumName {
  E value;                                  // the enumerator
  std::string_view name;                    // as written in files, stored rows and on the command line
  std::string_view description = {};        // one line for help texts; may be empty
  EnumNameUse use = EnumNameUse::Canonical; // see EnumNameUse
};

/// The name of value: its first entry that is not an Alias; empty for a value outside the table.
template <typename E> constexpr std::string_view enumName(E value) {
  for (const EnumName<E>& entry : enumNames(E{}))
    if (entry.value == value && entry.use != EnumNameUse::Alias)
      return entry.name;
  return {};
}

/// The value named text (Canonical or Alias entries, exact and case-sensitive), or nullopt.
template <typename E> constexpr std::optional<E> findEnum(std::string_view text) {
  for (const EnumName<E>& entry : enumNames(E{}))
    if (entry.name == text && entry.use != EnumNameUse::WriteOnly)
      return entry.value;
  return std::nullopt;
}

/// The Canonical names in table order as prose: "a, b or c".
template <typename E> std::string enumNameList() {
  std::string list;
  std::string_view last;
  for (const EnumName<E>& entry : enumNames(E{})) {
    if (entry.use != EnumNameUse::Canonical)
      continue;
    if (!last.empty())
      list += (list.empty() ? "" : ", ") + std::string(last);
    last = entry.name;
  }
  return list.empty() ? std::string(last) : list + " or " + std::string(last);
}

/// The value named text; otherwise throws InputError "unknown <what> '<text>' (expected <enumNameList>)".
template <typename E> E parseEnum(std::string_view text, std::string_view what) {
  if (const std::optional<E> value = findEnum<E>(text))
    return *value;
  throw InputError("unknown " + std::string(what) + " '" + std::string(text) + "' (expected " + enumNameList<E>() +
                   ")");
}

} // namespace distillery
