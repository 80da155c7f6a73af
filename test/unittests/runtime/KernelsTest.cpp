//===- KernelsTest.cpp - interpreter ops against finite differences -------===//
//
// Every op's backward is checked against central differences of its forward,
// in double so that the differences are exact to ~1e-8. Losses are reduced to
// a scalar by a fixed random projection of the op's output.
//
//===----------------------------------------------------------------------===//

#include "runtime/interp/Kernels.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <vector>

using namespace sweep;
using namespace sweep::kernels;

namespace {
std::vector<double> randomVector(size_t n, unsigned seed, double scale = 1.0) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, scale);
  std::vector<double> v(n);
  for (double &x : v)
    x = normal(gen);
  return v;
}

/// Checks `analytic` against central differences of `loss` with respect to `param`.
void expectGradient(std::vector<double> &param, const std::function<double()> &loss,
                    const std::vector<double> &analytic, const char *what) {
  ASSERT_EQ(param.size(), analytic.size());
  const double h = 1e-6;
  for (size_t i = 0; i < param.size(); ++i) {
    double saved = param[i];
    param[i] = saved + h;
    double up = loss();
    param[i] = saved - h;
    double down = loss();
    param[i] = saved;
    double numeric = (up - down) / (2 * h);
    EXPECT_NEAR(analytic[i], numeric, 1e-6 * std::max(1.0, std::fabs(numeric)))
        << what << " element " << i;
  }
}

double dot(const std::vector<double> &a, const std::vector<double> &b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sum += a[i] * b[i];
  return sum;
}
} // namespace

TEST(Kernels, DenseForwardIsXTimesWPlusB) {
  // x [2, 3], W [3, 2], b [2].
  std::vector<double> x = {1, 2, 3, 4, 5, 6}, w = {1, 0, 0, 1, 1, 1}, b = {0.5, -1}, y(4);
  denseForward(x.data(), w.data(), b.data(), y.data(), 2, 3, 2);
  EXPECT_EQ(y, (std::vector<double>{4.5, 4, 10.5, 10}));
}

TEST(Kernels, DenseGradients) {
  const int64_t n = 3, in = 4, out = 5;
  std::vector<double> x = randomVector(n * in, 1), w = randomVector(in * out, 2),
                      b = randomVector(out, 3), projection = randomVector(n * out, 4);
  auto loss = [&]() {
    std::vector<double> y(n * out);
    denseForward(x.data(), w.data(), b.data(), y.data(), n, in, out);
    return dot(y, projection);
  };
  std::vector<double> dx(n * in), dw(in * out, 0.0), db(out, 0.0);
  denseBackward(x.data(), w.data(), projection.data(), dx.data(), dw.data(), db.data(), n, in, out);
  expectGradient(x, loss, dx, "dx");
  expectGradient(w, loss, dw, "dW");
  expectGradient(b, loss, db, "db");
}

TEST(Kernels, DenseBackwardAccumulatesWeightGradients) {
  std::vector<double> x = {1, 2}, w = {3, 4}, dy = {1, 1}, dw = {10, 10}, db = {1};
  // n = 2, in = 1, out = 1: dW += x^T dy = 3, db += 2.
  denseBackward(x.data(), w.data(), dy.data(), static_cast<double *>(nullptr), dw.data(), db.data(),
                2, 1, 1);
  EXPECT_EQ(dw[0], 13);
  EXPECT_EQ(db[0], 3);
}

class ActivationGradient : public ::testing::TestWithParam<Activation> {};

TEST_P(ActivationGradient, MatchesFiniteDifferences) {
  Activation act = GetParam();
  // Keep relu's inputs away from its kink at 0.
  std::vector<double> z = {-2.1, -0.7, -0.05, 0.13, 0.9, 2.4, 3.3, -1.4};
  std::vector<double> projection = randomVector(z.size(), 5);
  auto loss = [&]() {
    std::vector<double> y(z.size());
    activationForward(act, z.data(), y.data(), int64_t(z.size()));
    return dot(y, projection);
  };
  std::vector<double> y(z.size()), dz(z.size());
  activationForward(act, z.data(), y.data(), int64_t(z.size()));
  activationBackward(act, z.data(), y.data(), projection.data(), dz.data(), int64_t(z.size()));
  expectGradient(z, loss, dz, "dz");
}

INSTANTIATE_TEST_SUITE_P(Every, ActivationGradient,
                         ::testing::Values(Activation::Relu, Activation::Tanh, Activation::Sigmoid,
                                           Activation::Gelu, Activation::Identity));

