//===- MinibatchPrefetchTest.cpp - minibatches copied ahead, without a GPU ===//
//
// Double-buffered minibatches, layer by layer:
//  - DeviceCopyQueue over the stand-in libcuda (FakeCuda.cpp), whose
//    asynchronous copies land only when an event after them or their stream
//    is synchronized: fences wait for their own copies and not later ones,
//    staging memory is page-locked, and nothing is left behind;
//  - a compiled program over device memory (DeviceBufferSpace) whose code
//    records the rows it is handed: each step reads its own batch, the next
//    batch is still in flight while it runs, and no batch is copied at the
//    call;
//  - a `sweepc build` executable's padded programs pass announcements on;
//  - the trainer's side (BatchStream): through trainSweep, every batch a
//    program is called with was announced before the call ahead of it, with
//    the same rows, and training gives the same results as without; an
//    evaluation pass's batches point into the split, a shuffled pass's are
//    gathered.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/DeviceBufferSpace.h"
#include "runtime/cuda/DeviceCopyQueue.h"
#include "runtime/driver/LinkedBackend.h"
#include "runtime/exec/BatchStream.h"
#include "runtime/exec/CompiledProgram.h"
#include "runtime/exec/Trainer.h"
#include "runtime/interp/Interpreter.h"

#include "FakeCudaFixture.h"
#include "JobFixture.h"
#include "TrainFixture.h"

#include <cstdlib>
#include <cstring>
#include <map>

using namespace sweep;
using namespace sweep::cuda;
using namespace sweep::testing;

namespace {
class PrefetchOnFakeGpu : public GpuRuntimeFake {};
} // namespace

TEST_F(PrefetchOnFakeGpu, AFenceWaitsForItsCopiesAndNotForLaterOnes) {
  auto queue = std::make_unique<DeviceCopyQueue>(*runtime);
  int *deviceA = static_cast<int *>(runtime->allocate(sizeof(int)));
  int *deviceB = static_cast<int *>(runtime->allocate(sizeof(int)));
  int *stagingA = static_cast<int *>(queue->allocateStaging(sizeof(int)));
  int *stagingB = static_cast<int *>(queue->allocateStaging(sizeof(int)));
  ASSERT_TRUE(deviceA && deviceB && stagingA && stagingB) << runtime->takeError();
  EXPECT_EQ(live("pinned"), 2);
  *deviceA = *deviceB = 0;
  *stagingA = 1;
  queue->start(deviceA, stagingA, sizeof(int));
  uint64_t first = queue->fence();
  *stagingB = 2;
  queue->start(deviceB, stagingB, sizeof(int));
  uint64_t second = queue->fence();
  EXPECT_LT(0u, first);
  EXPECT_LT(first, second);
  EXPECT_EQ(live("in flight"), 2);
  EXPECT_EQ(*deviceA, 0); // Not landed before it is waited for.
  queue->wait(first);
  EXPECT_EQ(*deviceA, 1);
  EXPECT_EQ(*deviceB, 0);
  EXPECT_EQ(live("in flight"), 1);
  queue->wait(first); // Again: nothing left to wait for.
  queue->wait(second);
  EXPECT_EQ(*deviceB, 2);
  EXPECT_EQ(live("events"), 2); // Kept for the next fences.
  EXPECT_EQ(live("pageable copies"), 0);
  EXPECT_EQ(runtime->takeError(), "");
  runtime->release(deviceA);
  runtime->release(deviceB);
  queue->releaseStaging(stagingA);
  EXPECT_EQ(live("pinned"), 1);
  queue.reset(); // Frees the other staging block, the events and the stream.
  EXPECT_EQ(live("pinned"), 0);
  EXPECT_EQ(live("events"), 0);
}

TEST_F(PrefetchOnFakeGpu, DestroyingTheQueueLandsItsCopiesFirst) {
  auto queue = std::make_unique<DeviceCopyQueue>(*runtime);
  int *device = static_cast<int *>(runtime->allocate(sizeof(int)));
  int *staging = static_cast<int *>(queue->allocateStaging(sizeof(int)));
  ASSERT_TRUE(device && staging);
  *device = 0;
  *staging = 7;
  queue->start(device, staging, sizeof(int)); // No fence taken.
  EXPECT_EQ(live("in flight"), 1);
  queue.reset();
  EXPECT_EQ(*device, 7);
  EXPECT_EQ(live("in flight"), 0);
  runtime->release(device);
}

