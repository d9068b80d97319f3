// `report`: write a self-contained HTML and/or Markdown report of a run, with chart PNGs. The only command
// that needs Qt's GUI module (charts/ draws the charts with QPainter): it creates its own QGuiApplication on the
// offscreen platform, so it runs headless and no other command needs a display.
#ifdef DISTILLERY_HAVE_CHARTS
#include "app/cli/CliCommand.h"
#include "charts/PngChartRenderer.h"
#include "core/report/RunReport.h"
#include "core/store/Store.h"

#include <QGuiApplication>

#include <memory>

namespace distillery::cli {
namespace {

struct ReportArgs {
  std::string store;
  std::int64_t runId = 0;
  std::string out;
  std::string format = "both";
  int k = 0;
};

/// A QGuiApplication for rendering only: the offscreen platform unless the user chose one, since nothing is
/// ever shown and a DISPLAY that cannot be reached would otherwise abort the process.
class RenderingApplication {
public:
  RenderingApplication() {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
      qputenv("QT_QPA_PLATFORM", "offscreen");
    application_ = std::make_unique<QGuiApplication>(argc_, argv_);
  }

private:
  static inline char name_[] = "distillery-cli";
  static inline char* argv_[] = {name_, nullptr};
  static inline int argc_ = 1;
  std::unique_ptr<QGuiApplication> application_;
};

void installReportCommand(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* command = app.add_subcommand(
      "report", "Write a self-contained report of a run (HTML with embedded charts, Markdown with chart PNGs)");
  command->add_option("--store", args->store, "Experiment file")->required();
  command->add_option("--run", args->runId, "Run id")->required()->check(CLI::PositiveNumber);
  command->add_option("--out", args->out, "Folder to write the report into (created when missing)")->required();
  command->add_option("--format", args->format, "html | md | both")
      ->check(CLI::IsMember({"html", "md", "both"}))
      ->capture_default_str();
  command->add_option("--k", args->k, "Metric cut-off to report (default: the run's, 5 when evaluated at 5)")
      ->check(CLI::PositiveNumber);
  addJsonFlag(command, context);
  command->callback([&context, args] {
    store::Store store = store::Store::open(args->store, store::OpenMode::MustExist);
    const RenderingApplication application;
    reporting::RunReportOptions options;
    options.format = reporting::reportFormatFromString(args->format);
    options.k = args->k;
    charts::PngChartRenderer charts;
    const reporting::RunReportResult result = reporting::writeRunReport(store, args->runId, args->out, charts, options);

    nlohmann::json files = nlohmann::json::array();
    std::string text = "wrote the report of run " + std::to_string(args->runId) + ":\n";
    for (const auto& file : result.files) {
      files.push_back(file.string());
      text += "  " + file.string() + "\n";
    }
    text += result.summary.value("sentence", std::string());
    printResult(context, {{"run_id", args->runId}, {"files", files}, {"summary", result.summary}}, text);
  });
}

const CliCommandRegistration registration(65, installReportCommand);

} // namespace
} // namespace distillery::cli
#endif
