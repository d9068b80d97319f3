#pragma once
// Registration of distillery-cli subcommands. Each commands_<area>.cpp defines a static
// CliCommandRegistration; main() adds them all in `order`, so areas never edit main.cpp.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace distillery::store {
class Store;
}

namespace distillery::cli {

/// State shared by all subcommands of one invocation.
struct CliContext {
  bool json = false; // --json: one machine-readable JSON document on stdout
  int exitCode = 0;  // set by a command that completed but wants a non-zero exit
};

using CommandInstaller = std::function<void(CLI::App& app, CliContext& context)>;

struct CliCommandRegistration {
  CliCommandRegistration(int order, CommandInstaller install);
};

struct RegisteredCommand {
  int order;
  CommandInstaller install;
};
std::vector<RegisteredCommand>& registeredCommands();

/// Prints a result: the JSON document with --json, else the human text.
void printResult(const CliContext& context, const nlohmann::json& json, const std::string& humanText);

/// Progress line on stderr (never stdout, which --json keeps clean); overwritten in place on a terminal.
void printProgress(const std::string& stage, long long done, long long total);

/// Runs a long command's body recorded in the experiment's jobs (kind, parameters: never secrets), so the workbench
/// and later readers see what the CLI did: completed, cancelled (interrupted) or failed with its error, which passes
/// on. body returns how it ended when it returns: "completed", or "paused" for a run stopped after --steps. Recording
/// is best-effort and never fails the command.
void recordJob(store::Store& store, const std::string& kind, const nlohmann::json& params,
               std::optional<std::int64_t> runId, const std::function<std::string()>& body);

/// Adds the --json flag to a subcommand.
void addJsonFlag(CLI::App* command, CliContext& context);

} // namespace distillery::cli