TEST_F(PrefetchOnFakeGpu, DriverFailuresAreKeptWithTheCallAndTheErrorName) {
  DeviceCopyQueue queue(*runtime);
  fail("cuMemHostAlloc", 2);
  EXPECT_EQ(queue.allocateStaging(64), nullptr);
  EXPECT_EQ(queue.takeError(), "cuMemHostAlloc: CUDA_ERROR_OUT_OF_MEMORY (out of memory)");
  void *device = runtime->allocate(64);
  void *staging = queue.allocateStaging(64);
  ASSERT_TRUE(device && staging);
  fail("cuEventRecord", 1);
  EXPECT_TRUE(queue.start(device, staging, 64));
  EXPECT_EQ(queue.fence(), 0u); // No fence: nothing says when the copy lands.
  EXPECT_EQ(queue.takeError(), "cuEventRecord: CUDA_ERROR_INVALID_VALUE (invalid argument)");
  fail("cuMemcpyHtoDAsync_v2", 1);
  EXPECT_FALSE(queue.start(device, staging, 64));
  EXPECT_EQ(queue.takeError(),
            "cuMemcpyHtoDAsync: CUDA_ERROR_INVALID_VALUE (invalid argument)");
  // Another program's error kept in the shared runtime does not stop this
  // queue's copies (skipping one silently would leave stale rows).
  runtime->fail("another program's error");
  EXPECT_TRUE(queue.start(device, staging, 64));
  EXPECT_NE(queue.fence(), 0u);
  EXPECT_EQ(queue.takeError(), "another program's error");
  runtime->release(device);
}

// SWEEPC_GPU_PROFILE: the host's waits for copies ahead, with their bytes,
// are a row of the launch profile (what the kernels did not hide).
TEST_F(CudaFake, TheLaunchProfileCountsTheWaitsForCopiesAhead) {
  GpuRuntime *runtime = openProfiled();
  ASSERT_NE(runtime, nullptr);
  {
    DeviceCopyQueue queue(*runtime);
    void *device = runtime->allocate(4096);
    void *staging = queue.allocateStaging(4096);
    ASSERT_TRUE(device && staging);
    queue.start(device, staging, 4096);
    queue.start(device, staging, 1024);
    queue.wait(queue.fence());
    queue.releaseStaging(staging);
    runtime->release(device);
  }
  std::string report = runtime->profile()->report();
  EXPECT_NE(report.find("host waiting for a minibatch copied ahead"), std::string::npos)
      << report;
  EXPECT_NE(report.find("         1 "), std::string::npos) << report; // One wait.
  GpuRuntime::close();
}

