#include "app/cli/CliCommand.h"

#include "core/store/JobLog.h"
#include "core/util/Error.h"
#include "core/util/Time.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

namespace distillery::cli {

std::vector<RegisteredCommand>& registeredCommands() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}

CliCommandRegistration::CliCommandRegistration(int order, CommandInstaller install) {
  registeredCommands().push_back({order, std::move(install)});
}

void printResult(const CliContext& context, const nlohmann::json& json, const std::string& humanText) {
  if (context.json)
    std::cout << json.dump(2) << std::endl;
  else
    std::cout << humanText << (humanText.empty() || humanText.back() == '\n' ? "" : "\n") << std::flush;
}

void printProgress(const std::string& stage, long long done, long long total) {
  static const bool terminal = isatty(STDERR_FILENO);
  if (terminal) {
    if (total > 0)
      std::fprintf(stderr, "\r%s: %lld/%lld (%.0f%%)   ", stage.c_str(), done, total, 100.0 * done / total);
    else
      std::fprintf(stderr, "\r%s: %lld   ", stage.c_str(), done);
    if (total > 0 && done >= total)
      std::fputc('\n', stderr);
  } else {
    // Not a terminal (a log file, a test): a line as each tenth is passed, so logs stay short. (Counts that jump,
    // such as bytes, rarely land on a tenth exactly.)
    static std::string lastStage;
    static long long lastTenth = -1;
    const long long tenth = total > 0 ? done * 10 / total : -1;
    if (stage != lastStage)
      lastTenth = -1;
    if (total <= 0 || done == total || tenth > lastTenth)
      std::fprintf(stderr, "%s: %lld/%lld\n", stage.c_str(), done, total);
    lastStage = stage;
    lastTenth = std::max(lastTenth, tenth);
  }
}

void addJsonFlag(CLI::App* command, CliContext& context) {
  command->add_flag("--json", context.json, "Print one machine-readable JSON document on stdout");
}

void recordJob(store::Store& store, const std::string& kind, const nlohmann::json& params,
               std::optional<std::int64_t> runId, const std::function<std::string()>& body) {
  std::optional<std::int64_t> job;
  try {
    job = store::startJob(store, kind, params.dump(), runId);
  } catch (const std::exception&) {
  }
  const double started = monotonicSeconds();
  const auto finish = [&](const std::string& status, const std::optional<std::string>& error) {
    if (!job)
      return;
    const std::string line = "distillery-cli " + kind + " " + status + " after " +
                             std::to_string(static_cast<long long>(monotonicSeconds() - started)) + " s";
    try {
      store::finishJob(store, *job, status, 0, 0, error,
                       {{error ? "error" : "info", error ? line + ": " + *error : line}});
    } catch (const std::exception&) {
    }
  };
  std::string status;
  try {
    status = body();
  } catch (const Cancelled&) {
    finish("cancelled", std::nullopt);
    throw;
  } catch (const std::exception& e) {
    finish("failed", std::string(e.what()));
    throw;
  }
  finish(status, std::nullopt);
}

} // namespace distillery::cli
