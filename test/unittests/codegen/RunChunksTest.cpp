//===- RunChunksTest.cpp - the run-major / layer-major choice -------------===//
//
// A run's resident bytes count its parameters, the optimizer state its step
// reads and one minibatch of activations with their gradients; a group's
// thread share is one program when it fits the budget, else the largest
// power-of-two chunk that does; --runs-per-program overrides the model.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/RunChunks.h"

#include "codegen/cpu/CpuBackend.h"
#include "runtime/kernels/OptimizerStep.h"

#include "../support/ScratchDirectory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace sweep;

namespace {
constexpr uint64_t kMiB = uint64_t(1) << 20;
const CacheSize kTwoMiB{2 * kMiB, true};

/// A 784-width-10 relu MLP with `runs` runs, batch 128.
struct Sweep {
  SweepJob job;
  GroupSpec &group() { return job.groups[0]; }
};

Sweep mlp(int64_t width, size_t runs, OptimizerKind optimizer = OptimizerKind::Sgd,
          double momentum = 0) {
  Sweep s;
  GroupSpec g;
  g.inputs = 784, g.outputs = 10, g.batch = 128, g.optimizer = optimizer;
  g.layers = {{LayerSpec::Kind::Dense, 784, width, Activation::Identity},
              {LayerSpec::Kind::Activation, width, width, Activation::Relu},
              {LayerSpec::Kind::Dense, width, 10, Activation::Identity}};
  for (size_t r = 0; r < runs; ++r) {
    RunSpec run;
    run.optimizer = optimizer;
    run.momentum = momentum;
    g.runs.push_back(uint32_t(r));
    s.job.runs.push_back(run);
  }
  s.job.groups.push_back(g);
  return s;
}

constexpr uint64_t kParams128 = 784 * 128 + 128 + 128 * 10 + 10;
constexpr uint64_t kActivations128 = 2 * 128 * (128 + 128 + 10);
} // namespace

TEST(RunChunks, ResidentBytesCountTheStateTheStepReads) {
  Sweep plain = mlp(128, 4), momentum = mlp(128, 4, OptimizerKind::Sgd, 0.9),
        adam = mlp(128, 4, OptimizerKind::AdamW);
  EXPECT_EQ(residentBytesPerRun(plain.job, plain.group()), 4 * (kParams128 + kActivations128));
  EXPECT_EQ(residentBytesPerRun(momentum.job, momentum.group()),
            4 * (2 * kParams128 + kActivations128));
  EXPECT_EQ(residentBytesPerRun(adam.job, adam.group()), 4 * (3 * kParams128 + kActivations128));
  // One run with momentum makes the group's step read the buffers.
  plain.job.runs[2].momentum = 0.5;
  EXPECT_EQ(residentBytesPerRun(plain.job, plain.group()), 4 * (2 * kParams128 + kActivations128));
}

TEST(RunChunks, ManyRunsTrainInPowerOfTwoChunksThatFitTheBudget) {
  // 64 runs of 784-128-10: 0.68 MB each, 8 MiB budget -> chunks of 8.
  Sweep s = mlp(128, 64);
  RunChunking one = chooseRunChunking(s.job, s.group(), 1, kTwoMiB);
  EXPECT_TRUE(one.runMajor);
  EXPECT_EQ(one.runsPerProgram, 8u);
  EXPECT_EQ(one.budgetBytes, kCacheMultiple * 2 * kMiB);
  EXPECT_LE(one.runsPerProgram * one.runBytes, one.budgetBytes);
  EXPECT_GT(2 * one.runsPerProgram * one.runBytes, one.budgetBytes);
  // Two threads share the group (32 runs each): the same chunks.
  EXPECT_EQ(chooseRunChunking(s.job, s.group(), 2, kTwoMiB).runsPerProgram, 8u);
  // A larger cache holds more runs.
  EXPECT_EQ(chooseRunChunking(s.job, s.group(), 1, {8 * kMiB, true}).runsPerProgram, 32u);
  EXPECT_EQ(describeRunChunking(one, 64).rfind("schedule: run-major, 8 chunks of 8 runs (", 0),
            0u)
      << describeRunChunking(one, 64);
}

