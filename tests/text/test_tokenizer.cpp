// WordPiece tokenizer: the Hugging Face reference encodings, truncation, padding, learned vocabularies, bad files.
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
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
