//===- InterruptNoticeTest.cpp - what an interrupted sweep says -----------===//
//
// The signals themselves are sent in test/Integration/CPU/interrupt-notice.test;
// here the message and the quoting of the command it gives.

#include "runtime/driver/InterruptNotice.h"
#include "runtime/driver/ShellWord.h"

#include <gtest/gtest.h>

#include <csignal>

using namespace sweep;

TEST(ShellWord, QuotesOnlyWhatTheShellWouldSplitOrExpand) {
  EXPECT_EQ(shellWord("examples/fashion_mlp.sweep"), "examples/fashion_mlp.sweep");
  EXPECT_EQ(shellWord("--results=out/a-1,b+c@d:e%f"), "--results=out/a-1,b+c@d:e%f");
  EXPECT_EQ(shellWord("my runs/x.sweep"), "'my runs/x.sweep'");
  EXPECT_EQ(shellWord("$HOME"), "'$HOME'");
  EXPECT_EQ(shellWord("it's"), "'it'\\''s'");
  EXPECT_EQ(shellWord(""), "''");
  EXPECT_EQ(shellWord("=ls"), "'=ls'");
}

TEST(InterruptNotice, SaysWhatFinishedWhereAndHowToGoOn) {
  std::atomic<size_t> finished{3};
  InterruptNotice notice("sweepc", "results/s", "sweepc run s.sweep --resume", finished, 24);
  EXPECT_EQ(notice.message(3),
            "sweepc: interrupted; 3 of 24 runs finished; the results so far are in results/s "
            "(runs.csv, curves.csv), and `sweepc run s.sweep --resume` trains the rest\n");
}

TEST(InterruptNotice, LeavesCountsOutWhenItKnowsOnlyAShare) {
  std::atomic<size_t> finished{0};
  InterruptNotice notice("sweepc", "results/s", "sweepc run s.sweep --resume", finished, 0);
  EXPECT_EQ(notice.message(0), "sweepc: interrupted; the results so far are in results/s "
                               "(runs.csv, curves.csv), and `sweepc run s.sweep --resume` "
                               "trains the rest\n");
}

TEST(InterruptNotice, PutsTheHandlersBackWhenItEnds) {
  struct sigaction before, during, after;
  ASSERT_EQ(::sigaction(SIGTERM, nullptr, &before), 0);
  if (before.sa_handler == SIG_IGN)
    GTEST_SKIP() << "started with SIGTERM ignored: the notice leaves it so";
  {
    std::atomic<size_t> finished{0};
    InterruptNotice notice("sweepc", "results/s", "sweepc run s.sweep --resume", finished, 1);
    ASSERT_EQ(::sigaction(SIGTERM, nullptr, &during), 0);
    EXPECT_NE(during.sa_handler, before.sa_handler);
  }
  ASSERT_EQ(::sigaction(SIGTERM, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
}
