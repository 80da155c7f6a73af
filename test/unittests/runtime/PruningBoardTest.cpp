//===- PruningBoardTest.cpp - asha and median verdicts, by hand -----------===//

#include "runtime/exec/PruningBoard.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace sweep;

namespace {
/// One group of `runs` runs training `epochs` epochs under `rule`.
SweepJob boardJob(PruneSpec rule, size_t runs, int64_t epochs) {
  SweepJob job;
  job.prune = rule;
  GroupSpec group;
  group.epochs = epochs;
  for (size_t r = 0; r < runs; ++r) {
    group.runs.push_back(uint32_t(r));
    job.runs.push_back(RunSpec());
  }
  job.groups.push_back(group);
  return job;
}

std::vector<size_t> positions(size_t from, size_t to) {
  std::vector<size_t> out;
  for (size_t p = from; p < to; ++p)
    out.push_back(p);
  return out;
}

/// Group 0: 2 runs of 1 epoch; group 1: 2 runs of 8 (positions 2 and 3).
SweepJob shortThenLongGroup(PruneSpec rule) {
  SweepJob job = boardJob(rule, 2, 1);
  GroupSpec longer;
  longer.epochs = 8;
  for (uint32_t r = 2; r < 4; ++r) {
    longer.runs.push_back(r);
    job.runs.push_back(RunSpec());
  }
  job.groups.push_back(longer);
  return job;
}

PruneSpec asha(int64_t reduction, int64_t grace) {
  PruneSpec rule;
  rule.kind = PruneKind::Asha;
  rule.reduction = reduction;
  rule.grace = grace;
  return rule;
}
} // namespace

TEST(PruningBoard, AshaRungsAreGraceTimesPowersOfTheReduction) {
  PruningBoard board(boardJob(asha(3, 2), 1, 100));
  std::vector<int64_t> rungs;
  for (int64_t epoch = 1; epoch <= 100; ++epoch)
    if (board.looksAt(epoch))
      rungs.push_back(epoch);
  EXPECT_EQ(rungs, (std::vector<int64_t>{2, 6, 18, 54}));
}

// The example worked by hand in docs/language.md ("Pruning"): 12 runs, 9 epochs,
// reduction 3, rungs at epochs 1 and 3 (9 is the last epoch: never judged).
TEST(PruningBoard, AshaKeepsTheBestThirdOfEverythingRecordedAtTheRung) {
  PruningBoard board(boardJob(asha(3, 1), 12, 9));
  // Program A (runs 0-8) at rung 1: n = 9, the best 3 (0.1, 0.2, 0.3) go on.
  std::vector<double> a = {0.9, 0.5, 0.7, 0.1, 0.8, 0.3, 0.6, 0.2, 0.4};
  EXPECT_EQ(board.judge(1, positions(0, 9), a, a),
            (std::vector<bool>{false, false, false, true, false, true, false, true, false}));
  // Program B (runs 9-11) at rung 1: n = 12, the best 4 are 0.05, 0.1, 0.2, 0.25.
  std::vector<double> b = {0.25, 0.35, 0.05};
  EXPECT_EQ(board.judge(1, positions(9, 12), b, b), (std::vector<bool>{true, false, true}));
  for (size_t p : {0, 1, 2, 4, 6, 8, 10})
    board.leave(p, 1);
  // Rung 3: A's runs 3, 5, 7 are ranked alone (n = 3, k = 1); then B's 9 and 11
  // join them (n = 5, k = 1): 0.08 beats A's best, 0.09.
  std::vector<double> a3 = {0.09, 0.15, 0.12};
  EXPECT_EQ(board.judge(3, {3, 5, 7}, a3, a3), (std::vector<bool>{true, false, false}));
  std::vector<double> b3 = {0.11, 0.08};
  EXPECT_EQ(board.judge(3, {9, 11}, b3, b3), (std::vector<bool>{false, true}));
  // Epoch 9 is a rung, but the runs' last epoch: not judged.
  EXPECT_TRUE(board.looksAt(9));
  EXPECT_EQ(board.judge(9, {3}, {0.5}, {0.5}), (std::vector<bool>{true}));
}

// asha ranks what the runs recorded at the rung, and a run goes on on its
// value there, not its best of earlier rungs. Regression: a run whose epoch-1
// value was the best went on at rung 3 with the worst value recorded there,
// while a better one stopped.
TEST(PruningBoard, AshaJudgesTheValueAtTheRungNotTheBestSoFar) {
  PruningBoard board(boardJob(asha(3, 1), 4, 9));
  // Rung 3, n = 4, k = 1: the best value recorded there is 0.60 (run 1).
  std::vector<double> values = {0.70, 0.60, 0.65, 0.69};
  std::vector<double> bests = {0.30, 0.60, 0.65, 0.69}; // Run 0 was best at rung 1.
  EXPECT_EQ(board.judge(3, positions(0, 4), values, bests),
            (std::vector<bool>{false, true, false, false}));
}

TEST(PruningBoard, HigherIsBetterForAccuracy) {
  PruneSpec rule = asha(2, 1);
  rule.metric = PruneMetric::ValAccuracy;
  PruningBoard board(boardJob(rule, 4, 4));
  std::vector<double> accuracy = {0.5, 0.9, 0.7, 0.2};
  EXPECT_EQ(board.judge(1, positions(0, 4), accuracy, accuracy),
            (std::vector<bool>{false, true, true, false}));
}

