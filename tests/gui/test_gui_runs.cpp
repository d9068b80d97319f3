// Distillation runs from the workbench, offscreen, with the real pipeline on a small demo corpus: a run created
// step by step and advanced from the jobs panel's run list, cancelled (left paused) and resumed to the end while
// the loss curve follows the trainer live; its metrics in the dashboard; a stored model evaluated on its own; and
// the teacher's API key handed to a run in memory, reaching a local fake endpoint but never the store or the log.
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <filesystem>

#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include "core/corpus/CorpusImporter.h"
#include "core/corpus/CorpusRepository.h"
#include "core/corpus/demo/DemoCorpus.h"
#include "core/model/EncoderFactory.h"
#include "core/pipeline/RunRepository.h"
#include "core/report/MetricTable.h"
#include "core/store/Store.h"
#include "tests/gui/GuiTestData.h"
#include "tests/teacher/FakeChatServer.h"
#include "ui/ExperimentSession.h"
#include "ui/MainWindow.h"
#include "ui/charts/MetricsDashboard.h"
#include "ui/charts/TrainingLossFeed.h"
#include "ui/inspect/PairInspector.h"
#include "ui/inspect/PairModels.h"
#include "ui/jobs/JobManager.h"
#include "ui/jobs/JobsPanel.h"
#include "ui/run/RunConfigDialog.h"
#include "ui/run/RunsModel.h"
#include "ui/settings/AppSettings.h"

using namespace distillery;
using namespace distillery::ui;

namespace {

std::int64_t scalar(store::Store& store, const std::string& sql) {
  return store.queryInt64(sql);
}

QString nextStepOf(MainWindow& window, std::int64_t runId) {
  RunsModel* runs = window.jobsPanel()->runsModel();
  return runs->index(runs->rowOf(runId), RunsModel::NextStep).data().toString();
}

QString statusOf(MainWindow& window, std::int64_t runId) {
  RunsModel* runs = window.jobsPanel()->runsModel();
  return runs->index(runs->rowOf(runId), RunsModel::Status).data().toString();
}

// The job the last click started, once it finished.
JobRunner* finishedNewestJob(MainWindow& window, int expectedJobs) {
  if (window.jobs().rowCount() != expectedJobs)
    return nullptr;
  JobRunner* job = window.jobs().jobAt(expectedJobs - 1);
  if (job->waitForFinished(240000))
    return job;
  qWarning("%s did not finish (%s, %s); its log ends:\n%s", qPrintable(job->title()),
           qPrintable(JobRunner::stateName(job->state())), qPrintable(job->stage()),
           qPrintable(job->log().mid(std::max<qsizetype>(0, job->log().size() - 15)).join(QLatin1Char('\n'))));
  return nullptr;
}

QByteArray fileBytes(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// What a teacher behind an OpenAI-compatible endpoint would answer: a query made of the passage's first words,
// and a grade by how many of the query's words the passage has.
test::FakeReply scriptedTeacher(const test::FakeRequest& request) {
  const std::string content = request.lastUserContent();
  const auto quoted = [&content] {
    const std::size_t open = content.find("\"\"\"\n");
    const std::size_t close = content.find("\n\"\"\"", open + 4);
    return open == std::string::npos || close == std::string::npos ? std::string()
                                                                   : content.substr(open + 4, close - open - 4);
  };
  std::vector<std::string> words;
  const auto split = [](const std::string& text) {
    std::vector<std::string> out;
    std::string word;
    for (const char c : text + " ")
      if (std::isalnum(static_cast<unsigned char>(c)))
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      else if (!word.empty())
        out.push_back(std::exchange(word, {}));
    return out;
  };
  if (content.rfind("Document:", 0) == 0) {
    const std::vector<std::string> passage = split(quoted());
    std::string query;
    for (std::size_t i = 0; i < std::min<std::size_t>(8, passage.size()); ++i)
      query += (i ? " " : "") + passage[i];
    return {200, test::chatCompletionBody(nlohmann::json{{"query", query}}.dump()), {}, 0, false};
  }
  const std::size_t queryStart = content.find("Query: ");
  const std::string query = content.substr(queryStart + 7, content.find('\n', queryStart) - queryStart - 7);
  const std::vector<std::string> queryWords = split(query), passageWords = split(quoted());
  int shared = 0;
  for (const std::string& w : queryWords)
    shared += std::find(passageWords.begin(), passageWords.end(), w) != passageWords.end();
  const int grade = queryWords.empty() ? 0 : std::min(3, 4 * shared / int(queryWords.size()));
  return test::gradeReply(grade, "Shares " + std::to_string(shared) + " words with the query.");
}

} // namespace

class RunsTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString template_;
  std::int64_t corpusId_ = 0;
  QString studentDir_;
  nlohmann::json config_;

