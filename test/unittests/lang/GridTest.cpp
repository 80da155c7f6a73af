//===- GridTest.cpp - grid expansion: order, ids, hashes, groups ----------===//

#include "FrontEndFixture.h"

using namespace sweep;

namespace {
const char *kPrelude = R"(
dataset d = blobs(n: 100, classes: 3, features: 4);
model m(width: int, act: activation = relu, p: float = 0.0) {
  x = input(4);
  x = dropout(act(dense(x, width)), p);
  return dense(x, 3);
}
)";

class GridTest : public FrontEndFixture {};
} // namespace

TEST_F(GridTest, FirstWrittenAxisVariesSlowest) {
  ASSERT_TRUE(mlir::succeeded(compile(std::string(kPrelude) + R"(
sweep s { data d; model m(width in [8, 16]); loss cross_entropy;
          optimizer sgd(lr in [0.1, 0.2, 0.3]); })")));
  const PlannedSweep &sweep = result.sweeps.front();
  ASSERT_EQ(sweep.runs.size(), 6u);
  EXPECT_EQ(valueOf(0, "model.width"), "8");
  EXPECT_EQ(valueOf(0, "optimizer.lr"), "0.1");
  EXPECT_EQ(valueOf(1, "optimizer.lr"), "0.2");
  EXPECT_EQ(valueOf(3, "model.width"), "16");
  EXPECT_EQ(sweep.plan.groups.size(), 2u);
  EXPECT_EQ(sweep.plan.groupOfRun[2], 0u);
  EXPECT_EQ(sweep.plan.groupOfRun[3], 1u);
}

TEST_F(GridTest, WhereKeepsIdsOfTheFullEnumeration) {
  ASSERT_TRUE(mlir::succeeded(compile(std::string(kPrelude) + R"(
sweep s { data d; model m(width 8); loss cross_entropy;
          optimizer sgd(lr in [0.1, 0.2, 0.3, 0.4]); where lr != 0.2; })")));
  const PlannedSweep &sweep = result.sweeps.front();
  ASSERT_EQ(sweep.runs.size(), 3u);
  EXPECT_EQ(sweep.runs.getId(0), 0u);
  EXPECT_EQ(sweep.runs.getId(1), 2u);
  EXPECT_EQ(sweep.runs.getId(2), 3u);
}

TEST_F(GridTest, ConfigHashIgnoresAxisOrder) {
  auto hashes = [&](const std::string &settings) {
    EXPECT_TRUE(mlir::succeeded(compile(std::string(kPrelude) + settings)));
    const PlannedSweep &sweep = result.sweeps.front();
    std::multiset<uint64_t> set;
    std::vector<Value> values;
    ConfigHasher hasher(*sweep.spec);
    for (size_t r = 0; r < sweep.runs.size(); ++r) {
      resolveRun(*sweep.spec, sweep.runs.getIndices(r), values);
      set.insert(hasher.hash(values));
    }
    return set;
  };
  auto a = hashes("sweep s { data d; model m(width in [8, 16]); loss cross_entropy; "
                  "optimizer sgd(lr in [0.1, 0.2]); seed in 0..1; }");
  auto b = hashes("sweep s { seed in 0..1; optimizer sgd(lr in [0.2, 0.1]); "
                  "loss cross_entropy; model m(width in [16, 8]); data d; }");
  EXPECT_EQ(a.size(), 8u);
  EXPECT_EQ(std::set<uint64_t>(a.begin(), a.end()).size(), 8u);
  EXPECT_EQ(a, b);
}

TEST_F(GridTest, ChoiceAlternativesHaveTheirOwnAxes) {
  ASSERT_TRUE(mlir::succeeded(compile(std::string(kPrelude) + R"(
sweep s { data d; model m(width 8); loss cross_entropy;
          optimizer in [sgd(lr in [0.1, 0.2], momentum in [0.0, 0.9]), adam(beta2 in [0.99, 0.999, 0.9999])];
          seed in 0..1; })")));
  const PlannedSweep &sweep = result.sweeps.front();
  EXPECT_EQ(sweep.runs.size(), (4u + 3u) * 2u);
  EXPECT_EQ(valueOf(0, "optimizer"), "sgd");
  EXPECT_EQ(valueOf(0, "optimizer.beta2"), "none");
  EXPECT_EQ(valueOf(8, "optimizer"), "adam");
  EXPECT_EQ(valueOf(8, "optimizer.momentum"), "none");
  EXPECT_EQ(valueOf(8, "optimizer.lr"), "0.001");
  EXPECT_EQ(sweep.plan.groups.size(), 2u);
}

TEST_F(GridTest, ZipPairsValuesInsteadOfCrossingThem) {
  ASSERT_TRUE(mlir::succeeded(compile(std::string(kPrelude) + R"(
sweep s { data d; model m(width 8, p in [0.0, 0.1, 0.2]); loss cross_entropy;
          optimizer sgd(lr in [0.1, 0.2, 0.3]); zip lr, p; })")));
  ASSERT_EQ(result.sweeps.front().runs.size(), 3u);
  EXPECT_EQ(valueOf(2, "optimizer.lr"), "0.3");
  EXPECT_EQ(valueOf(2, "model.p"), "0.2");
  // p is a float model argument: numeric, so all runs share one group.
  EXPECT_EQ(result.sweeps.front().plan.groups.size(), 1u);
}

TEST_F(GridTest, RandomAxesAreReproducibleAndInRange) {
  std::string source = std::string(kPrelude) + R"(
sweep s { data d; model m(width in randint(4, 64, 5, seed: 2)); loss cross_entropy;
          optimizer sgd(lr in loguniform(1e-4, 1e-1, 20, seed: 9)); })";
  ASSERT_TRUE(mlir::succeeded(compile(source)));
  std::vector<std::string> first;
  for (size_t r = 0; r < result.sweeps.front().runs.size(); ++r) {
    first.push_back(valueOf(r, "optimizer.lr"));
    double lr = std::stod(valueOf(r, "optimizer.lr"));
    EXPECT_GE(lr, 1e-4);
    EXPECT_LE(lr, 1e-1);
    int width = std::stoi(valueOf(r, "model.width"));
    EXPECT_GE(width, 4);
    EXPECT_LE(width, 64);
  }
  ASSERT_TRUE(mlir::succeeded(compile(source)));
  for (size_t r = 0; r < first.size(); ++r)
    EXPECT_EQ(valueOf(r, "optimizer.lr"), first[r]);
}

TEST_F(GridTest, TooManyRunsIsAnErrorNotAnAllocation) {
  EXPECT_TRUE(mlir::failed(compile(std::string(kPrelude) + R"(
sweep s { data d; model m(width in 1..1000); loss cross_entropy;
          optimizer sgd(lr in linspace(0.1, 1.0, 1000)); seed in 0..999; })")));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].find("has 1000000000 runs; the limit is 10000000"), std::string::npos)
      << messages[0];
}

TEST_F(GridTest, HundredThousandRunsExpand) {
  ASSERT_TRUE(mlir::succeeded(compile(std::string(kPrelude) + R"(
sweep s { data d; model m(width in [8, 16, 32, 64]); loss cross_entropy;
          optimizer sgd(lr in logspace(1e-4, 1.0, 250), momentum in [0.0, 0.5, 0.9, 0.95, 0.99]);
          seed in 0..19; })")));
  const PlannedSweep &sweep = result.sweeps.front();
  EXPECT_EQ(sweep.runs.size(), 100000u);
  EXPECT_EQ(sweep.plan.groups.size(), 4u);
  EXPECT_EQ(sweep.runs.getId(99999), 99999u);
  EXPECT_EQ(valueOf(99999, "optimizer.lr"), "1.0");
}

// Grouping looks at slot indices first for speed; runs whose indices differ but
// whose structural values agree must still share one group.
TEST_F(GridTest, EqualStructuralValuesShareAGroupWhateverTheirIndices) {
  ASSERT_TRUE(mlir::succeeded(compile(std::string(kPrelude) + R"(
sweep s { data d; model m(width in [8, 16, 8]); loss cross_entropy;
          optimizer sgd(lr in [0.1, 0.2]); })")));
  const PlannedSweep &sweep = result.sweeps.front();
  EXPECT_EQ(sweep.runs.size(), 6u);
  EXPECT_EQ(sweep.plan.groups.size(), 2u);
  EXPECT_EQ(sweep.plan.groupOfRun[0], sweep.plan.groupOfRun[4]);
  EXPECT_NE(sweep.plan.groupOfRun[0], sweep.plan.groupOfRun[2]);
  // The repeated width is a warning (value twice) and repeated runs (r4, r5).
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(messages[1].find("2 runs that repeat an earlier run's configuration (r4 repeats r0)"),
            std::string::npos)
      << messages[1];
}

TEST_F(GridTest, StructuralChoicesSplitGroupsAndNumericOnesDoNot) {
  ASSERT_TRUE(mlir::succeeded(compile(std::string(kPrelude) + R"(
sweep s { data d; model m(width 8); loss cross_entropy;
          optimizer in [sgd(lr 0.1), adam]; schedule in [constant, cosine, linear]; })")));
  const PlannedSweep &sweep = result.sweeps.front();
  EXPECT_EQ(sweep.runs.size(), 6u);
  EXPECT_EQ(sweep.plan.groups.size(), 2u);
}
