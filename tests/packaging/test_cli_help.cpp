// distillery-cli documents itself: every (nested) subcommand's --help exits 0, starts with a description
// and describes each option and positional; every distillery-cli invocation in the README names
// commands and options that exist; the README's example teacher configs are accepted as they stand; and
// the manual page lists exactly the commands there are.
#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QTest>

#include <nlohmann/json.hpp>

#include "core/teacher/TeacherConfig.h"
#include "core/util/Error.h"
#include "tests/support/TestSupport.h"

using distillery::test::runCli;

namespace {

// CLI11 pads an entry's name to this column and puts the description after it (or on the next line,
// indented to it, when the name is longer).
constexpr int kDescriptionColumn = 30;

struct HelpEntry {
  QString name;        // "--store TEXT REQUIRED", "paths TEXT ... REQUIRED", "init"
  QString description; // empty when the entry has none
};

struct ParsedHelp {
  int exitCode = -1;
  QString description; // the text before "Usage:"
  QString usage;
  QList<HelpEntry> options; // options and positionals
  QList<HelpEntry> subcommands;
  QStringList optionNames; // "--store", "-h", "--help", ...
};

ParsedHelp parseHelp(const QString& text) {
  ParsedHelp help;
  const QStringList lines = text.split(QLatin1Char('\n'));
  QList<HelpEntry>* section = nullptr;
  bool beforeUsage = true;
  for (int i = 0; i < lines.size(); ++i) {
    const QString& line = lines[i];
    if (line.startsWith(QLatin1String("Usage:"))) {
      help.usage = line;
      beforeUsage = false;
      continue;
    }
    if (beforeUsage) {
      help.description += line.trimmed();
      continue;
    }
    const QString heading = line.trimmed().toLower();
    if (!line.startsWith(QLatin1Char(' ')) && heading.endsWith(QLatin1Char(':'))) {
      section = heading.startsWith(QLatin1String("subcommand")) ? &help.subcommands
                : (heading.startsWith(QLatin1String("option")) || heading.startsWith(QLatin1String("positional")))
                    ? &help.options
                    : nullptr;
      continue;
    }
    // An entry starts with exactly two spaces; deeper indentation continues the previous entry.
    if (!section || !line.startsWith(QLatin1String("  ")) || line.size() < 3 || line[2] == QLatin1Char(' '))
      continue;
    HelpEntry entry;
    entry.name = line.left(kDescriptionColumn).trimmed();
    if (line.size() > kDescriptionColumn && line[kDescriptionColumn - 1] == QLatin1Char(' '))
      entry.description = line.mid(kDescriptionColumn).trimmed();
    else if (line.trimmed().size() >= kDescriptionColumn - 2) // long name: description on the next line
    {
      entry.name = line.trimmed();
      if (i + 1 < lines.size() && lines[i + 1].startsWith(QString(kDescriptionColumn, QLatin1Char(' '))))
        entry.description = lines[i + 1].trimmed();
    }
    section->append(entry);
    if (section == &help.options)
      for (const QString& part : entry.name.split(QLatin1Char(' ')).constFirst().split(QLatin1Char(',')))
        if (part.startsWith(QLatin1Char('-')))
          help.optionNames << part;
  }
  return help;
}

QString helpText(const QStringList& path, int* exitCode) {
  const auto result = runCli(path + QStringList{QStringLiteral("--help")}, 60000);
  *exitCode = result.exitCode;
  return QString::fromUtf8(result.out);
}

/// Every command path ({} = the top level, {"teacher", "check"}, ...) with its parsed help.
QMap<QStringList, ParsedHelp> commandTree() {
  QMap<QStringList, ParsedHelp> tree;
  QList<QStringList> pending{QStringList{}};
  while (!pending.isEmpty()) {
    const QStringList path = pending.takeFirst();
    int exitCode = -1;
    ParsedHelp help = parseHelp(helpText(path, &exitCode));
    help.exitCode = exitCode;
    tree.insert(path, help);
    for (const HelpEntry& sub : help.subcommands)
      pending.append(path + QStringList{sub.name.split(QLatin1Char(' ')).constFirst()});
  }
  return tree;
}

/// The code in a Markdown text: fenced blocks (continuation lines joined) and inline `spans`.
QStringList codeSegments(const QString& markdown) {
  QStringList segments;
  bool fenced = false;
  QString pending;
  for (const QString& line : markdown.split(QLatin1Char('\n'))) {
    if (line.trimmed().startsWith(QLatin1String("```"))) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      pending += line;
      if (pending.endsWith(QLatin1Char('\\'))) {
        pending.chop(1);
        continue;
      }
      segments << pending;
      pending.clear();
      continue;
    }
    static const QRegularExpression inlineCode(QStringLiteral("`([^`]+)`"));
    for (auto it = inlineCode.globalMatch(line); it.hasNext();)
      segments << it.next().captured(1);
  }
  return segments;
}

