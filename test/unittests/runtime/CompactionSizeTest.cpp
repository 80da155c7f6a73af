//===- CompactionSizeTest.cpp - how small a program compaction makes ------===//

#include "runtime/exec/CompactionSize.h"

#include <gtest/gtest.h>

using namespace sweep;

TEST(CompactionSize, CompilingBackendsOfferAFineSizeAndThePowerOfTwo) {
  using Sizes = std::vector<size_t>;
  EXPECT_EQ(compilingCompactionSizes(1), Sizes({1}));
  EXPECT_EQ(compilingCompactionSizes(5), Sizes({5, 8}));
  EXPECT_EQ(compilingCompactionSizes(8), Sizes({8}));
  EXPECT_EQ(compilingCompactionSizes(13), Sizes({13, 16}));
  EXPECT_EQ(compilingCompactionSizes(17), Sizes({18, 32})); // Sixteenths of 32: steps of 2.
  // A GPU program of 12,500 runs after asha's first rung: 4,608 runs (442 of
  // them stopped) instead of 8,192 (4,026 stopped).
  EXPECT_EQ(compilingCompactionSizes(4166), Sizes({4608, 8192}));
  for (size_t alive = 1; alive <= 5000; ++alive) {
    Sizes sizes = compilingCompactionSizes(alive);
    ASSERT_GE(sizes.front(), alive);
    // Less than an eighth padding (none below 16 runs).
    EXPECT_LT(double(sizes.front() - alive), double(sizes.front()) / 8.0 + 0.5) << alive;
    if (alive <= 16) {
      EXPECT_EQ(sizes.front(), alive);
    }
  }
}

TEST(CompactionSize, TakesTheLargestSavingNetOfCompiling) {
  // 16 runs, 5 alive, 1 s an epoch, 4 epochs left, no later programs.
  CompactionCase program{16, 1.0, 4, 0};
  auto nothingToCompile = [](size_t) { return 0.0; };
  // Free either way: the exact size saves more (4 * 11/16 s against 4 * 8/16).
  EXPECT_EQ(chooseCompactionSize(program, {5, 8}, nothingToCompile), 5u);
  // 8 runs already compiled, 5 not and compiling costs 1 s: 2.75 - 1 < 2.
  auto eightCompiled = [](size_t runs) { return runs == 8 ? 0.0 : 1.0; };
  EXPECT_EQ(chooseCompactionSize(program, {5, 8}, eightCompiled), 8u);
  // With 3 later programs that reuse the code, the saving is 4x: 11 - 1 > 8.
  program.laterChunks = 3;
  EXPECT_EQ(chooseCompactionSize(program, {5, 8}, eightCompiled), 5u);
  // Nothing saves more than it costs: no compaction.
  CompactionCase lastEpochs{16, 0.01, 1, 0};
  EXPECT_EQ(chooseCompactionSize(lastEpochs, {5, 8}, [](size_t) { return 1.0; }), 0u);
  // Sizes not below the program's own are no compaction.
  CompactionCase small{8, 1.0, 4, 0};
  EXPECT_EQ(chooseCompactionSize(small, {8}, nothingToCompile), 0u);
  EXPECT_EQ(chooseCompactionSize(small, {}, nothingToCompile), 0u);
}