TEST(PruningBoard, MedianStopsRunsWhoseBestIsWorseThanTheMedian) {
  PruneSpec rule;
  rule.kind = PruneKind::Median;
  rule.grace = 2;
  rule.minRuns = 2;
  PruningBoard board(boardJob(rule, 7, 5));
  EXPECT_FALSE(board.looksAt(1));
  EXPECT_TRUE(board.looksAt(2));
  // Runs 0-1 alone: each has one other run, fewer than min_runs: none judged.
  std::vector<double> first = {0.9, 0.1};
  EXPECT_EQ(board.judge(2, positions(0, 2), first, first), (std::vector<bool>{true, true}));
  // Runs 2-5 with them: values 0.9 0.1 0.4 0.2 0.6 0.3, median (0.3 + 0.4) / 2.
  // Run 2's best so far (0.3, from an earlier epoch) beats it; 0.4 and 0.6 do not.
  std::vector<double> values = {0.4, 0.2, 0.6, 0.3}, bests = {0.3, 0.2, 0.6, 0.3};
  EXPECT_EQ(board.judge(2, positions(2, 6), values, bests),
            (std::vector<bool>{true, true, false, true}));
  // Run 6: seven values, median 0.4; ties go on.
  EXPECT_EQ(board.judge(2, {6}, {0.4}, {0.4}), (std::vector<bool>{true}));
}

TEST(PruningBoard, LaterProgramsWaitForEarlierOnesWhateverTheOrderOfCalls) {
  PruningBoard board(boardJob(asha(3, 1), 12, 9));
  std::vector<double> a = {0.9, 0.5, 0.7, 0.1, 0.8, 0.3, 0.6, 0.2, 0.4};
  std::vector<double> b = {0.25, 0.35, 0.05};
  std::atomic<bool> bDone{false};
  std::vector<bool> bVerdicts;
  std::thread later([&] {
    bVerdicts = board.judge(1, positions(9, 12), b, b);
    bDone = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(bDone) << "program B was judged before the runs before it reported";
  board.judge(1, positions(0, 9), a, a);
  later.join();
  EXPECT_EQ(bVerdicts, (std::vector<bool>{true, false, true}));
}

TEST(PruningBoard, RunsThatLeaveOrWereReplayedDoNotBlock) {
  PruningBoard board(boardJob(asha(3, 1), 6, 9));
  // Run 0 finished in an earlier invocation with 0.1 at epoch 1; run 1 diverged
  // in epoch 1 (it never reports it); run 2 was cut short before epoch 1.
  board.replay(0, 1, 0.1);
  board.leave(0, 1);
  board.leave(1, 0);
  board.leave(2, 0);
  // Runs 3-5: n = 4 with the replayed 0.1, k = 1: only a run as good as 0.1 goes on.
  std::vector<double> values = {0.1, 0.3, 0.05};
  EXPECT_EQ(board.judge(1, positions(3, 6), values, values),
            (std::vector<bool>{false, false, true}));
}

// Verdicts given without a run cut short (the energy budget, an error) are not
// an uninterrupted sweep's: judge says so, from the epoch after its last on,
// for the runs after it. Regression: they were recorded, and a resume kept them.
TEST(PruningBoard, VerdictsWithoutARunCutShortAreIncomplete) {
  PruningBoard board(boardJob(asha(2, 1), 6, 9));
  std::vector<double> first = {0.1, 0.2};
  bool complete = false;
  EXPECT_EQ(board.judge(1, positions(0, 2), first, first, &complete),
            (std::vector<bool>{true, false}));
  EXPECT_TRUE(complete);
  // Run 0 is cut short after epoch 1: epoch 1's verdicts after it stand.
  board.leave(0, 1, /*cutShort=*/true);
  board.leave(1, 1); // Stopped by the rule: no loss to the verdicts.
  std::vector<double> values = {0.3, 0.4};
  EXPECT_EQ(board.judge(1, positions(2, 4), values, values, &complete),
            (std::vector<bool>{false, false}));
  EXPECT_TRUE(complete);
  // At rung 2 it is missing.
  board.judge(2, positions(2, 3), {0.3}, {0.3}, &complete);
  EXPECT_FALSE(complete);
  // A run that left after its last epoch, or before epochs it never reaches
  // for another reason, is no loss.
  PruningBoard stopped(boardJob(asha(2, 1), 4, 9));
  stopped.leave(0, 1);
  stopped.judge(2, positions(1, 3), {0.3, 0.2}, {0.3, 0.2}, &complete);
  EXPECT_TRUE(complete);
}

// What is not judged lacks nothing: the runs' last epoch (every verdict "go
// on"), and epochs past the end of a cut-short run's group. Regression: both
// were incomplete, and fully trained programs were dropped and trained again.
TEST(PruningBoard, NothingIsMissingWhereNoRunIsJudged) {
  PruningBoard last(boardJob(asha(2, 1), 4, 2)); // Rungs 1 and 2; 2 is the last epoch.
  last.leave(0, 1, /*cutShort=*/true);
  bool complete = false;
  EXPECT_EQ(last.judge(2, positions(1, 4), {0.3, 0.2, 0.1}, {0.3, 0.2, 0.1}, &complete),
            (std::vector<bool>{true, true, true}));
  EXPECT_TRUE(complete);
  PruningBoard ended(shortThenLongGroup(asha(2, 1)));
  ended.leave(0, 0, /*cutShort=*/true); // Cut before its only epoch.
  ended.judge(2, positions(2, 4), {0.3, 0.2}, {0.3, 0.2}, &complete);
  EXPECT_TRUE(complete);
}

TEST(PruningBoard, GroupsThatEndBeforeARungAreNotWaitedFor) {
  PruningBoard board(shortThenLongGroup(asha(2, 1)));
  // Rung 2: group 0's runs never get there; group 1's runs are ranked alone.
  std::vector<double> values = {0.3, 0.2};
  EXPECT_EQ(board.judge(2, positions(2, 4), values, values), (std::vector<bool>{false, true}));
}
