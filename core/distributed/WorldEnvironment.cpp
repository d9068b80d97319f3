#include "core/distributed/WorldEnvironment.h"

#include "core/util/Error.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace distillery::distributed {
namespace {

std::optional<long long> parseInteger(const std::string& text) {
  long long value = 0;
  const auto* end = text.data() + text.size();
  const auto [pointer, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || pointer != end || text.empty())
    return std::nullopt;
  return value;
}

long long requireInteger(const EnvironmentLookup& lookup, const std::string& name, long long minimum, long long maximum,
                         const std::string& why) {
  const auto text = lookup(name);
  if (!text)
    throw InputError(name + " is not set: " + why);
  const auto value = parseInteger(*text);
  if (!value || *value < minimum || *value > maximum)
    throw InputError(name + "='" + *text + "' is not an integer in [" + std::to_string(minimum) + ", " +
                     std::to_string(maximum) + "]");
  return *value;
}

} // namespace

WorldEnvironment readWorldEnvironment(const EnvironmentLookup& lookupOrDefault) {
  const EnvironmentLookup lookup =
      lookupOrDefault ? lookupOrDefault : [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value)
      return std::nullopt;
    return std::string(value);
  };
  WorldEnvironment world;
  const auto worldSizeText = lookup("WORLD_SIZE");
  if (!worldSizeText || worldSizeText->empty())
    return world;
  world.worldSize = static_cast<int>(requireInteger(lookup, "WORLD_SIZE", 1, 65536, ""));
  if (world.worldSize == 1)
    return world;

  const std::string why = "WORLD_SIZE=" + *worldSizeText + " asks for a distributed run";
  world.rank = static_cast<int>(requireInteger(lookup, "RANK", 0, world.worldSize - 1, why));
  world.masterPort = static_cast<std::uint16_t>(requireInteger(lookup, "MASTER_PORT", 1, 65535, why));
  const auto address = lookup("MASTER_ADDR");
  if (!address || address->empty())
    throw InputError("MASTER_ADDR is not set: " + why + " (rank 0's host name or address)");
  world.masterAddress = *address;
  if (lookup("LOCAL_RANK"))
    world.localRank = static_cast<int>(requireInteger(lookup, "LOCAL_RANK", 0, 65535, ""));
  if (lookup("DISTILLERY_DIST_TIMEOUT"))
    world.timeout = std::chrono::seconds(requireInteger(lookup, "DISTILLERY_DIST_TIMEOUT", 1, 7 * 24 * 3600, ""));
  return world;
}

void requireSingleProcess(const std::string& command, const WorldEnvironment& world) {
  if (world.distributed())
    throw InputError(command + " runs as one process: WORLD_SIZE=" + std::to_string(world.worldSize) +
                     " is set (rank " + std::to_string(world.rank) + "), and every rank would run the whole command " +
                     "against the same experiment. Launch it without WORLD_SIZE (or with WORLD_SIZE=1); of the " +
                     "commands, embed, run and eval share their work across ranks");
}

Shard contiguousShard(std::int64_t total, int rank, int worldSize) {
  if (worldSize < 1 || rank < 0 || rank >= worldSize || total < 0)
    throw Error("contiguousShard: rank " + std::to_string(rank) + " of " + std::to_string(worldSize) + " over " +
                std::to_string(total) + " items");
  const std::int64_t base = total / worldSize;
  const std::int64_t remainder = total % worldSize;
  Shard shard;
  shard.begin = rank * base + std::min<std::int64_t>(rank, remainder);
  shard.end = shard.begin + base + (rank < remainder ? 1 : 0);
  return shard;
}

} // namespace distillery::distributed
