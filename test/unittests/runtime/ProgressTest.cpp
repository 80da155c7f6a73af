//===- ProgressTest.cpp - the status line of a training sweep ------------===//
//
// What the status line says while several programs train at once, and when
// runs that stop early are counted.
//
//===----------------------------------------------------------------------===//

#include "runtime/exec/Progress.h"
#include "runtime/exec/CompileProgress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

using namespace sweep;

namespace {
std::string readAll(FILE *file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  for (int c; (c = std::fgetc(file)) != EOF;)
    text += char(c);
  return text;
}

RunRecord diverged(uint64_t id, int64_t epoch) {
  RunRecord record;
  record.id = id;
  record.status = RunStatus::Diverged;
  record.stopReason = StopReason::NonFinite;
  record.statusEpoch = epoch;
  return record;
}
} // namespace

// Regression: one epoch number, overwritten by each program as it reported,
// went back and forth (4, 5, 4, 6, 7, 5) with two programs training.
TEST(Progress, TheEpochsOfProgramsTrainingAtOnce) {
  Progress progress(Progress::Mode::Quiet, "s", 10, 0, 100, "train_loss", false);
  EXPECT_EQ(progress.line().find("epoch"), std::string::npos) << progress.line();
  progress.advance(1, 1, 4, 10);
  EXPECT_NE(progress.line().find("0/10 runs, epoch 4/10, "), std::string::npos)
      << progress.line();
  progress.advance(1, 2, 6, 10);
  progress.advance(1, 1, 5, 10);
  EXPECT_NE(progress.line().find(", epochs 5-6/10, "), std::string::npos) << progress.line();
  progress.advance(1, 3, 3, 20); // Another group's program: 3 of 20 is behind 5 of 10.
  EXPECT_NE(progress.line().find(", epochs 3/20 to 6/10, "), std::string::npos)
      << progress.line();
  progress.programEnded(3);
  progress.programEnded(2);
  EXPECT_NE(progress.line().find(", epoch 5/10, "), std::string::npos) << progress.line();
}

// Regression: runs that diverged in epoch 1 were counted (and logged) only
// when their program ended, so the line said "0 diverged" meanwhile.
TEST(Progress, RunsThatStopAreCountedOnceWhenTheyStop) {
  FILE *out = std::tmpfile();
  ASSERT_TRUE(out);
  Progress progress(Progress::Mode::Log, "s", 3, 0, 30, "train_loss", false, out);
  progress.runStopped(7, StopReason::NonFinite, 1);
  progress.runStopped(8, StopReason::Asha, 2);
  EXPECT_NE(progress.line().find(", 1 diverged, 1 pruned"), std::string::npos) << progress.line();
  EXPECT_EQ(readAll(out), "[s] run 7 diverged (NaN/Inf) in epoch 1\n");
  progress.runFinished(diverged(7, 1), NAN, 9);
  EXPECT_NE(progress.line().find("1/3 runs, "), std::string::npos) << progress.line();
  EXPECT_NE(progress.line().find(", 1 diverged, 1 pruned"), std::string::npos) << progress.line();
  // A run whose stop was not reported before its record is counted then.
  progress.runFinished(diverged(9, 2), NAN, 8);
  EXPECT_NE(progress.line().find(", 2 diverged, 1 pruned"), std::string::npos) << progress.line();
  EXPECT_NE(readAll(out).find("[s] run 9 diverged (NaN/Inf) in epoch 2\n"), std::string::npos);
  std::fclose(out);
}

// Regression: the best value was printed with four decimals, "0.0000" for a
// val_mse of 1e-7.
TEST(Progress, TinyBestValuesKeepTheirDigits) {
  Progress progress(Progress::Mode::Quiet, "s", 2, 0, 2, "val_mse", false);
  RunRecord record;
  record.id = 3;
  progress.runFinished(record, 1.25e-7, 0);
  EXPECT_NE(progress.line().find("best val_mse 1.25e-07 (r3)"), std::string::npos)
      << progress.line();
}

// Regression: of two runs tied for the best, the line named the one that
// finished first, the leaderboard the lower run id.
TEST(Progress, TiesGoToTheLowerRunIdAsInTheLeaderboard) {
  Progress progress(Progress::Mode::Quiet, "s", 2, 0, 2, "val_accuracy", true);
  RunRecord later, earlier;
  later.id = 7;
  earlier.id = 3;
  progress.runFinished(later, 0.9, 0);
  progress.runFinished(earlier, 0.9, 0);
  EXPECT_NE(progress.line().find("(r3)"), std::string::npos) << progress.line();
}

