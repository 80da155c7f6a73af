//===- CompiledProgram.cpp - generated group code behind the group ABI ----===//

#include "runtime/exec/CompiledProgram.h"

#include "runtime/exec/SplitAcrossCores.h"
#include "runtime/kernels/ProgramHeap.h"
#include "runtime/rng/TrainingDraws.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>

using namespace sweep;

std::vector<const char *> sweep::trainStepHypers(OptimizerKind optimizer) {
  if (optimizer == OptimizerKind::Sgd)
    return {"lr", "momentum", "weight_decay", "nesterov"};
  return {"lr", "beta1", "beta2", "eps", "weight_decay", "correction1", "correction2"};
}

int64_t sweep::optimizerSlots(OptimizerKind optimizer) {
  return optimizer == OptimizerKind::Sgd ? 1 : 2;
}

namespace {
/// Initial weights drawn by one thread at least: a normal draw (a Philox
/// block, a log and a cosine) is tens of nanoseconds, a thread's start tens
/// of microseconds.
constexpr int64_t kDrawsPerThread = 1 << 20;
/// The host block a device program's initial weights are drawn into, a part
/// of the runs at a time, then copied.
constexpr int64_t kDrawBlockBytes = 64 << 20;

class HostSpace : public BufferSpace {
public:
  void *allocate(size_t bytes) override { return programHeap::allocate(bytes, 64); }
  void release(void *pointer) override { programHeap::release(pointer); }
  void copy(void *to, const void *from, size_t bytes) override { std::memmove(to, from, bytes); }
  bool isHost() const override { return true; }
};
} // namespace

void BufferSpace::zero(void *to, size_t bytes) {
  if (isHost()) {
    std::memset(to, 0, bytes);
    return;
  }
  // Copied from a block of zeros, not from one the buffer's size.
  static const std::vector<char> zeros(size_t(kDrawBlockBytes / 4));
  for (size_t done = 0; done < bytes; done += zeros.size())
    copy(static_cast<char *>(to) + done, zeros.data(), std::min(zeros.size(), bytes - done));
}

BufferSpace &sweep::hostBufferSpace() {
  static HostSpace space;
  return space;
}

