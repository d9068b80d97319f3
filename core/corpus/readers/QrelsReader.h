#pragma once
// Qrels files (relevance judgments), read the same way by `import` (a BEIR dataset's qrels/*.tsv) and by
// `eval --qrels`, so a file both accept gives both the same judgments.
//
// The accepted shape:
//   - columns separated by tabs or spaces (any run of them); a '\r' before the newline is ignored; blank lines
//     are skipped;
//   - 3 columns `query-id corpus-id grade` (BEIR) or 4 `qid iteration docid grade` (TREC; the iteration is ignored);
//   - a header line or none: the first non-blank line is a header when its last column is not a number
//     ("query-id corpus-id score");
//   - the grade is an integer, or a number with an integral value ("1.0"), from 0 to 3: binary qrels use 0-1,
//     graded ones 0-3 (0 not relevant, 1 related but does not answer, 2 answers partly, 3 answers);
//   - anything else is refused: InputError "FILE:LINE: reason". A file that cannot be opened is an InputError
//     "cannot read qrels file FILE".
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace distillery::corpus {

/// The top grade of the largest scale a qrels file may use (0-3).
inline constexpr int kTopKnownGrade = 3;

struct QrelLine {
  std::string queryKey;  // query-id (BEIR) / qid (TREC)
  std::string recordKey; // corpus-id (BEIR) / docid (TREC): a corpus record's _id
  int grade = 0;         // graded relevance; 0 = judged not relevant
  std::int64_t line = 0; // 1-based line number in the file
};

/// The judgments of a qrels file in file order (repeats included: callers decide which one counts). Lines longer
/// than maxLineBytes are refused like any other bad line.
std::vector<QrelLine> readQrelsFile(const std::filesystem::path& path, std::uint64_t maxLineBytes = 64ull << 20);

} // namespace distillery::corpus
