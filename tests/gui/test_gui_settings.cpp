// Settings: the API key never reaches QSettings (or the screen after entry); "test connection" goes
// through core/teacher to an OpenAI-compatible endpoint (a fake one on 127.0.0.1 here) and its message shows whole;
// OK leaves the learning rate as stored (0, "automatic"); keychain errors say what happened and what to do.
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <qt6keychain/keychain.h>

#include "ui/settings/ApiKeyStore.h"
#include "ui/settings/AppSettings.h"
#include "ui/settings/SettingsDialog.h"

using namespace distillery::ui;

namespace {

/// Answers every HTTP request with one chat completion grading the pair 2, and remembers the requests.
class FakeChatServer : public QTcpServer {
public:
  QByteArray requests;
  FakeChatServer() {
    connect(this, &QTcpServer::newConnection, this, [this] {
      while (QTcpSocket* socket = nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
          requests += socket->readAll();
          if (!requests.contains("\r\n\r\n") || !requests.trimmed().endsWith('}'))
            return; // wait for the JSON body
          const QJsonObject answer{{"grade", 2}, {"rationale", "It states the revenue."}};
          const QJsonObject message{
              {"role", "assistant"},
              {"content", QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Compact))}};
          const QJsonObject choice{{"index", 0}, {"message", message}, {"finish_reason", "stop"}};
          const QJsonObject completion{{"id", "x"},
                                       {"object", "chat.completion"},
                                       {"choices", QJsonArray{choice}},
                                       {"usage", QJsonObject{{"prompt_tokens", 50}, {"completion_tokens", 12}}}};
          const QByteArray body = QJsonDocument(completion).toJson(QJsonDocument::Compact);
          socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                        QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
          socket->disconnectFromHost();
        });
      }
    });
  }
};

} // namespace

class SettingsTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase() {
    QApplication::setOrganizationName(QStringLiteral("DistilleryTests"));
    QApplication::setApplicationName(QStringLiteral("test_gui_settings"));
    QSettings().clear();
  }

  void valuesRoundTripWithoutTheKey() {
    SettingsDialog dialog;
    dialog.teacherKindBox()->setCurrentIndex(dialog.teacherKindBox()->findData(QStringLiteral("openai")));
    dialog.endpointField()->setText(QStringLiteral("http://127.0.0.1:9/v1"));
    dialog.modelField()->setText(QStringLiteral("tiny-judge"));
    dialog.findChild<QRadioButton*>()->setChecked(true); // the keychain
    QCOMPARE(dialog.apiKeyField()->echoMode(), QLineEdit::Password);
    QTest::keyClicks(dialog.apiKeyField(), QStringLiteral("sk-test-secret-4711"));
    QVERIFY(dialog.apiKeyField()->displayText() != QStringLiteral("sk-test-secret-4711"));
    dialog.show();
    dialog.accept();
    QCOMPARE(dialog.apiKeyField()->text(), QString()); // gone from the widget once handed to the keychain
    // With a keychain the dialog closes; without one (CI) it stays open and says why.
    QVERIFY(!dialog.isVisible() || dialog.connectionStatus()->text().contains(QStringLiteral("keychain")));

    const AppSettings loaded = AppSettings::load();
    QCOMPARE(loaded.teacherKind, QStringLiteral("openai"));
    QCOMPARE(loaded.teacherModel, QStringLiteral("tiny-judge"));
    QCOMPARE(loaded.keySource, AppSettings::KeySource::Keychain);
    QSettings settings;
    settings.sync();
    for (const QString& key : settings.allKeys())
      QVERIFY2(!settings.value(key).toString().contains(QStringLiteral("secret-4711")), qPrintable(key));
    QFile file(settings.fileName());
    if (file.open(QIODevice::ReadOnly))
      QVERIFY(!file.readAll().contains("secret-4711"));
    // The teacher config core gets names a variable or carries the key in memory, never serialises it.
    const auto config = loaded.teacherConfig(QStringLiteral("sk-test-secret-4711"));
    QVERIFY(config.toJson().dump().find("secret-4711") == std::string::npos);
  }

  void openAiTeacherNeedsAnEndpoint() {
    SettingsDialog dialog;
    dialog.teacherKindBox()->setCurrentIndex(dialog.teacherKindBox()->findData(QStringLiteral("openai")));
    dialog.endpointField()->clear();
    dialog.show();
    dialog.accept();
    QVERIFY(dialog.isVisible()); // refused, with the reason shown
    QVERIFY(dialog.connectionStatus()->text().contains(QStringLiteral("endpoint")));
  }

  void testConnectionUsesTheTeacher() {
    FakeChatServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    qputenv("DISTILLERY_TEST_KEY", "sk-env-key");
    SettingsDialog dialog;
    dialog.teacherKindBox()->setCurrentIndex(dialog.teacherKindBox()->findData(QStringLiteral("openai")));
    dialog.endpointField()->setText(QStringLiteral("http://127.0.0.1:%1/v1").arg(server.serverPort()));
    dialog.modelField()->setText(QStringLiteral("fake-model"));
    dialog.environmentButton()->setChecked(true);
    dialog.environmentField()->setText(QStringLiteral("DISTILLERY_TEST_KEY"));
    QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);
    dialog.testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 20000);
    QVERIFY2(tested.at(0).at(0).toBool(), qPrintable(tested.at(0).at(1).toString()));
    QVERIFY(dialog.connectionStatus()->text().contains(QStringLiteral("grade 2")));
    QVERIFY(server.requests.contains("POST /v1/chat/completions"));
    QVERIFY(server.requests.contains("Bearer sk-env-key"));
    QVERIFY(server.requests.contains("fake-model"));

    server.close(); // nothing listens now: a clear failure, not a hang
    tested.clear();
    dialog.testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 30000);
    QVERIFY(!tested.at(0).at(0).toBool());
    QVERIFY(!dialog.connectionStatus()->text().isEmpty());
  }

  void aLearningRateSavedByTheOldBugReadsAsAutomatic() {
    // Before the fix, Preferences > OK saved the spin box's minimum, 1e-7; settings written then must not keep
    // starting every run at it.
    QSettings().clear();
    QSettings().setValue(QStringLiteral("run/learningRate"), 1e-7);
    QCOMPARE(AppSettings::load().defaultLearningRate, 0.0);
    QSettings().setValue(QStringLiteral("run/learningRate"), 3e-7); // a rate somebody chose stays
    QCOMPARE(AppSettings::load().defaultLearningRate, 3e-7);
    QSettings().clear();
  }

  void okWithoutChangesKeepsTheLearningRate() {
    QSettings().clear(); // the defaults: learning rate 0, "automatic"
    QCOMPARE(AppSettings::load().defaultLearningRate, 0.0);
    {
      SettingsDialog dialog;
      dialog.show();
      QTest::mouseClick(dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
      QVERIFY(!dialog.isVisible());
    }
    QCOMPARE(AppSettings::load().defaultLearningRate, 0.0); // not the spin box's minimum
    QCOMPARE(AppSettings::load().runDefaults().training.learningRate, 0.0);
    {
      SettingsDialog dialog;
      QCOMPARE(dialog.learningRateBox()->text(), QStringLiteral("automatic"));
      QCOMPARE(dialog.learningRateBox()->value(), dialog.learningRateBox()->minimum());
    }

    // A real rate typed in round-trips, and survives a second OK untouched.
    {
      SettingsDialog dialog;
      dialog.show();
      QDoubleSpinBox* rate = dialog.learningRateBox();
      rate->selectAll();
      QTest::keyClicks(rate, QStringLiteral("0.00002"));
      QTest::mouseClick(dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
      QVERIFY(!dialog.isVisible());
    }
    QCOMPARE(AppSettings::load().defaultLearningRate, 2e-5);
    {
      SettingsDialog dialog;
      dialog.show();
      QCOMPARE(dialog.learningRateBox()->value(), 2e-5);
      QTest::mouseClick(dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    }
    QCOMPARE(AppSettings::load().defaultLearningRate, 2e-5);

    // "automatic" can be entered again: typed as 0, or stepped down to.
    {
      SettingsDialog dialog;
      dialog.show();
      QDoubleSpinBox* rate = dialog.learningRateBox();
      rate->selectAll();
      QTest::keyClicks(rate, QStringLiteral("0"));
      QCOMPARE(rate->value(), 0.0);
      QTest::mouseClick(dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    }
    QCOMPARE(AppSettings::load().defaultLearningRate, 0.0);
    {
      AppSettings s = AppSettings::load();
      s.defaultLearningRate = 1e-5;
      s.save();
      SettingsDialog dialog;
      dialog.show();
      QDoubleSpinBox* rate = dialog.learningRateBox();
      rate->setFocus();
      QTest::keyClick(rate, Qt::Key_Down); // one step (1e-5) down reaches 0
      QCOMPARE(rate->text(), QStringLiteral("automatic"));
      QTest::mouseClick(dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    }
    QCOMPARE(AppSettings::load().defaultLearningRate, 0.0);
  }

  void aLongConnectionMessageIsShownWhole() {
    FakeChatServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    qputenv("DISTILLERY_TEST_KEY", "sk-env-key");
    SettingsDialog dialog;
    dialog.teacherKindBox()->setCurrentIndex(dialog.teacherKindBox()->findData(QStringLiteral("openai")));
    dialog.endpointField()->setText(QStringLiteral("http://127.0.0.1:%1/v1").arg(server.serverPort()));
    // The model's name comes back in the message: long enough to need several lines.
    QString model;
    for (int i = 0; i < 12; ++i)
      model += QStringLiteral("judge-part-%1 ").arg(i);
    model = model.trimmed();
    dialog.modelField()->setText(model);
    dialog.environmentButton()->setChecked(true);
    dialog.environmentField()->setText(QStringLiteral("DISTILLERY_TEST_KEY"));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);
    dialog.testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 20000);
    const QString message = tested.at(0).at(1).toString();
    QVERIFY2(message.contains(model), qPrintable(message));
    QLabel* status = dialog.connectionStatus();
    QCOMPARE(status->text(), message); // complete
    QVERIFY(status->wordWrap());
    // Every line of it fits: the label is as tall as its text needs at its width, and inside the dialog.
    QTRY_VERIFY2(
        status->height() >= status->heightForWidth(status->width()),
        qPrintable(QStringLiteral("%1 < %2").arg(status->height()).arg(status->heightForWidth(status->width()))));
    const QRect shown(status->mapTo(&dialog, QPoint(0, 0)), status->size());
    QVERIFY(dialog.rect().contains(shown));
    QVERIFY(status->width() >= status->minimumSizeHint().width());
  }

  void keychainErrorsSayWhatToDo() {
    // No Secret Service running: QtKeychain reports NoBackendAvailable, or OtherError with the D-Bus error.
    const QString noBackend = describeKeychainError(QKeychain::NoBackendAvailable, QStringLiteral("Unknown error"));
    const QString dbus = describeKeychainError(
        QKeychain::OtherError,
        QStringLiteral("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided "
                       "by any .service files"));
    // With no D-Bus session bus QtKeychain says only OtherError "Unknown error".
    const QString noBus = describeKeychainError(QKeychain::OtherError, QStringLiteral("Unknown error"), false);
    for (const QString& message : {noBackend, dbus, noBus}) {
      QVERIFY2(message.contains(QStringLiteral("No keyring service is running")), qPrintable(message));
      QVERIFY(message.contains(QStringLiteral("gnome-keyring")));
      QVERIFY(message.contains(QStringLiteral("KWallet")));
      QVERIFY(message.contains(QStringLiteral("environment variable")));
      QVERIFY(!message.contains(QStringLiteral("Unknown error")));
    }
    QVERIFY(describeKeychainError(QKeychain::AccessDeniedByUser, QStringLiteral("Unknown error"))
                .contains(QStringLiteral("denied")));
    QVERIFY(describeKeychainError(QKeychain::AccessDenied, QString()).contains(QStringLiteral("locked")));
    QVERIFY(describeKeychainError(QKeychain::EntryNotFound, QString()).contains(QStringLiteral("No API key")));
    // Another failure keeps what the keychain said, when it said something.
    QVERIFY(describeKeychainError(QKeychain::OtherError, QStringLiteral("disk full"))
                .contains(QStringLiteral("disk full")));
    QVERIFY(!describeKeychainError(QKeychain::OtherError, QStringLiteral("Unknown error"))
                 .contains(QStringLiteral("(Unknown error)")));
    QVERIFY(!describeKeychainError(QKeychain::OtherError, QString()).isEmpty());

    // What this machine's keychain says when the dialog stores a key is never "(Unknown error)".
    QSettings().clear();
    SettingsDialog dialog;
    dialog.teacherKindBox()->setCurrentIndex(dialog.teacherKindBox()->findData(QStringLiteral("openai")));
    dialog.endpointField()->setText(QStringLiteral("http://127.0.0.1:9/v1"));
    dialog.findChild<QRadioButton*>()->setChecked(true); // the keychain
    QTest::keyClicks(dialog.apiKeyField(), QStringLiteral("sk-test-secret-4712"));
    dialog.show();
    dialog.accept();
    if (dialog.isVisible()) {
      const QString text = dialog.connectionStatus()->text();
      QVERIFY2(!text.contains(QStringLiteral("Unknown error")), qPrintable(text));
      QVERIFY2(text.contains(QStringLiteral("keychain")), qPrintable(text));
      if (!hasSessionBus()) // as on a headless machine or in CI
        QVERIFY2(text.contains(QStringLiteral("No keyring service is running")), qPrintable(text));
    }
    QSettings().clear();
  }
};

QTEST_MAIN(SettingsTest)
#include "test_gui_settings.moc"
