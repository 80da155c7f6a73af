//===- CpuBackend.cpp - `--backend=cpu`: fused, JIT-compiled groups -------===//

#include "codegen/cpu/CpuBackend.h"

#include "codegen/cpu/JitCompiler.h"
#include "codegen/cpu/RunChunks.h"
#include "lib/MLIRGen/TrainProgram.h"
#include "runtime/rng/TrainingDraws.h"

#include <cmath>
#include <deque>
#include <functional>
#include <future>
#include <malloc.h>
#include <map>
#include <mutex>
#include <set>

using namespace sweep;

namespace {
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
  template <typename T> void add(const std::vector<T> &data, std::vector<int64_t> shape) {
    add(data.data(), std::move(shape));
  }
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

/// Compiled code for a group with a given run count (the backend's cache).
using CodeForRuns =
    std::function<std::shared_ptr<const CompiledGroup>(size_t runs, std::string &error)>;

class CompiledProgram : public GroupProgram {
public:
  CompiledProgram(const GroupSpec &group, std::vector<const RunSpec *> runs,
                  std::shared_ptr<const CompiledGroup> code, CodeForRuns codeForRuns)
      : group(group), runs(std::move(runs)), code(std::move(code)),
        codeForRuns(std::move(codeForRuns)), probes(this->code->phases()) {
    slots = optimizerSlots(group.optimizer);
    for (const LayerSpec &layer : group.layers)
      if (layer.kind == LayerSpec::Kind::Dropout)
        maskWidths.push_back(layer.outputs);
    masks.resize(maskWidths.size());
    resize(int64_t(this->runs.size()));
  }

  void init() override {
    size_t dense = 0;
    for (const LayerSpec &layer : group.layers) {
      if (layer.kind != LayerSpec::Kind::Dense)
        continue;
      std::vector<float> &w = params[2 * dense];
      int64_t size = layer.inputs * layer.outputs;
      for (int64_t i = 0; i < r; ++i)
        initDenseWeights(*runs[size_t(i)], dense, layer.inputs, layer.outputs, w.data() + i * size);
      std::fill(params[2 * dense + 1].begin(), params[2 * dense + 1].end(), 0.0f);
      ++dense;
    }
    for (std::vector<float> &tensor : state)
      std::fill(tensor.begin(), tensor.end(), 0.0f);
    std::fill(updates.begin(), updates.end(), 0);
  }

  void trainStep(const Batch &batch, uint64_t step, const double *lr, const uint8_t *alive,
                 double *loss) override {
    int64_t n = batch.n;
    args.clear();
    addBatch(batch);
    for (size_t p = 0; p < params.size(); ++p)
      args.add(params[p], paramShapes[p]);
    for (size_t p = 0; p < params.size(); ++p)
      for (int64_t s = 0; s < slots; ++s)
        args.add(state[p * size_t(slots) + size_t(s)], paramShapes[p]);
    for (size_t d = 0; d < masks.size(); ++d) {
      int64_t width = maskWidths[d];
      masks[d].resize(size_t(r * n * width));
      for (int64_t i = 0; i < r; ++i) {
        const RunSpec &run = *runs[size_t(i)];
        float *mask = masks[d].data() + i * n * width;
        if (run.dropout[d] == 0)
          std::fill(mask, mask + n * width, 1.0f);
        else
          dropoutScales(run.seed, d, run.dropout[d], step, group.batch, n, width, mask);
      }
      args.add(masks[d], {r, n, width});
    }
    fillHypers(lr, alive);
    for (const std::vector<float> &hyper : hypers)
      args.add(hyper, {r});
    lossRows.resize(size_t(r * n));
    args.add(lossRows, {r, n});
    for (size_t p = 0; p < params.size(); ++p)
      args.add(nextParams[p], paramShapes[p]);
    for (size_t p = 0; p < params.size(); ++p)
      for (int64_t s = 0; s < slots; ++s)
        args.add(nextState[p * size_t(slots) + size_t(s)], paramShapes[p]);
    {
      ActiveProbes counting(probes);
      code->trainStep(args.packed());
    }
    std::swap(params, nextParams);
    std::swap(state, nextState);
    for (int64_t i = 0; i < r; ++i)
      if (alive[i]) {
        loss[i] = rowSum(lossRows, i, n) / double(n); // As the interpreter: total / n.
        ++updates[size_t(i)];
      }
  }