namespace {
/// One dense layer, 3 inputs to 2 classes, batches of 4.
GroupSpec tinyGroup() {
  GroupSpec group;
  group.inputs = 3;
  group.outputs = 2;
  group.batch = 4;
  group.layers = {{LayerSpec::Kind::Dense, 3, 2, Activation::Identity}};
  return group;
}

/// Code that runs nothing and records what a call is handed: the first
/// feature and label of its batch, and how many copies were in flight.
class RecordingCode : public GroupCode {
public:
  explicit RecordingCode(int (*live)(const char *)) : live(live) {}
  struct Call {
    float firstFeature;
    int32_t firstLabel;
    int64_t rows;
    int copiesInFlight;
  };
  void trainStep(void **packedArgs) const override { record(packedArgs); }
  void evaluate(void **packedArgs) const override { record(packedArgs); }
  const std::vector<PhaseCost> &phases() const override { return none; }
  mutable std::vector<Call> calls;

private:
  /// Argument i's memref descriptor: allocated, aligned, offset, sizes...
  static const int64_t *descriptor(void **packedArgs, size_t i) {
    return *static_cast<const int64_t *const *>(packedArgs[i]);
  }
  void record(void **packedArgs) const {
    const int64_t *features = descriptor(packedArgs, 0), *labels = descriptor(packedArgs, 1);
    calls.push_back({*reinterpret_cast<const float *>(features[1]),
                     *reinterpret_cast<const int32_t *>(labels[1]), features[3],
                     live("in flight")});
  }
  int (*live)(const char *);
  std::vector<PhaseCost> none;
};

/// Batch k: features k*10 + row + column/10, label k + row.
struct Batches {
  explicit Batches(int count) {
    for (int k = 0; k < count; ++k) {
      std::vector<float> x;
      std::vector<int32_t> labels;
      for (int row = 0; row < 4; ++row) {
        labels.push_back(k + row);
        for (int column = 0; column < 3; ++column)
          x.push_back(float(k * 10 + row) + float(column) / 10);
      }
      features.push_back(x);
      classes.push_back(labels);
    }
    for (int k = 0; k < count; ++k)
      batches.push_back({features[size_t(k)].data(), classes[size_t(k)].data(), nullptr, 4,
                         nextBatchId()});
  }
  std::vector<std::vector<float>> features;
  std::vector<std::vector<int32_t>> classes;
  std::vector<Batch> batches;
};
} // namespace

namespace {
/// A compiled program of tinyGroup's one run over device memory, its code a
/// RecordingCode.
class ProgramOnFakeGpu : public GpuRuntimeFake {
protected:
  void SetUp() override {
    GpuRuntimeFake::SetUp();
    code = std::make_shared<RecordingCode>(live);
    space = std::make_unique<DeviceBufferSpace>(*runtime);
    program = createCompiledProgram(group, {&run}, code, nullptr, *space);
    program->init();
  }
  void TearDown() override {
    program.reset(); // Before the runtime closes.
    space.reset();
    GpuRuntimeFake::TearDown();
  }
  void trainStep(const Batch &batch, uint64_t step) {
    program->trainStep(batch, step, &lr, &alive, &loss);
  }
  GroupSpec group = tinyGroup();
  RunSpec run;
  std::shared_ptr<RecordingCode> code;
  std::unique_ptr<DeviceBufferSpace> space;
  std::unique_ptr<GroupProgram> program;
  double lr = 0.1, loss = 0;
  uint8_t alive = 1;
};
} // namespace

TEST_F(ProgramOnFakeGpu, EachStepReadsItsBatchWhileTheNextIsOnItsWay) {
  const int steps = 5;
  Batches data(steps + 1); // The last one is evaluated.
  int copiesBefore = live("copies"), legacyBefore = live("legacy stream uses");
  const std::vector<Batch> &batches = data.batches;
  program->prefetch(batches[0]);
  for (int s = 0; s < steps; ++s) {
    program->prefetch(batches[size_t(s) + 1]);
    trainStep(batches[size_t(s)], uint64_t(s));
    ASSERT_EQ(program->takeError(), "");
  }
  std::vector<EvalSums> sums(1);
  program->evaluate(batches[steps], &alive, sums.data());
  // A step copies its inputs in (one block: its 4 hyperparameters) and its
  // loss rows out at the call, and its batch ahead: none of the batches is
  // copied at the call.
  EXPECT_EQ(live("copies") - copiesBefore, steps * (1 + 1) + 3);
  // Regression: the program's copies went through the legacy default
  // stream, which waits for every blocking stream of the context: under
  // --streams, for the kernels of the programs training beside it.
  EXPECT_EQ(live("legacy stream uses") - legacyBefore, 0);
  ASSERT_EQ(code->calls.size(), size_t(steps) + 1);
  for (int k = 0; k <= steps; ++k) {
    const RecordingCode::Call &call = code->calls[size_t(k)];
    EXPECT_EQ(call.firstFeature, float(k * 10)) << "call " << k;
    EXPECT_EQ(call.firstLabel, k) << "call " << k;
    EXPECT_EQ(call.rows, 4);
    // The next batch's copy was in flight while this call ran.
    EXPECT_EQ(call.copiesInFlight, k < steps ? 1 : 0) << "call " << k;
  }
}