/// The words of each distillery-cli invocation in a code segment, up to the end of the command.
QList<QStringList> invocations(const QString& segment) {
  QList<QStringList> result;
  static const QRegularExpression program(QStringLiteral("(^|[\\s/])distillery-cli(?=\\s|$)"));
  for (auto it = program.globalMatch(segment); it.hasNext();) {
    const auto match = it.next();
    QString rest = segment.mid(match.capturedEnd());
    static const QRegularExpression end(QStringLiteral("&&|\\|\\||[|;#]"));
    const auto stop = end.match(rest);
    if (stop.hasMatch())
      rest.truncate(stop.capturedStart());
    result << rest.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
  }
  return result;
}

} // namespace

class TestCliHelp : public QObject {
  Q_OBJECT

private slots:
  void initTestCase() {
    tree_ = commandTree();
    QVERIFY2(tree_.size() > 5, "distillery-cli --help lists too few subcommands");
  }

  void topLevelHelpDescribesTheTool() {
    const ParsedHelp& help = tree_.value({});
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.description.contains(QLatin1String("financial filings")), qPrintable(help.description));
    QVERIFY2(help.usage.contains(QLatin1String("distillery-cli")), qPrintable(help.usage));
    QVERIFY(help.optionNames.contains(QLatin1String("--version")));
    QVERIFY(help.optionNames.contains(QLatin1String("--help")));
    const auto version = runCli({QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(QString::fromUtf8(version.out).trimmed(), QStringLiteral("distillery-cli " DISTILLERY_VERSION));
  }

  void everySubcommandHelpIsComplete() {
    QStringList problems;
    for (auto it = tree_.cbegin(); it != tree_.cend(); ++it) {
      const QString command = (QStringList{QStringLiteral("distillery-cli")} + it.key()).join(QLatin1Char(' '));
      const ParsedHelp& help = it.value();
      if (help.exitCode != 0)
        problems << command + QStringLiteral(" --help exits ") + QString::number(help.exitCode);
      if (help.description.size() < 10)
        problems << command + QStringLiteral(": no description before Usage");
      if (!help.usage.contains(command))
        problems << command + QStringLiteral(": usage line '") + help.usage + QStringLiteral("' does not name it");
      for (const HelpEntry& entry : help.options + help.subcommands)
        if (entry.description.size() < 3)
          problems << command + QStringLiteral(": '") + entry.name + QStringLiteral("' has no description");
      if (!it.key().isEmpty() && !help.optionNames.contains(QLatin1String("--help")))
        problems << command + QStringLiteral(": no --help option listed");
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
  }

  void helpParserSeesOptionsAndDescriptions() {
    // Guards the parser itself: a command known to have required options must show them with text.
    const ParsedHelp& init = tree_.value({QStringLiteral("init")});
    QVERIFY(init.optionNames.contains(QLatin1String("--store")));
    bool described = false;
    for (const HelpEntry& entry : init.options)
      described |= entry.name.startsWith(QLatin1String("--store")) && !entry.description.isEmpty();
    QVERIFY(described);
  }

  void readmeNamesOnlyRealCommandsAndOptions() {
    QFile readme(QStringLiteral(DISTILLERY_SOURCE_DIR "/README.md"));
    QVERIFY2(readme.open(QIODevice::ReadOnly), "README.md not found");
    const QString markdown = QString::fromUtf8(readme.readAll());
    QStringList problems;
    QSet<QStringList> documented;
    int checked = 0;
    for (const QString& segment : codeSegments(markdown)) {
      for (const QStringList& words : invocations(segment)) {
        QStringList path;
        int i = 0;
        for (; i < words.size(); ++i) {
          bool isSubcommand = false;
          for (const HelpEntry& sub : tree_.value(path).subcommands)
            isSubcommand |= sub.name.split(QLatin1Char(' ')).constFirst() == words[i];
          if (!isSubcommand)
            break;
          path << words[i];
        }
        const QString shown = QStringLiteral("distillery-cli ") + words.join(QLatin1Char(' '));
        // `distillery-cli COMMAND --help`, `<cmd>`: a placeholder, not a command name.
        static const QRegularExpression placeholder(QStringLiteral("^(<.*|[A-Z][A-Z_]*)$"));
        if (i < words.size() && placeholder.match(words[i]).hasMatch())
          continue;
        if (path.isEmpty() && i < words.size() && !words[i].startsWith(QLatin1Char('-'))) {
          problems << QStringLiteral("README: '") + shown + QStringLiteral("': no subcommand '") + words[i] +
                          QStringLiteral("'");
          continue;
        }
        if (!path.isEmpty() && !tree_.value(path).subcommands.isEmpty() && i < words.size() &&
            !words[i].startsWith(QLatin1Char('-'))) {
          problems << QStringLiteral("README: '") + shown + QStringLiteral("': '") + path.join(QLatin1Char(' ')) +
                          QStringLiteral("' has no subcommand '") + words[i] + QStringLiteral("'");
          continue;
        }
        documented.insert(path);
        for (; i < words.size(); ++i) {
          const QString option = words[i].section(QLatin1Char('='), 0, 0);
          if (!option.startsWith(QLatin1Char('-')) || option == QLatin1String("-"))
            continue;
          ++checked;
          if (!tree_.value(path).optionNames.contains(option))
            problems << QStringLiteral("README: '") + shown + QStringLiteral("': option ") + option +
                            QStringLiteral(" is not in 'distillery-cli ") + path.join(QLatin1Char(' ')) +
                            QStringLiteral(" --help'");
        }
      }
    }
    QVERIFY2(checked > 10, "the README shows too few distillery-cli options to be a user guide");
    // Every leaf command a user can run appears in the README at least once.
    for (auto it = tree_.cbegin(); it != tree_.cend(); ++it)
      if (!it.key().isEmpty() && it.value().subcommands.isEmpty() && !documented.contains(it.key()))
        problems << QStringLiteral("README never shows 'distillery-cli ") + it.key().join(QLatin1Char(' ')) +
                        QStringLiteral("'");
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
  }

  void manPageListsExactlyTheCommands() {
    QFile page(QStringLiteral(DISTILLERY_SOURCE_DIR "/packaging/man/distillery-cli.1"));
    QVERIFY2(page.open(QIODevice::ReadOnly), "packaging/man/distillery-cli.1 not found");
    // Under .SH COMMANDS each entry is ".TP" then ".B <command words>".
    QSet<QStringList> listed;
    bool inCommands = false;
    QString previous;
    for (const QString& line : QString::fromUtf8(page.readAll()).split(QLatin1Char('\n'))) {
      if (line.startsWith(QLatin1String(".SH")))
        inCommands = line == QLatin1String(".SH COMMANDS");
      else if (inCommands && previous == QLatin1String(".TP") && line.startsWith(QLatin1String(".B ")))
        listed.insert(line.mid(3).split(QLatin1Char(' ')));
      previous = line;
    }
    QStringList problems;
    for (auto it = tree_.cbegin(); it != tree_.cend(); ++it)
      if (!it.key().isEmpty() && it.value().subcommands.isEmpty() && !listed.contains(it.key()))
        problems << QStringLiteral("distillery-cli.1 lacks '") + it.key().join(QLatin1Char(' ')) + QLatin1Char('\'');
    for (const QStringList& command : listed)
      if (!tree_.contains(command))
        problems << QStringLiteral("distillery-cli.1 lists '") + command.join(QLatin1Char(' ')) +
                        QStringLiteral("', which distillery-cli --help does not");
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
  }

  void readmeTeacherConfigsAreValid() {
    QFile readme(QStringLiteral(DISTILLERY_SOURCE_DIR "/README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    static const QRegularExpression jsonBlock(QStringLiteral("```json\\n(.*?)```"),
                                              QRegularExpression::DotMatchesEverythingOption);
    QStringList kinds;
    for (auto it = jsonBlock.globalMatch(QString::fromUtf8(readme.readAll())); it.hasNext();) {
      const std::string text = it.next().captured(1).toStdString();
      const auto json = nlohmann::json::parse(text, nullptr, false);
      QVERIFY2(!json.is_discarded(), text.c_str());
      if (!json.contains("kind"))
        continue; // another kind of example (e.g. a metadata.jsonl line)
      try {
        const auto config = distillery::teacher::TeacherConfig::fromJson(json);
        kinds << QString::fromStdString(config.baseUrl);
      } catch (const distillery::InputError& e) {
        QFAIL(qPrintable(QStringLiteral("README teacher config %1: %2").arg(QString::fromStdString(text), e.what())));
      }
    }
    // OpenAI, vLLM, llama.cpp server and Ollama each have an example.
    QVERIFY2(kinds.size() >= 4, qPrintable(kinds.join(QLatin1Char(' '))));
  }

private:
  QMap<QStringList, ParsedHelp> tree_;
};

QTEST_GUILESS_MAIN(TestCliHelp)
#include "test_cli_help.moc"
