//===- DenseKernelsTest.cpp - kernels equal the interpreter's loops -------===//
//
// The register-blocked kernels must give bit-identical results to the plain
// loops of runtime/interp for every shape: full tiles, edge rows and columns,
// short reductions, shared and per-run inputs.
//
//===----------------------------------------------------------------------===//

#include "runtime/kernels/DenseKernels.h"

#include "runtime/interp/Kernels.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace sweep;

namespace {
std::vector<float> randomValues(size_t n, std::mt19937 &gen) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = normal(gen);
  return v;
}
} // namespace

TEST(DenseKernels, ForwardEqualsTheInterpreterBitForBit) {
  std::mt19937 gen(3);
  struct Shape {
    int64_t runs, batch, inputs, outputs;
    bool shared;
  };
  for (Shape s : {Shape{1, 4, 3, 16, true}, Shape{2, 7, 5, 33, true}, Shape{3, 13, 17, 10, false},
                  Shape{2, 1, 1, 1, true}, Shape{4, 16, 32, 48, false}}) {
    std::vector<float> x = randomValues(size_t((s.shared ? 1 : s.runs) * s.batch * s.inputs), gen);
    std::vector<float> w = randomValues(size_t(s.runs * s.inputs * s.outputs), gen);
    std::vector<float> bias = randomValues(size_t(s.runs * s.outputs), gen);
    std::vector<float> expected(size_t(s.runs * s.batch * s.outputs)), got(expected.size());
    for (int64_t r = 0; r < s.runs; ++r) {
      const float *xr = x.data() + (s.shared ? 0 : r * s.batch * s.inputs);
      kernels::denseForward(xr, w.data() + r * s.inputs * s.outputs, bias.data() + r * s.outputs,
                            expected.data() + r * s.batch * s.outputs, s.batch, s.inputs,
                            s.outputs);
      for (int64_t b = 0; b < s.batch; ++b)
        std::copy_n(bias.data() + r * s.outputs, s.outputs,
                    got.data() + (r * s.batch + b) * s.outputs);
    }
    denseForwardKernel(x.data(), s.shared ? 0 : s.batch * s.inputs, s.inputs, 1, w.data(),
                       s.inputs * s.outputs, s.outputs, got.data(), s.batch * s.outputs, s.outputs,
                       s.runs, s.batch, s.inputs, s.outputs, RunColumns::PerRun);
    EXPECT_EQ(got, expected) << s.runs << "x" << s.batch << "x" << s.inputs << "x" << s.outputs;
    if (!s.shared)
      continue;
    // One wide GEMM over all runs' columns gives the same bits.
    for (int64_t r = 0; r < s.runs; ++r)
      for (int64_t b = 0; b < s.batch; ++b)
        std::copy_n(bias.data() + r * s.outputs, s.outputs,
                    got.data() + (r * s.batch + b) * s.outputs);
    denseForwardKernel(x.data(), 0, s.inputs, 1, w.data(), s.inputs * s.outputs, s.outputs,
                       got.data(), s.batch * s.outputs, s.outputs, s.runs, s.batch, s.inputs,
                       s.outputs, RunColumns::Wide);
    EXPECT_EQ(got, expected) << "wide " << s.runs << "x" << s.batch << "x" << s.inputs << "x"
                             << s.outputs;
  }
}

TEST(DenseKernels, WeightGradientEqualsTheInterpreterBitForBit) {
  std::mt19937 gen(4);
  struct Shape {
    int64_t runs, batch, inputs, outputs;
    bool shared;
  };
  for (Shape s : {Shape{1, 4, 4, 16, true}, Shape{2, 9, 7, 21, true}, Shape{3, 5, 13, 10, false},
                  Shape{2, 1, 1, 1, false}, Shape{2, 32, 24, 64, true}}) {
    std::vector<float> x = randomValues(size_t((s.shared ? 1 : s.runs) * s.batch * s.inputs), gen);
    std::vector<float> dy = randomValues(size_t(s.runs * s.batch * s.outputs), gen);
    std::vector<float> expected(size_t(s.runs * s.inputs * s.outputs), 0.0f), got(expected);
    std::vector<float> db(size_t(s.outputs));
    for (int64_t r = 0; r < s.runs; ++r) {
      const float *xr = x.data() + (s.shared ? 0 : r * s.batch * s.inputs);
      kernels::denseBackward(xr, static_cast<const float *>(nullptr),
                             dy.data() + r * s.batch * s.outputs, static_cast<float *>(nullptr),
                             expected.data() + r * s.inputs * s.outputs, db.data(), s.batch,
                             s.inputs, s.outputs);
    }
    denseWeightGradKernel(x.data(), s.shared ? 0 : s.batch * s.inputs, s.inputs, 1, dy.data(),
                          s.batch * s.outputs, s.outputs, got.data(), s.inputs * s.outputs,
                          s.outputs, s.runs, s.batch, s.inputs, s.outputs, RunColumns::PerRun);
    EXPECT_EQ(got, expected) << s.runs << "x" << s.batch << "x" << s.inputs << "x" << s.outputs;
    if (!s.shared)
      continue;
    std::fill(got.begin(), got.end(), 0.0f);
    denseWeightGradKernel(x.data(), 0, s.inputs, 1, dy.data(), s.batch * s.outputs, s.outputs,
                          got.data(), s.inputs * s.outputs, s.outputs, s.runs, s.batch, s.inputs,
                          s.outputs, RunColumns::Wide);
    EXPECT_EQ(got, expected) << "wide " << s.runs << "x" << s.batch << "x" << s.inputs << "x"
                             << s.outputs;
  }
}

