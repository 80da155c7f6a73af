//===- OptimizerStepTest.cpp - the fused step equals gradient + update ----===//
//
// A weight gradient that ends in the optimizer's step (one kernel call, the
// gradient never stored) must give the bits of the gradient kernel followed
// by the interpreter's update loops (runtime/interp/Kernels.h), for SGD with
// and without momentum, Nesterov and weight decay, Adam and AdamW, in every
// column mode, with new tensors in separate memory or in place. An SGD run
// without momentum must not touch its buffer.
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/DenseKernels.h"

#include "runtime/interp/Kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace sweep;

namespace {
std::vector<float> normal(size_t n, std::mt19937 &gen, float scale = 1.0f) {
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

struct Shape {
  int64_t runs, batch, inputs, outputs;
  RunColumns columns;
  bool sharedX;
};

std::string describe(const Shape &s, UpdateRule rule, bool inPlace, bool stream, GemmIsa isa) {
  const char *names[] = {"sgd", "adam", "adamw"};
  return std::string(names[int(rule)]) + " runs " + std::to_string(s.runs) + " batch " +
         std::to_string(s.batch) + " " + std::to_string(s.inputs) + "x" +
         std::to_string(s.outputs) + (s.sharedX ? " shared" : " per-run") +
         (s.columns == RunColumns::Wide ? " wide" : "") + (inPlace ? " in place" : "") +
         (stream ? " streamed" : " cached") + " " + gemmIsaName(isa);
}

/// Per-run hyperparameters: SGD runs cycle through plain, momentum, Nesterov
/// and weight decay; Adam runs through weight decays.
std::vector<std::vector<float>> hypers(UpdateRule rule, int64_t runs, int64_t t) {
  std::vector<std::vector<float>> h(size_t(optimizerHyperCount(rule)), std::vector<float>(runs));
  for (int64_t r = 0; r < runs; ++r) {
    float lr = 0.01f * float(1 + r % 5);
    if (rule == UpdateRule::Sgd) {
      h[0][r] = lr, h[1][r] = r % 4 == 0 ? 0.0f : 0.9f, h[2][r] = r % 3 == 1 ? 1e-2f : 0.0f,
      h[3][r] = r % 4 == 2 ? 1.0f : 0.0f;
      continue;
    }
    const float beta1 = 0.9f, beta2 = 0.999f;
    h[0][r] = lr, h[1][r] = beta1, h[2][r] = beta2, h[3][r] = 1e-8f,
    h[4][r] = r % 2 ? 0.01f : 0.0f;
    h[5][r] = 1.0f - float(std::pow(double(beta1), double(t)));
    h[6][r] = 1.0f - float(std::pow(double(beta2), double(t)));
  }
  return h;
}
} // namespace

TEST(OptimizerStep, FusedStepEqualsGradientThenInterpreterUpdateBitForBit) {
  std::mt19937 gen(21);
  const Shape shapes[] = {
      {3, 16, 17, 10, RunColumns::Wide, true},    {2, 20, 9, 300, RunColumns::Wide, true},
      {4, 7, 33, 16, RunColumns::PerRun, true},   {3, 13, 12, 40, RunColumns::PerRun, false},
      {64, 5, 9, 10, RunColumns::Wide, true},     {2, 300, 20, 33, RunColumns::Wide, true},
      {2, 9, 11, 64, RunColumns::Wide, true},     {3, 6, 5, 37, RunColumns::PerRun, true},
  };
  const int64_t t = 3; // Adam's step: its bias corrections.
  for (const Shape &s : shapes)
    for (UpdateRule rule : {UpdateRule::Sgd, UpdateRule::Adam, UpdateRule::AdamW})
      for (bool inPlace : {false, true})
        for (bool stream : {true, false})
          for (GemmIsa isa : availableGemmIsas()) {
        const int states = optimizerStateCount(rule);
        const int64_t size = s.runs * s.inputs * s.outputs;
        std::vector<float> x = normal(size_t((s.sharedX ? 1 : s.runs) * s.batch * s.inputs), gen);
        std::vector<float> dy = normal(size_t(s.runs * s.batch * s.outputs), gen);
        std::vector<float> param = normal(size_t(size), gen, 0.1f);
        std::vector<std::vector<float>> state;
        for (int i = 0; i < states; ++i)
          state.push_back(i == 1 ? normal(size_t(size), gen, 0.01f) : normal(size_t(size), gen));
        for (float &v : states == 2 ? state[1] : state[0])
          if (states == 2)
            v = v * v; // Adam's second moment is never negative.
        std::vector<std::vector<float>> h = hypers(rule, s.runs, t);

        // Expected: the gradient, then each run's update as the interpreter does it.
        std::vector<float> grad(static_cast<size_t>(size));
        const int64_t xRun = s.sharedX ? 0 : s.batch * s.inputs;
        denseWeightGradKernel(x.data(), xRun, s.inputs, 1, dy.data(), s.batch * s.outputs,
                              s.outputs, grad.data(), s.inputs * s.outputs, s.outputs, s.runs,
                              s.batch, s.inputs, s.outputs, s.columns, StartFrom::Zero);
        std::vector<float> expectedParam = param;
        std::vector<std::vector<float>> expectedState = state;
        for (int64_t r = 0; r < s.runs; ++r) {
          const int64_t o = r * s.inputs * s.outputs, n = s.inputs * s.outputs;
          if (rule == UpdateRule::Sgd)
            kernels::sgdUpdate(expectedParam.data() + o, grad.data() + o,
                               expectedState[0].data() + o, n, h[0][r], h[1][r], h[3][r] != 0.0f,
                               h[2][r]);
          else
            kernels::adamUpdate(expectedParam.data() + o, grad.data() + o,
                                expectedState[0].data() + o, expectedState[1].data() + o, n,
                                h[0][r], h[1][r], h[2][r], h[3][r], h[4][r],
                                rule == UpdateRule::AdamW, t);
        }

        // Got: one fused call, into new tensors or over the old ones.
        std::vector<float> newParam(size_t(size), NAN);
        std::vector<std::vector<float>> newState(size_t(states),
                                                 std::vector<float>(size_t(size), NAN));
        OptimizerStep step;
        step.kind = rule;
        step.streamStores = stream;
        step.isa = isa;
        step.m = s.inputs, step.n = s.outputs;
        auto view = [&](const std::vector<float> &v) {
          return StridedRuns{v.data(), s.inputs * s.outputs, s.outputs, 1};
        };
        auto mutableView = [&](std::vector<float> &v) {
          return MutableRuns{v.data(), s.inputs * s.outputs, s.outputs, 1};
        };
        step.param = view(param);
        step.newParam = mutableView(inPlace ? param : newParam);
        for (int i = 0; i < states; ++i) {
          step.state[i] = view(state[size_t(i)]);
          step.newState[i] = mutableView(inPlace ? state[size_t(i)] : newState[size_t(i)]);
        }
        for (size_t i = 0; i < h.size(); ++i)
          step.hyper[i] = {h[i].data(), 1};
        denseWeightGradStepKernel(x.data(), xRun, s.inputs, 1, dy.data(), s.batch * s.outputs,
                                  s.outputs, s.runs, s.batch, s.inputs, s.outputs, s.columns, step);
        const std::string what = describe(s, rule, inPlace, stream, isa);
        EXPECT_EQ(inPlace ? param : newParam, expectedParam) << what;
        // An SGD run without momentum leaves its new buffer unwritten (NaN
        // here, as filled; in place: the old buffer, as the interpreter).
        if (!inPlace && rule == UpdateRule::Sgd)
          for (int64_t r = 0; r < s.runs; ++r)
            if (h[1][size_t(r)] == 0.0f)
              std::fill_n(expectedState[0].begin() + r * s.inputs * s.outputs,
                          s.inputs * s.outputs, NAN);
        for (int i = 0; i < states; ++i) {
          const std::vector<float> &got = inPlace ? state[size_t(i)] : newState[size_t(i)];
          EXPECT_EQ(0, std::memcmp(got.data(), expectedState[size_t(i)].data(),
                                   got.size() * sizeof(float)))
              << what << " state " << i;
        }
      }
}

// Regression: plain SGD on 32 runs of a 784 x 16 layer (1.6 MB of
// parameters, a chunk the planner keeps in cache) was streamed past the
// caches because the momentum buffers it never writes were counted too.
TEST(OptimizerStep, StreamsOnlyWhatTheStepWrites) {
  const uint64_t kTwoMiB = uint64_t(2) << 20; // The budget: a 2 MiB L2 before its multiple.
  const int64_t runs = 32;
  std::vector<float> momentum(runs, 0.0f);
  OptimizerStep step;
  step.kind = UpdateRule::Sgd, step.m = 784, step.n = 16;
  step.hyper[1] = {momentum.data(), 1};
  EXPECT_FALSE(streamStoresFor(step, runs, kTwoMiB));
  momentum[runs - 1] = 0.9f; // One run's buffer is written: 3.2 MB in all.
  EXPECT_TRUE(streamStoresFor(step, runs, kTwoMiB));
  momentum[runs - 1] = std::nanf(""); // Not zero to the step either (cmpf une).
  EXPECT_TRUE(streamStoresFor(step, runs, kTwoMiB));
  step.kind = UpdateRule::Adam; // The parameter, m and v.
  EXPECT_TRUE(streamStoresFor(step, runs, kTwoMiB));
  EXPECT_FALSE(streamStoresFor(step, 8, kTwoMiB));
}

// Tensors whose columns are not contiguous (every other float here) take the
// one-column-at-a-time loops: the same bits as the contiguous step above.
TEST(OptimizerStep, StridedColumnsGiveTheContiguousBits) {
  std::mt19937 gen(5);
  const int64_t runs = 3, batch = 6, inputs = 7, outputs = 19, size = runs * inputs * outputs;
  const int64_t t = 2;
  std::vector<float> x = normal(size_t(batch * inputs), gen);
  std::vector<float> dy = normal(size_t(runs * batch * outputs), gen);
  for (UpdateRule rule : {UpdateRule::Sgd, UpdateRule::Adam, UpdateRule::AdamW}) {
    const int states = optimizerStateCount(rule);
    std::vector<std::vector<float>> h = hypers(rule, runs, t);
    // Index 0: the parameter; 1, 2: the states. Contiguous, then every other float.
    std::vector<std::vector<float>> dense, sparse;
    for (int i = 0; i <= states; ++i) {
      std::vector<float> v = normal(size_t(size), gen, 0.1f);
      if (i == 2)
        for (float &e : v)
          e = e * e; // Adam's second moment is never negative.
      std::vector<float> spread(size_t(2 * size), NAN);
      for (int64_t e = 0; e < size; ++e)
        spread[size_t(2 * e)] = v[size_t(e)];
      dense.push_back(std::move(v));
      sparse.push_back(std::move(spread));
    }
    auto step = [&](std::vector<std::vector<float>> &tensors, int64_t colStride) {
      OptimizerStep u;
      u.kind = rule;
      u.m = inputs, u.n = outputs;
      const int64_t row = outputs * colStride, run = inputs * row;
      u.param = {tensors[0].data(), run, row, colStride};
      u.newParam = {tensors[0].data(), run, row, colStride};
      for (int i = 0; i < states; ++i) {
        u.state[i] = {tensors[size_t(i + 1)].data(), run, row, colStride};
        u.newState[i] = {tensors[size_t(i + 1)].data(), run, row, colStride};
      }
      for (size_t i = 0; i < h.size(); ++i)
        u.hyper[i] = {h[i].data(), 1};
      denseWeightGradStepKernel(x.data(), 0, inputs, 1, dy.data(), batch * outputs, outputs, runs,
                                batch, inputs, outputs, RunColumns::Wide, u);
    };
    step(dense, 1);
    step(sparse, 2);
    for (int i = 0; i <= states; ++i)
      for (int64_t e = 0; e < size; ++e)
        ASSERT_EQ(0, std::memcmp(&sparse[size_t(i)][size_t(2 * e)], &dense[size_t(i)][size_t(e)],
                                 sizeof(float)))
            << "tensor " << i << " element " << e << " rule " << int(rule);
  }
}

// Every tensor's rows at its own distance (padded rows, each tensor padded
// differently, the new tensors apart from the old): the bits of the dense
// step, in every instruction set. The step walks a run's rows by each
// tensor's own row stride; a stride taken from another tensor fails here
// (the dense layouts above share one).
TEST(OptimizerStep, EachTensorKeepsItsOwnRowStride) {
  std::mt19937 gen(8);
  const int64_t runs = 3, batch = 5, inputs = 9, outputs = 35, size = runs * inputs * outputs;
  const int64_t t = 2;
  std::vector<float> x = normal(size_t(batch * inputs), gen);
  std::vector<float> dy = normal(size_t(runs * batch * outputs), gen);
  for (UpdateRule rule : {UpdateRule::Sgd, UpdateRule::Adam, UpdateRule::AdamW})
    for (GemmIsa isa : availableGemmIsas()) {
      const int states = optimizerStateCount(rule);
      std::vector<std::vector<float>> h = hypers(rule, runs, t);
      // Index 0: the parameter; 1, 2: the states.
      std::vector<std::vector<float>> dense;
      for (int i = 0; i <= states; ++i) {
        std::vector<float> v = normal(size_t(size), gen, 0.1f);
        if (i == 2)
          for (float &e : v)
            e = e * e; // Adam's second moment is never negative.
        dense.push_back(std::move(v));
      }
      // Old tensor i has rows of outputs + 1 + 2i floats, new tensor i of
      // outputs + 8 + 2i (whole vectors apart as well as odd ones).
      auto padded = [&](const std::vector<float> &v, int64_t row) {
        std::vector<float> p(size_t(runs * inputs * row), NAN);
        for (int64_t r = 0; r < runs * inputs; ++r)
          std::copy_n(v.begin() + r * outputs, outputs, p.begin() + r * row);
        return p;
      };
      std::vector<std::vector<float>> old, fresh;
      std::vector<int64_t> oldRow, freshRow;
      for (int i = 0; i <= states; ++i) {
        oldRow.push_back(outputs + 1 + 2 * i);
        freshRow.push_back(outputs + 8 + 2 * i);
        old.push_back(padded(dense[size_t(i)], oldRow.back()));
        fresh.push_back(std::vector<float>(size_t(runs * inputs * freshRow.back()), NAN));
      }
      auto run = [&](OptimizerStep &u) {
        u.kind = rule, u.isa = isa, u.m = inputs, u.n = outputs;
        for (size_t i = 0; i < h.size(); ++i)
          u.hyper[i] = {h[i].data(), 1};
        denseWeightGradStepKernel(x.data(), 0, inputs, 1, dy.data(), batch * outputs, outputs,
                                  runs, batch, inputs, outputs, RunColumns::Wide, u);
      };
      OptimizerStep contiguous;
      contiguous.param = {dense[0].data(), inputs * outputs, outputs, 1};
      contiguous.newParam = {dense[0].data(), inputs * outputs, outputs, 1};
      for (int i = 0; i < states; ++i) {
        contiguous.state[i] = {dense[size_t(i + 1)].data(), inputs * outputs, outputs, 1};
        contiguous.newState[i] = {dense[size_t(i + 1)].data(), inputs * outputs, outputs, 1};
      }
      run(contiguous);
      OptimizerStep apart;
      apart.param = {old[0].data(), inputs * oldRow[0], oldRow[0], 1};
      apart.newParam = {fresh[0].data(), inputs * freshRow[0], freshRow[0], 1};
      for (int i = 0; i < states; ++i) {
        const size_t k = size_t(i + 1);
        apart.state[i] = {old[k].data(), inputs * oldRow[k], oldRow[k], 1};
        apart.newState[i] = {fresh[k].data(), inputs * freshRow[k], freshRow[k], 1};
      }
      run(apart);
      for (int i = 0; i <= states; ++i) {
        // SGD without momentum leaves its new buffer unwritten: only runs
        // with momentum are compared there.
        for (int64_t r = 0; r < runs; ++r) {
          if (rule == UpdateRule::Sgd && i == 1 && h[1][size_t(r)] == 0.0f)
            continue;
          for (int64_t e = 0; e < inputs * outputs; ++e) {
            const int64_t row = r * inputs + e / outputs, col = e % outputs;
            ASSERT_EQ(0, std::memcmp(&fresh[size_t(i)][size_t(row * freshRow[size_t(i)] + col)],
                                     &dense[size_t(i)][size_t(r * inputs * outputs + e)],
                                     sizeof(float)))
                << "tensor " << i << " run " << r << " element " << e << " rule " << int(rule)
                << " " << gemmIsaName(isa);
          }
        }
      }
    }
}