  // A fresh experiment with the demo corpus imported (a copy of the one made once).
  QString freshExperiment(const QString& name) {
    const QString path = dir_.filePath(name);
    if (!QFile::copy(template_, path))
      qFatal("cannot copy %s", qPrintable(template_));
    return path;
  }

  // Checks the new-run dialog refuses what cannot run, naming the field as the dialog shows it. Returns every check
  // that did not hold (each one is tried, so a failure shows them all).
  QStringList refuseWhatCannotRun(RunConfigDialog& dialog, std::int64_t passages, std::int64_t emptyCorpus,
                                  std::int64_t storedModel) {
    QStringList failures;
    QPushButton* ok = dialog.buttonBox()->button(QDialogButtonBox::Ok);
    const auto refused = [&](const QString& what, const QString& field, const QString& detail = {}) {
      const QString message = dialog.validationMessage();
      if (dialog.isValid())
        failures << QStringLiteral("%1: accepted").arg(what);
      else if (!message.contains(field) || !message.contains(detail))
        failures << QStringLiteral("%1: message names no \"%2\" (\"%3\"): %4").arg(what, field, detail, message);
      if (ok->isEnabled())
        QTest::mouseClick(ok, Qt::LeftButton);
      if (dialog.isVisible())
        dialog.accept(); // the OK path checks again
      if (!dialog.isVisible()) {
        failures << QStringLiteral("%1: the dialog closed").arg(what);
        return false;
      }
      return true;
    };
    const auto accepted = [&](const QString& what) {
      if (!dialog.isValid())
        failures << QStringLiteral("%1: refused: %2").arg(what, dialog.validationMessage());
    };
    dialog.corpusBox()->setCurrentIndex(dialog.corpusBox()->findData(qlonglong(corpusId_)));
    dialog.studentField()->setText(studentDir_);
    dialog.queriesBox()->setValue(int(passages));
    accepted(QStringLiteral("a model directory, as many queries as passages"));

    // A student that is neither "default", a model directory nor a stored model.
    dialog.studentField()->setText(dir_.filePath(QStringLiteral("no-such-model")));
    if (!refused(QStringLiteral("missing student directory"), QStringLiteral("Student")))
      return failures;
    dialog.studentField()->setText(dir_.path()); // a directory, but no model in it
    if (!refused(QStringLiteral("directory without a model"), QStringLiteral("Student")))
      return failures;
    dialog.studentField()->setText(QStringLiteral("model:999999"));
    if (!refused(QStringLiteral("unknown stored model"), QStringLiteral("Student")))
      return failures;
    dialog.studentField()->setText(QStringLiteral("model:%1").arg(storedModel));
    accepted(QStringLiteral("a stored model"));
    dialog.studentField()->setText(QStringLiteral("default"));
    accepted(QStringLiteral("the default student"));

    // More queries per round than the corpus has passages.
    dialog.queriesBox()->setValue(999999);
    if (!refused(QStringLiteral("999999 queries per round"), QStringLiteral("Queries per round"),
                 QString::number(passages)))
      return failures;
    dialog.queriesBox()->setValue(int(passages));
    accepted(QStringLiteral("queries back to the passage count"));

    // A corpus without passages.
    dialog.corpusBox()->setCurrentIndex(dialog.corpusBox()->findData(qlonglong(emptyCorpus)));
    if (!refused(QStringLiteral("corpus without passages"), QStringLiteral("Corpus"), QStringLiteral("no passages")))
      return failures;
    dialog.corpusBox()->setCurrentIndex(dialog.corpusBox()->findData(qlonglong(corpusId_)));
    accepted(QStringLiteral("the demo corpus again"));

    // core's own checks, named by the label the user sees rather than the JSON key.
    dialog.roundsBox()->setValue(0);
    if (!refused(QStringLiteral("0 rounds"), QStringLiteral("Rounds")))
      return failures;
    if (dialog.validationMessage().contains(QStringLiteral("'rounds'")))
      failures << QStringLiteral("0 rounds: the JSON key is shown: ") + dialog.validationMessage();
    dialog.roundsBox()->setValue(1);
    for (QCheckBox* type : dialog.queryTypeBoxes())
      type->setChecked(false);
    if (!refused(QStringLiteral("no query type"), QStringLiteral("Query types")))
      return failures;
    if (dialog.validationMessage().contains(QStringLiteral("query_types")))
      failures << QStringLiteral("no query type: the JSON key is shown: ") + dialog.validationMessage();
    dialog.queryTypeBoxes().front()->setChecked(true);
    accepted(QStringLiteral("everything valid again"));
    return failures;
  }

private slots:
  void initTestCase() {
    QApplication::setOrganizationName(QStringLiteral("DistilleryTests"));
    QApplication::setApplicationName(QStringLiteral("test_gui_runs"));
    QSettings().clear();
    const std::filesystem::path demo = dir_.filePath(QStringLiteral("demo")).toStdString();
    corpus::DemoCorpusOptions demoOptions;
    demoOptions.companies = 3;
    demoOptions.queries = 30;
    corpus::writeDemoCorpus(demo, demoOptions);
    template_ = dir_.filePath(QStringLiteral("template.distillery"));
    std::vector<std::string> texts;
    {
      auto store = store::Store::open(template_.toStdString(), store::OpenMode::CreateNew);
      corpus::ImportOptions options;
      options.corpusName = "demo";
      corpus::importPaths(store, options, {demo}, {}, {});
      corpusId_ = corpus::findCorpusId(store, "demo");
      for (const auto& passage : corpus::loadPassages(store, corpusId_))
        texts.push_back(passage.text);
    }
    const QString studentDir = dir_.filePath(QStringLiteral("student"));
    studentDir_ = studentDir;
    test::writeSmallUntrainedStudent(texts, studentDir.toStdString());
    config_ = {
        {"student", studentDir.toStdString()},
        {"rounds", 1},
        {"queries_per_round", 16},
        {"k", 8},
        {"filter_top_k", 60},
        {"training", {{"epochs", 4}, {"patience", 10}, {"learning_rate", 0.002}}}}; // every epoch runs: time to cancel
  }