namespace {
/// A buffer in a BufferSpace, owned.
class SpaceBuffer {
public:
  explicit SpaceBuffer(BufferSpace &space) : space(&space) {}
  SpaceBuffer(SpaceBuffer &&other) noexcept
      : space(other.space), data(other.data), bytes(other.bytes) {
    other.data = nullptr;
    other.bytes = 0;
  }
  SpaceBuffer &operator=(SpaceBuffer &&other) noexcept {
    std::swap(space, other.space);
    std::swap(data, other.data);
    std::swap(bytes, other.bytes);
    return *this;
  }
  SpaceBuffer(const SpaceBuffer &) = delete;
  ~SpaceBuffer() {
    if (data)
      space->release(data);
  }
  /// `size` bytes; the first min(old, new) bytes keep their contents.
  void resize(size_t size) {
    if (size == bytes && data)
      return;
    void *fresh = space->allocate(std::max<size_t>(size, 1));
    if (data && fresh)
      space->copy(fresh, data, std::min(size, bytes));
    if (data)
      space->release(data);
    data = fresh;
    bytes = size;
  }
  /// At least `size` bytes, contents not kept (staging).
  void reserve(size_t size) {
    if (size <= bytes && data)
      return;
    if (data)
      space->release(data);
    data = space->allocate(std::max<size_t>(size, 1));
    bytes = size;
  }
  void *get() const { return data; }
  size_t size() const { return bytes; }

private:
  BufferSpace *space;
  void *data = nullptr;
  size_t bytes = 0;
};

/// A memref descriptor as MLIR's C interface lays it out: allocated and
/// aligned pointers, offset, sizes[rank], strides[rank] (row-major here).
class Descriptor {
public:
  void set(const void *data, const std::vector<int64_t> &shape) {
    words.assign(3 + 2 * shape.size(), 0);
    words[0] = words[1] = int64_t(reinterpret_cast<intptr_t>(data));
    int64_t stride = 1;
    for (size_t d = shape.size(); d-- > 0;) {
      words[3 + d] = shape[d];
      words[3 + shape.size() + d] = stride;
      stride *= shape[d];
    }
  }
  void *get() { return words.data(); }

private:
  std::vector<int64_t> words;
};

/// Packed arguments: one descriptor per memref argument, in order.
class Arguments {
public:
  void clear() { count = 0; }
  void add(const void *data, std::vector<int64_t> shape) {
    if (descriptors.size() <= count) {
      descriptors.emplace_back();
      pointers.emplace_back();
    }
    descriptors[count].set(data, shape);
    ++count;
  }
  void **packed() {
    packedArgs.resize(count);
    for (size_t i = 0; i < count; ++i) {
      pointers[i] = descriptors[i].get();
      packedArgs[i] = &pointers[i];
    }
    return packedArgs.data();
  }

private:
  std::deque<Descriptor> descriptors; // Stable addresses.
  std::deque<void *> pointers;
  std::vector<void *> packedArgs;
  size_t count = 0;
};

int64_t elements(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

/// A minibatch copied ahead into a program's space (GroupProgram::prefetch):
/// its features, then its labels or targets from `labelsAt`, in one block so
/// that one copy moves it.
struct AheadBatch {
  explicit AheadBatch(BufferSpace &space) : rows(space) {}
  uint64_t id = 0; ///< The Batch::id it holds; 0 when it holds none.
  int64_t n = 0;
  size_t labelsAt = 0;
  /// Waited for before the code reads `rows` or the host refills `staging`.
  uint64_t fence = 0;
  SpaceBuffer rows;
  void *staging = nullptr; ///< The copy's source, from the program's CopyQueue.
  size_t stagingBytes = 0;
};

class CompiledProgram : public GroupProgram {
public:
  CompiledProgram(const GroupSpec &group, std::vector<const RunSpec *> runs,
                  std::shared_ptr<const GroupCode> code, CodeForRuns codeForRuns,
                  BufferSpace &space)
      : group(group), runs(std::move(runs)), code(std::move(code)),
        codeForRuns(std::move(codeForRuns)), space(space), probes(this->code->phases()) {
    slots = optimizerSlots(group.optimizer);
    for (const LayerSpec &layer : group.layers)
      dropoutLayers += layer.kind == LayerSpec::Kind::Dropout;
    resize(int64_t(this->runs.size()));
  }

  ~CompiledProgram() override {
    if (!queue)
      return;
    for (AheadBatch &slot : ahead) {
      queue->wait(slot.fence); // A copy in flight still reads its staging.
      queue->releaseStaging(slot.staging);
    }
    // Its stream drained before the slots' device blocks go back to the
    // space (the members are destroyed after this body), where another
    // program may take them.
    queue.reset();
  }

  void init() override {
    size_t dense = 0;
    std::vector<float> block; // Reused: first touched once, not once per layer.
    double drawing = 0;
    for (const LayerSpec &layer : group.layers) {
      if (layer.kind != LayerSpec::Kind::Dense)
        continue;
      drawing += drawWeights(params[2 * dense], dense, layer, block);
      zero(params[2 * dense + 1]);
      ++dense;
    }
    for (SpaceBuffer &slot : state)
      zero(slot);
    std::fill(updates.begin(), updates.end(), 0);
    space.hostWork("initial weights drawn", drawing);
  }

  void trainStep(const Batch &batch, uint64_t step, const double *lr, const uint8_t *alive,
                 double *loss) override {
    int64_t n = batch.n;
    args.clear();
    size_t staged = 0;
    addBatch(batch, staged);
    for (size_t p = 0; p < params.size(); ++p)
      args.add(params[p].get(), paramShapes[p]);
    for (size_t p = 0; p < params.size(); ++p)
      for (int64_t s = 0; s < slots; ++s)
        args.add(state[p * size_t(slots) + size_t(s)].get(), paramShapes[p]);
    fillHypers(lr, alive);
    const char *stepInputs = stageStepInputs(step, staged);
    if (dropoutLayers) {
      // The code draws its dropout masks (train.dropout_mask) from these.
      args.add(draws[0].get(), {r});
      args.add(stepInputs, {}); // The minibatch's first row in the streams.
      for (size_t d = 0; d < dropoutLayers; ++d) {
        args.add(draws[1 + 2 * d].get(), {r});
        args.add(draws[2 + 2 * d].get(), {r});
      }
    }
    for (size_t h = 0; h < hypers.size(); ++h)
      args.add(stepInputs + kStepInputAlign * (1 + h * hyperBlocks()), {r});
    int64_t width = rowWidth(n);
    lossRows.resize(size_t(r * width));
    void *lossOut = output(lossRows.data(), lossRows.size() * sizeof(double), 0);
    args.add(lossOut, rowShape(n));
    for (size_t p = 0; p < params.size(); ++p)
      args.add(nextParams[p].get(), paramShapes[p]);
    for (size_t p = 0; p < params.size(); ++p)
      for (int64_t s = 0; s < slots; ++s)
        args.add(nextState[p * size_t(slots) + size_t(s)].get(), paramShapes[p]);
    {
      ActiveProbes counting(probes);
      code->trainStep(args.packed());
      countCall("train_step");
    }
    collect(lossRows.data(), lossOut, lossRows.size() * sizeof(double));
    std::swap(params, nextParams);
    std::swap(state, nextState);
    for (int64_t i = 0; i < r; ++i)
      if (alive[i]) {
        loss[i] = rowSum(lossRows, i, width) / double(n); // As the interpreter: total / n.
        ++updates[size_t(i)];
      }
  }

  /// Copies `batch` into the slot the coming call does not read, on the
  /// space's CopyQueue: the host goes on while it lands.
  void prefetch(const Batch &batch) override {
    if (space.isHost() || batch.id == 0 || aheadSlot(batch))
      return;
    if (!queue)
      queue = space.copyQueue();
    AheadBatch &slot = ahead[nextAhead];
    nextAhead = 1 - nextAhead;
    queue->wait(slot.fence); // Its last copy has landed: staging and rows are free.
    slot.id = 0;
    size_t featureBytes = size_t(batch.n * group.inputs) * sizeof(float);
    size_t labelBytes = group.classification ? size_t(batch.n) * sizeof(int32_t)
                                             : size_t(batch.n * group.outputs) * sizeof(float);
    size_t labelsAt = (featureBytes + 255) / 256 * 256; // Aligned as cuMemAlloc's blocks.
    size_t total = labelsAt + labelBytes;
    if (slot.stagingBytes < total) {
      queue->releaseStaging(slot.staging);
      slot.staging = queue->allocateStaging(total);
      slot.stagingBytes = slot.staging ? total : 0;
    }
    slot.rows.reserve(total);
    if (!slot.staging || !slot.rows.get())
      return; // The call copies the batch itself.
    char *host = static_cast<char *>(slot.staging);
    std::memcpy(host, batch.x, featureBytes);
    std::memset(host + featureBytes, 0, labelsAt - featureBytes);
    std::memcpy(host + labelsAt,
                group.classification ? static_cast<const void *>(batch.classes) : batch.targets,
                labelBytes);
    uint64_t fence = queue->start(slot.rows.get(), host, total) ? queue->fence() : 0;
    if (!fence)
      return; // Not on its way: the call copies the batch itself.
    slot.fence = fence;
    slot.id = batch.id;
    slot.n = batch.n;
    slot.labelsAt = labelsAt;
  }

  void evaluate(const Batch &batch, const uint8_t *alive, EvalSums *sums) override {
    args.clear();
    size_t staged = 0;
    addBatch(batch, staged);
    for (size_t p = 0; p < params.size(); ++p)
      args.add(params[p].get(), paramShapes[p]);
    int64_t n = batch.n, width = rowWidth(n);
    lossRows.resize(size_t(r * width));
    squaredRows.resize(size_t(r * width));
    evalCorrect.resize(size_t(r));
    void *lossOut = output(lossRows.data(), lossRows.size() * sizeof(double), 0);
    void *correctOut = output(evalCorrect.data(), evalCorrect.size() * sizeof(float), 1);
    void *squaredOut = output(squaredRows.data(), squaredRows.size() * sizeof(double), 2);
    args.add(lossOut, rowShape(n));
    args.add(correctOut, {r});
    args.add(squaredOut, rowShape(n));
    {
      ActiveProbes counting(probes);
      code->evaluate(args.packed());
      countCall("evaluate");
    }
    collect(lossRows.data(), lossOut, lossRows.size() * sizeof(double));
    collect(evalCorrect.data(), correctOut, evalCorrect.size() * sizeof(float));
    collect(squaredRows.data(), squaredOut, squaredRows.size() * sizeof(double));
    for (int64_t i = 0; i < r; ++i)
      if (alive[i]) {
        sums[i].loss += rowSum(lossRows, i, width);
        sums[i].correct += double(evalCorrect[size_t(i)]);
        sums[i].squaredError += rowSum(squaredRows, i, width);
      }
  }

  bool readParameters(size_t run, std::vector<float> &out) const override {
    out.clear();
    for (const SpaceBuffer &tensor : params) {
      size_t perRun = tensor.size() / sizeof(float) / size_t(r);
      size_t at = out.size();
      out.resize(at + perRun);
      space.copy(out.data() + at, static_cast<const float *>(tensor.get()) + run * perRun,
                 perRun * sizeof(float));
    }
    // A device error stays for takeError(), which the trainer reports.
    readError = space.takeError();
    return readError.empty();
  }

  /// The code for keep.size() runs (compiled once per run count, from the
  /// backend's cache), then every run-axis buffer compacted: row keep[i]
  /// moves to row i, in increasing order, so in place (rows never overlap).
  bool gather(const std::vector<size_t> &keep, std::string &error) override {
    if (!validGatherIndices(keep, runs.size(), error))
      return false;
    std::shared_ptr<const GroupCode> smaller = codeForRuns(keep.size(), error);
    if (!smaller)
      return false;
    auto compact = [&](SpaceBuffer &tensor) {
      size_t perRun = tensor.size() / size_t(r);
      char *data = static_cast<char *>(tensor.get());
      for (size_t i = 0; i < keep.size(); ++i)
        if (keep[i] != i)
          space.copy(data + i * perRun, data + keep[i] * perRun, perRun);
    };
    for (SpaceBuffer &tensor : params)
      compact(tensor);
    for (SpaceBuffer &tensor : state)
      compact(tensor);
    std::vector<const RunSpec *> keptRuns;
    std::vector<int64_t> keptUpdates;
    for (size_t index : keep) {
      keptRuns.push_back(runs[index]);
      keptUpdates.push_back(updates[index]);
    }
    runs = std::move(keptRuns);
    // Work counted so far was done at the old run count's costs.
    probes.takeWork(carried);
    code = std::move(smaller);
    probes = ProbeCounters(code->phases());
    resize(int64_t(keep.size()));
    updates = std::move(keptUpdates);
    error = space.takeError();
    return error.empty();
  }

  size_t runCount() const override { return runs.size(); }

  std::string takeError() override {
    std::string error = std::move(readError);
    readError.clear();
    if (error.empty())
      error = space.takeError();
    if (error.empty() && queue)
      error = queue->takeError();
    return error;
  }

private:
  /// Shapes and buffers for `runs` runs; the rows below min(old, new) keep
  /// their values.
  void resize(int64_t runCount) {
    r = runCount;
    paramShapes.clear();
    for (const LayerSpec &layer : group.layers)
      if (layer.kind == LayerSpec::Kind::Dense) {
        paramShapes.push_back({r, layer.inputs, layer.outputs});
        paramShapes.push_back({r, layer.outputs});
      }
    auto sized = [&](std::vector<SpaceBuffer> &buffers, size_t count) {
      while (buffers.size() < count)
        buffers.emplace_back(space);
    };
    sized(params, paramShapes.size());
    sized(nextParams, paramShapes.size());
    sized(state, paramShapes.size() * size_t(slots));
    sized(nextState, paramShapes.size() * size_t(slots));
    for (size_t p = 0; p < paramShapes.size(); ++p) {
      size_t bytes = size_t(elements(paramShapes[p])) * sizeof(float);
      params[p].resize(bytes);
      nextParams[p].resize(bytes);
      for (int64_t s = 0; s < slots; ++s) {
        state[p * size_t(slots) + size_t(s)].resize(bytes);
        nextState[p * size_t(slots) + size_t(s)].resize(bytes);
      }
    }
    hypers.assign(trainStepHypers(group.optimizer).size(), std::vector<float>(size_t(r)));
    updates.resize(size_t(r), 0);
    uploadDraws();
  }

  /// What the code draws the runs' dropout masks from, in the code's memory
  /// for the program's life: each run's seed, and per dropout layer each
  /// run's threshold and keep scale (runtime/rng/TrainingDraws.h).
  void uploadDraws() {
    if (!dropoutLayers)
      return;
    while (draws.size() < 1 + 2 * dropoutLayers)
      draws.emplace_back(space);
    std::vector<uint64_t> seeds;
    for (const RunSpec *run : runs)
      seeds.push_back(run->seed);
    uploadResized(draws[0], seeds);
    for (size_t d = 0; d < dropoutLayers; ++d) {
      std::vector<uint32_t> below;
      std::vector<float> keep;
      for (const RunSpec *run : runs) {
        below.push_back(dropoutThreshold(run->dropout[d]));
        keep.push_back(dropoutKeepScale(run->dropout[d]));
      }
      uploadResized(draws[1 + 2 * d], below);
      uploadResized(draws[2 + 2 * d], keep);
    }
  }

  /// A step's small inputs in one block, so that code off the host gets them
  /// in one copy, not one per tensor: the minibatch's first row in the
  /// dropout streams (step * batch size, an i64), then each hyperparameter
  /// [R] f32, each from a multiple of kStepInputAlign bytes. Returns where
  /// the code reads the block.
  const char *stageStepInputs(uint64_t step, size_t &staged) {
    size_t perHyper = kStepInputAlign * hyperBlocks();
    stepInputs.assign(kStepInputAlign + hypers.size() * perHyper, 0);
    int64_t firstRow = int64_t(step) * group.batch;
    std::memcpy(stepInputs.data(), &firstRow, sizeof firstRow);
    for (size_t h = 0; h < hypers.size(); ++h)
      std::memcpy(stepInputs.data() + kStepInputAlign + h * perHyper, hypers[h].data(),
                  hypers[h].size() * sizeof(float));
    return static_cast<const char *>(stage(stepInputs.data(), stepInputs.size(), staged));
  }
  /// Blocks of kStepInputAlign bytes one hyperparameter [R] f32 takes.
  size_t hyperBlocks() const {
    return (size_t(r) * sizeof(float) + kStepInputAlign - 1) / kStepInputAlign;
  }
  static constexpr size_t kStepInputAlign = 256; // As cuMemAlloc aligns its blocks.

  /// `to` resized to `host` and holding its values.
  template <typename T> void uploadResized(SpaceBuffer &to, const std::vector<T> &host) {
    to.resize(host.size() * sizeof(T));
    space.copy(to.get(), host.data(), host.size() * sizeof(T));
  }

  /// Every run's initial weights of dense layer `dense` into `to`: on the
  /// host in place, else in blocks of runs through `block`. (A host copy of
  /// the whole layer, 1.25 GB for 12,500 runs of 784-32-10, would be touched
  /// page by page for the first time: about as long as the drawing itself.)
  /// Each run draws from its own stream, so the runs split over the cores.
  /// Returns the seconds spent drawing (not copying).
  double drawWeights(SpaceBuffer &to, size_t dense, const LayerSpec &layer,
                     std::vector<float> &block) {
    int64_t size = layer.inputs * layer.outputs;
    int64_t fit = int64_t(to.size() / sizeof(float)) / std::max<int64_t>(1, size);
    int64_t count = std::min(r, fit), perBlock = count;
    double seconds = 0;
    if (count <= 0 || !to.get())
      return seconds;
    if (!space.isHost()) {
      perBlock = std::clamp<int64_t>(kDrawBlockBytes / int64_t(size * sizeof(float)), 1, count);
      block.resize(std::max(block.size(), size_t(perBlock * size)));
    }
    for (int64_t first = 0; first < count; first += perBlock) {
      int64_t runsHere = std::min(perBlock, count - first);
      float *target = space.isHost() ? static_cast<float *>(to.get()) + first * size : block.data();
      auto start = std::chrono::steady_clock::now();
      splitAcrossCores(runsHere, size, kDrawsPerThread, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
          initDenseWeights(*runs[size_t(first + i)], dense, layer.inputs, layer.outputs,
                           target + i * size);
      });
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!space.isHost())
        space.copy(static_cast<char *>(to.get()) + first * size * int64_t(sizeof(float)), target,
                   size_t(runsHere * size) * sizeof(float));
    }
    return seconds;
  }

