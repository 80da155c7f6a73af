//===- CompactionSizeTest.cpp - how small a program compaction makes ------===//

#include "runtime/exec/CompactionSize.h"

#include <gtest/gtest.h>

using namespace sweep;

namespace {
using Offers = std::vector<CompactionSizeOffer>;
CompactionSizeOffer fine(size_t runs) { return {runs, false}; }
CompactionSizeOffer shared(size_t runs) { return {runs, true}; }
} // namespace

TEST(CompactionSize, CompilingBackendsOfferAFineSizeAndThePowerOfTwo) {
  EXPECT_EQ(compilingCompactionSizes(1), Offers({shared(1)}));
  EXPECT_EQ(compilingCompactionSizes(5), Offers({fine(5), shared(8)}));
  EXPECT_EQ(compilingCompactionSizes(8), Offers({shared(8)}));
  EXPECT_EQ(compilingCompactionSizes(13), Offers({fine(13), shared(16)}));
  EXPECT_EQ(compilingCompactionSizes(17), Offers({fine(18), shared(32)})); // Steps of 2.
  // A GPU program of 12,500 runs after asha's first rung: 4,608 runs (442 of
  // them stopped) instead of 8,192 (4,026 stopped).
  EXPECT_EQ(compilingCompactionSizes(4166), Offers({fine(4608), shared(8192)}));
  for (size_t alive = 1; alive <= 5000; ++alive) {
    Offers offers = compilingCompactionSizes(alive);
    ASSERT_TRUE(offers.size() == 1 || offers.size() == 2) << alive;
    size_t front = offers.front().runs, power = offers.back().runs;
    ASSERT_GE(front, alive);
    EXPECT_TRUE(offers.back().sharedWithLaterPrograms) << alive;
    EXPECT_EQ(power & (power - 1), 0u) << alive;                   // A power of two,
    EXPECT_LT(power / 2, alive) << alive;                          // the next one.
    EXPECT_LT(8 * (front - alive), front) << alive;                // Under an eighth padding,
    EXPECT_TRUE(alive > 16 || front == alive) << alive;            // none up to 16 runs.
    if (offers.size() == 2) {
      EXPECT_LT(front, power) << alive;
      EXPECT_FALSE(offers.front().sharedWithLaterPrograms) << alive;
    }
  }
}

TEST(CompactionSize, TakesTheLargestSavingNetOfCompiling) {
  // 16 runs, 5 alive, 1 s an epoch, 4 epochs left, no later programs.
  CompactionCase program{16, 5, 1.0, 4, 0};
  auto nothingToCompile = [](size_t) { return 0.0; };
  // Free either way: the fine size saves more (4 * 11/16 s against 4 * 8/16).
  EXPECT_EQ(chooseCompactionSize(program, {fine(5), shared(8)}, nothingToCompile), 5u);
  // 8 runs already compiled, 5 not and compiling costs 1 s: 2.75 - 1 < 2.
  auto eightCompiled = [](size_t runs) { return runs == 8 ? 0.0 : 1.0; };
  EXPECT_EQ(chooseCompactionSize(program, {fine(5), shared(8)}, eightCompiled), 8u);
  // Neither compiled, 3 s each: only the shared size, its cost divided among
  // this program and 3 later ones (2 - 0.75 > 0; 2.75 - 3 < 0).
  auto threeSeconds = [](size_t) { return 3.0; };
  EXPECT_EQ(chooseCompactionSize(program, {fine(5), shared(8)}, threeSeconds), 0u);
  program.laterChunks = 3;
  EXPECT_EQ(chooseCompactionSize(program, {fine(5), shared(8)}, threeSeconds), 8u);
  // Later programs do not share a fine size's compilation: 8 stays cheaper.
  program.laterChunks = 1000;
  EXPECT_EQ(chooseCompactionSize(program, {fine(5), shared(8)}, eightCompiled), 8u);
  // Nothing saves more than it costs: no compaction.
  CompactionCase lastEpochs{16, 5, 0.01, 1, 0};
  EXPECT_EQ(chooseCompactionSize(lastEpochs, {fine(5), shared(8)}, [](size_t) { return 1.0; }),
            0u);
  // A tie goes to the smaller size.
  CompactionCase tied{16, 4, 1.0, 4, 0};
  auto tie = [](size_t runs) { return runs == 4 ? 1.0 : 0.0; }; // 3 - 1 = 4 * 8/16 - 0.
  EXPECT_EQ(chooseCompactionSize(tied, {fine(4), shared(8)}, tie), 4u);
  // Sizes not below the program's, below the live runs, or 0 are no compaction.
  CompactionCase small{8, 5, 1.0, 4, 0};
  EXPECT_EQ(chooseCompactionSize(small, {shared(8)}, nothingToCompile), 0u);
  EXPECT_EQ(chooseCompactionSize(small, {fine(4), fine(0)}, nothingToCompile), 0u);
  EXPECT_EQ(chooseCompactionSize(small, {}, nothingToCompile), 0u);
}
