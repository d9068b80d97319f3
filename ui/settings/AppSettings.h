#pragma once
// The workbench's preferences, kept in QSettings. The teacher's API key is never among them: it lives
// in the OS keychain (ApiKeyStore) or in an environment variable the settings only name.
#include <QString>

#include "core/pipeline/RunConfig.h"
#include "core/teacher/TeacherConfig.h"

namespace distillery::ui {

struct AppSettings {
  enum class KeySource { Keychain, Environment };

  QString teacherKind = QStringLiteral("heuristic"); // heuristic | openai
  QString teacherEndpoint;                           // OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1
  QString teacherModel;
  KeySource keySource = KeySource::Environment;
  QString keyEnvironmentVariable = QStringLiteral("OPENAI_API_KEY");
  double inputPricePer1k = 0;    // the teacher's price per 1,000 prompt tokens, for the run estimate; 0: not set
  double outputPricePer1k = 0;   // per 1,000 completion tokens
  QString studentModelDirectory; // empty: the embedded default student
  int threads = 0;               // 0: all cores
  QString language;              // empty: follow the system locale; else "en", "de"
  int defaultRounds = 2;
  int defaultQueriesPerRound = 300;
  int defaultCandidatesK = 20;
  double defaultLearningRate = 0; // 0: automatic (see RunConfig.h)
  int defaultEpochs = 3;
  int defaultSeed = 42;

  static AppSettings load();
  void save() const;

  /// The teacher as core wants it; apiKey (from the keychain) is attached only in memory.
  teacher::TeacherConfig teacherConfig(const QString& apiKey = {}) const;
  /// A run config with these defaults (student, teacher, rounds, ...).
  pipeline::RunConfig runDefaults() const;
};

} // namespace distillery::ui
