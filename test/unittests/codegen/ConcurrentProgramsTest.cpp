//===- ConcurrentProgramsTest.cpp - several programs at once, off the host ===//
//
// `--streams=N` trains N programs of a GPU sweep at once, each from its own
// thread (and CUDA stream), their buffers in device memory. Checked here
// without a GPU: the CPU's compiled code with its buffers in host memory that
// the programs must treat as a device's (every input staged, every output
// collected, new blocks NaN-filled), trained with 1 and with 4 programs at
// once. The results must be the same bit for bit, every block released, and
// the programs must really have overlapped.
//
//===----------------------------------------------------------------------===//

#include "../runtime/JobFixture.h"
#include "../runtime/TrainFixture.h"
#include "codegen/cpu/CpuBackend.h"
#include "codegen/cpu/JitCompiler.h"
#include "runtime/exec/CompiledProgram.h"
#include "runtime/exec/Trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace sweep;
using namespace sweep::testing;

namespace {
/// Device-like memory that several programs use at once.
class SharedStagedSpace : public BufferSpace {
public:
  void *allocate(size_t bytes) override {
    void *block = std::aligned_alloc(64, (std::max<size_t>(bytes, 1) + 63) / 64 * 64);
    std::memset(block, 0xff, bytes);
    std::lock_guard<std::mutex> lock(mutex);
    live.insert(block);
    return block;
  }
  void release(void *pointer) override {
    {
      std::lock_guard<std::mutex> lock(mutex);
      EXPECT_EQ(live.erase(pointer), 1u) << "released a block it did not allocate";
    }
    std::free(pointer);
  }
  void copy(void *to, const void *from, size_t bytes) override { std::memmove(to, from, bytes); }
  bool isHost() const override { return false; }
  std::mutex mutex;
  std::set<void *> live;
};

/// Counts how many programs are inside a training step at the same moment.
class OverlapProgram : public GroupProgram {
public:
  OverlapProgram(std::unique_ptr<GroupProgram> inner, std::atomic<int> &inside,
                 std::atomic<int> &most, bool awaitCompany)
      : inner(std::move(inner)), inside(inside), most(most), awaitCompany(awaitCompany) {}
  void init() override { inner->init(); }
  void trainStep(const Batch &batch, uint64_t step, const double *lr, const uint8_t *alive,
                 double *loss) override {
    int now = ++inside;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    // A program's first step waits (up to 10 s) for another to be inside a
    // step too: on a loaded machine the threads could otherwise each finish
    // their short steps without ever overlapping, and the check below would
    // fail for want of luck, not of concurrency. Only where several threads
    // train (a program trained alone would wait for nobody).
    if (awaitCompany && step == 0) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (most.load() < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    inner->trainStep(batch, step, lr, alive, loss);
    --inside;
  }
  void evaluate(const Batch &batch, const uint8_t *alive, EvalSums *sums) override {
    inner->evaluate(batch, alive, sums);
  }
  bool gather(const std::vector<size_t> &keep, std::string &error) override {
    return inner->gather(keep, error);
  }
  size_t runCount() const override { return inner->runCount(); }
  void takeWork(PhaseWork &work) override { inner->takeWork(work); }
  std::string takeError() override { return inner->takeError(); }

private:
  std::unique_ptr<GroupProgram> inner;
  std::atomic<int> &inside, &most;
  bool awaitCompany;
};

/// The GPU backend's shape: chunks of 2 runs, code compiled once per size and
/// shared by the programs, buffers off the host.
class StagedChunksBackend : public Backend {
public:
  std::string name() const override { return "staged"; }
  size_t chooseRunsPerProgram(const SweepJob &, const GroupSpec &) const override { return 2; }
  std::unique_ptr<GroupProgram> create(const GroupSpec &group, std::vector<const RunSpec *> runs,
                                       std::string &error) override {
    std::shared_ptr<const GroupCode> code = codeFor(group, runs.size(), error);
    if (!code)
      return nullptr;
    CodeForRuns smaller = [this, &group](size_t count, std::string &message) {
      return codeFor(group, count, message);
    };
    return std::make_unique<OverlapProgram>(
        createCompiledProgram(group, std::move(runs), code, smaller, space), inside, most,
        awaitCompany);
  }
  std::shared_ptr<const GroupCode> codeFor(const GroupSpec &group, size_t runs,
                                           std::string &error) {
    std::lock_guard<std::mutex> lock(mutex);
    std::shared_ptr<const GroupCode> &code = cache[groupCodeKey(group, runs)];
    if (!code)
      code = CompiledGroup::compile(group, int64_t(runs), error);
    return code;
  }
  SharedStagedSpace space;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const GroupCode>> cache;
  std::atomic<int> inside{0}, most{0};
  bool awaitCompany = false;
};

struct Result {
  TrainedSweep trained;
  int mostAtOnce = 0;
  size_t leftBlocks = 0;
};

Result trainWith(const SweepJob &job, unsigned programsAtOnce, const std::string &dir) {
  Result result;
  StagedChunksBackend backend;
  backend.awaitCompany = programsAtOnce > 1;
  TrainerOptions options;
  options.threads = programsAtOnce;
  result.trained = trainJob(job, backend, options, dir);
  result.mostAtOnce = backend.most;
  backend.cache.clear();
  result.leftBlocks = backend.space.live.size();
  return result;
}
} // namespace

TEST(ConcurrentPrograms, OffTheHostTrainAsOneAtATime) {
  std::vector<double> rates;
  for (int i = 0; i < 12; ++i)
    rates.push_back(0.002 * (i + 1));
  SweepJob job = blobsJob(rates, 2);
  Result one = trainWith(job, 1, freshDirectory("one-at-a-time"));
  Result four = trainWith(job, 4, freshDirectory("four-at-once"));
  const std::vector<RunRecord> &a = one.trained.records, &b = four.trained.records;
  ASSERT_EQ(a.size(), rates.size());
  ASSERT_EQ(b.size(), rates.size());
  EXPECT_EQ(one.mostAtOnce, 1);
  EXPECT_GE(four.mostAtOnce, 2) << "the 6 programs never trained at the same time";
  for (size_t r = 0; r < rates.size(); ++r) {
    EXPECT_EQ(a[r].status, b[r].status) << "run " << r;
    EXPECT_EQ(a[r].metrics, b[r].metrics) << "run " << r;
  }
  EXPECT_EQ(one.trained.curves, four.trained.curves);
  EXPECT_EQ(one.leftBlocks, 0u);
  EXPECT_EQ(four.leftBlocks, 0u);
}