TEST_F(ProgramOnFakeGpu, ABatchNotAnnouncedIsCopiedAtTheCall) {
  Batches data(3);
  program->prefetch(data.batches[1]);
  program->prefetch(data.batches[2]);
  Batch unnamed = data.batches[0];
  unnamed.id = 0;
  trainStep(unnamed, 0);
  // The rows of batch 2 changed after it was announced and it comes with a
  // new name: copied at the call, not taken from its stale copy ahead.
  data.features[2][0] = 99;
  Batch renamed = data.batches[2];
  renamed.id = nextBatchId();
  trainStep(renamed, 1);
  trainStep(data.batches[1], 2);
  ASSERT_EQ(code->calls.size(), 3u);
  EXPECT_EQ(code->calls[0].firstFeature, 0.0f);
  EXPECT_EQ(code->calls[1].firstFeature, 99.0f);
  EXPECT_EQ(code->calls[2].firstFeature, 10.0f);
  EXPECT_EQ(program->takeError(), "");
}

// Regression (review): a batch whose copy ahead got no fence was taken as
// copied, and its step read the rows of a copy still in flight.
TEST_F(ProgramOnFakeGpu, ABatchWhoseCopyAheadFailedIsCopiedAtTheCall) {
  Batches data(2);
  program->prefetch(data.batches[0]);
  trainStep(data.batches[0], 0);
  fail("cuEventRecord", 1);
  program->prefetch(data.batches[1]);
  EXPECT_EQ(program->takeError(), "cuEventRecord: CUDA_ERROR_INVALID_VALUE (invalid argument)");
  trainStep(data.batches[1], 1);
  ASSERT_EQ(code->calls.size(), 2u);
  EXPECT_EQ(code->calls[1].firstFeature, 10.0f);
  EXPECT_EQ(code->calls[1].firstLabel, 1);
  EXPECT_EQ(program->takeError(), "");
}

namespace {
/// What a linked program's entry points were handed: the first feature of
/// each call's batch.
std::vector<float> linkedCalls;
void recordLinkedCall(void **packedArgs) {
  const int64_t *features = *static_cast<const int64_t *const *>(packedArgs[0]);
  linkedCalls.push_back(*reinterpret_cast<const float *>(features[1]));
}
} // namespace

// Regression (review): a `sweepc build` executable trains a chunk smaller
// than its linked program padded (LinkedBackend's PaddedProgram), which did
// not pass the announcements on: its batches were copied at the call.
TEST_F(PrefetchOnFakeGpu, APaddedLinkedProgramCopiesAheadToo) {
  GroupSpec group = tinyGroup();
  std::string key = groupCodeKey(group, 3);
  const SweepBuiltProgram table[] = {
      {"cuda", key.c_str(), recordLinkedCall, recordLinkedCall, "", 1, 0}};
  DeviceBufferSpace space(*runtime);
  std::unique_ptr<Backend> backend = createLinkedBackend(table, 1, "cuda", space);
  RunSpec a, b;
  std::string error;
  std::unique_ptr<GroupProgram> program = backend->create(group, {&a, &b}, error);
  ASSERT_TRUE(program) << error;
  ASSERT_EQ(program->runCount(), 2u);
  program->init();
  Batches data(3);
  linkedCalls.clear();
  int copiesBefore = live("copies");
  double lr[2] = {0.1, 0.1}, loss[2] = {};
  uint8_t alive[2] = {1, 1};
  program->prefetch(data.batches[0]);
  for (int s = 0; s < 3; ++s) {
    if (s + 1 < 3)
      program->prefetch(data.batches[size_t(s) + 1]);
    program->trainStep(data.batches[size_t(s)], uint64_t(s), lr, alive, loss);
  }
  EXPECT_EQ(linkedCalls, (std::vector<float>{0, 10, 20}));
  EXPECT_EQ(live("copies") - copiesBefore, 3 * (1 + 1)); // Step inputs and loss rows only.
  EXPECT_EQ(program->takeError(), "");
}