  void zero(SpaceBuffer &to) {
    if (to.get())
      space.zero(to.get(), to.size());
  }

  /// `host` where the code can read it: itself on the host, else a copy in
  /// the next of the per-call staging buffers.
  const void *stage(const void *host, size_t bytes, size_t &slot) {
    if (space.isHost())
      return host;
    while (staging.size() <= slot)
      staging.emplace_back(space);
    SpaceBuffer &buffer = staging[slot++];
    buffer.reserve(bytes);
    space.copy(buffer.get(), host, bytes);
    return buffer.get();
  }

  /// Where the code writes an output that ends up at `host`.
  void *output(void *host, size_t bytes, size_t slot) {
    if (space.isHost())
      return host;
    while (outputs.size() <= slot)
      outputs.emplace_back(space);
    outputs[slot].reserve(bytes);
    return outputs[slot].get();
  }
  void collect(void *host, const void *written, size_t bytes) {
    if (!space.isHost())
      space.copy(host, written, bytes);
  }

  /// For code without probe calls: each phase of `function` once.
  void countCall(const char *function) {
    if (!code->countsCalls())
      return;
    const std::vector<PhaseCost> &table = probes.phases();
    for (size_t i = 0; i < table.size(); ++i)
      if (table[i].function == function)
        probes.hit(int64_t(i));
  }

