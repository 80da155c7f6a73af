//===- PhiloxTest.cpp - Philox4x32-10 known-answer tests ------------------===//
//
// The vectors are Random123's kat_vectors for philox4x32 with 10 rounds.
//
//===----------------------------------------------------------------------===//

#include "runtime/rng/Philox.h"

#include <gtest/gtest.h>

#include <set>

using namespace sweep;

TEST(Philox, KnownAnswerZero) {
  PhiloxBlock out = philox4x32({0, 0, 0, 0}, {0, 0});
  EXPECT_EQ(out, (PhiloxBlock{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
}

TEST(Philox, KnownAnswerAllOnes) {
  PhiloxBlock out = philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                               {0xffffffff, 0xffffffff});
  EXPECT_EQ(out, (PhiloxBlock{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
}

TEST(Philox, KnownAnswerPi) {
  PhiloxBlock out = philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                               {0xa4093822, 0x299f31d0});
  EXPECT_EQ(out, (PhiloxBlock{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(Philox, UniformIsInUnitIntervalAndVaries) {
  PhiloxStream stream(42, 7);
  std::set<double> seen;
  double sum = 0;
  for (uint64_t i = 0; i < 10000; ++i) {
    double u = stream.uniform(i);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    seen.insert(u);
    sum += u;
  }
  EXPECT_EQ(seen.size(), 10000u);
  EXPECT_NEAR(sum / 10000, 0.5, 0.02);
}

TEST(Philox, StreamsAndSeedsAreIndependent) {
  EXPECT_NE(PhiloxStream(1, 0).uniform(0), PhiloxStream(2, 0).uniform(0));
  EXPECT_NE(PhiloxStream(1, 0).uniform(0), PhiloxStream(1, 1).uniform(0));
  EXPECT_EQ(PhiloxStream(1, 5).uniform(9), PhiloxStream(1, 5).uniform(9));
}
