//===- PrepareBackendTest.cpp - compiling a sweep's programs ahead --------===//
//
// prepareBackend compiles every program a sweep needs (each group's chunk
// sizes) before or beside training. It compiles code and nothing more: the
// programs' buffers are made by the trainer when it trains them.
//
//===----------------------------------------------------------------------===//

#include "runtime/exec/CodeCache.h"
#include "runtime/exec/Trainer.h"
#include "runtime/kernels/ProgramHeap.h"

#include "NoCode.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>

using namespace sweep;

using sweep::test::NoCode;

namespace {
/// Host memory that counts what is allocated from it.
class CountingSpace : public BufferSpace {
public:
  void *allocate(size_t bytes) override {
    ++allocations;
    return programHeap::allocate(bytes, 64);
  }
  void release(void *pointer) override { programHeap::release(pointer); }
  void copy(void *to, const void *from, size_t bytes) override { std::memmove(to, from, bytes); }
  bool isHost() const override { return true; }
  std::atomic<size_t> allocations{0};
};

/// Programs of 3 runs; compiling counts and gives code that does nothing.
class CountingBackend : public CompilingBackend {
public:
  std::string name() const override { return "counting"; }
  size_t chooseRunsPerProgram(const SweepJob &, const GroupSpec &) const override { return 3; }
  std::atomic<size_t> compiles{0};
  CountingSpace space;

protected:
  std::shared_ptr<const GroupCode> compile(const GroupSpec &, size_t, std::string &,
                                           double &seconds) override {
    ++compiles;
    seconds = 0;
    return std::make_shared<NoCode>();
  }
  BufferSpace &bufferSpace() override { return space; }
};
} // namespace

// Regression: each program was made (its parameters, their next values and
// the optimizer's state allocated) and dropped at once. On the GPU, where
// compiling goes on beside training, every such cuMemAlloc and cuMemFree
// synchronizes the device, and the blocks stay in the runtime's cache, held
// from the programs that train.
TEST(PrepareBackend, CompilesEveryChunkSizeAndAllocatesNothing) {
  SweepJob job;
  job.runs.resize(8);
  GroupSpec group;
  group.inputs = 4;
  group.outputs = 2;
  group.batch = 8;
  group.layers = {{LayerSpec::Kind::Dense, 4, 16, Activation::Relu},
                  {LayerSpec::Kind::Dense, 16, 2, Activation::Identity}};
  for (uint32_t r = 0; r < 8; ++r)
    group.runs.push_back(r);
  job.groups.push_back(group);

  CountingBackend backend;
  std::string error;
  size_t ready = 0;
  ASSERT_TRUE(prepareBackend(job, backend, 2, error, [&] { ++ready; })) << error;
  EXPECT_EQ(backend.compiles, 2u); // Programs of 3 runs and of the 2 left.
  EXPECT_EQ(ready, 2u);
  EXPECT_EQ(backend.space.allocations, 0u);

  // The trainer's programs are made from the code compiled then.
  std::vector<const RunSpec *> runs = {&job.runs[0], &job.runs[1], &job.runs[2]};
  EXPECT_TRUE(backend.create(job.groups[0], runs, error)) << error;
  EXPECT_EQ(backend.compiles, 2u);
  EXPECT_GT(backend.space.allocations, 0u);
}