  /// Values per run of the loss and squared-error results for a batch of n:
  /// n rows, or their sum when the code sums them.
  int64_t rowWidth(int64_t n) const { return code->sumsRows() ? 1 : n; }
  std::vector<int64_t> rowShape(int64_t n) const {
    return code->sumsRows() ? std::vector<int64_t>{r} : std::vector<int64_t>{r, n};
  }

  /// Run i's rows summed in row order from 0, in double (Kernels.h does so).
  static double rowSum(const std::vector<double> &rows, int64_t i, int64_t n) {
    double total = 0;
    for (int64_t b = 0; b < n; ++b)
      total += rows[size_t(i * n + b)];
    return total;
  }

  /// The slot holding `batch`, copied ahead, or null.
  const AheadBatch *aheadSlot(const Batch &batch) const {
    if (batch.id == 0)
      return nullptr;
    for (const AheadBatch &slot : ahead)
      if (slot.id == batch.id && slot.n == batch.n)
        return &slot;
    return nullptr;
  }

  void addBatch(const Batch &batch, size_t &staged) {
    if (const AheadBatch *slot = aheadSlot(batch)) {
      queue->wait(slot->fence);
      char *rows = static_cast<char *>(slot->rows.get());
      args.add(rows, {batch.n, group.inputs});
      if (group.classification)
        args.add(rows + slot->labelsAt, {batch.n});
      else
        args.add(rows + slot->labelsAt, {batch.n, group.outputs});
      return;
    }
    args.add(stage(batch.x, size_t(batch.n * group.inputs) * sizeof(float), staged),
             {batch.n, group.inputs});
    if (group.classification)
      args.add(stage(batch.classes, size_t(batch.n) * sizeof(int32_t), staged), {batch.n});
    else
      args.add(stage(batch.targets, size_t(batch.n * group.outputs) * sizeof(float), staged),
               {batch.n, group.outputs});
  }

