//===- NormalDrawsTest.cpp - sweepc's normal draw, alone and eight at a time ===//
//
// A run's initial weights must be the same bits on every machine and every
// backend: the normal draw uses sweepc's own log and cosine, and the AVX-512
// code must give exactly the portable definition's values.
//
//===----------------------------------------------------------------------===//

#include "runtime/rng/NormalDraws.h"
#include "runtime/rng/Streams.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace sweep;

namespace {
/// Bitwise equality (a -0.0 against 0.0 would pass ==).
::testing::AssertionResult sameBits(double a, double b) {
  if (std::memcmp(&a, &b, sizeof a) == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::hexfloat << a << " != " << b;
}

/// The block whose top 53 bits of its halves are hi and lo.
PhiloxBlock blockOf(uint64_t hi, uint64_t lo) {
  uint64_t h = hi << 11, l = lo << 11;
  return {uint32_t(h >> 32), uint32_t(h), uint32_t(l >> 32), uint32_t(l)};
}

/// Box-Muller of the same halves in long double with the C library's log
/// and cosine.
long double reference(uint64_t hi, uint64_t lo) {
  long double u1 = (static_cast<long double>(hi) + 1) * 0x1.0p-53L;
  long double u2 = static_cast<long double>(lo) * 0x1.0p-53L;
  return std::sqrt(-2 * std::log(u1)) *
         std::cos(6.283185307179586476925286766559L * u2);
}
} // namespace

// The definition, pinned: a change to the arithmetic changes every run's
// initial weights, so it must be deliberate (these values then change too).
TEST(NormalDraws, DefinitionIsPinned) {
  PhiloxStream stream(42, stream::kInit);
  EXPECT_TRUE(sameBits(normalAt(stream, 0), -0x1.ed8476809d19p-1));
  EXPECT_TRUE(sameBits(normalAt(stream, 1), 0x1.36dead7b88b36p+0));
  EXPECT_TRUE(sameBits(normalAt(stream, 1000), 0x1.f6a88589c2178p-2));
}

TEST(NormalDraws, AgreesWithTheMathematicalNormal) {
  // Random blocks, and the ends of both halves' ranges: u1 = 1 (radius 0),
  // the smallest u1 (the largest radius), every quarter turn and its
  // neighbours, and both sides of sqrt(2) in the log's reduction.
  std::vector<std::pair<uint64_t, uint64_t>> halves;
  PhiloxStream stream(5, 9);
  for (uint64_t i = 0; i < 20000; ++i) {
    PhiloxBlock b = stream.block(i);
    halves.push_back({(uint64_t(b[0]) << 32 | b[1]) >> 11, (uint64_t(b[2]) << 32 | b[3]) >> 11});
  }
  const uint64_t top = (uint64_t(1) << 53) - 1, quarter = uint64_t(1) << 51;
  for (uint64_t hi : {uint64_t(0), uint64_t(1), top, top - 1, (top >> 1), (top >> 1) + 1})
    for (uint64_t q = 0; q <= 4; ++q)
      for (int64_t d : {-1, 0, 1}) {
        int64_t lo = int64_t(q * quarter) + d;
        if (lo >= 0 && uint64_t(lo) <= top)
          halves.push_back({hi, uint64_t(lo)});
      }
  for (auto [hi, lo] : halves) {
    double mine = normalOfBlock(blockOf(hi, lo));
    long double exact = reference(hi, lo);
    long double radius = std::sqrt(-2 * std::log((static_cast<long double>(hi) + 1) * 0x1.0p-53L));
    // A few units in the last place of the radius (the cosine is within
    // [-1, 1], its error absolute).
    ASSERT_LE(std::fabs(static_cast<long double>(mine) - exact), 4 * 0x1.0p-52L * (radius + 1))
        << std::hexfloat << "hi " << hi << " lo " << lo << ": " << mine;
  }
  EXPECT_TRUE(sameBits(std::fabs(normalOfBlock(blockOf(top, 0))), 0.0)); // u1 = 1.
}

TEST(NormalDraws, EveryInstructionSetGivesTheDefinitionsBits) {
  std::vector<DrawIsa> isas = availableDrawIsas();
  if (isas.size() < 2)
    GTEST_SKIP() << "this CPU runs only the portable draws (no AVX-512 F and DQ)";
  for (DrawIsa isa : isas)
    for (uint64_t seed : {uint64_t(0), uint64_t(1), uint64_t(0xFFFFFFFFFFFFFFFFull)})
      for (uint64_t streamId : {stream::kInit, stream::kInit + 3, uint64_t(0xABCDEF0123456789ull)})
        // Starts off a multiple of 8, counts that leave a tail, a start where
        // the counter's low word wraps.
        for (uint64_t first : {uint64_t(0), uint64_t(5), uint64_t(0xFFFFFFFCull)}) {
          PhiloxStream stream(seed, streamId);
          const size_t count = 1003;
          std::vector<double> normals(count), uniforms(count);
          normalsWith(isa, stream, first, count, normals.data());
          uniformsWith(isa, stream, first, count, uniforms.data());
          for (size_t i = 0; i < count; ++i) {
            ASSERT_TRUE(sameBits(normals[i], normalAt(stream, first + i)))
                << drawIsaName(isa) << " normal " << first + i;
            ASSERT_TRUE(sameBits(uniforms[i], stream.uniform(first + i)))
                << drawIsaName(isa) << " uniform " << first + i;
          }
        }
}

TEST(NormalDraws, MomentsAreThoseOfAStandardNormal) {
  std::vector<double> draws(200000);
  normalsAt(PhiloxStream(11, 2), 0, draws.size(), draws.data());
  double sum = 0, squares = 0, fourth = 0;
  for (double x : draws) {
    sum += x;
    squares += x * x;
    fourth += x * x * x * x;
  }
  double n = double(draws.size());
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(squares / n, 1.0, 0.01);
  EXPECT_NEAR(fourth / n, 3.0, 0.05);
}
