//===- AutodiffTest.cpp - train-autodiff against finite differences -------===//
//
// Random groups (depths, widths, activations, dropout, losses, run counts)
// go through MLIRGen and train-autodiff (with and without train-fuse first);
// the gradients the passes emit, evaluated in double, must match central
// differences of the loss.
//
//===----------------------------------------------------------------------===//

#include "TrainEvaluator.h"

#include "dialects/train/TrainOps.h"
#include "lib/MLIRGen/TrainProgram.h"
#include "lib/Transforms/Passes.h"
#include "runtime/rng/TrainingDraws.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace mlir;
using namespace sweep;
using namespace sweep::testing;

namespace {
struct RandomCase {
  GroupSpec group;
  int64_t runs = 1, batch = 1;
};

RandomCase randomCase(std::mt19937 &gen) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); };
  RandomCase c;
  GroupSpec &g = c.group;
  g.inputs = pick(1, 5);
  g.classification = pick(0, 2) != 0;
  g.loss = g.classification && pick(0, 3) != 0 ? LossKind::CrossEntropy : LossKind::Mse;
  g.outputs = pick(2, 4);
  g.optimizer = pick(0, 1) ? OptimizerKind::Sgd : OptimizerKind::Adam;
  int64_t width = g.inputs;
  int depth = pick(1, 3);
  for (int d = 0; d < depth; ++d) {
    int64_t out = d + 1 == depth ? g.outputs : pick(1, 6);
    g.layers.push_back({LayerSpec::Kind::Dense, width, out, Activation::Identity});
    width = out;
    if (d + 1 == depth)
      break;
    Activation act = Activation(pick(0, 4));
    g.layers.push_back({LayerSpec::Kind::Activation, width, width, act});
    if (pick(0, 2) == 0)
      g.layers.push_back({LayerSpec::Kind::Dropout, width, width, Activation::Identity});
  }
  c.runs = pick(1, 3);
  c.batch = pick(1, 4);
  return c;
}

HostTensor randomTensor(std::vector<int64_t> shape, std::mt19937 &gen, double scale = 1.0) {
  HostTensor t;
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  t.shape = shape;
  std::normal_distribution<double> normal(0.0, scale);
  for (int64_t i = 0; i < n; ++i)
    t.values.push_back(normal(gen));
  return t;
}
} // namespace

TEST(Autodiff, GradientsOfRandomGroupsMatchFiniteDifferences) {
  MLIRContext context;
  std::mt19937 gen(12345);
  for (int trial = 0; trial < 40; ++trial) {
    RandomCase c = randomCase(gen);
    OwningOpRef<ModuleOp> module = buildTrainProgram(context, c.group, c.runs);
    PassManager pm(&context);
    if (trial % 2) // Odd trials differentiate through fused activations.
      pm.addPass(createTrainFuse());
    pm.addPass(createTrainAutodiff());
    ASSERT_TRUE(succeeded(pm.run(*module))) << "trial " << trial;
    auto step = module->lookupSymbol<func::FuncOp>("train_step");

    // Arguments in @train_step order (TrainProgram.h).
    std::vector<HostTensor> args;
    args.push_back(randomTensor({c.batch, c.group.inputs}, gen));
    HostTensor target;
    if (c.group.classification) {
      target.shape = {c.batch};
      for (int64_t i = 0; i < c.batch; ++i)
        target.labels.push_back(int32_t(gen() % uint32_t(c.group.outputs)));
    } else {
      target = randomTensor({c.batch, c.group.outputs}, gen);
    }
    args.push_back(target);
    size_t firstParam = args.size();
    for (BlockArgument arg : step.getArguments().drop_front(2)) {
      auto type = cast<RankedTensorType>(arg.getType());
      std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
      for (int64_t &d : shape)
        if (ShapedType::isDynamic(d))
          d = c.batch;
      HostTensor t = randomTensor(shape, gen, 0.7);
      args.push_back(t);
    }
    // Dropout draws: each run's seed, the first row, then per dropout layer each
    // run's threshold and keep scale for p = 0.3 (train.dropout_mask).
    size_t params = 0, masks = 0;
    for (const LayerSpec &layer : c.group.layers) {
      params += layer.kind == LayerSpec::Kind::Dense ? 2 : 0;
      masks += layer.kind == LayerSpec::Kind::Dropout;
    }
    size_t draws = firstParam + params * (1 + size_t(optimizerSlots(c.group.optimizer)));
    if (masks) {
      for (double &seed : args[draws].values)
        seed = double(gen() % 100000);
      args[draws + 1].values = {double(gen() % 50 * uint64_t(c.batch))};
      for (size_t m = 0; m < masks; ++m) {
        std::fill(args[draws + 2 + 2 * m].values.begin(), args[draws + 2 + 2 * m].values.end(),
                  double(dropoutThreshold(0.3)));
        std::fill(args[draws + 3 + 2 * m].values.begin(), args[draws + 3 + 2 * m].values.end(),
                  double(dropoutKeepScale(0.3)));
      }
    }

    // The per-run mean loss that train.backward differentiated.
    Value lossValue;
    step.walk([&](Operation *op) {
      if (isa<train::CrossEntropyOp, train::MseOp>(op))
        lossValue = op->getResult(0);
    });
    ASSERT_TRUE(lossValue);
    std::vector<Value> gradients;
    step.walk([&](Operation *op) {
      if (auto sgd = dyn_cast<train::SgdOp>(op))
        gradients.push_back(sgd.getGrad());
      if (auto adam = dyn_cast<train::AdamOp>(op))
        gradients.push_back(adam.getGrad());
    });
    ASSERT_EQ(gradients.size(), params);

    TrainEvaluator evaluator;
    std::string error;
    auto totalLoss = [&]() {
      EXPECT_TRUE(evaluator.run(step, args, error)) << error;
      double sum = 0;
      for (double v : evaluator.get(lossValue).values)
        sum += v;
      return sum;
    };
    ASSERT_TRUE(evaluator.run(step, args, error)) << error;
    std::vector<HostTensor> analytic;
    for (Value g : gradients)
      analytic.push_back(evaluator.get(g));

    for (size_t p = 0; p < params; ++p) {
      HostTensor &param = args[firstParam + p];
      for (size_t e = 0; e < param.values.size(); ++e) {
        double saved = param.values[e], h = 1e-6;
        param.values[e] = saved + h;
        double up = totalLoss();
        param.values[e] = saved - h;
        double down = totalLoss();
        param.values[e] = saved;
        double numeric = (up - down) / (2 * h);
        EXPECT_NEAR(analytic[p].values[e], numeric, 1e-5 * std::max(1.0, std::fabs(numeric)))
            << "trial " << trial << ", param " << p << ", element " << e;
      }
    }
  }
}