  /// The per-run hyperparameters of this step, as the interpreter rounds them.
  void fillHypers(const double *lr, const uint8_t *alive) {
    // Adam's bias corrections are two pow() per run: 25,000 a step for a GPU
    // program of 12,500 runs, most of the host's time around its kernels.
    // Runs in a row with the same beta and update count share them.
    double lastT = -1, lastBeta1 = NAN, lastBeta2 = NAN;
    float correction1 = 0, correction2 = 0;
    for (int64_t i = 0; i < r; ++i) {
      const RunSpec &run = *runs[size_t(i)];
      size_t k = size_t(i);
      // A rate of 0 leaves a masked run's weights as they are with every
      // optimizer (each update is a multiple of it): the code steps every
      // run, and a stopped run must keep the weights its metrics were
      // measured with (GroupProgram::trainStep).
      hypers[0][k] = alive[i] ? float(lr[i]) : 0.0f;
      if (group.optimizer == OptimizerKind::Sgd) {
        hypers[1][k] = float(run.momentum);
        hypers[2][k] = float(run.weightDecay);
        hypers[3][k] = run.nesterov ? 1.0f : 0.0f;
      } else {
        float beta1 = float(run.beta1), beta2 = float(run.beta2);
        double t = double(updates[k] + (alive[i] ? 1 : 0));
        hypers[1][k] = beta1;
        hypers[2][k] = beta2;
        hypers[3][k] = float(run.eps);
        hypers[4][k] = float(run.weightDecay);
        if (t != lastT || double(beta1) != lastBeta1)
          correction1 = 1.0f - float(std::pow(double(beta1), t));
        if (t != lastT || double(beta2) != lastBeta2)
          correction2 = 1.0f - float(std::pow(double(beta2), t));
        lastT = t;
        lastBeta1 = double(beta1);
        lastBeta2 = double(beta2);
        hypers[5][k] = correction1;
        hypers[6][k] = correction2;
      }
    }
  }