  void evaluate(const Batch &batch, const uint8_t *alive, EvalSums *sums) override {
    args.clear();
    addBatch(batch);
    for (size_t p = 0; p < params.size(); ++p)
      args.add(params[p], paramShapes[p]);
    int64_t n = batch.n;
    lossRows.resize(size_t(r * n));
    squaredRows.resize(size_t(r * n));
    evalCorrect.resize(size_t(r));
    args.add(lossRows, {r, n});
    args.add(evalCorrect, {r});
    args.add(squaredRows, {r, n});
    {
      ActiveProbes counting(probes);
      code->evaluate(args.packed());
    }
    for (int64_t i = 0; i < r; ++i)
      if (alive[i]) {
        sums[i].loss += rowSum(lossRows, i, n);
        sums[i].correct += double(evalCorrect[size_t(i)]);
        sums[i].squaredError += rowSum(squaredRows, i, n);
      }
  }

  bool readParameters(size_t run, std::vector<float> &out) const override {
    out.clear();
    for (const std::vector<float> &tensor : params) {
      size_t perRun = tensor.size() / size_t(r);
      out.insert(out.end(), tensor.begin() + run * perRun, tensor.begin() + (run + 1) * perRun);
    }
    return true;
  }

  /// The code for keep.size() runs (compiled once per run count, from the
  /// backend's cache), then every run-axis buffer compacted: row keep[i]
  /// moves to row i, in increasing order, so in place.
  bool gather(const std::vector<size_t> &keep, std::string &error) override {
    if (!validGatherIndices(keep, runs.size(), error))
      return false;
    std::shared_ptr<const CompiledGroup> smaller = codeForRuns(keep.size(), error);
    if (!smaller)
      return false;
    auto compact = [&](std::vector<float> &tensor) {
      size_t perRun = tensor.size() / size_t(r);
      for (size_t i = 0; i < keep.size(); ++i)
        if (keep[i] != i)
          std::copy_n(tensor.begin() + keep[i] * perRun, perRun, tensor.begin() + i * perRun);
    };
    for (std::vector<float> &tensor : params)
      compact(tensor);
    for (std::vector<float> &tensor : state)
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
    return true;
  }

  size_t runCount() const override { return runs.size(); }

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
    params.resize(paramShapes.size());
    nextParams.resize(paramShapes.size());
    state.resize(paramShapes.size() * size_t(slots));
    nextState.resize(state.size());
    for (size_t p = 0; p < paramShapes.size(); ++p) {
      const auto &shape = paramShapes[p];
      size_t size = size_t(shape[0] * shape[1] * (shape.size() == 3 ? shape[2] : 1));
      params[p].resize(size, 0.0f);
      nextParams[p].resize(size, 0.0f);
      for (int64_t s = 0; s < slots; ++s) {
        state[p * size_t(slots) + size_t(s)].resize(size, 0.0f);
        nextState[p * size_t(slots) + size_t(s)].resize(size, 0.0f);
      }
    }
    hypers.assign(trainStepHypers(group.optimizer).size(), std::vector<float>(size_t(r)));
    updates.resize(size_t(r), 0);
  }

  /// Run i's rows summed in row order from 0, in double (Kernels.h does so).
  static double rowSum(const std::vector<double> &rows, int64_t i, int64_t n) {
    double total = 0;
    for (int64_t b = 0; b < n; ++b)
      total += rows[size_t(i * n + b)];
    return total;
  }

  void addBatch(const Batch &batch) {
    args.add(batch.x, {batch.n, group.inputs});
    if (group.classification)
      args.add(batch.classes, {batch.n});
    else
      args.add(batch.targets, {batch.n, group.outputs});
  }

