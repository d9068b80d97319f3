// The corpus browser on an experiment as a user opens it (issue 24: a million-passage experiment opens in under
// 2 s and scrolls without visible stalls): the time from setStore to the first page shown (after the store is open,
// so a one-off schema migration is not counted), then each of 100
// scrolls to the bottom of what is loaded (each fetches the next page), and the passage view of the last row.
// Run: QT_QPA_PLATFORM=offscreen build/release/bench/bench_browser <experiment>   (tests/bench/scale-benchmark.sh
// runs it on each size's experiment)
#include <QApplication>
#include <QElapsedTimer>
#include <QTableView>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <optional>

#include "core/store/Store.h"
#include "ui/corpus/CorpusBrowser.h"
#include "ui/corpus/CorpusModels.h"

using namespace distillery;

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_browser <experiment>\n");
    return 2;
  }
  std::optional<store::Store> opened;
  try {
    opened.emplace(store::Store::open(argv[1], store::OpenMode::MustExist));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_browser: %s\n", e.what());
    return 1;
  }
  store::Store& store = *opened;
  const auto passages = store.queryInt64("SELECT COUNT(*) FROM passages");

  QElapsedTimer timer;
  timer.start();
  ui::CorpusBrowser browser;
  browser.resize(1000, 700);
  browser.show();
  browser.setStore(&store);
  QCoreApplication::processEvents();
  const qint64 openMs = timer.elapsed();

  QTableView* table = browser.passageTable();
  constexpr int kScrolls = 100;
  qint64 worstMs = 0, totalMs = 0;
  for (int i = 0; i < kScrolls; ++i) {
    timer.restart();
    table->scrollToBottom();
    QCoreApplication::processEvents();
    worstMs = std::max(worstMs, timer.elapsed());
    totalMs += timer.elapsed();
  }
  timer.restart();
  table->selectRow(browser.passageModel()->rowCount() - 1);
  QCoreApplication::processEvents();
  const qint64 selectMs = timer.elapsed();
  std::printf("bench_browser: %lld passages: open %lld ms; %d scrolls to the bottom, mean %.1f ms, worst %lld ms "
              "(%d rows loaded); last row's passage shown in %lld ms\n",
              static_cast<long long>(passages), static_cast<long long>(openMs), kScrolls,
              static_cast<double>(totalMs) / kScrolls, static_cast<long long>(worstMs),
              browser.passageModel()->rowCount(), static_cast<long long>(selectMs));
  return 0;
}