  void stepByStepThenCancelAndResumeFromThePanel() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window)); // menu shortcuts need an active window
    QVERIFY(window.openExperiment(freshExperiment(QStringLiteral("steps.distillery"))));
    const std::int64_t runId = window.createRun(corpusId_, QStringLiteral("stepwise"), config_);
    QVERIFY(runId > 0);
    JobsPanel* panel = window.jobsPanel();
    QCOMPARE(panel->selectedRunId(), runId); // the new run is selected in the run list
    QCOMPARE(nextStepOf(window, runId), QStringLiteral("round 0: baseline evaluation"));
    QVERIFY(panel->nextStepButton()->isEnabled());
    store::Store& store = window.session().store();

    // Next step: round 0 only; the run pauses and its baseline metrics reach the dashboard.
    QTest::mouseClick(panel->nextStepButton(), Qt::LeftButton);
    JobRunner* job = finishedNewestJob(window, 1);
    QVERIFY(job);
    QVERIFY2(job->state() == JobRunner::State::Completed, qPrintable(job->error()));
    QCOMPARE(statusOf(window, runId), QStringLiteral("paused"));
    QCOMPARE(nextStepOf(window, runId), QStringLiteral("round 1: synthesise queries"));
    QTRY_VERIFY(window.dashboard()->metrics().find(runId, 0, "dense", "ALL", "ndcg", 5).has_value());
    QVERIFY(window.dashboard()->metrics().baseline(runId, "ALL", "mrr", 5).has_value());
    QCOMPARE(scalar(store, "SELECT count(*) FROM queries q JOIN rounds r ON r.id = q.round_id WHERE r.round_index = 1"),
             0);

    // Next step again (F8 from the Run menu): the queries are written, nothing retrieved yet.
    QTest::keyClick(&window, Qt::Key_F8);
    job = finishedNewestJob(window, 2);
    QVERIFY(job && job->state() == JobRunner::State::Completed);
    QVERIFY(scalar(store, "SELECT count(*) FROM queries q JOIN rounds r ON r.id = q.round_id WHERE r.round_index = 1") >
            0);
    QCOMPARE(scalar(store, "SELECT count(*) FROM candidates c JOIN rounds r ON r.id = c.round_id WHERE "
                           "r.round_index = 1"),
             0);
    QCOMPARE(nextStepOf(window, runId), QStringLiteral("round 1: retrieve candidates"));

    // Resume runs every step left; cancelled while it trains, the run is left paused at the train step.
    QTest::mouseClick(panel->resumeRunButton(), Qt::LeftButton);
    QCOMPARE(window.jobs().rowCount(), 3);
    job = window.jobs().jobAt(2);
    QVERIFY(!panel->resumeRunButton()->isEnabled()); // a run has one job at a time
    QVERIFY(job->lossFeed());
    QTRY_VERIFY_WITH_TIMEOUT(job->lossFeed()->size() > 0 || !job->isActive(), 240000);
    QVERIFY2(job->isActive(), "training finished before it could be cancelled");
    QTRY_VERIFY(panel->lossPointCount() > 0); // drawn while the job still runs
    panel->cancelButton()->click();
    QVERIFY(job->waitForFinished(60000));
    QCOMPARE(job->state(), JobRunner::State::Cancelled);
    QCOMPARE(scalar(store, "SELECT count(*) FROM runs WHERE status = 'paused'"), 1);
    QCOMPARE(statusOf(window, runId), QStringLiteral("paused"));
    QCOMPARE(nextStepOf(window, runId), QStringLiteral("round 1: train"));
    QVERIFY(job->log().join(QLatin1Char('\n')).contains(QStringLiteral("mine took")));

    // Resumed to the end: the curve drawn is the trainer's, point for point, and the run's metrics are shown.
    QTest::mouseClick(panel->resumeRunButton(), Qt::LeftButton);
    job = finishedNewestJob(window, 4);
    QVERIFY(job);
    QVERIFY2(job->state() == JobRunner::State::Completed, qPrintable(job->error()));
    QCOMPARE(statusOf(window, runId), QStringLiteral("completed"));
    QVERIFY(!panel->nextStepButton()->isEnabled());
    // training_log has one row per optimiser step (an epoch's last also carries the dev metric).
    const std::string round1 =
        "(SELECT id FROM rounds WHERE run_id = " + std::to_string(runId) + " AND round_index = 1)";
    const std::string round1Log = "FROM training_log t WHERE t.round_id IN " + round1;
    const std::int64_t trained = scalar(store, "SELECT count(*) " + round1Log);
    QVERIFY(trained > 0);
    QTRY_COMPARE(std::int64_t(panel->lossPointCount()), trained);
    QCOMPARE(std::int64_t(job->lossFeed()->size()), trained);
    const QCPGraphDataContainer& curve = *panel->lossPlot()->graph(0)->data();
    QCOMPARE(std::int64_t(curve.at(curve.size() - 1)->key), scalar(store, "SELECT max(step) " + round1Log));
    store::Statement plain = store.prepare("SELECT step, loss " + round1Log + " AND t.dev_metric IS NULL");
    while (plain.step()) // each step's loss as the trainer reported it (an epoch's last row holds its dev check)
      QCOMPARE(curve.findBegin(double(plain.columnInt64(0)), false)->value, plain.columnDouble(1));
    QTRY_COMPARE(window.dashboard()->metrics().rounds(runId), (std::vector<int>{0, 1}));
    window.dashboard()->redrawNow();
    int bars = 0;
    for (int i = 0; i < window.dashboard()->barPlot()->plottableCount(); ++i)
      bars += qobject_cast<QCPBars*>(window.dashboard()->barPlot()->plottable(i)) ? 1 : 0;
    QCOMPARE(bars, 3); // BM25, round 0, round 1 (then their intervals)
    // The round's mined pairs, with the student's rank before and after the round's training.
    MinedExampleModel* pairs = window.pairInspector()->model();
    QVERIFY(pairs->rowCount() > 0);
    {
      // (scoped: a statement left on a row keeps the GUI connection reading an old snapshot of the store)
      store::Statement ranks =
          store.prepare("SELECT student_rank, rank_after FROM mined_examples WHERE query_id = ?1 AND "
                        "passage_id = ?2 AND round_id IN " +
                        round1);
      ranks.bind(1, pairs->queryIdAt(0)).bind(2, pairs->passageIdAt(0));
      QVERIFY(ranks.step());
      QCOMPARE(pairs->index(0, MinedExampleModel::RankBefore).data().toLongLong(), ranks.columnInt64(0));
      QCOMPARE(pairs->index(0, MinedExampleModel::RankAfter).data().toLongLong(), ranks.columnInt64(1));
    }
    QCOMPARE(scalar(store, "SELECT count(*) FROM jobs WHERE kind = 'run' AND status = 'cancelled'"), 1);
    QCOMPARE(scalar(store, "SELECT count(*) FROM jobs WHERE kind = 'run' AND status = 'completed'"), 3);

    // A stored model evaluated on its own appears beside BM25 under "evaluations outside runs".
    const std::int64_t model =
        scalar(store, "SELECT model_id FROM rounds WHERE run_id = " + std::to_string(runId) + " AND round_index = 1");
    JobRunner* evaluation = window.evaluateModel(corpusId_, model);
    QVERIFY(evaluation && evaluation->waitForFinished(120000));
    QVERIFY2(evaluation->state() == JobRunner::State::Completed, qPrintable(evaluation->error()));
    const std::string series = "dense model " + std::to_string(model);
    QTRY_VERIFY(window.dashboard()->metrics().find(0, 0, series, "ALL", "ndcg", 5).has_value());
    // Same model, same queries: the same figure as the run's own evaluation of round 1.
    QCOMPARE(window.dashboard()->metrics().find(0, 0, series, "ALL", "ndcg", 5)->value,
             window.dashboard()->metrics().find(runId, 1, "dense", "ALL", "ndcg", 5)->value);
    window.dashboard()->runBox()->setCurrentIndex(window.dashboard()->runBox()->findData(0LL));
    window.dashboard()->redrawNow();
    QStringList names;
    for (int i = 0; i < window.dashboard()->barPlot()->plottableCount(); ++i)
      names << window.dashboard()->barPlot()->plottable(i)->name();
    QVERIFY2(names.contains(QString::fromStdString(series)), qPrintable(names.join(QLatin1Char(','))));
  }

  void aRemoteTeacherWaitsForTheKeychain() {
    // Settings keep the key in the keychain and the run's teacher names no variable: the run starts only with a key.
    AppSettings settings = AppSettings::load();
    settings.keySource = AppSettings::KeySource::Keychain;
    settings.save();
    MainWindow window;
    QVERIFY(window.openExperiment(freshExperiment(QStringLiteral("keychain.distillery"))));
    QSignalSpy errors(&window, &MainWindow::errorShown);
    nlohmann::json config = config_;
    config["teacher"] = {
        {"kind", "openai"}, {"base_url", "http://127.0.0.1:9/v1"}, {"model", "fake-model"}, {"api_key_env", ""}};
    const std::int64_t runId = window.createRun(corpusId_, QStringLiteral("keyed"), config);
    QVERIFY(runId > 0);
    QVERIFY(!window.launchRun(runId)); // not before the keychain answered
    QTRY_VERIFY_WITH_TIMEOUT(errors.count() > 0 || window.jobs().rowCount() > 0, 30000);
    if (window.jobs().rowCount() > 0) {
      window.jobs().cancelAllAndWait();
      QSKIP("this machine's keychain holds a teacher key: the run started with it");
    }
    QCOMPARE(errors.at(0).at(0).toString(), QStringLiteral("No API key"));
    QVERIFY(errors.at(0).at(1).toString().contains(QStringLiteral("keychain")));
    QCOMPARE(window.session().store().queryInt64("SELECT count(*) FROM runs WHERE status = 'pending'"), 1);
    settings.keySource = AppSettings::KeySource::Environment;
    settings.save();
  }

  void apiKeyReachesTheTeacherButNeverTheStoreOrTheLog() {
    test::FakeChatServer server(scriptedTeacher);
    MainWindow window;
    const QString path = freshExperiment(QStringLiteral("key.distillery"));
    QVERIFY(window.openExperiment(path));
    nlohmann::json config = config_;
    config["teacher"] = {{"kind", "openai"},      {"base_url", server.baseUrl()},
                         {"model", "fake-model"}, {"api_key_env", ""},
                         {"concurrency", 2},      {"logprobs", false}};
    config["queries_per_round"] = 8;
    const std::int64_t runId = window.createRun(corpusId_, QStringLiteral("remote"), config);
    QVERIFY(runId > 0);
    const std::string planted = "sk-planted-5f3a9c1e77d24b";
    // Round 0, then synthesise, retrieve and judge through the endpoint.
    JobRunner* job = window.startRun(runId, 4, planted);
    QVERIFY(job && job->waitForFinished(240000));
    QVERIFY2(job->state() == JobRunner::State::Completed, qPrintable(job->error()));
    QCOMPARE(nextStepOf(window, runId), QStringLiteral("round 1: mine pairs"));
    const std::vector<test::FakeRequest> requests = server.requests();
    QVERIFY(requests.size() >= 8);
    for (const test::FakeRequest& request : requests)
      QCOMPARE(request.authorization, "Bearer " + planted); // every call carried the key
    QVERIFY(scalar(window.session().store(), "SELECT count(*) FROM judgments WHERE teacher_model = 'fake-model'") > 0);

    const QByteArray key = QByteArray::fromStdString(planted);
    QVERIFY(!job->log().join(QLatin1Char('\n')).toUtf8().contains(key));
    QVERIFY(!window.jobsPanel()->logView()->toPlainText().toUtf8().contains(key));
    window.session().close(); // checkpoints the WAL into the file
    for (const QString& file : {path, path + QStringLiteral("-wal"), path + QStringLiteral("-journal")})
      QVERIFY2(!fileBytes(file).contains(key), qPrintable(file));
    QDir models(path + QStringLiteral(".models"));
    for (const QFileInfo& info : models.entryInfoList(QDir::Files | QDir::NoDotAndDotDot))
      QVERIFY2(!fileBytes(info.filePath()).contains(key), qPrintable(info.filePath()));
    QSettings settings;
    settings.sync();
    QVERIFY(!fileBytes(settings.fileName()).contains(key));
  }
  void everyRunConfigFieldSaysWhatItDoesAndItsDefault() {
    auto store = store::Store::open(freshExperiment(QStringLiteral("tooltips.distillery")).toStdString(),
                                    store::OpenMode::MustExist);
    RunConfigDialog dialog(store, AppSettings::load());
    auto* form = dialog.findChild<QFormLayout*>();
    QVERIFY(form);
    int fields = 0;
    for (int row = 0; row < form->rowCount(); ++row) {
      QLayoutItem* item = form->itemAt(row, QFormLayout::FieldRole);
      if (!item)
        continue;
      QList<QWidget*> widgets;
      if (item->widget())
        widgets << item->widget();
      else if (item->layout())
        for (int i = 0; i < item->layout()->count(); ++i)
          if (QWidget* w = item->layout()->itemAt(i)->widget())
            widgets << w;
      for (QWidget* field : widgets) {
        if (qobject_cast<QLabel*>(field))
          continue; // the teacher: set in Settings, not here
        ++fields;
        QVERIFY2(
            field->toolTip().contains(QStringLiteral("\nDefault: ")),
            qPrintable(
                QStringLiteral("row %1 (%2): '%3'").arg(row).arg(field->metaObject()->className(), field->toolTip())));
      }
    }
    QVERIFY(fields >= 18); // name, corpus, student, rounds, queries, 4 query types, candidates, loss, ... step by step
  }

  void newRunDialogRefusesARunThatCannotRun() {
    MainWindow window;
    window.show();
    QVERIFY(window.openExperiment(freshExperiment(QStringLiteral("dialog.distillery"))));
    store::Store& store = window.session().store();
    const std::int64_t emptyCorpus = corpus::ensureCorpus(store, "empty");
    const std::int64_t passages = corpus::countPassages(store, corpusId_);
    QVERIFY(passages > 0);
    const std::int64_t storedModel =
        model::registerModel(store, studentDir_.toStdString(), "huggingface", "small student");
    const std::size_t runsBefore = pipeline::listRuns(store).size();
    QAction* newRun = nullptr;
    for (QAction* action : window.findChildren<QAction*>())
      if (action->text() == MainWindow::tr("&New run..."))
        newRun = action;
    QVERIFY(newRun);
    bool checked = false;
    QStringList failures;
    QTimer::singleShot(0, &window, [&] {
      if (auto* dialog = window.findChild<RunConfigDialog*>()) {
        failures = refuseWhatCannotRun(*dialog, passages, emptyCorpus, storedModel);
        if (dialog->isVisible())
          dialog->reject();
        checked = true;
      }
    });
    newRun->trigger(); // Run > New run...: returns when the dialog closed
    QVERIFY(checked);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QStringLiteral("\n"))));
    QCOMPARE(pipeline::listRuns(store).size(), runsBefore); // nothing was created
    QCOMPARE(window.jobs().rowCount(), 0);
  }
};

QTEST_MAIN(RunsTest)
#include "test_gui_runs.moc"