  /// The per-run hyperparameters of this step, as the interpreter rounds them.
  void fillHypers(const double *lr, const uint8_t *alive) {
    for (int64_t i = 0; i < r; ++i) {
      const RunSpec &run = *runs[size_t(i)];
      size_t k = size_t(i);
      hypers[0][k] = float(lr[i]);
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
        hypers[5][k] = 1.0f - float(std::pow(double(beta1), t));
        hypers[6][k] = 1.0f - float(std::pow(double(beta2), t));
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
  std::shared_ptr<const CompiledGroup> code;
  CodeForRuns codeForRuns;
  ProbeCounters probes;
  PhaseWork carried; // Counted before a gather, not yet taken.
  int64_t r = 0;
  int64_t slots = 1;
  std::vector<std::vector<int64_t>> paramShapes;
  std::vector<std::vector<float>> params, nextParams, state, nextState, masks, hypers;
  std::vector<int64_t> maskWidths;
  std::vector<int64_t> updates;
  std::vector<double> lossRows, squaredRows;
  std::vector<float> evalCorrect;
  Arguments args;
};

/// What the compiled code depends on: the group's structure and the run
/// count (not the GroupSpec's address, which a caller may reuse).
std::string codeKey(const GroupSpec &group, size_t runs) {
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

class CpuBackend : public Backend {
public:
  CpuBackend(size_t chunks, size_t forcedRuns, bool energyProbes, CpuLoops loops)
      : chunks(std::max<size_t>(1, chunks)), forcedRuns(forcedRuns), energyProbes(energyProbes),
        loops(loops),
        l2(coreL2Size()) {}
  std::string name() const override { return "cpu"; }
  size_t runsPerProgram(const SweepJob &job, const GroupSpec &group) const override {
    return chooseRunChunking(job, group, chunks, l2, forcedRuns).runsPerProgram;
  }
  std::string describeSchedule(const SweepJob &job, const GroupSpec &group) const override {
    return describeRunChunking(chooseRunChunking(job, group, chunks, l2, forcedRuns),
                               group.runs.size());
  }
  std::unique_ptr<GroupProgram> create(const GroupSpec &group, std::vector<const RunSpec *> runs,
                                       std::string &error) override {
    std::shared_ptr<const CompiledGroup> code = codeFor(group, runs.size(), error);
    if (!code)
      return nullptr;
    return std::make_unique<CompiledProgram>(group, std::move(runs), std::move(code),
                                             [this, &group](size_t count, std::string &message) {
                                               return codeFor(group, count, message);
                                             });
  }

  /// One compilation per group structure and run count, shared by its
  /// chunks. Threads compile different groups at once; a thread that needs
  /// a program another thread is compiling waits for it.
  std::shared_ptr<const CompiledGroup> codeFor(const GroupSpec &group, size_t runCount,
                                               std::string &error) {
    std::string key = codeKey(group, runCount);
    std::shared_future<Compiled> pending;
    std::promise<Compiled> mine;
    bool compileHere = false;
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = cache.find(key);
      if (it == cache.end()) {
        pending = mine.get_future().share();
        cache.emplace(key, pending);
        compileHere = true;
      } else {
        pending = it->second;
      }
    }
    if (compileHere) {
      Compiled result;
      result.code =
          CompiledGroup::compile(group, int64_t(runCount), result.error, energyProbes, loops);
      if (result.code) {
        std::lock_guard<std::mutex> lock(mutex);
        seconds += result.code->compileSeconds();
        ++compiled;
      }
      mine.set_value(std::move(result));
    }
    const Compiled &result = pending.get();
    if (!result.code)
      error = result.error;
    return result.code;
  }

  /// The chunks trainSweep makes (runsPerProgram, then the remainder), each
  /// chunk size of each structure compiled once.
  size_t programsToCompile(const SweepJob &job) const override {
    std::set<std::string> keys;
    for (const GroupSpec &group : job.groups) {
      size_t runs = group.runs.size();
      if (runs == 0)
        continue;
      size_t per = std::min(runs, std::max<size_t>(1, runsPerProgram(job, group)));
      keys.insert(codeKey(group, per));
      if (runs % per)
        keys.insert(codeKey(group, runs % per));
    }
    return keys.size();
  }

  double compileSeconds() const override {
    std::lock_guard<std::mutex> lock(mutex);
    return seconds;
  }
  size_t programsCompiled() const override {
    std::lock_guard<std::mutex> lock(mutex);
    return compiled;
  }

private:
  struct Compiled {
    std::shared_ptr<const CompiledGroup> code;
    std::string error;
  };
  size_t chunks, forcedRuns;
  bool energyProbes;
  CpuLoops loops;
  CacheSize l2;
  mutable std::mutex mutex;
  std::map<std::string, std::shared_future<Compiled>> cache;
  double seconds = 0;
  size_t compiled = 0;
};
} // namespace

std::unique_ptr<Backend> sweep::createCpuBackend(size_t chunksPerGroup, size_t runsPerProgram,
                                                 bool energyProbes, CpuLoops loops) {
  // Compiled steps allocate and free their activation buffers every call. With
  // glibc's defaults, blocks over 32 MiB (large groups) come from mmap and go
  // back with munmap each time: page faults on every step. Keep them in the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  return std::make_unique<CpuBackend>(chunksPerGroup, runsPerProgram, energyProbes, loops);
}
