// core/util's generic pieces: enum name tables (EnumNames.h) and all-or-nothing file and directory writes
// (AtomicFile.h).
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <set>
#include <sstream>

#include "core/util/AtomicFile.h"
#include "core/util/EnumNames.h"
#include "core/util/Error.h"
#include "core/util/Message.h"
#include "core/util/Progress.h"

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
  void everyMessageIdHasOneEnglishText() {
    std::set<std::string_view> stages;
    for (int i = 1; i < int(MessageId::Count); ++i) {
      const auto id = MessageId(i);
      const MessageText* entry = findMessage(id);
      QVERIFY2(entry, qPrintable(QStringLiteral("message id %1 has no entry in kMessages").arg(i)));
      QVERIFY2(!entry->english.empty(), qPrintable(QStringLiteral("message id %1 has no English").arg(i)));
      QCOMPARE(int(std::ranges::count(kMessages, id, &MessageText::id)), 1);
      if (entry->stage) {
        QVERIFY2(stages.insert(entry->english).second, entry->english.data());
        QVERIFY(findStage(entry->english) == id);
      }
    }
    QCOMPARE(int(std::size(kMessages)), int(MessageId::Count) - 1);
    QVERIFY(!findMessage(MessageId::None));
    QVERIFY(!findStage("no such stage"));
  }

  void messagesReadInEnglishAsTheCliPrintsThem() {
    // The texts progress reported before messages had ids: the CLI and the stored logs read the same.
    QCOMPARE(english({MessageId::Loss, {MessageArg::real(0.123)}}), std::string("loss 0.123000"));
    QCOMPARE(english({MessageId::FromTheCache, {std::int64_t(12)}}), std::string("12 from the cache"));
    QCOMPARE(english({MessageId::Bm25RanksPseudoQueries}), std::string("BM25 ranks the pseudo-queries"));
    QCOMPARE(english({MessageId::DroppedQuery, {7, "definition", "what is %1?", "same text as query 3"}}),
             std::string("dropped query of passage 7 (definition) 'what is %1?': same text as query 3"));
    QCOMPARE(english({MessageId::StageDetail,
                      {MessageArg::stage("judge"), MessageArg::inner({MessageId::FromTheCache, {5}})}}),
             std::string("judge: 5 from the cache"));
    QCOMPARE(english({MessageId::StageName, {MessageArg::stage("embed")}}), std::string("embed"));
    QCOMPARE(english({MessageId::StageRoundOf, {1, 2}}), std::string("round 1/2"));
    // A run's log lines, as the CLI prints them (each was one string concatenation before it had an id).
    QCOMPARE(english({MessageId::RunStepTook, {1, MessageArg::stage("retrieve"), MessageArg::real(0.5)}}),
             std::string("round 1: retrieve took 0.500000 s"));
    QCOMPARE(english({MessageId::RunHeader, {1, "demo", std::size_t(1234), "heuristic", "heuristic-bm25", "default"}}),
             std::string("run 1 on corpus 'demo' (1234 passages), teacher heuristic/heuristic-bm25, student default"));
    QCOMPARE(english({MessageId::RoundWritten, {1, 40, "train", 0, 0, MessageArg::inner({}), MessageArg::inner({})}}),
             std::string("round 1: 40 train queries written, 0 already there, 0 failed"));
    QCOMPARE(english({MessageId::RoundWritten,
                      {2, 38, "dev", 1, 2, MessageArg::inner({MessageId::RoundWrittenFirstFailure, {"timeout"}}),
                       MessageArg::inner({MessageId::RoundWrittenDuplicates, {std::int64_t(3)}})}}),
             std::string("round 2: 38 dev queries written, 1 already there, 2 failed (first: timeout), 3 dropped as "
                         "duplicates"));
    QCOMPARE(english({MessageId::RoundStudentScores, {0, 5, MessageArg::real(0.25), MessageArg::real(0.5), 100}}),
             std::string("round 0: student MRR@5 0.250000, NDCG@5 0.500000 over 100 held-out queries"));
    // The training summary (steps/Train.cpp), with and without dev retrieval, as the concatenation wrote it.
    const Message noImprovement{MessageId::RoundTrainedNoEpochImproved};
    QCOMPARE(english({MessageId::RoundTrained,
                      {1, 120, MessageArg::real(0.75), MessageArg::real(0.5),
                       MessageArg::inner({MessageId::RoundTrainedDev,
                                          {MessageArg::real(0.25), MessageArg::real(0.375), MessageArg::inner({})}})}}),
             "round 1: 120 steps, loss " + std::to_string(0.75) + " -> " + std::to_string(0.5) +
                 ", dev retrieval NDCG@5 " + std::to_string(0.25) + " -> " + std::to_string(0.375));
    QCOMPARE(english({MessageId::RoundTrained,
                      {2, 8, MessageArg::real(1.0), MessageArg::real(0.9),
                       MessageArg::inner(
                           {MessageId::RoundTrainedDev,
                            {MessageArg::real(0.5), MessageArg::real(0.5), MessageArg::inner(noImprovement)}})}}),
             std::string("round 2: 8 steps, loss 1.000000 -> 0.900000, dev retrieval NDCG@5 0.500000 -> 0.500000 (no "
                         "epoch improved dev: the round keeps its starting weights)"));
    QCOMPARE(
        english({MessageId::RoundTrained, {3, 8, MessageArg::real(1.0), MessageArg::real(0.9), MessageArg::inner({})}}),
        std::string("round 3: 8 steps, loss 1.000000 -> 0.900000"));
    QCOMPARE(english({MessageId::CorpusImportedQuerySets, {std::size_t(2), "beir-test"}}),
             std::string("corpus has 2 imported query sets; evaluating on the first, 'beir-test' (set "
                         "evaluation.query_set to choose)"));
    // The mined summary (steps/Mine.cpp): "n kind, n kind", the kinds by their stored names.
    const Message first{MessageId::MinedCount, {3, MessageArg::minedKind("easy_negative")}};
    const Message second{MessageId::MinedCount, {12, MessageArg::minedKind("hard_positive")}};
    QCOMPARE(
        english({MessageId::RoundMined,
                 {1, MessageArg::inner({MessageId::ListJoin, {MessageArg::inner(first), MessageArg::inner(second)}}),
                  std::size_t(0), 4}}),
        std::string("round 1: mined 3 easy_negative, 12 hard_positive; 0 queries dropped (the teacher did not "
                    "grade their source passage relevant), the false-negative guard fired 4 times"));
    QCOMPARE(english({MessageId::RoundWritten,
                      {1, 40, MessageArg::split("train"), 0, 0, MessageArg::inner({}), MessageArg::inner({})}}),
             std::string("round 1: 40 train queries written, 0 already there, 0 failed"));
    // A paused run's next step (DistillationRun's describe).
    QCOMPARE(english({MessageId::RunPausedAfter,
                      {"7", 1, MessageArg::inner({MessageId::PendingStep, {1, MessageArg::stage("synthesise")}})}}),
             std::string("run 7 paused after 1 step(s); next: round 1: synthesise"));
    QCOMPARE(english({MessageId::PendingStep, {0, MessageArg::inner({MessageId::BaselineEvaluation})}}),
             std::string("round 0: baseline evaluation"));
    QCOMPARE(english({MessageId::PendingStep, {0, MessageArg::inner({MessageId::HeldOutQueries})}}),
             std::string("round 0: held-out queries"));
    QVERIFY(findStage("embed corpus") == MessageId::StageEmbedCorpus);
    QVERIFY(findStage("bm25 index") == MessageId::StageBm25Index);
    QCOMPARE(english({}), std::string());
    QCOMPARE(fillTemplate("%2 and %1, 100%", {"a", "b"}), std::string("b and a, 100%"));

    // report() with a message fills Progress::message with the English and keeps the id for translation.
    Progress seen{};
    report([&seen](const Progress& p) { seen = p; }, {"judge", 3, 9}, {MessageId::FromTheCache, {3}});
    QCOMPARE(seen.stage, std::string("judge"));
    QCOMPARE(seen.message, std::string("3 from the cache"));
    QCOMPARE(int(seen.text.id), int(MessageId::FromTheCache));
    QCOMPARE(seen.done, std::int64_t(3));
  }

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