TEST(Kernels, ActivationValues) {
  EXPECT_EQ(activate(Activation::Relu, -1.0), 0.0);
  EXPECT_EQ(activate(Activation::Relu, 2.0), 2.0);
  EXPECT_NEAR(activate(Activation::Sigmoid, 0.0), 0.5, 1e-15);
  EXPECT_NEAR(activate(Activation::Gelu, 1.0), 0.8413447460685429, 1e-12);
  EXPECT_NEAR(activate(Activation::Tanh, 0.5), std::tanh(0.5), 1e-15);
  EXPECT_EQ(activate(Activation::Tanh, 100.0), 1.0);
  EXPECT_EQ(activate(Activation::Tanh, -100.0), -1.0);
  EXPECT_NEAR(activate(Activation::Tanh, 0.5f), std::tanh(0.5f), 2e-7f);
}

// A NaN passes through relu, as PyTorch's does: a run whose values overflowed
// reaches a NaN loss and is marked diverged. Before, relu made a NaN 0, the
// loss stayed finite and the run trained on with NaN weights, reported `ok`
// with losses of 1e25 (found by test/Integration/Reference).
TEST(Kernels, ReluPassesNanThrough) {
  EXPECT_TRUE(std::isnan(activate(Activation::Relu, std::nan(""))));
  EXPECT_TRUE(std::isnan(activate(Activation::Relu, std::nanf(""))));
  EXPECT_EQ(activate(Activation::Relu, INFINITY), INFINITY);
  EXPECT_EQ(activate(Activation::Relu, -INFINITY), 0.0);
  // -0 gives +0, as before: backends must agree on the sign of a zero.
  EXPECT_FALSE(std::signbit(activate(Activation::Relu, -0.0f)));
  // The slope of a NaN stays 0 (PyTorch's too): the forward NaN is what stops the run.
  EXPECT_EQ(activationSlope(Activation::Relu, std::nanf(""), std::nanf("")), 0.0f);
}

TEST(Kernels, DropoutMaskGradient) {
  std::vector<double> x = randomVector(6, 6), scale = {0, 2, 2, 0, 2, 2},
                      projection = randomVector(6, 7);
  auto loss = [&]() {
    std::vector<double> y(6);
    applyMask(x.data(), scale.data(), y.data(), 6);
    return dot(y, projection);
  };
  std::vector<double> dx(6);
  applyMask(projection.data(), scale.data(), dx.data(), 6);
  expectGradient(x, loss, dx, "dx");
}

TEST(Kernels, CrossEntropyGradientAndValue) {
  const int64_t n = 4, classes = 3;
  std::vector<double> logits = randomVector(n * classes, 8, 2.0);
  std::vector<int32_t> labels = {0, 2, 1, 2};
  auto loss = [&]() {
    return crossEntropy(logits.data(), labels.data(), static_cast<double *>(nullptr), n, classes,
                        nullptr) /
           double(n);
  };
  std::vector<double> grad(n * classes);
  double correct = 0;
  crossEntropy(logits.data(), labels.data(), grad.data(), n, classes, &correct);
  expectGradient(logits, loss, grad, "dlogits");

  // Uniform logits: loss log(classes); the first class wins ties.
  std::vector<double> flat(classes, 0.0);
  int32_t label = 0;
  double hits = 0;
  EXPECT_NEAR(crossEntropy(flat.data(), &label, static_cast<double *>(nullptr), 1, classes, &hits),
              std::log(3.0), 1e-15);
  EXPECT_EQ(hits, 1);
}

// A row with a NaN output predicts no class, wherever the NaN sits (as the
// compiled train.accuracy): before, cross-entropy took the NaN class and the
// squared error skipped it, so the two disagreed with the compiled code.
TEST(Kernels, ARowWithANanOutputPredictsNoClass) {
  const double nan = std::nan("");
  std::vector<double> rows = {0.1, nan, 0.3, /**/ 0.1, 0.9, nan, /**/ 0.1, 0.7, 0.2};
  std::vector<int32_t> labels = {1, 1, 1};
  double entropyHits = 0, squaredHits = 0;
  crossEntropy(rows.data(), labels.data(), static_cast<double *>(nullptr), 3, 3, &entropyHits);
  meanSquaredError(rows.data(), static_cast<const double *>(nullptr), labels.data(),
                   static_cast<double *>(nullptr), 3, 3, &squaredHits);
  EXPECT_EQ(entropyHits, 1);
  EXPECT_EQ(squaredHits, 1);
  EXPECT_EQ(predictedClass(rows.data(), 3), 3);
  EXPECT_EQ(predictedClass(rows.data() + 6, 3), 1);
}

