//===- CompiledProgram.h - generated group code behind the group ABI -*- C++ -*-===//
//
// Every compiled backend (the CPU JIT, the GPU JIT, the code linked into a
// `sweepc build` executable) produces the same thing for a group and a run
// count: two entry points, @train_step and @evaluate, taking MLIR's packed
// memref descriptors in the order lib/MLIRGen/TrainProgram.h documents. One
// GroupProgram drives all of them: it owns the parameters and optimizer state
// with their leading run axis, fills the per-step hyperparameters and dropout
// masks, and sums the loss rows. Where the buffers live is a BufferSpace:
// host memory for CPU code, device memory for GPU code (inputs are copied in
// before each call, outputs copied out after). Plain C++: no LLVM, no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_COMPILEDPROGRAM_H
#define SWEEP_RUNTIME_EXEC_COMPILEDPROGRAM_H

#include "runtime/exec/CopyQueue.h"
#include "runtime/exec/GroupProgram.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sweep {

/// The hyperparameter tensors @train_step takes for `optimizer`, in order.
std::vector<const char *> trainStepHypers(OptimizerKind optimizer);

/// Optimizer state tensors per parameter: 1 for sgd, 2 for adam and adamw.
int64_t optimizerSlots(OptimizerKind optimizer);

/// Generated code for one group at one run count.
class GroupCode {
public:
  virtual ~GroupCode() = default;
  virtual void trainStep(void **packedArgs) const = 0;
  virtual void evaluate(void **packedArgs) const = 0;
  /// The phase table: the probes the code calls index it. Code without probe
  /// calls (GPU code: kernels cannot call the host) sets countsCalls(), and
  /// the program counts each of a function's phases once per call instead.
  virtual const std::vector<PhaseCost> &phases() const = 0;
  virtual bool countsCalls() const { return false; }
  /// Whether the code sums each run's loss and squared-error rows itself
  /// (lib/MLIRGen/TrainProgram.h, rowSums): [R] results instead of [R, n].
  virtual bool sumsRows() const { return false; }
  /// Whether the code was loaded from the compile cache instead of compiled
  /// (codegen/cpu/CompileCache.h).
  virtual bool fromCompileCache() const { return false; }
};

/// Where a program's buffers live. Copies take any pair of pointers of this
/// space and the host (CUDA's unified addressing tells them apart).
class BufferSpace {
public:
  virtual ~BufferSpace() = default;
  /// Null (and an error kept) when the space has no room.
  virtual void *allocate(size_t bytes) = 0;
  virtual void release(void *pointer) = 0;
  virtual void copy(void *to, const void *from, size_t bytes) = 0;
  /// Sets `bytes` at `to` to zero (on the host, memset; elsewhere, copies
  /// from a block of zeros).
  virtual void zero(void *to, size_t bytes);
  /// Whether the code reads and writes host memory: then inputs are passed
  /// as they are and outputs written in place, without copies.
  virtual bool isHost() const = 0;
  /// The first failure since the last call ("" when none).
  virtual std::string takeError() { return ""; }
  /// The host spent `seconds` on `what` for a program in this space, outside
  /// its copies and calls (the GPU's launch profile lists it beside them).
  virtual void hostWork(const std::string &what, double seconds) {}
  /// A queue for copies to this space that the host does not wait for
  /// (minibatches copied ahead); by default one that copies at once.
  virtual std::unique_ptr<CopyQueue> copyQueue() { return synchronousCopyQueue(*this); }
  /// All the memory there is to allocate from (host memory by default).
  virtual MemoryLimit capacity() { return hostMemoryLimit(); }
  /// What is free to allocate now, when the space can say (a GPU's driver
  /// can); false otherwise (the host's: capacity() bounds it).
  virtual bool freeBytes(uint64_t &bytes) { return false; }
};

/// Host memory (64-byte aligned), for CPU code.
BufferSpace &hostBufferSpace();

/// Compiled code for the group at another run count (a backend's cache), for
/// gather; null with `error` when there is none.
using CodeForRuns =
    std::function<std::shared_ptr<const GroupCode>(size_t runs, std::string &error)>;

/// A program for `runs` of `group` running `code`, its buffers in `space`.
std::unique_ptr<GroupProgram> createCompiledProgram(const GroupSpec &group,
                                                    std::vector<const RunSpec *> runs,
                                                    std::shared_ptr<const GroupCode> code,
                                                    CodeForRuns codeForRuns, BufferSpace &space);

/// What generated code depends on: the group's structure and the run count
/// (not the GroupSpec's address, which a caller may reuse). Backends key
/// their caches by it, and `sweepc build` its table of linked code.
std::string groupCodeKey(const GroupSpec &group, size_t runs);
/// A groupCodeKey's parts: the group's structure (what follows the run
/// count), and the run count.
inline std::string groupCodeStructure(const std::string &key) {
  return key.substr(key.find(':'));
}
inline size_t groupCodeRuns(const std::string &key) {
  return size_t(std::stoull(key.substr(0, key.find(':'))));
}

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_COMPILEDPROGRAM_H