namespace {
/// Forwards to the interpreter's program and checks what the trainer
/// promises a program that copies ahead: every batch it is called with was
/// announced, before the call ahead of it, and its rows are those announced.
class AnnouncementChecker : public GroupProgram {
public:
  explicit AnnouncementChecker(std::unique_ptr<GroupProgram> inner) : inner(std::move(inner)) {}
  void init() override { inner->init(); }
  void prefetch(const Batch &batch) override {
    EXPECT_NE(batch.id, 0u);
    EXPECT_EQ(announced.count(batch.id), 0u) << "batch " << batch.id << " announced twice";
    announced[batch.id] = rows(batch);
    ++announcements;
  }
  void trainStep(const Batch &batch, uint64_t step, const double *lr, const uint8_t *alive,
                 double *loss) override {
    check(batch);
    inner->trainStep(batch, step, lr, alive, loss);
  }
  void evaluate(const Batch &batch, const uint8_t *alive, EvalSums *sums) override {
    check(batch);
    inner->evaluate(batch, alive, sums);
  }
  bool gather(const std::vector<size_t> &keep, std::string &error) override {
    return inner->gather(keep, error);
  }
  size_t runCount() const override { return inner->runCount(); }
  static size_t calls, announcedAhead, announcements;

private:
  /// The batch's features and labels as bytes.
  static std::string rows(const Batch &batch) {
    std::string bytes(reinterpret_cast<const char *>(batch.x), size_t(batch.n) * 2 * sizeof(float));
    return bytes + std::string(reinterpret_cast<const char *>(batch.classes),
                               size_t(batch.n) * sizeof(int32_t));
  }
  void check(const Batch &batch) {
    ++calls;
    auto found = announced.find(batch.id);
    ASSERT_NE(found, announced.end()) << "a call with batch " << batch.id << ", never announced";
    EXPECT_EQ(found->second, rows(batch)) << "batch " << batch.id << " changed after its announcement";
    announced.erase(found);
    // The batch of the next call is announced already (the last of a pass
    // has none after it).
    if (!announced.empty())
      ++announcedAhead;
  }
  std::unique_ptr<GroupProgram> inner;
  std::map<uint64_t, std::string> announced;
};
size_t AnnouncementChecker::calls = 0, AnnouncementChecker::announcedAhead = 0,
       AnnouncementChecker::announcements = 0;

class AnnouncementCheckingBackend : public Backend {
public:
  std::string name() const override { return "interpreter"; }
  size_t chooseRunsPerProgram(const SweepJob &job, const GroupSpec &group) const override {
    return inner->runsPerProgram(job, group);
  }
  std::unique_ptr<GroupProgram> create(const GroupSpec &group, std::vector<const RunSpec *> runs,
                                       std::string &error) override {
    std::unique_ptr<GroupProgram> program = inner->create(group, std::move(runs), error);
    return program ? std::make_unique<AnnouncementChecker>(std::move(program)) : nullptr;
  }
  std::unique_ptr<Backend> inner = createInterpreterBackend();
};
} // namespace

TEST(BatchStream, EveryBatchIsAnnouncedBeforeTheCallAheadOfItWithItsRows) {
  SweepJob job = blobsJob({0.05, 0.2}, 2, 200); // 160 training samples: 5 steps an epoch.
  AnnouncementCheckingBackend checking;
  std::unique_ptr<Backend> plain = createInterpreterBackend();
  AnnouncementChecker::calls = AnnouncementChecker::announcedAhead =
      AnnouncementChecker::announcements = 0;
  TrainedSweep checked = trainJob(job, checking, TrainerOptions(), freshDirectory("announced"));
  TrainedSweep reference = trainJob(job, *plain, TrainerOptions(), freshDirectory("plain"));
  // Per run (the interpreter holds one) and epoch: 5 steps, 2 validation
  // batches (40 samples), 4 test batches (100 samples).
  size_t perEpoch = 5 + 2 + 4, passes = 3;
  EXPECT_EQ(AnnouncementChecker::calls, 2 * 2 * perEpoch);
  EXPECT_EQ(AnnouncementChecker::announcements, AnnouncementChecker::calls);
  EXPECT_EQ(AnnouncementChecker::announcedAhead, 2 * 2 * (perEpoch - passes));
  EXPECT_EQ(checked.curves, reference.curves);
  ASSERT_EQ(checked.records.size(), reference.records.size());
  for (size_t r = 0; r < checked.records.size(); ++r)
    EXPECT_EQ(checked.records[r].metrics, reference.records[r].metrics) << "run " << r;
}

