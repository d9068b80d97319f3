#pragma once
// The report of a distillation run (figures with their 95% intervals, whether the gain is real in words, the queries
// that changed most): a self-contained HTML file (charts embedded as data: URIs, no external
// CSS/JS), a Markdown file referencing the chart PNGs beside it, and those PNGs. Everything comes from the
// store (run, rounds, evaluations + metrics, queries, candidates, judgments, mined examples, training log);
// secrets in the run's config never reach any written file (see Redaction.h). The charts are drawn by a
// ChartRenderer the caller supplies, so the report itself needs no GUI library.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/report/ChartRenderer.h"

namespace distillery::store {
class Store;
}

namespace distillery::reporting {

enum class ReportFormat { Html, Markdown, Both };
/// "html" | "md" | "both"; throws InputError naming the value otherwise.
ReportFormat reportFormatFromString(const std::string& text);

struct RunReportOptions {
  ReportFormat format = ReportFormat::Both;
  int k = 0;           // metric cut-off; 0: the run's own (5 when evaluated at 5, else its smallest)
  ChartSize chartSize; // of each PNG
};

struct RunReportResult {
  std::vector<std::filesystem::path> files; // written, report files last
  nlohmann::json summary; // final round vs round 0 per filing type, its paired tests ("significance") and the queries
                          // that changed most ("changed_queries"); see summaryJson in the .cpp
};

/// Writes the report of `runId` into `outDir` (created when missing): bars-mrr.png, bars-ndcg.png, rounds.png,
/// loss.png (when the run has a training log) drawn by `charts`, then report.md and/or report.html. Files are
/// written under temporary names and renamed into place only when all of them are complete, so a failure leaves no
/// report that looks finished. Throws InputError for an unknown run or a run without evaluations, Error when outDir
/// is unwritable or a chart cannot be rendered.
RunReportResult writeRunReport(store::Store& store, std::int64_t runId, const std::filesystem::path& outDir,
                               ChartRenderer& charts, const RunReportOptions& options = {});

} // namespace distillery::reporting
