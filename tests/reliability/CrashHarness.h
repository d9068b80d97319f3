#pragma once
// Kills distillery-cli at seeded random points of its work and resumes it, to check that a crash loses at most the
// step in flight. A kill point is a moment of an uninterrupted reference run, named by the stage the reference was in
// (its stderr line with the numbers taken out, and the round it belongs to) and the time since that stage began; a
// killed process is SIGKILLed that long after it reaches the same stage or a later one. Or it is a teacher call: the
// process dies once the endpoint has received that many calls, with calls in flight. So a seed gives the same stages
// and offsets on every machine, however fast it is.
#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <functional>
#include <random>
#include <vector>

#include "tests/support/TestSupport.h"

namespace distillery::test {

/// Splits a process's growing stderr into lines and names the stage of each.
class StageReader {
public:
  struct Line {
    QString text;
    QString stage; // "r<round>|<text without digits>"
    QString step;  // the round's step in flight ("judge", "train", ...), or "round 0"/"import" before any
  };

  /// Calls onLine for every complete line added since the last call.
  void feed(const QByteArray& err, const std::function<void(const Line&)>& onLine) {
    static const QRegularExpression digits(QStringLiteral("[0-9]+(\\.[0-9]+)?(e-?[0-9]+)?"));
    static const QRegularExpression round(QStringLiteral("^round ([0-9]+)"));
    static const QRegularExpression header(QStringLiteral("^round [0-9]+/[0-9]+ \\(([a-z ]+)\\)"));
    qsizetype end;
    while ((end = err.indexOf('\n', consumed_)) >= 0) {
      Line line;
      line.text = QString::fromUtf8(err.mid(consumed_, end - consumed_));
      consumed_ = end + 1;
      if (const auto match = round.match(line.text); match.hasMatch())
        round_ = match.captured(1).toInt();
      if (const auto match = header.match(line.text); match.hasMatch())
        step_ = match.captured(1);
      else if (line.text.startsWith(QStringLiteral("import")))
        step_ = QStringLiteral("import");
      line.step = step_;
      line.stage = QStringLiteral("r%1|").arg(round_) + QString(line.text).replace(digits, QString());
      onLine(line);
    }
  }

private:
  qsizetype consumed_ = 0;
  int round_ = 0;
  QString step_ = QStringLiteral("round 0");
};

/// The stages of an uninterrupted run, in the order they first appeared, with when (ms after its first line).
struct StageTimeline {
  QStringList stages;
  QStringList steps;
  QStringList firstLines;
  QList<qint64> startedMs;
  qint64 totalMs = 0;
  std::chrono::steady_clock::time_point origin; // when the first line arrived
  CliResult result;

  qint64 msSinceOrigin(std::chrono::steady_clock::time_point at) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at - origin).count();
  }

  int position(const QString& stage) const { return int(stages.indexOf(stage)); }
  /// The stage in flight at `ms`.
  int positionAt(qint64 ms) const {
    const auto later = std::upper_bound(startedMs.begin(), startedMs.end(), ms);
    return std::max(0, int(later - startedMs.begin()) - 1);
  }
  qint64 endMs(int position) const { return position + 1 < startedMs.size() ? startedMs[position + 1] : totalMs; }
};

/// Runs a command to the end, recording when each stage began.
inline StageTimeline recordTimeline(const QStringList& arguments) {
  StageTimeline timeline;
  StageReader reader;
  QElapsedTimer clock;
  const auto killed = runCliAndKill(arguments, [&](const QByteArray& err) {
    reader.feed(err, [&](const StageReader::Line& line) {
      if (!clock.isValid()) {
        clock.start();
        timeline.origin = std::chrono::steady_clock::now();
      }
      if (timeline.position(line.stage) < 0) {
        timeline.stages << line.stage;
        timeline.steps << line.step;
        timeline.firstLines << line.text;
        timeline.startedMs << clock.elapsed();
      }
    });
    return false;
  });
  timeline.totalMs = clock.isValid() ? clock.elapsed() : 0;
  timeline.result = killed.result;
  return timeline;
}