namespace {
/// A program that only records what it is announced.
class AnnouncedRows : public GroupProgram {
public:
  void init() override {}
  void prefetch(const Batch &batch) override { announced.push_back(batch); }
  void trainStep(const Batch &, uint64_t, const double *, const uint8_t *, double *) override {}
  void evaluate(const Batch &, const uint8_t *, EvalSums *) override {}
  bool gather(const std::vector<size_t> &, std::string &) override { return true; }
  size_t runCount() const override { return 1; }
  std::vector<Batch> announced;
};

/// 7 samples of 3 features (sample i's features i*3, i*3+1, i*3+2), class i % 2.
Dataset sevenSamples(bool classification) {
  Dataset data;
  data.inputs = 3;
  data.classes = classification ? 2 : 0;
  data.targets = classification ? 2 : 1;
  data.validation.count = 7;
  for (int i = 0; i < 21; ++i)
    data.validation.x.push_back(float(i));
  for (int i = 0; i < 7; ++i) {
    data.validation.classes.push_back(i % 2);
    data.validation.targets.push_back(float(i) / 2);
  }
  if (!classification)
    data.validation.classes.clear();
  return data;
}
} // namespace

// Evaluation passes (the split's own order) point into the split instead of
// copying it; shuffled passes still gather their rows.
TEST(BatchStream, APassInTheSplitsOwnOrderCopiesNothing) {
  for (bool classification : {true, false}) {
    Dataset data = sevenSamples(classification);
    const Split &split = data.validation;
    AnnouncedRows program;
    BatchStream pass(data, split, nullptr, 3, program);
    ASSERT_EQ(pass.count(), 3);
    for (int64_t k = 0; k < 3; ++k) {
      const Batch &batch = pass.take(k);
      EXPECT_EQ(batch.n, k < 2 ? 3 : 1);
      EXPECT_EQ(batch.x, split.x.data() + k * 3 * 3) << "batch " << k;
      if (classification) {
        EXPECT_EQ(batch.classes, split.classes.data() + k * 3);
        EXPECT_EQ(batch.targets, nullptr);
      } else {
        EXPECT_EQ(batch.targets, split.targets.data() + k * 3);
        EXPECT_EQ(batch.classes, nullptr);
      }
      EXPECT_NE(batch.id, 0u);
    }
    // Announced in order, each once, with distinct ids.
    ASSERT_EQ(program.announced.size(), 3u);
    EXPECT_EQ(program.announced[2].x, split.x.data() + 18);
    EXPECT_NE(program.announced[0].id, program.announced[1].id);

    // The first 5 samples, reversed: gathered into the stream's own rows.
    uint32_t order[] = {4, 3, 2, 1, 0, 5, 6};
    AnnouncedRows shuffledProgram;
    BatchStream shuffled(data, split, order, 3, shuffledProgram, 5);
    ASSERT_EQ(shuffled.count(), 2);
    const Batch &first = shuffled.take(0);
    EXPECT_TRUE(first.x < split.x.data() || first.x >= split.x.data() + split.x.size());
    EXPECT_EQ(std::vector<float>(first.x, first.x + 9),
              (std::vector<float>{12, 13, 14, 9, 10, 11, 6, 7, 8}));
    const Batch &second = shuffled.take(1);
    EXPECT_EQ(second.n, 2);
    EXPECT_EQ(std::vector<float>(second.x, second.x + 6), (std::vector<float>{3, 4, 5, 0, 1, 2}));
    if (classification)
      EXPECT_EQ(std::vector<int32_t>(second.classes, second.classes + 2),
                (std::vector<int32_t>{1, 0}));
    else
      EXPECT_EQ(std::vector<float>(second.targets, second.targets + 2),
                (std::vector<float>{0.5, 0}));
  }
}
