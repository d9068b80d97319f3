// File > Import corpus and File > Download from EDGAR as an analyst uses them: the import dialog's options reach the
// importer (a smaller passage size cuts more passages), bad choices are refused before anything starts, and a download
// from a fake EDGAR on 127.0.0.1 runs as a job that imports what it fetched.
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QGroupBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include "core/corpus/CorpusRepository.h"
#include "core/store/Store.h"
#include "tests/corpus/LocalHttpServer.h"
#include "ui/ExperimentSession.h"
#include "ui/MainWindow.h"
#include "ui/corpus/CorpusBrowser.h"
#include "ui/corpus/EdgarDownloadDialog.h"
#include "ui/corpus/ImportDialog.h"
#include "ui/jobs/JobRunner.h"

using namespace distillery;
using namespace distillery::ui;
using distillery::test::LocalHttpServer;

namespace {

std::string filingHtml(const std::string& topic) {
  std::string html = "<html><body><p>FORM 10-K</p><p>ITEM 7. MANAGEMENT'S DISCUSSION AND ANALYSIS</p>";
  for (int i = 0; i < 30; ++i)
    html += "<p>Paragraph " + std::to_string(i) + " on " + topic + ": net sales and services revenue grew by " +
            std::to_string(i + 3) + " percent as demand for the company's products remained strong.</p>";
  return html + "</body></html>";
}

// A fake EDGAR serving one company's submissions index and two 10-K documents.
LocalHttpServer::Reply fakeEdgar(const LocalHttpServer::Request& request) {
  if (request.path == "/files/company_tickers.json")
    return {200, "{\"0\":{\"cik_str\":320193,\"ticker\":\"AAPL\",\"title\":\"Apple Inc.\"}}", {}};
  if (request.path == "/submissions/CIK0000320193.json") {
    const nlohmann::json index = {{"cik", "320193"},
                                  {"name", "Apple Inc."},
                                  {"filings",
                                   {{"recent",
                                     {{"accessionNumber", {"0000320193-23-000106", "0000320193-22-000108"}},
                                      {"form", {"10-K", "10-K"}},
                                      {"filingDate", {"2023-11-03", "2022-10-28"}},
                                      {"reportDate", {"2023-09-30", "2022-09-24"}},
                                      {"primaryDocument", {"aapl-20230930.htm", "aapl-20220924.htm"}}}}}}};
    return {200, index.dump(), {}};
  }
  if (request.path == "/Archives/edgar/data/320193/000032019323000106/aapl-20230930.htm")
    return {200, filingHtml("fiscal 2023"), {}};
  if (request.path == "/Archives/edgar/data/320193/000032019322000108/aapl-20220924.htm")
    return {200, filingHtml("fiscal 2022"), {}};
  return {404, "not found", {}};
}

} // namespace

class ImportTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  QString writeJsonl(const QString& name, const QByteArray& lines) {
    const QString path = dir_.filePath(name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
      file.write(lines);
    return path;
  }
  static bool okEnabled(QDialogButtonBox* buttons) { return buttons->button(QDialogButtonBox::Ok)->isEnabled(); }

private slots:
  void importDialogRefusesWhatCannotWorkAndNamesTheField() {
    ImportDialog dialog({QStringLiteral("filings")});
    QVERIFY(!okEnabled(dialog.buttonBox()));
    QCOMPARE(dialog.problem(), QStringLiteral("Add the files or folders to import."));
    dialog.addPaths({dir_.filePath(QStringLiteral("missing-folder"))});
    QVERIFY(dialog.problem().endsWith(QStringLiteral("does not exist.")));
    dialog.pathList()->clear();
    dialog.addPaths({dir_.path()});
    QCOMPARE(dialog.corpusBox()->currentText(), QFileInfo(dir_.path()).completeBaseName()); // named after the folder
    dialog.corpusBox()->setCurrentText(QStringLiteral("filings"));
    dialog.addPaths({dir_.filePath(QStringLiteral("."))});
    QCOMPARE(dialog.corpusBox()->currentText(), QStringLiteral("filings")); // a typed name stays
    QVERIFY(okEnabled(dialog.buttonBox()));
    dialog.overlapBox()->setValue(300);
    QVERIFY(!okEnabled(dialog.buttonBox()));
    QVERIFY(dialog.problem().contains(QStringLiteral("Overlap (tokens)")));
    dialog.overlapBox()->setValue(32);
    dialog.formatBox()->setCurrentIndex(dialog.formatBox()->findData(static_cast<int>(corpus::ImportFormat::Jsonl)));
    dialog.jsonlField(QStringLiteral("text"))->clear();
    QVERIFY(dialog.problem().contains(QStringLiteral("Text")));
    dialog.formatBox()->setCurrentIndex(dialog.formatBox()->findData(static_cast<int>(corpus::ImportFormat::Beir)));
    QVERIFY(!dialog.jsonlFieldsBox()->isEnabled()); // the mapping is for JSON lines only
    QVERIFY(okEnabled(dialog.buttonBox()));
  }