TEST(RunChunks, AShareThatFitsIsOneLayerMajorProgram) {
  Sweep s = mlp(16, 12);
  RunChunking one = chooseRunChunking(s.job, s.group(), 1, kTwoMiB);
  EXPECT_FALSE(one.runMajor);
  EXPECT_EQ(one.runsPerProgram, 12u);
  // Split among 4 threads: 3 runs each.
  EXPECT_EQ(chooseRunChunking(s.job, s.group(), 4, kTwoMiB).runsPerProgram, 3u);
  EXPECT_EQ(describeRunChunking(one, 12).rfind("schedule: layer-major, 1 chunk of 12 runs (", 0),
            0u);
}

TEST(RunChunks, ARunLargerThanTheBudgetTrainsAlone) {
  Sweep s = mlp(4096, 8, OptimizerKind::Adam);
  RunChunking choice = chooseRunChunking(s.job, s.group(), 1, kTwoMiB);
  EXPECT_TRUE(choice.runMajor);
  EXPECT_EQ(choice.runsPerProgram, 1u);
  EXPECT_NE(describeRunChunking(choice, 8).find("one run alone exceeds it"), std::string::npos);
}

TEST(RunChunks, AForcedSizeOverridesTheModel) {
  Sweep s = mlp(128, 64);
  RunChunking forced = chooseRunChunking(s.job, s.group(), 1, kTwoMiB, 3);
  EXPECT_TRUE(forced.forced);
  EXPECT_EQ(forced.runsPerProgram, 3u);
  EXPECT_EQ(describeRunChunking(forced, 64),
            "schedule: run-major, 22 chunks of 3 runs, the last of 1 (--runs-per-program)");
  EXPECT_EQ(describeRunChunking(forced, 63),
            "schedule: run-major, 21 chunks of 3 runs (--runs-per-program)");
  // Never more than the group.
  EXPECT_EQ(chooseRunChunking(s.job, s.group(), 1, kTwoMiB, 100).runsPerProgram, 64u);
}

TEST(RunChunks, ThisMachinesL2IsReadOrSaidToBeAssumed) {
  CacheSize l2 = coreL2Size();
  EXPECT_GT(l2.bytes, 0u);
  if (!l2.measured) {
    EXPECT_EQ(l2.bytes, kMiB);
  }
}

// --max-memory: a program never holds more runs than fit in its share of the
// memory (programBytesPerRun each), whatever the cache model would take.
TEST(RunChunks, MemoryCapsTheRunsOfAProgram) {
  Sweep s = mlp(128, 64);
  uint64_t perRun = programBytesPerRun(s.group());
  RunChunking roomy = chooseRunChunking(s.job, s.group(), 1, {uint64_t(1) << 40, true}, 0,
                                        uint64_t(1) << 40);
  EXPECT_EQ(roomy.runsPerProgram, 64u);
  EXPECT_FALSE(roomy.memoryCapped);
  // Room for 5 runs: programs of 4, a power of two like the cache model's.
  RunChunking capped =
      chooseRunChunking(s.job, s.group(), 1, {uint64_t(1) << 40, true}, 0, 5 * perRun + 1);
  EXPECT_EQ(capped.runsPerProgram, 4u);
  EXPECT_TRUE(capped.memoryCapped);
  EXPECT_TRUE(capped.runMajor);
  EXPECT_NE(describeRunChunking(capped, 64).find("--max-memory over the threads)"),
            std::string::npos)
      << describeRunChunking(capped, 64);
  RunChunking tiny = chooseRunChunking(s.job, s.group(), 1, kTwoMiB, 0, perRun / 2);
  EXPECT_EQ(tiny.runsPerProgram, 1u);
  EXPECT_NE(describeRunChunking(tiny, 64).find("one run alone exceeds it"), std::string::npos);
  // --runs-per-program is the user's word: the cap does not change it.
  EXPECT_EQ(chooseRunChunking(s.job, s.group(), 1, kTwoMiB, 32, perRun).runsPerProgram, 32u);
}

TEST(ProgramMemory, SizesAsUsersWriteThem) {
  uint64_t bytes = 0;
  std::string error;
  EXPECT_TRUE(parseByteSize("512M", bytes, error));
  EXPECT_EQ(bytes, uint64_t(512) << 20);
  EXPECT_TRUE(parseByteSize("1.5GiB", bytes, error));
  EXPECT_EQ(bytes, uint64_t(3) << 29);
  EXPECT_TRUE(parseByteSize("4096", bytes, error));
  EXPECT_EQ(bytes, 4096u);
  EXPECT_TRUE(parseByteSize("2k", bytes, error));
  EXPECT_EQ(bytes, 2048u);
  // Regression: "0x100000" was read as hexadecimal, 1 MiB.
  for (const char *bad : {"", "lots", "-1G", "0", "1X", "0.1", "nanG", "1e30T", "0x100000", "0x1M"})
    EXPECT_FALSE(parseByteSize(bad, bytes, error)) << bad;
  EXPECT_EQ(formatBytes(uint64_t(3) << 29), "1.5 GiB");
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
  EXPECT_EQ(formatBytes(uint64_t(12) << 40), "12.0 TiB");
}

