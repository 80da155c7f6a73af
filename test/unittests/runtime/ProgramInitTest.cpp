//===- ProgramInitTest.cpp - a compiled program's initial weights ---------===//
//
// CompiledProgram::init draws every run's initial weights on the host, split
// over the cores, and into device memory a block of runs at a time. Whatever
// the split, each run's weights are its own stream's draws
// (runtime/rng/TrainingDraws.h), as the interpreter's, and its biases zero;
// on a GPU the zeros are set on the device and the drawing is a row of the
// launch profile.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/DeviceBufferSpace.h"
#include "runtime/cuda/LaunchProfile.h"
#include "runtime/exec/CompiledProgram.h"
#include "runtime/kernels/ProgramHeap.h"
#include "runtime/rng/TrainingDraws.h"

#include "FakeCudaFixture.h"
#include "NoCode.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

using namespace sweep;
using namespace sweep::cuda;

using sweep::test::NoCode;

namespace {
/// Host memory that the program must treat as a device's (copies in and
/// out), handed out full of garbage, as device memory is.
class PoisonedSpace : public BufferSpace {
public:
  void *allocate(size_t bytes) override {
    void *block = programHeap::allocate(bytes, 64);
    std::memset(block, 0xA5, bytes);
    return block;
  }
  void release(void *pointer) override { programHeap::release(pointer); }
  void copy(void *to, const void *from, size_t bytes) override {
    largestCopy = std::max(largestCopy, bytes);
    std::memmove(to, from, bytes);
  }
  bool isHost() const override { return false; }
  size_t largestCopy = 0;
};

/// 700 runs of 784-32-10 with a mix of initializations: 17.8 million draws
/// (split over the threads), and a first layer of 70 MB (drawn in more than
/// one block of runs for a device).
/// `afterInit` sees the space before the test reads the weights back.
void expectEveryRunDrawsItsOwnStream(BufferSpace &space, void (*afterInit)(BufferSpace &)) {
  GroupSpec group;
  group.inputs = 784;
  group.outputs = 10;
  group.batch = 16;
  group.layers = {{LayerSpec::Kind::Dense, 784, 32, Activation::Relu},
                  {LayerSpec::Kind::Dense, 32, 10, Activation::Identity}};
  std::vector<RunSpec> specs(700);
  std::vector<const RunSpec *> runs;
  for (size_t r = 0; r < specs.size(); ++r) {
    specs[r].seed = 1000 + r;
    specs[r].init = r % 3 == 0 ? InitKind::XavierUniform : InitKind::HeNormal;
    specs[r].gain = 1.0 + double(r % 5) / 10;
    runs.push_back(&specs[r]);
  }
  std::unique_ptr<GroupProgram> program =
      createCompiledProgram(group, runs, std::make_shared<NoCode>(), nullptr, space);
  program->init();
  afterInit(space);
  std::vector<float> got, first(784 * 32), second(32 * 10);
  for (size_t r = 0; r < specs.size(); ++r) {
    ASSERT_TRUE(program->readParameters(r, got));
    initDenseWeights(specs[r], 0, 784, 32, first.data());
    initDenseWeights(specs[r], 1, 32, 10, second.data());
    std::vector<float> expected = first;
    expected.insert(expected.end(), 32, 0.0f);
    expected.insert(expected.end(), second.begin(), second.end());
    expected.insert(expected.end(), 10, 0.0f);
    ASSERT_EQ(got, expected) << "run " << r;
  }
}
} // namespace

TEST(ProgramInit, EveryRunDrawsItsOwnStreamInHostMemory) {
  expectEveryRunDrawsItsOwnStream(hostBufferSpace(), [](BufferSpace &) {});
}

TEST(ProgramInit, EveryRunDrawsItsOwnStreamInDeviceMemory) {
  PoisonedSpace space;
  expectEveryRunDrawsItsOwnStream(space, [](BufferSpace &space) {
    // The 70 MB first layer went over in blocks of runs, not in one copy
    // from a host buffer of its size.
    EXPECT_LE(static_cast<PoisonedSpace &>(space).largestCopy, size_t(64) << 20);
    EXPECT_GT(static_cast<PoisonedSpace &>(space).largestCopy, size_t(0));
  });
}

// SWEEPC_GPU_PROFILE: a program's initial weights, drawn on the host before
// its first step, are a row of the launch profile beside its copies.
TEST_F(CudaFake, TheLaunchProfileShowsTheInitialWeightsDrawnOnTheHost) {
  GpuRuntime *runtime = openProfiled();
  ASSERT_NE(runtime, nullptr);
  {
    GroupSpec group;
    group.inputs = 3;
    group.outputs = 2;
    group.batch = 4;
    group.layers = {{LayerSpec::Kind::Dense, 3, 2, Activation::Identity}};
    RunSpec run;
    DeviceBufferSpace space(*runtime);
    std::unique_ptr<GroupProgram> program =
        createCompiledProgram(group, {&run}, std::make_shared<NoCode>(), nullptr, space);
    int memsetsBefore = live("memsets");
    program->init();
    EXPECT_EQ(program->takeError(), "");
    // The bias and SGD's momentum of the weights and of the bias: zeros set
    // on the device.
    EXPECT_EQ(live("memsets") - memsetsBefore, 3);
  }
  std::string report = runtime->profile()->report();
  EXPECT_NE(report.find("host: initial weights drawn"), std::string::npos) << report;
  EXPECT_NE(report.find("memory set on the device"), std::string::npos) << report;
  GpuRuntime::close();
}
