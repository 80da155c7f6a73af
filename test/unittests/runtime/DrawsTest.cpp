//===- DrawsTest.cpp - initial weights, dropout masks, shuffles -----------===//

#include "runtime/exec/Trainer.h"
#include "runtime/rng/TrainingDraws.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace sweep;

namespace {
void moments(const std::vector<float> &v, double &mean, double &sd) {
  double sum = 0, squares = 0;
  for (float x : v)
    sum += x;
  mean = sum / double(v.size());
  for (float x : v)
    squares += (x - mean) * (x - mean);
  sd = std::sqrt(squares / double(v.size()));
}
} // namespace

TEST(Draws, InitScalesFollowTheirDefinitions) {
  RunSpec run;
  run.seed = 42;
  const int64_t in = 200, out = 100;
  std::vector<float> w(in * out);
  struct Case {
    InitKind kind;
    double sd;
  };
  for (Case c : {Case{InitKind::HeNormal, std::sqrt(2.0 / in)},
                 Case{InitKind::HeUniform, std::sqrt(6.0 / in) / std::sqrt(3.0)},
                 Case{InitKind::XavierNormal, std::sqrt(2.0 / (in + out))},
                 Case{InitKind::XavierUniform, std::sqrt(6.0 / (in + out)) / std::sqrt(3.0)}}) {
    run.init = c.kind;
    run.gain = 2.0;
    initDenseWeights(run, 0, in, out, w.data());
    double mean, sd;
    moments(w, mean, sd);
    EXPECT_NEAR(mean, 0, 0.05 * c.sd * 2);
    EXPECT_NEAR(sd, 2.0 * c.sd, 0.03 * 2.0 * c.sd) << int(c.kind);
  }
}

TEST(Draws, InitDependsOnSeedAndLayerOnly) {
  RunSpec a, b;
  a.seed = b.seed = 7;
  b.lr = 123; // Hyperparameters other than seed, init and gain do not matter.
  std::vector<float> wa(64), wb(64), other(64);
  initDenseWeights(a, 1, 8, 8, wa.data());
  initDenseWeights(b, 1, 8, 8, wb.data());
  EXPECT_EQ(wa, wb);
  initDenseWeights(a, 2, 8, 8, other.data());
  EXPECT_NE(wa, other);
  b.seed = 8;
  initDenseWeights(b, 1, 8, 8, other.data());
  EXPECT_NE(wa, other);
}

TEST(Draws, DropoutDropsTheRightFractionAndScalesTheRest) {
  std::vector<float> scale(100 * 50);
  dropoutScales(3, 0, 0.3, 5, 100, 100, 50, scale.data());
  size_t dropped = std::count(scale.begin(), scale.end(), 0.0f);
  EXPECT_NEAR(double(dropped) / double(scale.size()), 0.3, 0.03);
  for (float s : scale)
    EXPECT_TRUE(s == 0.0f || s == float(1 / 0.7));
  std::vector<float> again(scale.size()), nextStep(scale.size());
  dropoutScales(3, 0, 0.3, 5, 100, 100, 50, again.data());
  dropoutScales(3, 0, 0.3, 6, 100, 100, 50, nextStep.data());
  EXPECT_EQ(scale, again);
  EXPECT_NE(scale, nextStep);
}

// dropoutScales draws four values per Philox block; the masks must be those
// of the definition (TrainingDraws.h: one draw per value), whatever lane of
// a block a step starts in (step * batch * width need not be a multiple of 4)
// and wherever a short last batch ends.
TEST(Draws, DropoutScalesAreTheDefinitionsDrawForDraw) {
  // Rates whose p * 2^24 is and is not a whole number, the extremes, and a
  // rate equal to the first draw and just above it (kept, then dropped).
  double first = double(uniformAt(PhiloxStream(11, stream::kDropout + 2), 0));
  for (double p : {0.45, 0.25, 0.5 + 0x1.0p-25, 0x1.0p-24, 0.0, 1.0, 0.999999999, first,
                   std::nextafter(first, 1.0)})
  for (int64_t width : {1, 3, 4, 7})
    for (uint64_t step : {0, 1, 5})
      for (int64_t n : {1, 5, 6}) {
        const int64_t batch = 6;
        std::vector<float> scale(size_t(n * width));
        dropoutScales(11, 2, p, step, batch, n, width, scale.data());
        PhiloxStream stream(11, stream::kDropout + 2);
        for (int64_t k = 0; k < n * width; ++k) {
          uint64_t draw = step * uint64_t(batch * width) + uint64_t(k);
          float expected = double(uniformAt(stream, draw)) < p ? 0.0f : float(1.0 / (1.0 - p));
          ASSERT_EQ(scale[size_t(k)], expected)
              << "p " << p << " width " << width << " step " << step << " n " << n << " value "
              << k;
        }
      }
}

TEST(Draws, ShuffleIsAPermutationPerEpoch) {
  std::vector<uint32_t> first = shuffledOrder(1000, 9, 1), second = shuffledOrder(1000, 9, 2);
  EXPECT_EQ(first, shuffledOrder(1000, 9, 1));
  EXPECT_NE(first, second);
  std::vector<uint32_t> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  for (uint32_t i = 0; i < 1000; ++i)
    EXPECT_EQ(sorted[i], i);
  EXPECT_NE(first, sorted);
}