// Regression: after a resume the line named the best run of this invocation,
// while the leaderboard named a better one the resume had found finished.
TEST(Progress, ResumedRunsCountForTheBestAndTheStopped) {
  FILE *out = std::tmpfile();
  ASSERT_TRUE(out);
  Progress progress(Progress::Mode::Log, "s", 3, 2, 10, "val_accuracy", true, out);
  RunRecord good;
  good.id = 6;
  progress.runResumed(good, 0.5);
  progress.runResumed(diverged(4, 2), NAN);
  RunRecord newer;
  newer.id = 13;
  progress.runFinished(newer, 0.48, 0);
  EXPECT_NE(progress.line().find("best val_accuracy 0.5000 (r6), 1 diverged"), std::string::npos)
      << progress.line();
  EXPECT_EQ(readAll(out).find("run 4 diverged"), std::string::npos)
      << "a resumed run's divergence is no news";
  std::fclose(out);
}

namespace {
/// A pseudo-terminal `columns` wide: `out` writes to it, read() what it shows.
struct NarrowTerminal {
  int master = -1;
  FILE *out = nullptr;
  explicit NarrowTerminal(unsigned short columns) {
    master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
      return;
    int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
    struct winsize size = {};
    size.ws_row = 24;
    size.ws_col = columns;
    if (slave < 0 || ::ioctl(slave, TIOCSWINSZ, &size) != 0)
      return;
    out = ::fdopen(slave, "w");
  }
  ~NarrowTerminal() {
    if (out)
      std::fclose(out);
    if (master >= 0)
      ::close(master);
  }
  std::string read() {
    std::fflush(out);
    std::string text;
    char buffer[4096];
    for (;;) {
      struct pollfd ready = {master, POLLIN, 0};
      if (::poll(&ready, 1, 100) <= 0)
        return text;
      ssize_t got = ::read(master, buffer, sizeof buffer);
      if (got <= 0)
        return text;
      text.append(buffer, size_t(got));
    }
  }
};
} // namespace

TEST(Progress, LinesAreCutToTheTerminalByCharacters) {
  EXPECT_EQ(fitToColumns("abcdef", 4), "abc");
  EXPECT_EQ(fitToColumns("abc", 4), "abc");
  EXPECT_EQ(fitToColumns("abcdef", 0), "abcdef");
  // Two-byte characters are cut whole, counted once.
  EXPECT_EQ(fitToColumns("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3), "\xC3\xA9\xC3\xA9");
}

// Regression: TERM=dumb got the \r\033[K redraws it cannot show.
TEST(Progress, ADumbTerminalGetsLogLines) {
  EXPECT_EQ(Progress::modeFor(false, true, "xterm-256color"), Progress::Mode::Terminal);
  EXPECT_EQ(Progress::modeFor(false, true, nullptr), Progress::Mode::Terminal);
  EXPECT_EQ(Progress::modeFor(false, true, "dumb"), Progress::Mode::Log);
  EXPECT_EQ(Progress::modeFor(false, false, "xterm"), Progress::Mode::Log);
  EXPECT_EQ(Progress::modeFor(true, true, "xterm"), Progress::Mode::Quiet);
}

// On a terminal 30 columns wide the status line is cut to 29 characters
// while it is redrawn, and the last one, which stays, is whole. Regressions:
// the last line lost the best run to the cut; the compile line was not cut,
// wrapped, and left a stale row at each redraw.
TEST(Progress, TheLastLineStaysWholeOnANarrowTerminal) {
  NarrowTerminal terminal(30);
  ASSERT_TRUE(terminal.out) << "no pseudo-terminal";
  Progress progress(Progress::Mode::Terminal, "sweep", 2, 0, 2, "val_accuracy", true,
                    terminal.out);
  RunRecord first, second;
  first.id = 0;
  second.id = 1;
  // Past the terminal's redraw interval (0.1 s), so the line is drawn.
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  progress.runFinished(first, 0.75, 0);
  std::string shown = terminal.read();
  size_t at = shown.rfind("\033[K");
  ASSERT_NE(at, std::string::npos) << shown;
  EXPECT_EQ(shown.substr(at + 3), std::string("[sweep] 1/2 runs, 0s elapsed, ETA 0s").substr(0, 29));
  progress.runFinished(second, 0.5, 0);
  progress.finish();
  shown = terminal.read();
  EXPECT_NE(shown.find("[sweep] 2/2 runs done in 0s, best val_accuracy 0.7500 (r0)"),
            std::string::npos)
      << shown;

  CompileProgress compiling(Progress::Mode::Terminal, "sweep", 2, terminal.out);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  compiling.programReady(0);
  compiling.programReady(0);
  shown = terminal.read();
  at = shown.rfind("\033[K");
  ASSERT_NE(at, std::string::npos) << shown;
  EXPECT_EQ(shown.substr(at + 3), std::string("[sweep] compiled 2/2 programs, 0s elapsed").substr(0, 29));
}
