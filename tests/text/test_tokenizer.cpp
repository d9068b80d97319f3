// WordPiece tokenizer: the Hugging Face reference encodings, truncation, padding, learned vocabularies, bad files.
#include "core/text/TokenizerFiles.h"
#include "core/text/WordPieceTokenizer.h"
#include "core/util/Error.h"
#include "tests/support/TestSupport.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using distillery::text::WordPieceTokenizer;

namespace {

const char* kTokenizerDir = "tokenizer/bert-base-uncased";

std::filesystem::path sharedPath(const char* relative) {
  return std::filesystem::path(distillery::test::sharedDataDir().toStdString()) / relative;
}

struct Expected {
  std::string text;
  std::vector<std::int64_t> ids;
  std::vector<std::string> tokens;
};

std::vector<Expected> loadExpected() {
  std::ifstream in(sharedPath("tokenizer/bert-base-uncased/expected-encodings.jsonl"));
  std::vector<Expected> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto json = nlohmann::json::parse(line);
    out.push_back({json["text"], json["ids"], json["tokens"]});
  }
  return out;
}

int countMismatches(const WordPieceTokenizer& tokenizer, const std::vector<Expected>& expected, QString* firstFailure) {
  int mismatches = 0;
  for (const auto& e : expected) {
    const auto encoding = tokenizer.encode(e.text);
    if (encoding.ids != e.ids || encoding.tokens != e.tokens) {
      if (mismatches++ == 0 && firstFailure)
        *firstFailure = QString::fromStdString(e.text);
    }
  }
  return mismatches;
}

void writeFile(const QString& path, const std::string& content) {
  std::ofstream(path.toStdString(), std::ios::binary) << content;
}

} // namespace

class TestTokenizer : public QObject {
  Q_OBJECT
private slots:
  void reproducesReferenceEncodingsFromTokenizerJson() {
    DISTILLERY_REQUIRE_SHARED_DATA("tokenizer/bert-base-uncased/expected-encodings.jsonl");
    const auto expected = loadExpected();
    QCOMPARE(expected.size(), std::size_t(619));
    const auto tokenizer = WordPieceTokenizer::fromPath(sharedPath(kTokenizerDir) / "tokenizer.json");
    QCOMPARE(tokenizer.vocabularySize(), std::int64_t(30522));
    QString first;
    const int mismatches = countMismatches(tokenizer, expected, &first);
    QVERIFY2(mismatches == 0, qPrintable(QString("%1 of 619 differ; first: %2").arg(mismatches).arg(first)));
  }

  void reproducesReferenceEncodingsFromVocabTxt() {
    DISTILLERY_REQUIRE_SHARED_DATA("tokenizer/bert-base-uncased/vocab.txt");
    const auto tokenizer = WordPieceTokenizer::fromPath(sharedPath(kTokenizerDir) / "vocab.txt");
    QString first;
    const int mismatches = countMismatches(tokenizer, loadExpected(), &first);
    QVERIFY2(mismatches == 0, qPrintable(QString("%1 of 619 differ; first: %2").arg(mismatches).arg(first)));
  }

  void truncatesAndPads() {
    DISTILLERY_REQUIRE_SHARED_DATA("tokenizer/bert-base-uncased/tokenizer.json");
    const auto tokenizer = WordPieceTokenizer::fromPath(sharedPath(kTokenizerDir));
    const auto ids = tokenizer.encodeIds("revenue increased by twelve percent in fiscal twenty twenty", 5);
    QCOMPARE(ids.size(), std::size_t(5));
    QCOMPARE(ids.front(), tokenizer.clsId());
    QCOMPARE(ids.back(), tokenizer.sepId());
    QCOMPARE(tokenizer.encode("").ids.size(), std::size_t(2));

    const auto batch = tokenizer.encodeBatch({"net income", "", "operating cash flow rose sharply"}, 256);
    QCOMPARE(batch.rows, std::int64_t(3));
    QCOMPARE(batch.columns, std::int64_t(7)); // [CLS] operating cash flow rose sharply [SEP]
    QCOMPARE(batch.realTokens, std::int64_t(4 + 2 + 7));
    QCOMPARE(batch.attentionMask[7 + 2], std::int64_t(0)); // row 1 is only [CLS] [SEP]
    QCOMPARE(batch.ids[7 + 2], tokenizer.padId());
  }

  void learnedVocabularyRoundTripsThroughSave() {
    const std::vector<std::string> texts{"Revenue increased 12% in fiscal 2023.", "Revenue decreased in fiscal 2022.",
                                         "Operating income rose; operating expenses fell.",
                                         "The Company's revenue grew."};
    const auto vocabulary = distillery::text::learnWordPieceVocabulary(texts, 400);
    QVERIFY(vocabulary.size() <= 400);
    const WordPieceTokenizer tokenizer(vocabulary);
    const auto encoding = tokenizer.encode("revenue rose in fiscal 2023");
    QVERIFY(std::find(encoding.tokens.begin(), encoding.tokens.end(), "revenue") != encoding.tokens.end());
    QVERIFY(std::find(encoding.ids.begin(), encoding.ids.end(), tokenizer.unkId()) == encoding.ids.end());

    QTemporaryDir dir;
    tokenizer.save(dir.path().toStdString());
    for (const char* file : {"tokenizer.json", "vocab.txt"}) {
      const auto reloaded = WordPieceTokenizer::fromPath(std::filesystem::path(dir.path().toStdString()) / file);
      for (const auto& text : texts)
        QCOMPARE(reloaded.encode(text).ids, tokenizer.encode(text).ids);
    }
  }