TEST(ProgramMemory, TheLeastARunNeedsIsItsParametersStateAndOneMinibatch) {
  // SGD keeps one state slot (momentum), Adam two; every layer's outputs
  // (activations too) for one minibatch of 128. Compiled programs hold the
  // parameters and state twice (this step's and the next's), the gradients
  // once. Regression: counted once, Adam's runs passed the check at 4 x
  // their parameters, held 7 x, and the kernel killed the sweep.
  Sweep sgd = mlp(128, 1);
  EXPECT_EQ(leastBytesPerRun(sgd.group()), 4 * (5 * kParams128 + 128 * (128 + 128 + 10)));
  Sweep adam = mlp(128, 1, OptimizerKind::Adam);
  EXPECT_EQ(leastBytesPerRun(adam.group()), 4 * (7 * kParams128 + 128 * (128 + 128 + 10)));
  // The interpreter updates in place.
  EXPECT_EQ(leastBytesPerRun(adam.group(), /*nextStep=*/false),
            4 * (4 * kParams128 + 128 * (128 + 128 + 10)));
  // A lower bound of what a compiled program allocates.
  EXPECT_LT(leastBytesPerRun(adam.group()), programBytesPerRun(adam.group()));
}

// Regression: the data was not counted before a sweep started, and data
// larger than a cgroup's limit was killed by the kernel while it loaded.
TEST(ProgramMemory, TheDataIsItsSamplesFeaturesAndLabels) {
  Sweep s = mlp(128, 1);
  DataSpec classes;
  classes.expectInputs = 784, classes.expectClasses = 10, classes.expectTargets = 10;
  classes.expectTrain = 50000, classes.expectValidation = 10000, classes.expectTest = 10000;
  DataSpec targets;
  targets.expectInputs = 3, targets.expectTargets = 2;
  targets.expectTrain = 100;
  s.job.datasets = {classes, targets};
  EXPECT_EQ(datasetBytes(s.job), 4 * (70000 * (784 + 1) + 100 * (3 + 2)));
}

namespace {
/// A directory standing for / : proc/meminfo, proc/self/cgroup and a cgroup
/// file, each written where given.
std::string fakeRoot(const std::string &name,
                     const std::vector<std::pair<std::string, std::string>> &files) {
  namespace fs = std::filesystem;
  std::string root = sweep::testing::scratchPath("memory-" + name);
  fs::remove_all(root);
  for (const auto &[path, text] : files) {
    fs::create_directories(fs::path(root + "/" + path).parent_path());
    std::ofstream(root + "/" + path) << text;
  }
  return root;
}

const char *kMeminfo = "MemTotal:       24576000 kB\nMemFree:        1000 kB\n";
} // namespace

TEST(ProgramMemory, TheHostsMemoryIsMemTotal) {
  MemoryLimit limit = hostMemoryLimit(fakeRoot("plain", {{"proc/meminfo", kMeminfo}}));
  EXPECT_EQ(limit.bytes, uint64_t(24576000) * 1024);
  EXPECT_EQ(limit.source, "this machine's memory");
  // Nothing to read: unknown, and nothing is refused.
  EXPECT_EQ(hostMemoryLimit(fakeRoot("empty", {})).bytes, 0u);
  // This machine's own figure is known.
  EXPECT_GT(hostMemoryLimit().bytes, 0u);
}