TEST(DenseKernels, InputGradientEqualsTheInterpreterBitForBit) {
  std::mt19937 gen(5);
  struct Shape {
    int64_t runs, batch, inputs, outputs;
  };
  for (Shape s : {Shape{1, 4, 16, 3}, Shape{2, 9, 21, 7}, Shape{3, 5, 10, 13}, Shape{2, 1, 1, 1},
                  Shape{2, 32, 64, 24}}) {
    std::vector<float> dy = randomValues(size_t(s.runs * s.batch * s.outputs), gen);
    std::vector<float> w = randomValues(size_t(s.runs * s.inputs * s.outputs), gen);
    std::vector<float> expected(size_t(s.runs * s.batch * s.inputs)), got(expected.size(), 0.0f);
    std::vector<float> dw(size_t(s.inputs * s.outputs)), db(size_t(s.outputs));
    std::vector<float> x(size_t(s.batch * s.inputs));
    for (int64_t r = 0; r < s.runs; ++r)
      kernels::denseBackward(x.data(), w.data() + r * s.inputs * s.outputs,
                             dy.data() + r * s.batch * s.outputs,
                             expected.data() + r * s.batch * s.inputs, dw.data(), db.data(),
                             s.batch, s.inputs, s.outputs);
    denseInputGradKernel(dy.data(), s.batch * s.outputs, s.outputs, w.data(), s.inputs * s.outputs,
                         s.outputs, got.data(), s.batch * s.inputs, s.inputs, s.runs, s.batch,
                         s.inputs, s.outputs);
    EXPECT_EQ(got, expected) << s.runs << "x" << s.batch << "x" << s.inputs << "x" << s.outputs;
  }
}

// convert-linalg-to-kernel-calls builds fused kernel names from a mode and an
// activation: every combination it can emit must resolve in the JIT.
TEST(DenseKernels, EveryFusedKernelNameIsRegistered) {
  int64_t count = 0;
  const KernelSymbol *symbols = kernelSymbols(count);
  auto registered = [&](const std::string &name) {
    for (int64_t i = 0; i < count; ++i)
      if (symbols[i].name == "_mlir_ciface_" + name)
        return symbols[i].address != nullptr;
    return false;
  };
  for (const char *act : {"identity", "relu", "tanh", "sigmoid"})
    for (const char *mode : {"wide", "shared", "per_run"})
      EXPECT_TRUE(registered(std::string("sweep_dense_") + mode + "_bias_" + act)) << mode << act;
  for (const char *act : {"relu", "tanh", "sigmoid"})
    EXPECT_TRUE(registered(std::string("sweep_dense_grad_input_through_") + act)) << act;
  for (const char *mode : {"wide", "shared", "per_run"})
    EXPECT_TRUE(registered(std::string("sweep_dense_grad_weight_") + mode + "_from_zero")) << mode;
  for (const char *rule : {"sgd", "adam", "adamw"})
    for (const char *mode : {"wide", "shared", "per_run"})
      EXPECT_TRUE(registered(std::string("sweep_dense_grad_weight_") + mode + "_" + rule))
          << mode << rule;
  for (const char *plain : {"sweep_dense_wide", "sweep_dense_shared", "sweep_dense_per_run",
                            "sweep_dense_grad_weight_wide", "sweep_dense_grad_weight_shared",
                            "sweep_dense_grad_weight_per_run", "sweep_dense_grad_input"})
    EXPECT_TRUE(registered(plain)) << plain;
}