  void takeWork(PhaseWork &work) override {
    for (const auto &[phase, cost] : carried.phases)
      work.add(phase, cost);
    carried = PhaseWork();
    probes.takeWork(work);
  }

  const GroupSpec &group;
  std::vector<const RunSpec *> runs;
  mutable std::string readError; // From readParameters, until takeError().
  std::shared_ptr<const GroupCode> code;
  CodeForRuns codeForRuns;
  BufferSpace &space;
  ProbeCounters probes;
  PhaseWork carried; // Counted before a gather, not yet taken.
  int64_t r = 0;
  int64_t slots = 1;
  std::vector<std::vector<int64_t>> paramShapes;
  std::vector<SpaceBuffer> params, nextParams, state, nextState;
  std::vector<SpaceBuffer> staging, outputs; // Copies of inputs and outputs off the host.
  std::unique_ptr<CopyQueue> queue;          // Made by the first prefetch.
  AheadBatch ahead[2] = {AheadBatch(space), AheadBatch(space)}; // Double buffering.
  int nextAhead = 0;
  std::vector<std::vector<float>> hypers;
  size_t dropoutLayers = 0;
  std::vector<SpaceBuffer> draws; // Seeds, then each dropout layer's thresholds and keep scales.
  std::vector<char> stepInputs;   // stageStepInputs' block, on the host.
  std::vector<int64_t> updates;
  std::vector<double> lossRows, squaredRows;
  std::vector<float> evalCorrect;
  Arguments args;
};
} // namespace

std::unique_ptr<GroupProgram> sweep::createCompiledProgram(const GroupSpec &group,
                                                           std::vector<const RunSpec *> runs,
                                                           std::shared_ptr<const GroupCode> code,
                                                           CodeForRuns codeForRuns,
                                                           BufferSpace &space) {
  return std::make_unique<CompiledProgram>(group, std::move(runs), std::move(code),
                                           std::move(codeForRuns), space);
}

std::string sweep::groupCodeKey(const GroupSpec &group, size_t runs) {
  std::string key = std::to_string(runs) + ":" + std::to_string(group.inputs) + ":" +
                    std::to_string(group.outputs) + ":" + std::to_string(int(group.loss)) + ":" +
                    std::to_string(int(group.optimizer)) + ":" +
                    std::to_string(int(group.classification)) + ":" +
                    std::to_string(int(group.energyPerLayer));
  for (const LayerSpec &layer : group.layers)
    key += "|" + std::to_string(int(layer.kind)) + "," + std::to_string(layer.inputs) + "," +
           std::to_string(layer.outputs) + "," + std::to_string(int(layer.activation));
  return key;
}