TEST(ProgramMemory, ACgroupLimitBelowTheMachinesMemoryIsTheLimit) {
  // cgroup v2: the process's own group says "max"; one above it has 8 GiB.
  MemoryLimit v2 = hostMemoryLimit(fakeRoot(
      "v2", {{"proc/meminfo", kMeminfo},
             {"proc/self/cgroup", "0::/slurm/job42/step0\n"},
             {"sys/fs/cgroup/slurm/job42/step0/memory.max", "max\n"},
             {"sys/fs/cgroup/slurm/job42/memory.max", "8589934592\n"},
             {"sys/fs/cgroup/memory.max", "max\n"}}));
  EXPECT_EQ(v2.bytes, uint64_t(8) << 30);
  // Named by its path. Regression: "the memory.max of this process's cgroup".
  EXPECT_EQ(v2.source, "the memory.max of the cgroup /slurm/job42 above this process's");
  // cgroup v1: the memory controller's line; "unlimited" is a huge number.
  MemoryLimit v1 = hostMemoryLimit(fakeRoot(
      "v1", {{"proc/meminfo", kMeminfo},
             {"proc/self/cgroup", "5:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n"},
             {"sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "2147483648\n"},
             {"sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n"}}));
  EXPECT_EQ(v1.bytes, uint64_t(2) << 30);
  EXPECT_EQ(v1.source, "the memory.limit_in_bytes of this process's cgroup");
  MemoryLimit unlimited = hostMemoryLimit(fakeRoot(
      "v1-unlimited", {{"proc/meminfo", kMeminfo},
                       {"proc/self/cgroup", "4:memory:/\n"},
                       {"sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n"}}));
  EXPECT_EQ(unlimited.bytes, uint64_t(24576000) * 1024);
  EXPECT_EQ(unlimited.source, "this machine's memory");
}

// A cap a byte below what a run may need is refused in bytes: rounded, both
// would read alike. Regression: "needs 163.3 KiB ..., more than the 163.3 KiB".
TEST(RunChunks, ARefusalBarelyOverTheCapSaysTheBytes) {
  Sweep s = mlp(128, 4);
  uint64_t perRun = programBytesPerRun(s.group());
  std::unique_ptr<Backend> cpu =
      createCpuBackend(1, 0, false, CpuLoops::KernelCalls, perRun - 1);
  std::string problem = cpu->scheduleProblem(s.job, s.group());
  EXPECT_NE(problem.find("a run may need " + std::to_string(perRun) +
                         " bytes in a program (an upper bound), more than the " +
                         std::to_string(perRun - 1) + " bytes"),
            std::string::npos)
      << problem;
  std::unique_ptr<Backend> far = createCpuBackend(1, 0, false, CpuLoops::KernelCalls, 1024);
  EXPECT_NE(far->scheduleProblem(s.job, s.group()).find("more than the 1.0 KiB"),
            std::string::npos);
}

// Regression: the chunks the planner keeps within the cache budget had their
// optimizer step's new tensors streamed past the caches (a fixed 2 MiB
// threshold against a 4 x L2 budget), so every step read them back from
// memory: a 64-run chunk of 784-16-10 (3.2 MB of first-layer parameters)
// trained 10% slower on mlp16_1024runs. Whatever the chunk, its layers' steps
// keep their tensors in cache.
TEST(RunChunks, ChunksThePlannerKeepsInCacheAreNotStreamedOut) {
  struct Case {
    int64_t width;
    size_t runs;
    OptimizerKind optimizer;
    double momentum;
  };
  for (Case c : {Case{16, 1024, OptimizerKind::Sgd, 0}, Case{128, 64, OptimizerKind::Sgd, 0},
                 Case{128, 64, OptimizerKind::Sgd, 0.9}, Case{128, 64, OptimizerKind::AdamW, 0},
                 Case{32, 256, OptimizerKind::Adam, 0}})
    for (CacheSize l2 : {CacheSize{kMiB, true}, kTwoMiB, CacheSize{4 * kMiB, true}}) {
      Sweep s = mlp(c.width, c.runs, c.optimizer, c.momentum);
      RunChunking chunk = chooseRunChunking(s.job, s.group(), 1, l2);
      std::vector<float> momentum(chunk.runsPerProgram, float(c.momentum));
      OptimizerStep step;
      step.kind = c.optimizer == OptimizerKind::Sgd ? UpdateRule::Sgd : UpdateRule::Adam;
      step.hyper[1] = {momentum.data(), 1};
      for (auto [m, n] : {std::pair<int64_t, int64_t>{784, c.width}, {c.width, 10}}) {
        step.m = m, step.n = n;
        EXPECT_FALSE(streamStoresFor(step, int64_t(chunk.runsPerProgram), chunk.budgetBytes))
            << "784-" << c.width << "-10, " << c.runs << " runs, L2 " << l2.bytes << ": a chunk of "
            << chunk.runsPerProgram << ", layer " << m << " x " << n;
      }
    }
}
