#pragma once
// Experiments the pipeline suites start from: a store with a corpus imported through the CLI, and a small
// untrained student of that corpus's vocabulary. Users link distillery_core_model and distillery_core_corpus.
#include <QFile>
#include <QString>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/corpus/CorpusRepository.h"
#include "core/model/DefaultStudent.h"
#include "core/store/Store.h"
#include "tests/support/TestSupport.h"

namespace distillery::test {

/// A new experiment at `path` with the corpus folder imported as `corpus`; the suite cannot go on without it.
inline QString importedExperiment(const QString& path, const QString& corpusFolder, const QString& corpus = "demo") {
  if (runCli({"init", "--store", path}).exitCode != 0)
    qFatal("init %s failed", qPrintable(path));
  const auto imported = runCli({"import", "--store", path, "--corpus", corpus, corpusFolder});
  if (imported.exitCode != 0)
    qFatal("import failed: %s", imported.err.constData());
  return path;
}

/// A copy of a closed experiment file under a new name: the same as importing the same corpus again, two processes
/// fewer.
inline QString copyOfExperiment(const QString& experiment, const QString& path) {
  if (!QFile::copy(experiment, path))
    qFatal("cannot copy %s to %s", qPrintable(experiment), qPrintable(path));
  return path;
}

/// Saves a small untrained student of the corpus's vocabulary to `directory`: fast to train and evaluate, and with
/// everything still to learn, so a distillation visibly helps it.
inline void saveSmallStudent(const QString& experiment, const QString& corpus, const QString& directory,
                             int hiddenSize = 64) {
  auto store = store::Store::open(experiment.toStdString(), store::OpenMode::MustExist);
  std::vector<std::string> texts;
  for (const auto& passage : corpus::loadPassages(store, corpus::findCorpusId(store, corpus.toStdString())))
    texts.push_back(passage.text);
  model::DefaultStudentOptions options;
  options.hiddenSize = hiddenSize;
  options.intermediateSize = 2 * hiddenSize;
  options.vocabularySize = 3000;
  options.heads = 2;
  options.layers = 1;
  model::saveRandomStudent(texts, directory.toStdString(), options);
}

/// What the distillation suites start from, in one folder: a demo corpus, the experiment it was imported into (copy
/// it for each case) and a small student of its vocabulary.
struct SmallDistillation {
  QString corpus;     // demo-corpus folder
  QString experiment; // with the corpus imported as 'demo'
  QString student;    // model directory
};

inline SmallDistillation prepareSmallDistillation(const QString& folder, int queries = 20) {
  SmallDistillation prepared{folder + "/demo", folder + "/imported.distillery", folder + "/student"};
  const auto written =
      runCli({"demo-corpus", "--out", prepared.corpus, "--companies", "2", "--queries", QString::number(queries)});
  if (written.exitCode != 0)
    qFatal("demo-corpus failed: %s", written.err.constData());
  importedExperiment(prepared.experiment, prepared.corpus);
  saveSmallStudent(prepared.experiment, "demo", prepared.student, 32);
  return prepared;
}

/// Writes a run config for a small student: `rounds` rounds of `queries` synthetic queries with k candidates each,
/// every query kept (filter_top_k 50), on one thread so that sums come out the same in every process.
inline QString writeSmallRunConfig(const QString& file, const QString& student, const nlohmann::json& teacher,
                                   const nlohmann::json& evaluation, int rounds, int queries, int k, int epochs) {
  std::ofstream(file.toStdString()) << nlohmann::json{{"student", student.toStdString()},
                                                      {"teacher", teacher},
                                                      {"evaluation", evaluation},
                                                      {"rounds", rounds},
                                                      {"queries_per_round", queries},
                                                      {"k", k},
                                                      {"filter_top_k", 50},
                                                      {"threads", 1},
                                                      {"training", {{"epochs", epochs}}}};
  return file;
}

} // namespace distillery::test
