// The offline heuristic teacher on small hand-made pairs whose grade and score are worked out by hand in the
// comments (core/teacher/HeuristicTeacher.cpp's gradeEvidence defines the arithmetic), and its query writer
// naming the company and period that only the document gives.
#include <QTest>

#include <nlohmann/json.hpp>

#include "core/teacher/HeuristicTeacher.h"

using namespace distillery::teacher;

namespace {

JudgeRequest pair(const std::string& query, const std::string& passage) {
  JudgeRequest request;
  request.queryText = query;
  request.passageText = passage;
  return request;
}

double field(const Judgment& judgment, const char* name) {
  return nlohmann::json::parse(judgment.rawResponse).at(name).get<double>();
}

} // namespace

class HeuristicTeacherTest : public QObject {
  Q_OBJECT

private slots:
  void tableRowAndWordPairCount() {
    // Passage tokens: total sale 1496.5 1202.9 other 44.1 56.7 (7), length norm 0.25 + 0.75 * 7/120 = 0.294.
    // Query terms: total (a word that says what to compute: weight 0.25), sale (1), 2019 (a year: 1).
    // total and sale occur once: saturation min(1, 1.6 / (1 + 1.2 * 0.294)) = 1; 2019 is missing.
    //   coverage = (0.25 + 1) / 2.25 = 0.5556
    // Query pairs (total, sale) stand together in the passage, (sale, 2019) do not: phrase match 1/2.
    // Row "Total sales" shares both query words: 2^2 / (2 * 2) = 1.
    //   strength = (0.5556 + 0.6 * 0.5 + 0.45 * 1) / 2.05 = 0.6369 -> grade 3 (>= 0.6), score 3 * 0.6369 = 1.911
    const Judgment j = HeuristicTeacher::judgeOne(
        pair("What is the total sales in 2019?", "Total sales | 1,496.5 | 1,202.9\nOther | 44.1 | 56.7"));
    QVERIFY(j.ok);
    QCOMPARE(j.grade, 3);
    QCOMPARE(*j.score, 1.911);
    QVERIFY(std::abs(field(j, "coverage") - 1.25 / 2.25) < 1e-9);
    QCOMPARE(field(j, "phrase_match"), 0.5);
    QCOMPARE(field(j, "row_match"), 1.0);
    QVERIFY2(j.rationale.starts_with("Heuristic lexical grade (not an LLM judgment)"), j.rationale.c_str());
    QVERIFY2(j.rationale.find("table row 'Total sales'") != std::string::npos, j.rationale.c_str());

    // The same figures as running text: no row to match, and "sales total" has no pair in query order.
    //   passage tokens: other 44.1 and sale in total 1496.5 (7); coverage 0.5556 as above; phrase match 0;
    //   strength = 0.5556 / 2.05 = 0.2710 -> grade 1, score 0.813
    const Judgment prose =
        HeuristicTeacher::judgeOne(pair("What is the total sales in 2019?", "Other 44.1 and sales in total 1,496.5."));
    QCOMPARE(field(prose, "row_match"), 0.0);
    QCOMPARE(prose.grade, 1);
    QCOMPARE(*prose.score, 0.813);
  }

  void oneTermQueryAndStopWords() {
    // "does" is a stop word (it used to survive as its stem "doe"); goodwill is the only term and the passage has it:
    //   coverage 1; with no pair to check, phrase match = coverage = 1; strength 1.6 / 2.05 = 0.7805 -> grade 3,
    //   score 2.341
    const Judgment j = HeuristicTeacher::judgeOne(pair("What does goodwill", "Goodwill was tested for impairment."));
    QCOMPARE(j.grade, 3);
    QCOMPARE(*j.score, 2.341);
    QCOMPARE(nlohmann::json::parse(j.rawResponse)["missing"].size(), std::size_t(0));
    const Judgment unrelated = HeuristicTeacher::judgeOne(pair("pediatric vaccine trial", "Goodwill was tested."));
    QCOMPARE(unrelated.grade, 0);
    QCOMPARE(*unrelated.score, 0.0);
  }

  void documentMetadataCountsAsMatched() {
    // Query terms: apple (1), revenue (7 letters: 1.5), 2023 (year: 1) = 3.5. The passage (net revenue rose 8:
    // 4 tokens) has revenue only: coverage 1.5 / 3.5 = 0.4286, strength 0.2091 -> grade 1, score 0.627.
    JudgeRequest request = pair("Apple revenue 2023", "Net revenue rose 8%.");
    const Judgment blind = HeuristicTeacher::judgeOne(request);
    QCOMPARE(blind.grade, 1);
    QCOMPARE(*blind.score, 0.627);
    // The document is Apple's, for the period ending 2023-09-30: apple and 2023 count once each, coverage 1, no
    // query pair stands together in the passage: strength 1 / 2.05 = 0.4878 -> grade 2, score 1.463.
    request.company = "Apple Inc.";
    request.period = "2023-09-30";
    const Judgment informed = HeuristicTeacher::judgeOne(request);
    QCOMPARE(informed.grade, 2);
    QCOMPARE(*informed.score, 1.463);
    const auto fromMetadata = nlohmann::json::parse(informed.rawResponse)["matched_in_metadata"];
    QVERIFY2(fromMetadata == (nlohmann::json{"apple", "2023"}), fromMetadata.dump().c_str());
  }

  void queryWriterNamesTheCompanyAndPeriod() {
    SynthesisRequest request{7, "Capital expenditures were $1.6 billion, mainly for new plants and equipment.",
                             QueryType::Question, "10-K"};
    const SynthesisResult blind = HeuristicTeacher::synthesizeOne(request);
    QVERIFY(blind.ok);
    QVERIFY2(blind.query.find("3M") == std::string::npos, blind.query.c_str());
    request.company = "3M Co";
    request.period = "2018-12-31";
    const SynthesisResult question = HeuristicTeacher::synthesizeOne(request);
    QVERIFY2(question.query.find("3M Co's 10-K") != std::string::npos, question.query.c_str());
    QVERIFY2(question.query.find("in 2018?") != std::string::npos, question.query.c_str());
    request.type = QueryType::Keyword;
    const SynthesisResult keyword = HeuristicTeacher::synthesizeOne(request);
    QVERIFY2(keyword.query.starts_with("3M Co "), keyword.query.c_str());
  }
};

QTEST_GUILESS_MAIN(HeuristicTeacherTest)
#include "test_heuristic_teacher.moc"