  void rejectsOtherTokenizerTypes() {
    QTemporaryDir dir;
    const QString bpe = dir.filePath("bpe.json");
    writeFile(bpe, R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})");
    try {
      WordPieceTokenizer::fromPath(bpe.toStdString());
      QFAIL("a BPE tokenizer.json was accepted");
    } catch (const distillery::InputError& e) {
      QVERIFY2(QString(e.what()).contains("model.type"), e.what());
    }
    const QString broken = dir.filePath("broken.json");
    writeFile(broken, R"({"model": {"vocab": {"[PAD]": 0, "[UNK]": 7}}})");
    QVERIFY_THROWS_EXCEPTION(distillery::InputError, WordPieceTokenizer::fromPath(broken.toStdString()));
    QVERIFY_THROWS_EXCEPTION(distillery::InputError, WordPieceTokenizer::fromPath("/nonexistent/vocab.txt"));
  }

  // Every number is range-checked before it is converted (5e20 to int is undefined), every field type-checked, and
  // the error names the file and the field.
  void refusesBadFieldsNamingThem_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("normalizer");
    QTest::addColumn<QString>("expected");
    const QString vocab = R"("vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3})";
    QTest::newRow("huge max_input_chars_per_word")
        << vocab + R"(, "max_input_chars_per_word": 5e20)" << QString() << "field model.max_input_chars_per_word";
    QTest::newRow("negative max_input_chars_per_word")
        << vocab + R"(, "max_input_chars_per_word": -1)" << QString() << "between 1 and 1000000";
    QTest::newRow("fractional max_input_chars_per_word")
        << vocab + R"(, "max_input_chars_per_word": 1.5)" << QString() << "must be a whole number";
    QTest::newRow("float id") << R"("vocab": {"[PAD]": 5e20, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3})" << QString()
                              << R"(field model.vocab["[PAD]"] is not an integer id)";
    QTest::newRow("id past int64") << R"("vocab": {"[PAD]": 18446744073709551615, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3})"
                                   << QString() << "outside 0..3";
    QTest::newRow("nested id") << R"("vocab": {"[PAD]": [0], "[UNK]": 1, "[CLS]": 2, "[SEP]": 3})" << QString()
                               << R"(field model.vocab["[PAD]"] is not an integer id)";
    QTest::newRow("type not a string") << vocab + R"(, "type": 7)" << QString() << "field model.type must be a string";
    QTest::newRow("lowercase not a boolean") << vocab << R"({"type": "BertNormalizer", "lowercase": "yes"})"
                                             << "field normalizer.lowercase";
    QTest::newRow("no special tokens") << R"("vocab": {"a": 0})" << QString() << "vocabulary has no [PAD] token";
    QTest::newRow("nested 200 deep") << vocab + R"(, "extra": )" + QString(200, '[') + QString(200, ']') << QString()
                                     << "field model.extra is nested more than 100 levels deep";
  }

  void refusesBadFieldsNamingThem() {
    QFETCH(QString, model);
    QFETCH(QString, normalizer);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString file = dir.filePath("tokenizer.json");
    writeFile(file,
              ("{\"model\": {" + model + "}" + (normalizer.isEmpty() ? "" : ", \"normalizer\": " + normalizer) + "}")
                  .toStdString());
    try {
      WordPieceTokenizer::fromPath(file.toStdString());
      QFAIL("accepted");
    } catch (const distillery::InputError& e) {
      QVERIFY2(QString(e.what()).contains(expected) && QString(e.what()).contains(file), e.what());
    }
  }

  void wholeNumberFieldsTakeEffect() {
    QTemporaryDir dir;
    const QString file = dir.filePath("tokenizer.json");
    writeFile(file, R"({"model": {"vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "revenue": 4, "rose": 5},
                        "max_input_chars_per_word": 5.0}})");
    const auto tokenizer = WordPieceTokenizer::fromPath(file.toStdString());
    // "revenue" has 7 characters, more than 5: a single [UNK]; "rose" fits.
    QCOMPARE(tokenizer.encodeIds("revenue rose"), (std::vector<std::int64_t>{2, 1, 5, 3}));
  }

  // A file larger than any tokenizer is refused before it is read; a vocabulary larger than any is refused while it
  // is read (tests/hostile measures the memory that takes through the CLI).
  void refusesFilesAndVocabulariesLargerThanAnyTokenizer() {
    QTemporaryDir dir;
    const QString huge = dir.filePath("tokenizer.json");
    writeFile(huge, "{}");
    std::filesystem::resize_file(huge.toStdString(), distillery::text::kMaxTokenizerFileBytes + 1); // sparse: instant
    try {
      WordPieceTokenizer::fromPath(huge.toStdString());
      QFAIL("a 64 MB tokenizer.json was read");
    } catch (const distillery::InputError& e) {
      QVERIFY2(QString(e.what()).contains(huge) && QString(e.what()).contains("larger than the 64 MB"), e.what());
    }

    const QString vocab = dir.filePath("vocab.txt");
    {
      std::ofstream out(vocab.toStdString(), std::ios::binary);
      out << "[PAD]\n[UNK]\n[CLS]\n[SEP]\n";
      for (std::size_t i = 4; i <= distillery::text::kMaxVocabularySize; ++i)
        out << 't' << i << '\n';
    }
    try {
      WordPieceTokenizer::fromPath(vocab.toStdString());
      QFAIL("a vocab.txt of 2,000,001 tokens was loaded");
    } catch (const distillery::InputError& e) {
      QVERIFY2(QString(e.what()).contains(vocab) && QString(e.what()).contains("more than 2000000 tokens"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
