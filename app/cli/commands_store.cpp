// `init` and `info`: create an experiment and describe what it holds.
#include "app/cli/CliCommand.h"
#include "core/store/Store.h"

#include <memory>
#include <sstream>

namespace distillery::cli {
namespace {

void installStoreCommands(CLI::App& app, CliContext& context) {
  // Option values live in shared_ptrs captured by the callbacks: they outlive parsing.
  auto initPath = std::make_shared<std::string>();
  CLI::App* init = app.add_subcommand("init", "Create a new, empty experiment store (a SQLite file)");
  init->add_option("--store", *initPath, "Path of the experiment file to create")->required();
  addJsonFlag(init, context);
  init->callback([&context, initPath] {
    store::Store s = store::Store::open(*initPath, store::OpenMode::CreateNew);
    const int version = s.schemaVersion();
    printResult(context, {{"store", *initPath}, {"schema_version", version}},
                "created experiment " + *initPath + " (schema version " + std::to_string(version) + ")");
  });

  auto infoPath = std::make_shared<std::string>();
  CLI::App* info = app.add_subcommand("info", "Show an experiment's schema version and the row count of every table");
  info->add_option("--store", *infoPath, "Path of the experiment file")->required();
  addJsonFlag(info, context);
  info->callback([&context, infoPath] {
    store::Store s = store::Store::open(*infoPath, store::OpenMode::MustExist);
    nlohmann::json counts = nlohmann::json::object();
    std::ostringstream text;
    text << "experiment " << *infoPath << "\nschema version " << s.schemaVersion() << "\n";
    for (const auto& [table, count] : s.tableCounts()) {
      counts[table] = count;
      text << "  " << table << ": " << count << "\n";
    }
    printResult(context, {{"store", *infoPath}, {"schema_version", s.schemaVersion()}, {"counts", counts}}, text.str());
  });
}

const CliCommandRegistration registration(10, installStoreCommands);

} // namespace
} // namespace distillery::cli
