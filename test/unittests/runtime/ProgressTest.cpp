//===- ProgressTest.cpp - the status line of a training sweep ------------===//
//
// What the status line says while several programs train at once, and when
// runs that stop early are counted.
//
//===----------------------------------------------------------------------===//

#include "runtime/exec/Progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

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
