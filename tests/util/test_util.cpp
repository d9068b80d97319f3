// core/util's generic pieces: enum name tables (EnumNames.h) and all-or-nothing file and directory writes
// (AtomicFile.h).
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "core/util/AtomicFile.h"
#include "core/util/EnumNames.h"
#include "core/util/Error.h"

namespace fs = std::filesystem;

namespace distillery::testing {

enum class Colour { Red, Green, Blue };
inline constexpr EnumName<Colour> kColourNames[] = {
    {.value = Colour::Red, .name = "red"},
    {.value = Colour::Green, .name = "green", .description = "the colour of grass"},
    {.value = Colour::Green, .name = "verdant", .use = EnumNameUse::Alias},
    {.value = Colour::Blue, .name = "blue", .use = EnumNameUse::WriteOnly},
};
constexpr std::span<const EnumName<Colour>> enumNames(Colour) {
  return kColourNames;
}

static_assert(enumName(Colour::Green) == "green");
static_assert(*findEnum<Colour>("verdant") == Colour::Green);
static_assert(!findEnum<Colour>("blue"));

} // namespace distillery::testing

using namespace distillery;
using distillery::testing::Colour;

class TestUtil : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  fs::path path(const char* name) const { return fs::path(dir_.path().toStdString()) / name; }

  static std::string readAll(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

private slots:
  void enumNamesWriteAndParseOneTable() {
    QCOMPARE(std::string(enumName(Colour::Red)), std::string("red"));
    QCOMPARE(std::string(enumName(Colour::Blue)), std::string("blue")); // written, never parsed
    QVERIFY(parseEnum<Colour>("verdant", "colour") == Colour::Green);
    QCOMPARE(enumNameList<Colour>(), std::string("red or green"));
    try {
      parseEnum<Colour>("blue", "colour");
      QFAIL("blue parsed");
    } catch (const InputError& e) {
      QCOMPARE(std::string(e.what()), std::string("unknown colour 'blue' (expected red or green)"));
    }
  }

  void atomicFileReplacesTheTargetOnlyOnCommit() {
    const fs::path target = path("weights.bin");
    writeFileAtomically(target, "old");
    {
      AtomicFile file(target);
      file.write("new, half");
      QVERIFY(fs::exists(partialPathOf(target)));
      QCOMPARE(readAll(target), std::string("old")); // abandoned: no commit
    }
    QCOMPARE(readAll(target), std::string("old"));
    QVERIFY(!fs::exists(partialPathOf(target)));
    writeFileAtomically(target, "new");
    QCOMPARE(readAll(target), std::string("new"));
    QVERIFY(!fs::exists(partialPathOf(target)));
  }

  void aFullDiskNamesTheFileAndTheReason() {
    // RLIMIT_FSIZE stands in for a full disk: writes past it fail with EFBIG ("File too large").
    const fs::path target = path("big.bin");
    const auto previous = std::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit limited = old;
    limited.rlim_cur = 4096;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
    std::string error;
    try {
      writeFileAtomically(target, std::string(1 << 20, 'x'));
    } catch (const Error& e) {
      error = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, previous);
    QVERIFY2(error.starts_with("cannot write " + partialPathOf(target).string() + ": File too large"), error.c_str());
    QVERIFY(!fs::exists(target));
    QVERIFY(!fs::exists(partialPathOf(target)));
  }

  void aDirectoryIsBuiltBesideAndRenamed() {
    const fs::path model = path("model");
    buildDirectoryAtomically(model, [](const fs::path& partial) {
      fs::create_directories(partial);
      std::ofstream(partial / "config.json") << "{}";
    });
    QVERIFY(fs::exists(model / "config.json"));
    QVERIFY(!fs::exists(partialPathOf(model)));
    // A build that fails leaves the old directory as it was and nothing beside it.
    QVERIFY_THROWS_EXCEPTION(Error, buildDirectoryAtomically(model, [](const fs::path& partial) {
                               fs::create_directories(partial);
                               throw Error("cancelled half-way");
                             }));
    QVERIFY(fs::exists(model / "config.json"));
    QVERIFY(!fs::exists(partialPathOf(model)));
  }
};

QTEST_GUILESS_MAIN(TestUtil)
#include "test_util.moc"
