// `report`: write a self-contained HTML and/or Markdown report of a run, with chart PNGs. The only command
// that needs Qt's GUI classes (charts are QCustomPlot widgets): it creates its own QApplication on the
// offscreen platform, so it runs headless and no other command needs a display.
#ifdef DISTILLERY_HAVE_UI
#include "app/cli/CliCommand.h"
#include "core/store/Store.h"
#include "ui/charts/RunReport.h"

#include <QApplication>

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

/// A QApplication for rendering only: the offscreen platform unless the user chose one, since nothing is
/// ever shown and a DISPLAY that cannot be reached would otherwise abort the process.
class RenderingApplication {
public:
  RenderingApplication() {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
      qputenv("QT_QPA_PLATFORM", "offscreen");
    application_ = std::make_unique<QApplication>(argc_, argv_);
  }

private:
  static inline char name_[] = "distillery-cli";
  static inline char* argv_[] = {name_, nullptr};
  static inline int argc_ = 1;
  std::unique_ptr<QApplication> application_;
};

void installReportCommand(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* report = app.add_subcommand(
      "report", "Write a self-contained report of a run (HTML with embedded charts, Markdown with chart PNGs)");
  report->add_option("--store", args->store, "Experiment file")->required();
  report->add_option("--run", args->runId, "Run id")->required()->check(CLI::PositiveNumber);
  report->add_option("--out", args->out, "Folder to write the report into (created when missing)")->required();
  report->add_option("--format", args->format, "html | md | both")
      ->check(CLI::IsMember({"html", "md", "both"}))
      ->capture_default_str();
  report->add_option("--k", args->k, "Metric cut-off to report (default: the run's, 5 when evaluated at 5)")
      ->check(CLI::PositiveNumber);
  addJsonFlag(report, context);
  report->callback([&context, args] {
    store::Store store = store::Store::open(args->store, store::OpenMode::MustExist);
    const RenderingApplication application;
    ui::RunReportOptions options;
    options.format = ui::reportFormatFromString(args->format);
    options.k = args->k;
    const ui::RunReportResult result = ui::writeRunReport(store, args->runId, args->out, options);

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
