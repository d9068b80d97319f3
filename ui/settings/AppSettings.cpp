#include "ui/settings/AppSettings.h"

#include <QSettings>

#include <cmath>

namespace distillery::ui {

AppSettings AppSettings::load() {
  QSettings s;
  AppSettings a;
  a.teacherKind = s.value(QStringLiteral("teacher/kind"), a.teacherKind).toString();
  a.teacherEndpoint = s.value(QStringLiteral("teacher/endpoint"), a.teacherEndpoint).toString();
  a.teacherModel = s.value(QStringLiteral("teacher/model"), a.teacherModel).toString();
  a.keySource = s.value(QStringLiteral("teacher/keySource")).toString() == QLatin1String("keychain")
                    ? KeySource::Keychain
                    : KeySource::Environment;
  a.keyEnvironmentVariable =
      s.value(QStringLiteral("teacher/keyEnvironmentVariable"), a.keyEnvironmentVariable).toString();
  a.inputPricePer1k = s.value(QStringLiteral("teacher/inputPricePer1k"), a.inputPricePer1k).toDouble();
  a.outputPricePer1k = s.value(QStringLiteral("teacher/outputPricePer1k"), a.outputPricePer1k).toDouble();
  a.studentModelDirectory = s.value(QStringLiteral("student/modelDirectory")).toString();
  a.threads = s.value(QStringLiteral("threads"), a.threads).toInt();
  a.language = s.value(QStringLiteral("language")).toString();
  a.defaultRounds = s.value(QStringLiteral("run/rounds"), a.defaultRounds).toInt();
  a.defaultQueriesPerRound = s.value(QStringLiteral("run/queriesPerRound"), a.defaultQueriesPerRound).toInt();
  a.defaultCandidatesK = s.value(QStringLiteral("run/candidatesK"), a.defaultCandidatesK).toInt();
  a.defaultLearningRate = s.value(QStringLiteral("run/learningRate"), a.defaultLearningRate).toDouble();
  // Preferences > OK once saved the old spin box's minimum, 1e-7, without the user touching it: a rate ten thousand
  // times too small that made every later run learn nothing. Read it as what the user had: automatic.
  if (std::abs(a.defaultLearningRate - 1e-7) < 1e-12)
    a.defaultLearningRate = 0;
  a.defaultEpochs = s.value(QStringLiteral("run/epochs"), a.defaultEpochs).toInt();
  a.defaultSeed = s.value(QStringLiteral("run/seed"), a.defaultSeed).toInt();
  return a;
}

void AppSettings::save() const {
  QSettings s;
  s.setValue(QStringLiteral("teacher/kind"), teacherKind);
  s.setValue(QStringLiteral("teacher/endpoint"), teacherEndpoint);
  s.setValue(QStringLiteral("teacher/model"), teacherModel);
  s.setValue(QStringLiteral("teacher/keySource"),
             keySource == KeySource::Keychain ? QStringLiteral("keychain") : QStringLiteral("environment"));
  s.setValue(QStringLiteral("teacher/keyEnvironmentVariable"), keyEnvironmentVariable);
  s.setValue(QStringLiteral("teacher/inputPricePer1k"), inputPricePer1k);
  s.setValue(QStringLiteral("teacher/outputPricePer1k"), outputPricePer1k);
  s.setValue(QStringLiteral("student/modelDirectory"), studentModelDirectory);
  s.setValue(QStringLiteral("threads"), threads);
  s.setValue(QStringLiteral("language"), language);
  s.setValue(QStringLiteral("run/rounds"), defaultRounds);
  s.setValue(QStringLiteral("run/queriesPerRound"), defaultQueriesPerRound);
  s.setValue(QStringLiteral("run/candidatesK"), defaultCandidatesK);
  s.setValue(QStringLiteral("run/learningRate"), defaultLearningRate);
  s.setValue(QStringLiteral("run/epochs"), defaultEpochs);
  s.setValue(QStringLiteral("run/seed"), defaultSeed);
}

teacher::TeacherConfig AppSettings::teacherConfig(const QString& apiKey) const {
  teacher::TeacherConfig config;
  config.kind = teacherKind.toStdString();
  config.baseUrl = teacherEndpoint.toStdString();
  config.model = teacherModel.toStdString();
  config.inputPricePer1k = inputPricePer1k;
  config.outputPricePer1k = outputPricePer1k;
  config.apiKeyEnv = keySource == KeySource::Environment ? keyEnvironmentVariable.toStdString() : std::string();
  if (!apiKey.isEmpty())
    config.apiKey = apiKey.toStdString();
  return config;
}

pipeline::RunConfig AppSettings::runDefaults() const {
  pipeline::RunConfig config;
  config.student = studentModelDirectory.isEmpty() ? std::string("default") : studentModelDirectory.toStdString();
  config.teacher = teacherConfig().toJson();
  config.rounds = defaultRounds;
  config.queriesPerRound = defaultQueriesPerRound;
  config.candidatesK = defaultCandidatesK;
  config.training.learningRate = defaultLearningRate;
  config.training.epochs = defaultEpochs;
  config.seed = static_cast<std::uint64_t>(defaultSeed);
  config.threads = threads;
  return config;
}

} // namespace distillery::ui
