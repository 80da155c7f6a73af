//===- CompileProgressTest.cpp - progress while groups compile ------------===//

#include "runtime/exec/CompileProgress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

using namespace sweep;

namespace {
/// What a CompileProgress of `total` programs prints when programReady is
/// called once per entry of `cached` (its argument), then finish().
std::string printed(Progress::Mode mode, size_t total, double logSeconds,
                    const std::vector<size_t> &cached) {
  FILE *out = std::tmpfile();
  if (!out)
    return "(no temporary file)";
  {
    CompileProgress progress(mode, "s", total, out, logSeconds);
    for (size_t fromCache : cached)
      progress.programReady(fromCache);
    progress.finish();
  }
  std::fflush(out);
  std::rewind(out);
  std::string text;
  for (int c; (c = std::fgetc(out)) != EOF;)
    text += char(c);
  std::fclose(out);
  return text;
}
} // namespace

TEST(CompileProgress, ALogGetsALinePerIntervalWithTheCacheAndAnEta) {
  // An interval of 0: a line per program. No ETA before a program was
  // compiled (cached ones take no time), none on the last line, and nothing
  // to clear in a log.
  EXPECT_EQ(printed(Progress::Mode::Log, 3, 0.0, {1, 1, 1}),
            "[s] compiled 1/3 programs (1 from the compile cache), 0s elapsed, ETA ?\n"
            "[s] compiled 2/3 programs (1 from the compile cache), 0s elapsed, ETA 0s\n"
            "[s] compiled 3/3 programs (1 from the compile cache), 0s elapsed\n");
}

TEST(CompileProgress, AShortCompileLogsNothing) {
  EXPECT_EQ(printed(Progress::Mode::Log, 2, 60.0, {0, 0}), "");
}

TEST(CompileProgress, ATerminalLineIsRedrawnThenCleared) {
  EXPECT_EQ(printed(Progress::Mode::Terminal, 1, 5.0, {0}),
            "\r\033[K[s] compiled 1/1 program, 0s elapsed\r\033[K");
}

TEST(CompileProgress, QuietPrintsNothing) {
  EXPECT_EQ(printed(Progress::Mode::Quiet, 1, 0.0, {0}), "");
}

namespace {
std::string readBack(FILE *out) {
  std::fflush(out);
  std::rewind(out);
  std::string text;
  for (int c; (c = std::fgetc(out)) != EOF;)
    text += char(c);
  return text;
}
} // namespace

// Training on the GPU starts before compiling ends: its progress line takes
// the terminal, so the compile line is cleared once and not drawn again (a
// log goes on with its lines: ALogGetsALinePerInterval...).
TEST(CompileProgress, TrainingTakesOverTheTerminalWhileCompilingGoesOn) {
  FILE *out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    CompileProgress progress(Progress::Mode::Terminal, "s", 3, out);
    // Past the terminal's redraw interval (0.1 s), so the line is drawn.
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    progress.programReady(0);
    EXPECT_EQ(progress.handOverTerminal(), 1u);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    progress.programReady(0);
    progress.programReady(0);
    progress.finish();
  }
  EXPECT_EQ(readBack(out), "\r\033[K[s] compiled 1/3 programs, 0s elapsed, ETA 0s\r\033[K");
  std::fclose(out);
}