struct KillPoint {
  int position = 0; // stage of the reference timeline
  int delayMs = 0;  // after the killed process reaches that stage (or a later one)
  int calls = 0;    // instead: as soon as the teacher endpoint has received this many calls since the first process
};

/// `count` kill points spread over the whole timeline, one inside each stage whose step is in `mustHit` (in the
/// first half of the stage, so the kill lands there even when the resumed step runs faster), and `callPoints` at
/// teacher calls of the reference (`callMomentsMs`: when each arrived): a step that only talks to the endpoint can
/// be too quick to hit by time, but a call count lands while calls are in flight. In the order of the timeline.
inline std::vector<KillPoint> drawKillPoints(const StageTimeline& timeline, std::mt19937_64& random, int count,
                                             const QStringList& mustHit, const std::vector<qint64>& callMomentsMs = {},
                                             int callPoints = 0) {
  std::vector<std::pair<qint64, int>> moments; // (ms, call number or 0)
  std::uniform_int_distribution<qint64> anywhere(0, std::max<qint64>(0, timeline.totalMs - 1));
  for (int i = 0; i < count; ++i)
    moments.emplace_back(anywhere(random), 0);
  for (const QString& step : mustHit) {
    const int first = int(timeline.steps.indexOf(step));
    if (first < 0)
      continue;
    int last = first;
    while (last + 1 < timeline.steps.size() && timeline.steps[last + 1] == step)
      ++last;
    const qint64 from = timeline.startedMs[first], to = timeline.endMs(last);
    moments.emplace_back(
        std::uniform_int_distribution<qint64>(from, from + std::max<qint64>(0, (to - from) / 2))(random), 0);
  }
  for (int i = 0; i < callPoints && !callMomentsMs.empty(); ++i) {
    const auto call = std::uniform_int_distribution<std::size_t>(0, callMomentsMs.size() - 1)(random);
    moments.emplace_back(callMomentsMs[call], int(call) + 1);
  }
  std::sort(moments.begin(), moments.end());
  std::vector<KillPoint> points;
  for (const auto& [ms, call] : moments) {
    const int position = timeline.positionAt(ms);
    points.push_back({position, call > 0 ? 0 : int(ms - timeline.startedMs[position]), call});
  }
  return points;
}

/// What one kill did, for the test's log and failure messages.
struct KillRecord {
  KillPoint point;
  bool killed = false;
  QString lastLine; // the last line the process printed before it died
  QString step;     // the step it was in
};

/// Runs `arguments` once and SIGKILLs it at `point` of `timeline`; `receivedCalls` counts the calls the teacher
/// endpoint has received since the first process started (needed for call points).
inline KillRecord killAt(const QStringList& arguments, const StageTimeline& timeline, const KillPoint& point,
                         CliResult* printed = nullptr, const std::function<int()>& receivedCalls = {}) {
  StageReader reader;
  KillRecord record{point, false, {}, {}};
  const auto outcome = runCliAndKill(
      arguments,
      [&](const QByteArray& err) {
        bool reached = false;
        reader.feed(err, [&](const StageReader::Line& line) {
          record.lastLine = line.text;
          record.step = line.step;
          reached = reached || (point.calls == 0 && timeline.position(line.stage) >= point.position);
        });
        return reached || (point.calls > 0 && receivedCalls && receivedCalls() >= point.calls);
      },
      point.delayMs);
  // Lines printed during the delay tell where the kill landed.
  reader.feed(outcome.result.err, [&](const StageReader::Line& line) {
    record.lastLine = line.text;
    record.step = line.step;
  });
  record.killed = outcome.killed;
  if (printed)
    *printed = outcome.result;
  return record;
}

inline QString describe(const StageTimeline& timeline, const KillRecord& record) {
  const QString where = record.point.calls > 0 ? QStringLiteral("teacher call %1").arg(record.point.calls)
                                               : QStringLiteral("'%1' + %2 ms")
                                                     .arg(timeline.firstLines.value(record.point.position))
                                                     .arg(record.point.delayMs);
  return QStringLiteral("kill at %1: %2")
      .arg(where)
      .arg(record.killed ? QStringLiteral("killed in %1 after '%2'").arg(record.step, record.lastLine)
                         : QStringLiteral("finished first"));
}

} // namespace distillery::test
