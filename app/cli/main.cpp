// distillery-cli: the headless front end over the same core as the workbench.
// Exit codes: 0 success, 1 failure (one line on stderr), 2 bad usage, 130 cancelled.
#include <algorithm>
#include <csignal>
#include <iostream>

#include "app/cli/CliCommand.h"
#include "core/util/Error.h"
#include "core/util/ResourceFailure.h"

int main(int argc, char** argv) {
  using namespace distillery;
  cli::CliContext context;
  CLI::App app{"Distillery: adapt a retrieval embedding model to financial filings by distilling an LLM's "
               "relevance judgments into a compact bi-encoder.",
               "distillery-cli"};
  app.set_version_flag("--version", std::string("distillery-cli ") + DISTILLERY_VERSION);
  app.require_subcommand(1);
  app.footer("Run 'distillery-cli COMMAND --help' for the options of a command.");

  auto& commands = cli::registeredCommands();
  std::stable_sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  for (const auto& command : commands)
    command.install(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "distillery-cli: error: " << e.what() << "\n";
    return 2;
  } catch (const Cancelled&) {
    std::cerr << "distillery-cli: cancelled\n";
    return 130;
  } catch (const std::exception& e) {
    // Memory or disk that ran out outside a named phase still says so in a sentence, not "std::bad_alloc".
    if (const auto resource = exhaustedResource(e);
        resource != ExhaustedResource::None && dynamic_cast<const ResourceExhausted*>(&e) == nullptr) {
      std::cerr << "distillery-cli: error: " << describeExhausted(resource, "the command", e.what(), "run it again")
                << "\n";
      return 1;
    }
    std::cerr << "distillery-cli: error: " << e.what() << "\n";
    return 1;
  }
  return context.exitCode;
}