  void importDialogOptionsReachTheImporter() {
    // A record of about 120 words under a JSONL mapping of its own: at the default passage size it is one passage, at
    // 40 tokens several, with the title and company read from the mapped fields.
    QByteArray text;
    for (int i = 0; i < 24; ++i)
      text += "Operating income rose sharply this year. ";
    const QString path =
        writeJsonl(QStringLiteral("memo.jsonl"), "{\"key\": \"m1\", \"body\": \"" + text.trimmed() +
                                                     "\", \"heading\": \"Annual memo\", \"issuer\": \"Initech\"}\n");
    ImportDialog dialog({});
    dialog.addPaths({path});
    dialog.corpusBox()->setCurrentText(QStringLiteral("memos"));
    dialog.formatBox()->setCurrentIndex(dialog.formatBox()->findData(static_cast<int>(corpus::ImportFormat::Jsonl)));
    dialog.maxTokensBox()->setValue(40);
    dialog.overlapBox()->setValue(0);
    dialog.jsonlField(QStringLiteral("id"))->setText(QStringLiteral("key"));
    dialog.jsonlField(QStringLiteral("text"))->setText(QStringLiteral("body"));
    dialog.jsonlField(QStringLiteral("title"))->setText(QStringLiteral("heading"));
    dialog.jsonlField(QStringLiteral("company"))->setText(QStringLiteral("issuer"));
    QVERIFY2(okEnabled(dialog.buttonBox()), qPrintable(dialog.problem()));
    const corpus::ImportOptions options = dialog.options();
    QCOMPARE(options.corpusName, std::string("memos"));
    QCOMPARE(options.chunking.maxTokens, 40);
    QCOMPARE(options.jsonlFields.text, std::string("body"));

    MainWindow window;
    QVERIFY(window.openExperiment(dir_.filePath(QStringLiteral("import.distillery")), true));
    JobRunner* job = window.importCorpus(dialog.paths(), options);
    QVERIFY(job && job->waitForFinished(60000));
    QCOMPARE(job->state(), JobRunner::State::Completed);
    const auto corpusId = corpus::tryFindCorpusId(window.session().store(), "memos");
    QVERIFY(corpusId);
    const auto passages = window.session().store().queryInt64("SELECT count(*) FROM passages");
    QVERIFY2(passages >= 3, qPrintable(QString::number(passages))); // ~240 estimated tokens in 40-token passages
    auto company = window.session().store().prepare("SELECT company FROM documents");
    QVERIFY(company.step());
    QCOMPARE(company.columnText(0), std::string("Initech"));
  }

  void edgarDialogChecksWithCoreRules() {
    EdgarDownloadDialog dialog{QString()};
    QVERIFY(!okEnabled(dialog.buttonBox()));
    QVERIFY2(dialog.problem().contains(QStringLiteral("contact e-mail")), qPrintable(dialog.problem()));
    dialog.userAgentField()->setText(QStringLiteral("Jane Analyst jane@example.com"));
    QVERIFY(dialog.problem().contains(QStringLiteral("CIK or ticker")));
    dialog.companiesField()->setText(QStringLiteral("AAPL, msft"));
    QVERIFY2(okEnabled(dialog.buttonBox()), qPrintable(dialog.problem()));
    dialog.fromField()->setText(QStringLiteral("2023/01/01"));
    QVERIFY(dialog.problem().contains(QStringLiteral("YYYY-MM-DD")));
    dialog.fromField()->setText(QStringLiteral("2023-01-01"));
    for (QCheckBox* form : dialog.formBoxes())
      form->setChecked(form->text() == QStringLiteral("10-K"));
    const corpus::EdgarDownloadOptions options = dialog.options();
    QCOMPARE(options.companies, (std::vector<std::string>{"AAPL", "msft"}));
    QCOMPARE(options.formTypes, std::vector<std::string>{"10-K"});
    QCOMPARE(options.dateFrom, std::string("2023-01-01"));
    QCOMPARE(options.dataBaseUrl, std::string("https://data.sec.gov")); // no mirror: SEC itself
    dialog.importBox()->setChecked(false);
    QVERIFY(dialog.importInto().isEmpty());
  }

  void downloadFromEdgarRunsAsAJobAndImportsWhatItFetched() {
    LocalHttpServer server(fakeEdgar);
    EdgarDownloadDialog dialog(QStringLiteral("Distillery Tests tests@example.com"));
    dialog.companiesField()->setText(QStringLiteral("AAPL"));
    dialog.folderField()->setText(dir_.filePath(QStringLiteral("edgar")));
    dialog.corpusField()->setText(QStringLiteral("apple"));
    dialog.mirrorField()->setText(QString::fromStdString(server.baseUrl()));
    QVERIFY2(okEnabled(dialog.buttonBox()), qPrintable(dialog.problem()));

    MainWindow window;
    QVERIFY(window.openExperiment(dir_.filePath(QStringLiteral("edgar.distillery")), true));
    JobRunner* job = window.downloadFromEdgar(dialog.options(), dialog.importInto());
    QVERIFY(job && job->waitForFinished(120000));
    QVERIFY2(job->state() == JobRunner::State::Completed, qPrintable(job->error()));
    const QString log = job->log().join(QLatin1Char('\n'));
    QVERIFY2(log.contains(QStringLiteral("downloaded 2 filings")), qPrintable(log));
    const auto corpusId = corpus::tryFindCorpusId(window.session().store(), "apple");
    QVERIFY(corpusId);
    QCOMPARE(window.session().store().queryInt64("SELECT count(*) FROM documents"), std::int64_t(2));
    for (const auto& request : server.requests())
      QCOMPARE(QString::fromStdString(request.headers.at("user-agent")),
               QStringLiteral("Distillery Tests tests@example.com"));
    // The browser shows the new corpus once the job has finished.
    QTRY_VERIFY(window.corpusBrowser()->passageModel()->rowCount() > 0);
  }
};

QTEST_MAIN(ImportTest)
#include "test_gui_import.moc"