TEST(Kernels, CrossEntropyIsStableForLargeLogits) {
  std::vector<double> logits = {1000, 0, -1000};
  int32_t label = 1;
  double value = crossEntropy(logits.data(), &label, static_cast<double *>(nullptr), 1, 3, nullptr);
  EXPECT_NEAR(value, 1000, 1e-9);
}

TEST(Kernels, MeanSquaredErrorGradientWithTargets) {
  const int64_t n = 3, width = 2;
  std::vector<double> out = randomVector(n * width, 9), targets = randomVector(n * width, 10);
  auto loss = [&]() {
    return meanSquaredError(out.data(), targets.data(), nullptr, static_cast<double *>(nullptr), n,
                            width, nullptr) /
           double(n);
  };
  std::vector<double> grad(n * width);
  meanSquaredError(out.data(), targets.data(), nullptr, grad.data(), n, width, nullptr);
  expectGradient(out, loss, grad, "dout");
}

TEST(Kernels, MeanSquaredErrorAgainstOneHotLabels) {
  std::vector<double> out = {0.9, 0.2, 0.1, 0.3, 0.5, 0.1};
  std::vector<int32_t> labels = {0, 2};
  double correct = 0;
  double total = meanSquaredError(out.data(), static_cast<const double *>(nullptr), labels.data(),
                                  static_cast<double *>(nullptr), 2, 3, &correct);
  // Row 0: (0.01 + 0.04 + 0.01) / 3; row 1: (0.09 + 0.25 + 0.81) / 3.
  EXPECT_NEAR(total, (0.06 + 1.15) / 3, 1e-12);
  EXPECT_EQ(correct, 1); // Row 1 predicts class 1, not 2.

  std::vector<double> grad(6);
  auto loss = [&]() {
    return meanSquaredError(out.data(), static_cast<const double *>(nullptr), labels.data(),
                            static_cast<double *>(nullptr), 2, 3, nullptr) /
           2.0;
  };
  meanSquaredError(out.data(), static_cast<const double *>(nullptr), labels.data(), grad.data(), 2,
                   3, nullptr);
  expectGradient(out, loss, grad, "dout");
}

/// A two-layer network dense -> tanh -> dense -> cross-entropy, differentiated
/// by chaining the ops' backward functions as the interpreter does.
TEST(Kernels, ChainedNetworkGradient) {
  const int64_t n = 3, in = 4, hidden = 5, classes = 3;
  std::vector<double> x = randomVector(n * in, 11), w1 = randomVector(in * hidden, 12),
                      b1 = randomVector(hidden, 13), w2 = randomVector(hidden * classes, 14),
                      b2 = randomVector(classes, 15);
  std::vector<int32_t> labels = {2, 0, 1};
  std::vector<double> z(n * hidden), h(n * hidden), logits(n * classes);
  auto forward = [&]() {
    denseForward(x.data(), w1.data(), b1.data(), z.data(), n, in, hidden);
    activationForward(Activation::Tanh, z.data(), h.data(), n * hidden);
    denseForward(h.data(), w2.data(), b2.data(), logits.data(), n, hidden, classes);
    return crossEntropy(logits.data(), labels.data(), static_cast<double *>(nullptr), n, classes,
                        nullptr) /
           double(n);
  };
  forward();
  std::vector<double> dlogits(n * classes), dh(n * hidden), dz(n * hidden);
  std::vector<double> dw1(in * hidden, 0.0), db1(hidden, 0.0), dw2(hidden * classes, 0.0),
      db2(classes, 0.0);
  crossEntropy(logits.data(), labels.data(), dlogits.data(), n, classes, nullptr);
  denseBackward(h.data(), w2.data(), dlogits.data(), dh.data(), dw2.data(), db2.data(), n, hidden,
                classes);
  activationBackward(Activation::Tanh, z.data(), h.data(), dh.data(), dz.data(), n * hidden);
  denseBackward(x.data(), w1.data(), dz.data(), static_cast<double *>(nullptr), dw1.data(),
                db1.data(), n, in, hidden);
  expectGradient(w1, forward, dw1, "dW1");
  expectGradient(b1, forward, db1, "db1");
  expectGradient(w2, forward, dw2, "dW2");
  expectGradient(b2, forward, db2, "db2");
}

TEST(Kernels, SoftmaxRowsSumToOne) {
  std::vector<double> logits = {1000, 1000, 0, -1, 0, 1}, p(6);
  softmaxRows(logits.data(), p.data(), 2, 3);
  EXPECT_NEAR(p[0], 0.5, 1e-15);
  EXPECT_NEAR(p[2], 0.0, 1e-15);
  EXPECT_NEAR(p[3] + p[4] + p[5], 1.0, 1e-15);
  EXPECT_NEAR(p[5] / p[4], std::exp(1.0), 1e-12);
}
