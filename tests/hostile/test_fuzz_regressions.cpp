// Replays every checked-in fuzz input (tests/fuzz/seeds/<target> and tests/fuzz/regressions/<target>) through
// the same entry points the libFuzzer targets use, in the normal build: a crash the fuzzer once found stays
// fixed, and the seeds keep exercising the parsers' happy paths.
#include <QTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/fuzz/FuzzSupport.h"

namespace fs = std::filesystem;

class FuzzRegressionTest : public QObject {
  Q_OBJECT

private slots:
  void replaysInputs_data() {
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("file");
    const fs::path fuzzDir = fs::path(DISTILLERY_SOURCE_DIR) / "tests" / "fuzz";
    int inputs = 0;
    for (const auto& target : distillery::fuzz::fuzzTargets()) {
      int seeds = 0;
      for (const char* kind : {"seeds", "regressions"}) {
        const fs::path dir = fuzzDir / kind / target.name;
        if (!fs::is_directory(dir))
          continue;
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir))
          if (entry.is_regular_file())
            files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const fs::path& file : files) {
          const std::string row = std::string(target.name) + "/" + kind + "/" + file.filename().string();
          QTest::newRow(row.c_str()) << QString::fromUtf8(target.name) << QString::fromStdString(file.string());
          ++inputs;
          seeds += std::string_view(kind) == "seeds";
        }
      }
      QVERIFY2(seeds > 0, target.name); // every target has a seed corpus
    }
    QVERIFY(inputs >= static_cast<int>(distillery::fuzz::fuzzTargets().size()));
  }

  void replaysInputs() {
    QFETCH(QString, target);
    QFETCH(QString, file);
    std::ifstream in(file.toStdString(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string data = std::move(bytes).str();
    for (const auto& candidate : distillery::fuzz::fuzzTargets()) {
      if (target != QLatin1String(candidate.name))
        continue;
      try {
        candidate.run(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
      } catch (const std::exception& e) {
        QFAIL(qPrintable(QStringLiteral("%1 escaped the parser: %2").arg(file, QString::fromUtf8(e.what()))));
      }
      return;
    }
    QFAIL("unknown fuzz target");
  }

  // The harness itself: an input cut into files, and an invariant that fails loudly.
  void splitsInputsIntoFiles() {
    const auto parts = distillery::fuzz::splitInput("a\n=====\nb\n=====\nc\n=====\nd", "\n=====\n", 3);
    QCOMPARE(parts.size(), std::size_t(3));
    QCOMPARE(parts[0], std::string_view("a"));
    QCOMPARE(parts[2], std::string_view("c\n=====\nd"));
    QCOMPARE(distillery::fuzz::splitInput("only", "\n=====\n", 3)[1], std::string_view());
    QVERIFY_THROWS_EXCEPTION(distillery::fuzz::InvariantBroken, DISTILLERY_FUZZ_CHECK(1 + 1 == 3));
  }
};

QTEST_GUILESS_MAIN(FuzzRegressionTest)
#include "test_fuzz_regressions.moc"
